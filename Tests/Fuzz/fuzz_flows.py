#!/usr/bin/env python3
"""Fuzzes hops's flow loader, checker and dry-run with mutated real flows.

Every input is a real flow of the repository (seed flows and wmill flow folders under windmill/
and Tests/, now and then with one of its inline scripts) changed by one or more mutations: byte flips, deleted, duplicated and swapped lines,
truncation, re-indentation, lines spliced from other flows, YAML alias bombs, deep nesting of
YAML, of expressions and of loop modules, hostile `!inline` names, and subflows that call
themselves or each other. Each input is given to `hops check`, `hops dry-run` and `hops flow show`
(by a relative or an absolute path, of the flow file or its folder) in a process of its own, with
a time limit and an address-space limit, so that a crash shows as a signal exit, a hang as the
time limit, and runaway memory as the peak resident size (from wait4).

Usage: fuzz_flows.py --hops BINARY [--seed N] [--count N] [--timeout S] [--keep DIR] [--json]
Exit status 0 when no input crashed, hung or passed the memory bound; 1 otherwise.
"""

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Bytes a flip writes: YAML's structural characters, quotes, expression brackets, and a few others.
INTERESTING = b":-[]{}'\"&*!|>%@`#,?\n\t \\$.()0~\x00\xff\xc3"
MEMORY_BOUND_KB = 1024 * 1024  # resident size above 1 GiB counts as unbounded
ADDRESS_SPACE_LIMIT = 16 * 1024 ** 3


def corpus():
    """The real flows: (kind, path) with kind 'seed' (a file) or 'wmill' (a flow folder)."""
    found = []
    for top in ("windmill", "Tests"):
        for folder, folders, files in os.walk(os.path.join(REPOSITORY, top)):
            folders[:] = sorted(name for name in folders if not name.startswith(".") and name != "node_modules")
            if "flow.yaml" in files and (folder.endswith(".flow") or folder.endswith("__flow")):
                found.append(("wmill", folder))
                folders[:] = []
                continue
            parts = os.path.relpath(folder, REPOSITORY).split(os.sep)
            if "flows" in parts:
                for name in sorted(files):
                    if name.endswith((".yaml", ".yml")):
                        found.append(("seed", os.path.join(folder, name)))
    return found


class Mutator:
    def __init__(self, rng, texts):
        self.rng = rng
        self.texts = texts

    def lines(self, data):
        return data.split(b"\n")

    def flip(self, data):
        data = bytearray(data)
        for _ in range(self.rng.randint(1, 4)):
            if not data:
                break
            position = self.rng.randrange(len(data))
            data[position] = self.rng.choice(INTERESTING) if self.rng.random() < 0.7 else self.rng.randrange(256)
        return bytes(data), "byte flips"

    def delete_lines(self, data):
        lines = self.lines(data)
        start = self.rng.randrange(len(lines))
        del lines[start:start + self.rng.randint(1, 3)]
        return b"\n".join(lines), "deleted lines"

    def duplicate_line(self, data):
        lines = self.lines(data)
        start = self.rng.randrange(len(lines))
        count = self.rng.randint(1, 6)
        lines[start:start] = lines[start:start + count]
        return b"\n".join(lines), "duplicated lines"

    def swap_lines(self, data):
        lines = self.lines(data)
        a, b = self.rng.randrange(len(lines)), self.rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return b"\n".join(lines), "swapped lines"

    def truncate(self, data):
        return data[: self.rng.randrange(len(data) + 1)], "truncated"

    def reindent(self, data):
        lines = self.lines(data)
        for _ in range(self.rng.randint(1, 3)):
            index = self.rng.randrange(len(lines))
            line = lines[index]
            stripped = line.lstrip(b" ")
            indent = len(line) - len(stripped)
            choice = self.rng.random()
            if choice < 0.4:
                indent += self.rng.randint(1, 4)
            elif choice < 0.8:
                indent = max(0, indent - self.rng.randint(1, 4))
            else:
                lines[index] = b"\t" + stripped
                continue
            lines[index] = b" " * indent + stripped
        return b"\n".join(lines), "re-indented"

    def splice(self, data):
        lines = self.lines(data)
        other = self.lines(self.rng.choice(self.texts))
        start = self.rng.randrange(len(other))
        piece = other[start:start + self.rng.randint(1, 8)]
        at = self.rng.randrange(len(lines) + 1)
        lines[at:at] = piece
        return b"\n".join(lines), "spliced lines of another flow"

    def alias_bomb(self, data):
        levels = self.rng.randint(6, 12)
        bomb = [b"x-bomb0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in range(1, levels):
            refs = b", ".join([b"*a%d" % (level - 1)] * 9)
            bomb.append(b"x-bomb%d: &a%d [%s]" % (level, level, refs))
        use = self.rng.choice([b"summary: *a%d" % (levels - 1), b"x-use: *a%d" % (levels - 1), b""])
        return b"\n".join(bomb) + b"\n" + data + b"\n" + use + b"\n", "alias bomb (%d levels)" % levels

    def deep_yaml(self, data):
        depth = self.rng.choice([500, 5000, 50000])
        if self.rng.random() < 0.5:
            value = b"[" * depth + b"]" * depth
        else:
            value = b"{a: " * depth + b"1" + b"}" * depth
        return data + b"\nx-deep: " + value + b"\n", "YAML nested %d deep" % depth

    def deep_expression(self, data):
        depth = self.rng.choice([200, 2000, 20000])
        expression = b"(" * depth + b"1" + b")" * depth
        if self.rng.random() < 0.5:
            expression = b"[" * depth + b"]" * depth
        if b"${{" in data:
            start = data.index(b"${{")
            end = data.find(b"}}", start)
            if end > 0:
                return data[:start] + b"${{ " + expression + b" }}" + data[end + 2:], "expression nested %d deep" % depth
        if b"expr: " in data:
            start = data.index(b"expr: ") + len(b"expr: ")
            end = data.find(b"\n", start)
            return data[:start] + b"'" + expression + b"'" + data[end:], "expression nested %d deep" % depth
        return self.deep_yaml(data)

    def hostile_inline(self, data):
        name = self.rng.choice([
            b"../../../../../../etc/passwd", b"/etc/hostname", b"", b"../x.ts", b"a/../../b.ts", b"\x00x", b".",
            b"/proc/self/mem", b"/dev/zero",
        ])
        if b"!inline " in data:
            start = data.index(b"!inline ") + len(b"!inline ")
            end = min(i for i in (data.find(b"'", start), data.find(b"\n", start), len(data)) if i >= 0)
            return data[:start] + name + data[end:], "!inline %r" % name
        return data + b"\nx-inline: !inline " + name + b"\n", "!inline %r" % name

    def long_value(self, data):
        return data + b"\ndescription: '" + b"x" * self.rng.choice([10 ** 5, 10 ** 6]) + b"'\n", "long value"

    OPERATIONS = [
        (flip, 6), (delete_lines, 3), (duplicate_line, 3), (swap_lines, 2), (truncate, 2), (reindent, 3),
        (splice, 2), (alias_bomb, 1), (deep_yaml, 1), (deep_expression, 1), (hostile_inline, 1), (long_value, 1),
    ]

    def mutate(self, data):
        operations = [operation for operation, weight in self.OPERATIONS for _ in range(weight)]
        descriptions = []
        for _ in range(self.rng.choice([1, 1, 1, 2, 3])):
            data, description = self.rng.choice(operations)(self, data if data else b"\n")
            descriptions.append(description)
        return data, descriptions


def generated_cases(rng):
    """Inputs made from scratch: loops nested deep, subflows that call themselves or each other."""
    cases = []
    depth = rng.choice([50, 300, 3000])
    module = "{id: leaf, value: {type: identity}}"
    for level in range(depth):
        module = "{id: l%d, value: {type: forloopflow, iterator: {type: javascript, expr: '[1]'}, modules: [%s]}}" % (level, module)
    cases.append(("loops nested %d deep" % depth, {"f/fuzz/deep.flow/flow.yaml": "summary: deep\nvalue:\n  modules: [%s]\n" % module,
                                                   "wmill.yaml": "defaultTs: deno\n"}, "f/fuzz/deep.flow", False))

    def calling(name, target):
        return ("summary: %s\nvalue:\n  modules:\n    - id: first\n      value: {type: identity}\n"
                "    - id: again\n      value:\n        type: flow\n        path: f/fuzz/%s\n        input_transforms: {}\n"
                "schema: {type: object, properties: {}}\n" % (name, target))

    simple = "summary: simple\nvalue:\n  modules:\n    - id: a\n      value: {type: identity}\n"
    bomb, bomb_description = Mutator(rng, []).alias_bomb(simple.encode())
    cases.append((bomb_description, {"f/fuzz/bomb.flow/flow.yaml": bomb}, "f/fuzz/bomb.flow", False))
    cases.append(("YAML nested 50000 deep", {"f/fuzz/nested.flow/flow.yaml": simple + "x-deep: " + "[" * 50000 + "]" * 50000 + "\n"},
                  "f/fuzz/nested.flow", False))
    cases.append(("a subflow that calls itself", {"f/fuzz/self.flow/flow.yaml": calling("self", "self"), "wmill.yaml": "defaultTs: deno\n"},
                  "f/fuzz/self.flow", True))
    cases.append(("two flows that call each other", {"f/fuzz/ping.flow/flow.yaml": calling("ping", "pong"),
                                                     "f/fuzz/pong.flow/flow.yaml": calling("pong", "ping"), "wmill.yaml": "defaultTs: deno\n"},
                  "f/fuzz/ping.flow", True))
    return cases


class Runner:
    def __init__(self, hops, timeout, scratch):
        self.hops = hops
        self.timeout = timeout
        self.environment = dict(os.environ)
        self.environment.update({"NO_COLOR": "1", "HOPS_HOME": os.path.join(scratch, "home"), "SWIFT_BACKTRACE": "enable=no"})

    def run(self, arguments, cwd, backtrace=False):
        """(kind, detail, peak resident KB): kind is ok, crash or hang."""
        environment = dict(self.environment, HOPS_STORE=os.path.join(cwd, ".fuzz-store.db"))
        if backtrace:
            environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no"
        with tempfile.TemporaryFile() as errors:
            def limits():
                resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

            process = subprocess.Popen([self.hops] + arguments, cwd=cwd, env=environment, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True, preexec_fn=limits)
            hung = threading.Event()

            def expire():
                hung.set()
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

            timer = threading.Timer(self.timeout * (12 if backtrace else 1), expire)
            timer.start()
            _, status, usage = os.wait4(process.pid, 0)
            timer.cancel()
            process.returncode = status
            errors.seek(0)
            stderr = errors.read().decode("utf-8", "replace")
        peak = usage.ru_maxrss
        if hung.is_set():
            return "hang", "no exit after %ss" % self.timeout, peak
        if os.WIFSIGNALED(status):
            return "crash", "signal %d (%s)\n%s" % (os.WTERMSIG(status), signal.Signals(os.WTERMSIG(status)).name, stderr[-6000:]), peak
        return "ok", "exit %d" % os.WEXITSTATUS(status), peak


def write_case(folder, files):
    for relative, content in files.items():
        path = os.path.join(folder, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content if isinstance(content, bytes) else content.encode())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hops", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--keep", help="copy failing inputs into this folder")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    hops = os.path.abspath(options.hops)
    rng = random.Random(options.seed)
    flows = corpus()
    if not flows:
        print("error: no flows found under windmill/ and Tests/", file=sys.stderr)
        return 2
    texts = []
    for kind, path in flows:
        with open(os.path.join(path, "flow.yaml") if kind == "wmill" else path, "rb") as handle:
            texts.append(handle.read())
    mutator = Mutator(rng, texts)
    scratch = tempfile.mkdtemp(prefix="hops-fuzz-")
    runner = Runner(hops, options.timeout, scratch)
    failures = []
    peak = (0, "")
    slowest = (0.0, "")
    runs = 0
    tried = 0

    def exercise(description, folder, target, with_run):
        nonlocal peak, slowest, runs
        # The flow is named as users name it: relative to the current folder or absolute, file or folder.
        absolute = os.path.join(folder, target)
        name = rng.choice([target, "./" + target, absolute, target + "/" if os.path.isdir(absolute) else target])
        cwd = folder
        if rng.random() < 0.2:
            # From a folder beside it, through `..`.
            cwd = os.path.join(folder, "elsewhere")
            os.makedirs(cwd, exist_ok=True)
            name = "../" + target
        commands = [["check", name], ["dry-run", name], ["flow", "show", name]]
        if with_run:
            commands.append(["flow", "run", name])
        for arguments in commands:
            runs += 1
            started = time.monotonic()
            kind, detail, resident = runner.run(arguments, cwd)
            elapsed = time.monotonic() - started
            if elapsed > slowest[0]:
                slowest = (elapsed, "%s: hops %s" % (description, " ".join(arguments)))
            if resident > peak[0]:
                peak = (resident, "%s: hops %s" % (description, " ".join(arguments)))
            if kind == "ok" and resident > MEMORY_BOUND_KB:
                kind, detail = "memory", "peak resident size %d MiB" % (resident // 1024)
            if kind != "ok":
                if kind == "crash":
                    detail = runner.run(arguments, cwd, backtrace=True)[1]
                failures.append({"kind": kind, "input": description, "command": "hops " + " ".join(arguments),
                                 "folder": folder, "cwd": os.path.relpath(cwd, folder), "detail": detail})
                if not options.json:
                    print("%s: %s\n  cd %s && hops %s\n  %s" % (kind.upper(), description, cwd, " ".join(arguments),
                                                              detail.replace("\n", "\n  ")), file=sys.stderr)

    cases = generated_cases(rng)
    for index in range(options.count):
        folder = os.path.join(scratch, "case-%04d" % index)
        if index < len(cases):
            description, files, target, with_run = cases[index]
            write_case(folder, files)
        else:
            choice = rng.randrange(len(flows))
            kind, path = flows[choice]
            mutated, descriptions = mutator.mutate(texts[choice])
            description = "%s (%s)" % (os.path.relpath(path, REPOSITORY), ", ".join(descriptions))
            with_run = False
            if kind == "wmill":
                target = "f/fuzz/" + os.path.basename(path)
                shutil.copytree(path, os.path.join(folder, target))
                write_case(folder, {target + "/flow.yaml": mutated})
                # Now and then an inline script too, for the readers of `main`'s parameters.
                scripts = sorted(name for name in os.listdir(os.path.join(folder, target)) if name.endswith((".ts", ".py", ".sh")))
                if scripts and rng.random() < 0.25:
                    script = rng.choice(scripts)
                    with open(os.path.join(folder, target, script), "rb") as handle:
                        changed, script_descriptions = mutator.mutate(handle.read())
                    write_case(folder, {target + "/" + script: changed})
                    description += "; %s (%s)" % (script, ", ".join(script_descriptions))
                if rng.random() < 0.5:
                    write_case(folder, {"wmill.yaml": "defaultTs: deno\n"})
            else:
                target = "windmill/flows/fuzz/" + os.path.basename(path)
                write_case(folder, {target: mutated})
                os.symlink(os.path.join(REPOSITORY, "windmill", "scripts"), os.path.join(folder, "windmill", "scripts"))
        tried += 1
        exercise(description, folder, target, with_run)
        if not options.json and (index + 1) % 50 == 0:
            print("… %d inputs, %d failures" % (index + 1, len(failures)), file=sys.stderr)

    if options.keep and failures:
        os.makedirs(options.keep, exist_ok=True)
        for number, failure in enumerate(failures):
            destination = os.path.join(options.keep, "failure-%03d" % number)
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(failure["folder"], destination, symlinks=True)
            with open(os.path.join(destination, "FAILURE.txt"), "w") as handle:
                handle.write("%s: %s\n(in %s) %s\n\n%s\n" % (failure["kind"], failure["input"], failure["cwd"], failure["command"],
                                                            failure["detail"]))
            failure["folder"] = destination
    shutil.rmtree(scratch, ignore_errors=True)

    summary = {
        "seed": options.seed, "inputs": tried, "runs": runs,
        "crashes": sum(1 for failure in failures if failure["kind"] == "crash"),
        "hangs": sum(1 for failure in failures if failure["kind"] == "hang"),
        "over_memory": sum(1 for failure in failures if failure["kind"] == "memory"),
        "peak_resident_kb": peak[0], "peak_input": peak[1], "slowest_seconds": round(slowest[0], 2),
        "slowest_input": slowest[1], "failures": failures,
    }
    if options.json:
        print(json.dumps(summary, indent=2))
    else:
        print("fuzz (seed %d): %d inputs tried in %d runs; %d crashes, %d hangs, %d over %d MiB; peak memory %d MiB (%s); "
              "slowest run %.1f s (%s)" % (
                  options.seed, tried, runs, summary["crashes"], summary["hangs"], summary["over_memory"], MEMORY_BOUND_KB // 1024,
                  peak[0] // 1024, peak[1], slowest[0], slowest[1]))
        if failures and options.keep:
            print("failing inputs kept in %s" % options.keep)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
