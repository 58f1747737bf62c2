"""Runs one Windmill script as Windmill does: arguments by name onto main's parameters,
main's return value as JSON. stdout and stderr stay the script's own log; the outcome goes to
the file named by HOPS_RESULT_FILE as {"result": ...} or {"error": {name, message, stack}}."""

import importlib.util
import inspect
import json
import os
import sys
import traceback

import wmill


def write_outcome(outcome):
    outcome["secrets_used"] = wmill.used_secrets()
    with open(os.environ["HOPS_RESULT_FILE"], "w", encoding="utf-8") as handle:
        json.dump(outcome, handle)


def fail(name, message, stack=""):
    write_outcome({"error": {"name": name, "message": message, "stack": stack}})
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)


def load(path):
    directory = os.path.dirname(os.path.abspath(path))
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location("hops_script", path)
    if spec is None or spec.loader is None:
        fail("ImportError", f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(main, args):
    parameters = inspect.signature(main).parameters.values()
    if any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters):
        return main(**args)
    names = {p.name for p in parameters if p.kind != inspect.Parameter.VAR_POSITIONAL}
    return main(**{name: value for name, value in args.items() if name in names})


def main():
    script = sys.argv[1]
    try:
        with open(os.environ["HOPS_ARGS_FILE"], encoding="utf-8") as handle:
            args = json.load(handle)
    except Exception as error:  # noqa: BLE001 - any failure here is reported the same way
        fail("ArgumentError", f"could not read the arguments: {error}")
    try:
        module = load(script)
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001
        fail(type(error).__name__, str(error), traceback.format_exc())
    entry = getattr(module, "main", None)
    if not callable(entry):
        fail("MissingMain", f"{script} does not define a function named main")
    try:
        result = call(entry, args)
        if inspect.iscoroutine(result):
            import asyncio

            result = asyncio.run(result)
    except BaseException as error:  # noqa: BLE001
        fail(type(error).__name__, str(error), traceback.format_exc())
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as error:
        fail("ResultError", f"the result of main is not JSON-serialisable: {error}")
    write_outcome({"result": result})


if __name__ == "__main__":
    main()
