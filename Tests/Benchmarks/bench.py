#!/usr/bin/env python3
"""hops benchmarks: each figure side by side with a reference tool from the same run, as a ratio.

Usage: bench.py HOPS_BINARY   (make bench builds the release binary and passes it)
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HOPS = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/hops")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DENO = os.environ.get("HOPS_DENO") or shutil.which("deno") or os.path.join(REPO, "tools/deno/bin/deno")
WORK = tempfile.mkdtemp(prefix="hops-bench-")
rows = []


def walls(commands, repeat=15, environment=None):
    """Median wall times in seconds of each of `commands`, run in turns (one of each, `repeat` times,
    after one warm-up each): a machine that slows down for a while slows them all, not one."""
    for command in commands:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment, check=True)
    times = [[] for _ in commands]
    for _ in range(repeat):
        for index, command in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment, check=True)
            times[index].append(time.perf_counter() - start)
    return [statistics.median(each) for each in times]


def peak_memory(command, repeat=3):
    """The largest resident set (maxrss) of `command` over `repeat` runs, in MiB."""
    peak = 0
    for _ in range(repeat):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, command)
        peak = max(peak, usage.ru_maxrss / 1024)
    return peak


def output(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, check=True, **kwargs).stdout.strip()


def row(group, what, hops_value, unit, reference=None, reference_value=None):
    ratio = f"{hops_value / reference_value:.2f}x" if reference_value else ""
    rows.append((group, what, f"{hops_value:.3g} {unit}", reference or "",
                 f"{reference_value:.3g} {unit}" if reference_value else "", ratio))


def bench_startup():
    hops, sqlite, jq = walls([[HOPS, "-e", "1+1"], ["sqlite3", ":memory:", "select 1+1"], ["jq", "-n", "1+1"]], repeat=30)
    row("start-up", "hops -e '1+1'", hops * 1000, "ms", "sqlite3 :memory: 'select 1+1'", sqlite * 1000)
    row("start-up", "hops -e '1+1'", hops * 1000, "ms", "jq -n '1+1'", jq * 1000)


# 200,000 host objects as JSON, written to the file named by the first argument.
HOSTS_GENERATOR = """
import json, random, sys
generator = random.Random(7)
statuses = ["ok", "warn", "down"]
with open(sys.argv[1], "w") as file:
    json.dump([{"name": f"host-{i}", "cpu": generator.randint(0, 100),
                "status": generator.choice(statuses), "tags": ["a", "b"],
                "memory": {"used": generator.random(), "total": 16}} for i in range(200_000)], file)
"""


def bench_large_data():
    path = os.path.join(WORK, "hosts.json")
    # Written by a child: a process starts with its parent's peak memory as its maxrss (Linux keeps
    # it across fork and exec), so the data made here would be the floor of every figure below.
    subprocess.run([sys.executable, "-c", HOSTS_GENERATOR, path], check=True)
    expression = 'input.filter(h => h.cpu > 50 && h.status !== "ok").map(h => h.name).length'
    jq_filter = '[.[] | select(.cpu > 50 and .status != "ok") | .name] | length'
    script = os.path.join(WORK, "filter.js")
    with open(script, "w") as file:
        file.write("const input = JSON.parse(Deno.readTextFileSync(Deno.args[0]));\n"
                   f"console.log({expression});\n")
    hops_command = [HOPS, "--input", path, "-e", expression]
    jq_command = ["jq", jq_filter, path]
    deno_command = [DENO, "run", "--allow-read", script, path]
    answers = {output(hops_command), output(jq_command), output(deno_command)}
    if len(answers) != 1:
        raise SystemExit(f"large data: tools disagree: {answers}")
    hops, jq, deno = walls([hops_command, jq_command, deno_command], repeat=5)
    row("200k objects", "filter/map over hosts.json", hops * 1000, "ms", "jq", jq * 1000)
    row("200k objects", "filter/map over hosts.json", hops * 1000, "ms", "deno", deno * 1000)
    hops_memory = peak_memory(hops_command)
    row("200k objects", "  peak memory (maxrss)", hops_memory, "MiB", "jq", peak_memory(jq_command))
    row("200k objects", "  peak memory (maxrss)", hops_memory, "MiB", "deno", peak_memory(deno_command))


def bench_in_process():
    expression = '(origin === "MOW" || country === "RU") && (value >= 100 || adults === 1)'
    program = (f'let origin = "MOW"\nlet country = "RU"\nlet value = 100\nlet adults = 1\n'
               f':time {expression}\n')
    text = output([HOPS], input=program)
    match = re.search(r"([\d.]+)\s*(ns|µs|us|ms)", text)
    if not match:
        raise SystemExit(f"in process: cannot read :time output: {text!r}")
    nanoseconds = float(match.group(1)) * {"ns": 1, "µs": 1e3, "us": 1e3, "ms": 1e6}[match.group(2)]
    script = os.path.join(WORK, "loop.js")
    with open(script, "w") as file:
        file.write("const f = (origin, country, value, adults) => "
                   f"{expression};\n"
                   "let hits = 0; const n = 20_000_000; const start = performance.now();\n"
                   "for (let i = 0; i < n; i++) if (f('MOW', i % 2 ? 'RU' : 'FR', i % 200, 1)) hits++;\n"
                   "console.log((performance.now() - start) * 1e6 / n, hits);\n")
    deno = float(output([DENO, "run", script]).split()[0])
    row("in process", "compiled expression, per evaluation", nanoseconds, "ns", "deno (JIT)", deno)
    row("in process", "compiled expression, per evaluation", nanoseconds, "ns", "cel-go (published)", 91)


def flow_environment():
    """The environment of a benchmarked flow run: a store in WORK, hops's deno and stdlib."""
    environment = dict(os.environ)
    environment.update({"HOPS_STORE": os.path.join(WORK, "flows.db"), "HOPS_DENO": DENO,
                        "HOPS_STDLIB": os.path.join(REPO, "stdlib")})
    return environment


def write_flow_tree():
    """WORK/flowtree: a trivial Deno script, a trivial python3 script, flows that run them, and
    the same scripts called by hand the way the harness calls them (import, call main, print JSON)."""
    root = os.path.join(WORK, "flowtree")
    os.makedirs(os.path.join(root, "scripts"), exist_ok=True)
    os.makedirs(os.path.join(root, "flows"), exist_ok=True)
    os.makedirs(os.path.join(root, "windmill"), exist_ok=True)  # marks the repository root
    files = {
        "scripts/trivial.ts": "export function main(x: number = 1) {\n  return { x: x + 1 };\n}\n",
        "scripts/trivial.py": "def main(x: int = 1):\n    return {\"x\": x + 1}\n",
        "scripts/by-hand.ts": ("import { main } from \"./trivial.ts\";\n"
                               "console.log(JSON.stringify(await main(1)));\n"),
        "scripts/by_hand.py": ("import json, sys\nsys.path.insert(0, sys.argv[1])\nfrom trivial import main\n"
                               "print(json.dumps(main(1)))\n"),
        "flows/deno-step.yaml": "summary: one Deno step\nsteps:\n  - id: one\n    script: trivial.ts\n    args:\n      x: 1\n",
        "flows/python-step.yaml": "summary: one python3 step\nsteps:\n  - id: one\n    script: trivial.py\n    args:\n      x: 1\n",
        "flows/loop-100.yaml": ("summary: a loop of 100 trivial python3 steps\nsteps:\n  - id: loop\n    script: trivial.py\n"
                                f"    for_each: ${{{{ {list(range(100))} }}}}\n    args:\n      x: ${{{{ item }}}}\n"),
        "flows/loop-100-deno.yaml": ("summary: a loop of 100 trivial Deno steps\nsteps:\n  - id: loop\n    script: trivial.ts\n"
                                     f"    for_each: ${{{{ {list(range(100))} }}}}\n    args:\n      x: ${{{{ item }}}}\n"),
    }
    for relative, text in files.items():
        with open(os.path.join(root, relative), "w") as file:
            file.write(text)
    return root


def bench_flow_step_overhead():
    root = write_flow_tree()
    environment = flow_environment()
    scripts = os.path.join(root, "scripts")
    cases = [
        ("deno", os.path.join(root, "flows/deno-step.yaml"),
         [DENO, "run", "--allow-all", "--quiet", os.path.join(scripts, "by-hand.ts")]),
        ("python3", os.path.join(root, "flows/python-step.yaml"),
         ["python3", os.path.join(scripts, "by_hand.py"), scripts]),
    ]
    for name, flow, by_hand in cases:
        command = [HOPS, "flow", "run", flow, "--json"]
        result = json.loads(subprocess.run(command, capture_output=True, text=True, env=environment, check=True).stdout)
        if result["status"] != "succeeded" or result["result"] != {"x": 2}:
            raise SystemExit(f"flow step ({name}): unexpected result {result}")
        if json.loads(output(by_hand)) != {"x": 2}:
            raise SystemExit(f"by hand ({name}): unexpected result")
        hops, reference = walls([command, by_hand], repeat=10, environment=environment)
        row("flow step", f"trivial {name} step via hops flow run", hops * 1000, "ms", f"{name} by hand", reference * 1000)


def bench_flow_loop():
    root = os.path.join(WORK, "flowtree")
    if not os.path.isdir(root):
        root = write_flow_tree()
    environment = flow_environment()
    for name, flow in (("python3", "flows/loop-100.yaml"), ("deno", "flows/loop-100-deno.yaml")):
        command = [HOPS, "flow", "run", os.path.join(root, flow), "--json"]
        result = json.loads(subprocess.run(command, capture_output=True, text=True, env=environment, check=True).stdout)
        loop = [step for step in result["steps"] if step["id"] == "loop" and "place" not in step]
        if result["status"] != "succeeded" or not loop or len(loop[-1]["result"]) != 100:
            raise SystemExit(f"100-iteration loop ({name}): unexpected result {result['status']}")
        total = walls([command], repeat=3, environment=environment)[0]
        row("flow loop", f"100 iterations of a trivial {name} step", total * 1000, "ms")
        row("flow loop", f"  per iteration ({name})", total * 1000 / 100, "ms")


STORE_STEPS = 1000


def write_store_flow():
    """WORK/storetree: a seed flow of STORE_STEPS trivial bash steps (`echo N`), each its own cache key."""
    root = os.path.join(WORK, "storetree")
    os.makedirs(os.path.join(root, "windmill/scripts"), exist_ok=True)
    os.makedirs(os.path.join(root, "windmill/flows"), exist_ok=True)
    with open(os.path.join(root, "windmill/scripts/echo.sh"), "w") as file:
        file.write('echo "$1"\n')
    steps = "".join(f"  - id: s{i}\n    script: echo.sh\n    args:\n      n: {i}\n" for i in range(STORE_STEPS))
    flow = os.path.join(root, "windmill/flows/steps.yaml")
    with open(flow, "w") as file:
        file.write(f"summary: {STORE_STEPS} trivial bash steps\nsteps:\n{steps}")
    return flow


def timed(command):
    """Wall seconds of one run of `command`, output discarded."""
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def bench_store_resume():
    """A fresh run of STORE_STEPS bash steps against resuming it with every step cached (reused from
    the record: cache key computed, result read, a reused step written); and the store per step."""
    flow = write_store_flow()
    store = os.path.join(WORK, "store-resume.db")
    run = [HOPS, "flow", "run", flow, "--json", "--store", store]
    fresh = timed(run)
    first = json.loads(output([HOPS, "runs", "--json", "--limit", "1", "--store", store]))[0]
    if first["status"] != "succeeded" or first["steps"] != STORE_STEPS:
        raise SystemExit(f"store resume: the fresh run did not record {STORE_STEPS} steps: {first}")
    resume = [HOPS, "resume", first["id"], "--json", "--store", store]
    check = json.loads(output(resume))
    if not all(step["reused"] for step in check["steps"]) or len(check["steps"]) != STORE_STEPS:
        raise SystemExit("store resume: not every step was reused")
    resumed = statistics.median(timed(resume) for _ in range(5))
    startup = walls([[HOPS, "runs", "--limit", "1", "--store", store]], repeat=10)[0]
    row("store", f"fresh run, {STORE_STEPS} bash steps", fresh * 1000, "ms")
    row("store", f"resume, {STORE_STEPS} steps all cached", resumed * 1000, "ms",
        f"fresh run of the same {STORE_STEPS} bash steps", fresh * 1000)
    row("store", "  resume per cached step", resumed * 1e6 / STORE_STEPS, "µs")
    per_step = (resumed - startup) * 1e6 / STORE_STEPS
    # hops commits each step's row on its own (a killed hops keeps every finished step): compare
    # with the sqlite3 CLI doing one INSERT per transaction, and all in one transaction.
    reference = os.path.join(WORK, "reference.db")
    schema = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t(a TEXT, b TEXT, c TEXT);\n"
    insert = "INSERT INTO t VALUES ('s1', '{\"n\":1}', '1');\n"
    for name, script in (("one transaction each", insert * STORE_STEPS),
                         ("all in one transaction", "BEGIN;\n" + insert * STORE_STEPS + "COMMIT;\n")):
        if os.path.exists(reference):
            os.remove(reference)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(reference + suffix):
                os.remove(reference + suffix)
        start = time.perf_counter()
        subprocess.run(["sqlite3", reference], input=schema + script, text=True, stdout=subprocess.DEVNULL, check=True)
        sqlite = time.perf_counter() - start
        row("store", "  write per reused step (resume − start-up)", per_step, "µs",
            f"sqlite3 CLI, {STORE_STEPS} INSERTs, {name}", sqlite * 1e6 / STORE_STEPS)
    report = output([HOPS, "runs", "--size", "--store", store])
    sizes = dict(line.split(None, 1) for line in report.splitlines() if line.strip())
    steps = int(sizes["steps"])
    size = os.path.getsize(store) + (os.path.getsize(store + "-wal") if os.path.exists(store + "-wal") else 0)
    row("store", f"store size per step ({steps} steps recorded)", size / steps, "bytes")


def main():
    # The large data last: after it, the kernel reclaims hundreds of MB for a while, which slows
    # whatever runs next on a small machine (the compiled expression by half, here).
    for bench in (bench_startup, bench_in_process, bench_flow_step_overhead, bench_flow_loop, bench_store_resume,
                  bench_large_data):
        try:
            bench()
        except (subprocess.CalledProcessError, SystemExit, OSError) as error:
            rows.append((bench.__name__, "failed", str(error)[:60], "", "", ""))
    widths = [max(len(str(r[i])) for r in rows + [HEADER]) for i in range(len(HEADER))]
    for line in [HEADER] + rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
    shutil.rmtree(WORK, ignore_errors=True)


HEADER = ("group", "what", "hops", "reference", "reference value", "hops/ref")

if __name__ == "__main__":
    main()
