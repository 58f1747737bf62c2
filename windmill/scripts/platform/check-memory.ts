// Memory use from the kernel's figures (/proc/meminfo); ok while the used share stays below the threshold.

export async function main(threshold_percent: number = 90) {
  const threshold = Number(threshold_percent);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
    throw new Error(`threshold_percent must be between 0 and 100, got ${threshold_percent}`);
  }
  // MemTotal, MemAvailable, SwapTotal and SwapFree of /proc/meminfo, in bytes.
  const { total, available, swapTotal, swapFree } = Deno.systemMemoryInfo();
  if (total === 0) throw new Error("the system reports no memory total");
  const usedPercent = round1(((total - available) / total) * 100);
  return {
    total_mb: Math.round(total / 1048576),
    available_mb: Math.round(available / 1048576),
    used_percent: usedPercent,
    swap_used_mb: Math.round((swapTotal - swapFree) / 1048576),
    threshold_percent: threshold,
    ok: usedPercent < threshold,
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
