#!/usr/bin/env python3
"""hops benchmarks: each figure side by side with a reference tool from the same run, as a ratio.

Usage: bench.py HOPS_BINARY   (make bench builds the release binary and passes it)
"""
import json
import os
import random
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


def wall(command, repeat=15, stdin=None):
    """Median wall time in seconds of running `command` `repeat` times, after one warm-up run."""
    subprocess.run(command, stdout=subprocess.DEVNULL, stdin=stdin, check=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def output(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, check=True, **kwargs).stdout.strip()


def row(group, what, hops_value, unit, reference=None, reference_value=None):
    ratio = f"{hops_value / reference_value:.2f}x" if reference_value else ""
    rows.append((group, what, f"{hops_value:.3g} {unit}", reference or "",
                 f"{reference_value:.3g} {unit}" if reference_value else "", ratio))


def bench_startup():
    hops = wall([HOPS, "-e", "1+1"], repeat=30)
    sqlite = wall(["sqlite3", ":memory:", "select 1+1"], repeat=30)
    jq = wall(["jq", "-n", "1+1"], repeat=30)
    row("start-up", "hops -e '1+1'", hops * 1000, "ms", "sqlite3 :memory: 'select 1+1'", sqlite * 1000)
    row("start-up", "hops -e '1+1'", hops * 1000, "ms", "jq -n '1+1'", jq * 1000)


def bench_large_data():
    path = os.path.join(WORK, "hosts.json")
    generator = random.Random(7)
    statuses = ["ok", "warn", "down"]
    with open(path, "w") as file:
        json.dump([{"name": f"host-{i}", "cpu": generator.randint(0, 100),
                    "status": generator.choice(statuses), "tags": ["a", "b"],
                    "memory": {"used": generator.random(), "total": 16}} for i in range(200_000)], file)
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
    hops = wall(hops_command, repeat=5)
    row("200k objects", "filter/map over hosts.json", hops * 1000, "ms", "jq", wall(jq_command, repeat=5) * 1000)
    row("200k objects", "filter/map over hosts.json", hops * 1000, "ms", "deno", wall(deno_command, repeat=5) * 1000)


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


def main():
    for bench in (bench_startup, bench_large_data, bench_in_process):
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
