"""The processes using the most resident memory, read from /proc."""

import os


def _rss_kib(pid: str) -> int:
    with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0  # kernel threads have no VmRSS


def _executable(pid: str, fallback: str) -> str:
    # Only argv[0]: the other arguments can carry passwords or tokens.
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        first = cmdline.read().split(b"\0", 1)[0]
    return first.decode("utf-8", "replace")[:200] or f"[{fallback}]"


def main(limit: int = 5):
    limit = int(limit)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    processes = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as comm:
                name = comm.read().strip()
            rss = _rss_kib(pid)
            executable = _executable(pid, name)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # the process ended or is not ours to read
        processes.append(
            {"pid": int(pid), "name": name, "rss_mb": round(rss / 1024, 1), "executable": executable}
        )
    processes.sort(key=lambda p: p["rss_mb"], reverse=True)
    return {"processes": processes[:limit], "total": len(processes), "ok": True}
