// One HTTP health check: status, latency, and whether the endpoint answered as expected.
//
// An endpoint that is down is a finding (ok: false with the reason), not an error,
// so a loop over many endpoints reports all of them. A malformed URL or argument
// is an error: that is a mistake in the flow, not in the service.

export async function main(
  url: string,
  expected_status: number = 200,
  timeout_ms: number = 5000,
  method: string = "GET",
  contains: string = "",
) {
  if (typeof url !== "string" || url.trim() === "") {
    throw new Error("url is required");
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`unsupported URL scheme ${parsed.protocol} in ${url} (http and https only)`);
  }
  const timeout = Number(timeout_ms);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new Error(`timeout_ms must be a positive number, got ${timeout_ms}`);
  }

  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(parsed, {
      method: method.toUpperCase(),
      redirect: "manual",
      signal: AbortSignal.timeout(timeout),
    });
    const body = await response.text();
    const latency = elapsed();
    const statusOk = response.status === Number(expected_status);
    const bodyOk = contains === "" || body.includes(contains);
    const result: Record<string, unknown> = {
      url,
      status: response.status,
      ok: statusOk && bodyOk,
      latency_ms: latency,
    };
    if (!statusOk) result.error = `expected HTTP ${expected_status}, got ${response.status}`;
    else if (!bodyOk) result.error = `response body does not contain ${JSON.stringify(contains)}`;
    return result;
  } catch (error) {
    const reason = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${timeout} ms`
      : describe(error);
    return { url, status: null, ok: false, latency_ms: elapsed(), error: reason };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // The runtime chains its layers ("fetch failed: error sending request for url (…):
  // client error (Connect): tcp connect error: Connection refused"); the last two say why.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`.split(": ").slice(-2).join(": ");
}
