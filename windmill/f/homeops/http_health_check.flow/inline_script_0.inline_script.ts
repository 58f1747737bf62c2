// Splits the loop's results into endpoints up and down. With skip_failures a failed
// iteration (a malformed URL) leaves its error in place of a result.

type Outcome = { url?: string; ok?: boolean; error?: unknown; latency_ms?: number } | null;

export function main(checks: Outcome[], urls: string[] = []) {
  const up: string[] = [];
  const down: string[] = [];
  const errors: Record<string, string> = {};
  checks.forEach((outcome, index) => {
    const url = outcome?.url ?? urls[index] ?? `#${index}`;
    if (outcome?.ok === true) {
      up.push(url);
      return;
    }
    down.push(url);
    const error = outcome?.error;
    errors[url] = typeof error === "string"
      ? error
      : String((error as { message?: string } | undefined)?.message ?? "no result");
  });
  const latencies = checks.map((c) => c?.latency_ms).filter((l): l is number => typeof l === "number");
  return {
    status: down.length === 0 ? "healthy" : "degraded",
    up,
    down,
    errors,
    slowest_ms: latencies.length > 0 ? Math.max(...latencies) : null,
  };
}
