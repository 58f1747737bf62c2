// The verdict of the health checks: healthy, or degraded with what failed and why.

type Check = { ok?: boolean; [key: string]: unknown } | null;

export function main(disk: Check, memory: Check, load: Check, processes: Check = null) {
  const failures: { check: string; reason: string }[] = [];
  if (disk && disk.ok === false) {
    const mounts = (disk.mounts as { mount: string; used_percent: number; ok: boolean }[]) ?? [];
    const full = mounts.filter((m) => !m.ok).map((m) => `${m.mount} at ${m.used_percent}%`);
    failures.push({ check: "disk", reason: `above ${disk.threshold_percent}%: ${full.join(", ")}` });
  }
  if (memory && memory.ok === false) {
    failures.push({ check: "memory", reason: `${memory.used_percent}% used` });
  }
  if (load && load.ok === false) {
    failures.push({ check: "load", reason: `${load.load_per_cpu} per CPU` });
  }
  const top = ((processes?.processes as { name: string; rss_mb: number }[]) ?? [])
    .map((p) => `${p.name} ${p.rss_mb} MB`);
  return {
    status: failures.length === 0 ? "healthy" : "degraded",
    failures,
    disk_used_percent: Math.max(0, ...((disk?.mounts as { used_percent: number }[]) ?? []).map((m) => m.used_percent)),
    memory_used_percent: memory?.used_percent ?? null,
    load_per_cpu: load?.load_per_cpu ?? null,
    top_processes: top,
  };
}
