// System load from /proc/loadavg, judged per CPU so the same threshold fits any machine.

import { availableParallelism } from "node:os";

export async function main(max_load_per_cpu: number = 2) {
  const limit = Number(max_load_per_cpu);
  if (!Number.isFinite(limit) || limit <= 0) {
    throw new Error(`max_load_per_cpu must be a positive number, got ${max_load_per_cpu}`);
  }
  const fields = (await Deno.readTextFile("/proc/loadavg")).trim().split(/\s+/);
  const [load1, load5, load15] = fields.slice(0, 3).map(Number);
  if ([load1, load5, load15].some((v) => !Number.isFinite(v))) {
    throw new Error(`unexpected /proc/loadavg content: ${fields.join(" ")}`);
  }
  const [running, total] = (fields[3] ?? "0/0").split("/").map(Number);
  const cpus = availableParallelism();
  // The 5-minute average: the 1-minute one flaps on every short burst.
  const perCpu = Math.round((load5 / cpus) * 100) / 100;
  return {
    load1,
    load5,
    load15,
    cpus,
    load_per_cpu: perCpu,
    running_tasks: running,
    total_tasks: total,
    max_load_per_cpu: limit,
    ok: perCpu <= limit,
  };
}
