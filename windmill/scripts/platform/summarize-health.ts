// Combines check results into one verdict: healthy, or degraded with the failing checks.
//
// `checks` is either an object of named results ({disk: {...}, memory: {...}}) or a
// list of results (one per endpoint of a loop). A result counts as failed when its
// `ok` is false; results without `ok` (or skipped, null) are informational.
// `failures` takes the failed iterations of a loop ({error, item?, index?}).

type Failure = { check: string; reason: string };

export function main(checks: unknown = {}, failures: unknown[] = []) {
  if (checks === null || typeof checks !== "object") {
    throw new Error(`checks must be an object or a list of check results, got ${typeof checks}`);
  }
  const entries: [string, unknown][] = Array.isArray(checks)
    ? checks.map((result, index) => [nameOf(result, index), result])
    : Object.entries(checks);

  const found: Failure[] = [];
  const passed: string[] = [];
  const skipped: string[] = [];
  for (const [name, result] of entries) {
    if (result === null || result === undefined) {
      skipped.push(name);
    } else if (typeof result === "object" && (result as { ok?: unknown }).ok === false) {
      found.push({ check: name, reason: reason(result as Record<string, unknown>) });
    } else {
      passed.push(name);
    }
  }
  for (const [index, failure] of (Array.isArray(failures) ? failures : []).entries()) {
    const record = (failure ?? {}) as Record<string, unknown>;
    const error = record.error as Record<string, unknown> | string | undefined;
    const message = typeof error === "string" ? error : String(error?.message ?? JSON.stringify(failure));
    found.push({ check: nameOf(record.item ?? null, Number(record.index ?? index)), reason: message });
  }
  return {
    status: found.length === 0 ? "healthy" : "degraded",
    failures: found,
    passed,
    skipped,
    checked: entries.length,
  };
}

function nameOf(result: unknown, index: number): string {
  if (typeof result === "string") return result;
  if (result && typeof result === "object") {
    const record = result as Record<string, unknown>;
    for (const key of ["name", "url", "service", "path", "mount"]) {
      if (typeof record[key] === "string") return record[key] as string;
    }
  }
  return `#${index}`;
}

function reason(result: Record<string, unknown>): string {
  if (typeof result.error === "string") return result.error;
  if (Array.isArray(result.mounts)) {
    const full = result.mounts.filter((m) => m?.ok === false)
      .map((m) => `${m.mount} at ${m.used_percent}%`);
    return `${full.join(", ")} (threshold ${result.threshold_percent}%)`;
  }
  if (typeof result.used_percent === "number") {
    return `${result.used_percent}% used (threshold ${result.threshold_percent}%)`;
  }
  if (typeof result.load_per_cpu === "number") {
    return `${result.load_per_cpu} per CPU (limit ${result.max_load_per_cpu})`;
  }
  if (Array.isArray(result.unhealthy)) return `unhealthy: ${result.unhealthy.join(", ")}`;
  return "check reported ok: false";
}
