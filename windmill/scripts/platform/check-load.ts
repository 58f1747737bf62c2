// System load (the kernel's load averages), judged per CPU so the same threshold fits any machine.

import { availableParallelism } from "node:os";

export async function main(max_load_per_cpu: number = 2) {
  const limit = Number(max_load_per_cpu);
  if (!Number.isFinite(limit) || limit <= 0) {
    throw new Error(`max_load_per_cpu must be a positive number, got ${max_load_per_cpu}`);
  }
  // The 1, 5 and 15-minute averages of /proc/loadavg.
  const [load1, load5, load15] = Deno.loadavg();
  const cpus = availableParallelism();
  // The 5-minute average: the 1-minute one flaps on every short burst.
  const perCpu = Math.round((load5 / cpus) * 100) / 100;
  return {
    load1,
    load5,
    load15,
    cpus,
    load_per_cpu: perCpu,
    max_load_per_cpu: limit,
    ok: perCpu <= limit,
  };
}
