"""Runs Windmill scripts as Windmill does: arguments by name onto main's parameters, main's
return value as JSON. stdout and stderr stay the script's own log.

`harness.py SCRIPT`: one step; the outcome goes to the file named by HOPS_RESULT_FILE as
{"result": ...} or {"error": {name, message, stack}}, with a non-zero exit on an error.
`harness.py --serve`: a warm process; steps arrive as JSON lines on descriptor 3, outcomes leave
as JSON lines on descriptor 4 (see stdlib/README.md)."""

import importlib.util
import json
import os
import sys
import types


def client():
    """The wmill stand-in if the step's script imported it: a step that does not pays nothing for it."""
    return sys.modules.get("wmill")


def used_secrets():
    """The secrets the step read through wmill (as their references)."""
    loaded = client()
    return loaded.used_secrets() if loaded else []


def thrown(error):
    import traceback

    return failure(type(error).__name__, str(error), traceback.format_exc())


def failure(name, message, stack=""):
    return {"error": {"name": name, "message": message, "stack": stack}}


def load(path):
    """A new module object for the script: top-level state never carries over between steps."""
    directory = os.path.dirname(os.path.abspath(path))
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location("hops_script", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(main, args):
    """main called with the arguments it names (all of them when it takes **kwargs), read from
    its code object: `inspect` costs more to import than a trivial step takes to run."""
    function = main
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    code = getattr(function, "__code__", None)
    if code is None or code.co_flags & 0x08:  # not plain Python, or CO_VARKEYWORDS
        return main(**args)
    names = set(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    return main(**{name: value for name, value in args.items() if name in names})


def run_step(script, args):
    """The outcome of one step: {"result": ...} or {"error": ...}."""
    try:
        module = load(script)
    except BaseException as error:  # noqa: BLE001 - a script's failure, whatever it is, is reported
        return thrown(error)
    entry = getattr(module, "main", None)
    if not callable(entry):
        return failure("MissingMain", f"{script} does not define a function named main")
    try:
        result = call(entry, args)
        if isinstance(result, types.CoroutineType):
            import asyncio

            result = asyncio.run(result)
    except BaseException as error:  # noqa: BLE001
        return thrown(error)
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as error:
        return failure("ResultError", f"the result of main is not JSON-serialisable: {error}")
    return {"result": result}


def run_once(script):
    try:
        with open(os.environ["HOPS_ARGS_FILE"], encoding="utf-8") as handle:
            args = json.load(handle)
    except Exception as error:  # noqa: BLE001 - any failure here is reported the same way
        outcome = failure("ArgumentError", f"could not read the arguments: {error}")
    else:
        outcome = run_step(script, args)
    outcome["secrets_used"] = used_secrets()
    with open(os.environ["HOPS_RESULT_FILE"], "w", encoding="utf-8") as handle:
        json.dump(outcome, handle)
    sys.stdout.flush()
    sys.stderr.flush()
    if "error" in outcome:
        os._exit(1)


def reset_process(folder, wanted):
    """Sets the working folder and the environment back to `folder` and `wanted` before a step, as a
    process of its own would have them: a step's os.chdir or os.environ change does not reach the next."""
    try:
        if os.getcwd() != folder:
            os.chdir(folder)
    except OSError:
        pass  # the folder is gone: the step runs where it is
    for name in [name for name in os.environ if name not in wanted]:
        del os.environ[name]
    for name, value in wanted.items():
        if os.environ.get(name) != value:
            os.environ[name] = value


def serve():
    folder = os.getcwd()
    environment = dict(os.environ)
    responses = os.fdopen(4, "w", encoding="utf-8")

    def respond(value):
        responses.write(json.dumps(value) + "\n")
        responses.flush()

    respond({"ready": True, "version": "Python " + sys.version.split()[0], "executable": sys.executable})
    for line in os.fdopen(3, encoding="utf-8"):
        request = json.loads(line)
        reset_process(folder, {**environment, **(request.get("env") or {})})
        loaded = client()
        if loaded:
            loaded.clear_used_secrets()
        outcome = run_step(request["script"], request.get("args") or {})
        outcome["secrets_used"] = used_secrets()
        marker = request["marker"].encode()
        output_closed = False
        try:
            for stream, descriptor in ((sys.stdout, 1), (sys.stderr, 2)):
                stream.flush()
                os.write(descriptor, marker)
        except (OSError, ValueError):
            # The step closed its stdout or stderr: the next step's output could not be told from
            # it. Both are closed, which tells hops to let this process go after the outcome.
            output_closed = True
            for descriptor in (1, 2):
                try:
                    os.close(descriptor)
                except OSError:
                    pass
        respond(outcome)
        if output_closed:
            os._exit(0)
    os._exit(0)


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve()
    else:
        run_once(sys.argv[1])
