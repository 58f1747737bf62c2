"""The vendored Windmill OpenAPI spec, turned into routes and JSON Schema validators.

The API spec refers to the OpenFlow schemas as `../../openflow.openapi.yaml#/...`; that file is
vendored as `openflow-1.743.0.openapi.yaml` beside it. Both documents are merged into one root
(`#/components/...` for the API, `#/openflow/components/...` for OpenFlow) and OpenAPI 3.0 is
turned into JSON Schema 2020-12: `nullable` becomes a null type, `discriminator` is dropped (each
branch of those `oneOf` already pins its `type` with an enum), boolean exclusive bounds become
numbers.
"""

import datetime
import hashlib
import json
import os
import re
import threading
import uuid
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import yaml

API_FILE = "windmill-api.openapi.yaml"
OPENFLOW_FILE = "openflow-1.743.0.openapi.yaml"
OPENFLOW_REF = "../../openflow.openapi.yaml#"
METHODS = ("get", "post", "put", "patch", "delete")

# Query parameters the server reads although the spec does not list them (WINDMILL-REMOTE.md
# sections 3, 6, 7 and 10). A client sending them is not out of spec for this stand-in.
UNDOCUMENTED_QUERY = {
    "createScript": {"skip_if_noop"},
    "listCompletedJobs": {"include_args", "created_after", "created_before"},
    "listJobs": {"include_args", "page"},
    "getCompletedJobResult": {"json_path"},
}


def _load_documents(spec_dir):
    """Both documents, parsed; the parse is kept as JSON in __pycache__ beside this file, keyed by the
    files' contents (YAML takes seconds to parse, JSON a tenth of one)."""
    texts = [(spec_dir / name).read_bytes() for name in (API_FILE, OPENFLOW_FILE)]
    key = hashlib.sha256(b"\0".join(texts)).hexdigest()[:16]
    cache = Path(__file__).resolve().parent / "__pycache__" / f"spec-{key}.json"
    try:
        return tuple(json.loads(cache.read_text()))
    except (OSError, ValueError):
        pass
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    docs = json.loads(json.dumps([yaml.load(t, Loader=loader) for t in texts], default=str))
    try:
        cache.parent.mkdir(exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(docs))
        tmp.replace(cache)
    except OSError:
        pass  # a read-only checkout parses the YAML each time
    return tuple(docs)


def _convert(node, openflow):
    """OpenAPI 3.0 schema → JSON Schema 2020-12, with references rewritten into the merged root."""
    if isinstance(node, list):
        return [_convert(n, openflow) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref":
            if value.startswith(OPENFLOW_REF):
                value = "#/openflow" + value[len(OPENFLOW_REF):]
            elif value.startswith("#/") and openflow:
                value = "#/openflow" + value[1:]
            elif not value.startswith("#/"):
                raise ValueError(f"unresolvable reference {value}")
            out[key] = value
        elif key in ("discriminator", "nullable", "example", "xml", "externalDocs"):
            continue
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and bound in node:
                out[key] = node[bound]
        elif key in ("properties", "patternProperties", "$defs", "definitions"):
            out[key] = {k: _convert(v, openflow) for k, v in value.items()}
        else:
            out[key] = _convert(value, openflow)
    if isinstance(node.get("exclusiveMinimum"), bool) and node.get("exclusiveMinimum"):
        out.pop("minimum", None)
    if isinstance(node.get("exclusiveMaximum"), bool) and node.get("exclusiveMaximum"):
        out.pop("maximum", None)
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = list(out["enum"]) + [None]
        else:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


def _check_datetime(value):
    if not isinstance(value, str):
        return True
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return "T" in value
    except ValueError:
        return False


def _check_uuid(value):
    if not isinstance(value, str):
        return True
    try:
        uuid.UUID(value)
        return len(value) == 36
    except ValueError:
        return False


FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("date-time")(_check_datetime)
FORMATS.checks("uuid")(_check_uuid)


def _correct(root):
    """Corrections to the spec where the server (and the files its wmill CLI writes) differ from it.

    Each one is seen in flows pulled from real servers (Tests/Fixtures/windmill-flows) or named in
    WINDMILL-REMOTE.md; README.md lists them.
    """
    api = root["components"]["schemas"]
    flow = root["openflow"]["components"]["schemas"]
    # FlowPreview's `required` names a `content` field that does not exist (WINDMILL-REMOTE.md section 5).
    api["FlowPreview"]["required"] = [f for f in api["FlowPreview"].get("required", []) if f != "content"]
    # A step timeout and a loop parallelism written as plain numbers, the older form the server still reads.
    module = flow["FlowModule"]["properties"]
    module["timeout"] = {"anyOf": [module["timeout"], {"type": "number"}]}
    for loop in ("ForloopFlow", "WhileloopFlow"):
        props = flow[loop]["properties"]
        props["parallelism"] = {"anyOf": [props["parallelism"], {"type": "integer"}]}
    # Exponential retry as the flow editor saves it when unused: `seconds: 0`, `random_factor: null`.
    expo = flow["Retry"]["properties"]["exponential"]["properties"]
    expo["seconds"].pop("minimum", None)
    expo["random_factor"]["type"] = ["integer", "null"]
    # `tag_override: null` on a script step.
    flow["PathScript"]["properties"]["tag_override"]["type"] = ["string", "null"]


class Operation:
    def __init__(self, op_id, method, template, op, path_params):
        self.id = op_id
        self.method = method.upper()
        self.template = template
        self.op = op
        self.public = op.get("security") == [] or op_id == "backendVersion"
        self.parameters = path_params + op.get("parameters", [])
        # Every parameter of the spec's paths is a whole segment; the last one, at the end, takes the rest
        # of the path with its slashes (`/jobs/run/f/{path}`).
        self.segments = template.strip("/").split("/")
        self.literal = len(re.sub(r"\{\w+\}", "", template))

    def match(self, parts):
        """The path parameters when the segments of a path under /api fit this operation, else None."""
        segs = self.segments
        tail = segs[-1].startswith("{")
        if len(parts) < len(segs) or (len(parts) > len(segs) and not tail):
            return None
        params = {}
        for i, seg in enumerate(segs):
            if seg.startswith("{"):
                value = "/".join(parts[i:]) if tail and i == len(segs) - 1 else parts[i]
                if not value:
                    return None
                params[seg[1:-1]] = unquote(value)
            elif seg != parts[i]:
                return None
        return params


class Spec:
    """Routes and schema checks of the vendored spec."""

    def __init__(self, spec_dir):
        api, openflow = _load_documents(Path(spec_dir))
        self.version = api["info"]["version"]
        self.parameters = api["components"].get("parameters", {})
        self.root = {
            "components": {"schemas": _convert(api["components"]["schemas"], False)},
            "openflow": {"components": {"schemas": _convert(openflow["components"]["schemas"], True)}},
            "ops": {},
        }
        _correct(self.root)
        self.operations = []
        for template, item in api["paths"].items():
            shared = item.get("parameters", [])
            for method in METHODS:
                if method in item:
                    op = item[method]
                    self.operations.append(Operation(op["operationId"], method, template, op, shared))
        self.operations.sort(key=lambda o: -o.literal)
        self._validators = {}
        self._lock = threading.Lock()

    def route(self, method, path):
        """The operation for a request path (under /api) and its decoded path parameters."""
        if not path.startswith("/api/"):
            return None, None
        parts = path[len("/api/"):].split("/")
        same_path = None
        for op in self.operations:
            params = op.match(parts)
            if params is not None:
                if op.method == method:
                    return op, params
                same_path = same_path or op
        return None, same_path

    def param(self, p):
        if "$ref" in p:
            return self.parameters[p["$ref"].split("/")[-1]]
        return p

    def _validator(self, key, schema):
        key = re.sub(r"[^A-Za-z0-9_.-]", "_", key)
        with self._lock:
            v = self._validators.get(key)
            if v is None:
                self.root["ops"][key] = _convert(schema, False)
                doc = dict(self.root)
                doc["$ref"] = "#/ops/" + key
                v = jsonschema.Draft202012Validator(doc, format_checker=FORMATS)
                self._validators[key] = v
            return v

    def errors(self, key, schema, value):
        """Messages of every way value breaks schema (empty when it fits)."""
        v = self._validator(key, schema)
        out = []
        for e in sorted(v.iter_errors(value), key=lambda e: list(e.absolute_path)):
            out.extend(_explain(e))
        return out

    def check_query(self, op, query):
        """Problems with the query parameters of a request: unknown names, values of the wrong type."""
        declared = {}
        for p in op.parameters:
            p = self.param(p)
            if p.get("in") == "query":
                declared[p["name"]] = p.get("schema", {})
        problems = []
        for name, values in query.items():
            if name not in declared:
                if name not in UNDOCUMENTED_QUERY.get(op.id, ()):
                    problems.append(f"query parameter {name!r} is not in the spec of {op.id}")
                continue
            schema = declared[name]
            for raw in values:
                bad = _query_type_error(schema, raw)
                if bad:
                    problems.append(f"query parameter {name}={raw!r}: {bad}")
        return problems


def _explain(error, depth=0):
    """Readable messages for an error; for oneOf/anyOf, those of the branch the value meant to be."""
    if error.context and depth < 8:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)

        def tag_mismatch(errs):
            return any(list(e.relative_path)[-1:] == ["type"] and e.validator in ("enum", "const")
                       for e in errs)

        candidates = [errs for errs in branches.values() if not tag_mismatch(errs)] or list(branches.values())
        errs = min(candidates, key=len)
        out = []
        for sub in errs:
            out.extend(_explain(sub, depth + 1))
        return out
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    msg = error.message
    if len(msg) > 300:
        msg = msg[:300] + "…"
    return [f"at {where}: {msg}"]


def _query_type_error(schema, raw):
    t = schema.get("type")
    if t == "boolean" and raw not in ("true", "false"):
        return "not a boolean (true|false)"
    if t == "integer" and not re.fullmatch(r"-?\d+", raw):
        return "not an integer"
    if t == "number":
        try:
            float(raw)
        except ValueError:
            return "not a number"
    if "enum" in schema and raw not in schema["enum"]:
        return f"not one of {schema['enum']}"
    fmt = schema.get("format")
    if fmt == "uuid" and not _check_uuid(raw):
        return "not a UUID"
    if fmt == "date-time" and not _check_datetime(raw):
        return "not an RFC 3339 date-time"
    return None
