// Memory use from /proc/meminfo; ok while the used share stays below the threshold.

export async function main(threshold_percent: number = 90) {
  const threshold = Number(threshold_percent);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
    throw new Error(`threshold_percent must be between 0 and 100, got ${threshold_percent}`);
  }
  const text = await Deno.readTextFile("/proc/meminfo");
  const kib = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(\w+):\s+(\d+)/.exec(line);
    if (match) kib.set(match[1], Number(match[2]));
  }
  const total = kib.get("MemTotal");
  if (total === undefined || total === 0) {
    throw new Error("/proc/meminfo has no MemTotal line");
  }
  // Kernels before 3.14 lack MemAvailable; free + page cache is the usual estimate there.
  const available = kib.get("MemAvailable") ??
    (kib.get("MemFree") ?? 0) + (kib.get("Buffers") ?? 0) + (kib.get("Cached") ?? 0);
  const swapTotal = kib.get("SwapTotal") ?? 0;
  const swapFree = kib.get("SwapFree") ?? 0;
  const usedPercent = round1(((total - available) / total) * 100);
  return {
    total_mb: Math.round(total / 1024),
    available_mb: Math.round(available / 1024),
    used_percent: usedPercent,
    swap_used_mb: Math.round((swapTotal - swapFree) / 1024),
    threshold_percent: threshold,
    ok: usedPercent < threshold,
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
