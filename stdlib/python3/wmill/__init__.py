"""A local stand-in for Windmill's `wmill` client: variables, resources and state come from the
repository (see stdlib/README.md), never from a Windmill server."""

import copy
import json
import tempfile
import os
import re

_used = []


def _context():
    path = os.environ.get("HOPS_CONTEXT_FILE")
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def _candidates(path):
    """`f/a/b/c`, then `a/b/c`, `b/c`, `c`: a Windmill path matches the longest local key."""
    segments = [s for s in re.sub(r"^\$(var|res):", "", path).split("/") if s]
    return ["/".join(segments[i:]) for i in range(len(segments))]


def _environment_name(path):
    return "WM_VAR_" + re.sub(r"[^A-Za-z0-9]", "_", path).upper()


def _read_json(path):
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def _write_json(path, value):
    if not path:
        raise RuntimeError("hops: no state location (HOPS_STATE_FILE is not set)")
    folder = os.path.dirname(path) or "."
    # Every folder made here (.hops/ too) is private: makedirs would give the parents the umask's mode.
    missing = []
    while folder and not os.path.isdir(folder) and folder not in missing:
        missing.append(folder)
        folder = os.path.dirname(folder)
    for created in reversed(missing):
        try:
            os.mkdir(created, 0o700)
        except FileExistsError:
            pass
    folder = os.path.dirname(path) or "."
    # Private (0600) from creation, and whole or not at all: a temporary file renamed over the old one.
    descriptor, temporary = tempfile.mkstemp(prefix=".state-", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(value, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def used_secrets():
    """The paths of the variables and resources read so far, so hops can redact their values."""
    return list(_used)


def clear_used_secrets():
    """Forgets the secrets read so far: a warm harness calls it before each step."""
    _used.clear()


def get_variable(path):
    """The value of a variable: set by set_variable, the environment (WM_VAR_...), or `.env`."""
    overrides = _read_json(os.environ.get("HOPS_VARIABLES_FILE"))
    variables = _context().get("variables", {})
    candidates = _candidates(path)
    for candidate in candidates:
        for found in (
            overrides.get(candidate),
            os.environ.get(_environment_name(candidate)),
            variables.get(candidate),
        ):
            if isinstance(found, str):
                _used.append("$var:" + candidate)
                return found
    last = candidates[-1] if candidates else path
    raise RuntimeError(f"variable not found: {path} (set {_environment_name(last)} or add it to .env)")


def set_variable(path, value):
    """Sets a variable for later runs on this machine (kept under .hops/state/)."""
    file = os.environ.get("HOPS_VARIABLES_FILE")
    overrides = _read_json(file)
    candidates = _candidates(path)
    overrides[candidates[-1] if candidates else path] = value
    _write_json(file, overrides)


def get_resource(path, none_if_undefined=False):
    """The value of a resource, from windmill/resources/<path>.yaml or .json."""
    resources = _context().get("resources", {})
    candidates = _candidates(path)
    for candidate in candidates:
        if candidate in resources:
            _used.append("$res:" + candidate)
            return copy.deepcopy(resources[candidate])
    if none_if_undefined:
        return None
    last = candidates[-1] if candidates else path
    raise RuntimeError(f"resource not found: {path} (no file windmill/resources/{last}.yaml)")


def get_state():
    """The state this script kept from its previous run, or None."""
    path = os.environ.get("HOPS_STATE_FILE")
    return _read_json(path) if path and os.path.exists(path) else None


def set_state(value):
    """Keeps `value` for this script's next run."""
    _write_json(os.environ.get("HOPS_STATE_FILE"), value)


def get_workspace():
    return _context().get("workspace") or os.environ.get("WM_WORKSPACE", "hops")


def get_root_job_id(job_id=None):
    return os.environ.get("WM_ROOT_FLOW_JOB_ID") or os.environ.get("WM_JOB_ID", "")


class Windmill:
    """The object form of the client (`wmill.Windmill().get_variable(...)`)."""

    def get_variable(self, path):
        return get_variable(path)

    def set_variable(self, path, value):
        return set_variable(path, value)

    def get_resource(self, path, none_if_undefined=False):
        return get_resource(path, none_if_undefined)

    def get_state(self):
        return get_state()

    def set_state(self, value):
        return set_state(value)

    def get_workspace(self):
        return get_workspace()


get_internal_state = get_state
set_internal_state = set_state
