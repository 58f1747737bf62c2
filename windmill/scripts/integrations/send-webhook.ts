// POSTs a JSON payload to a webhook and fails unless it answers 2xx.
//
// The URL is the `url` argument or, when that is empty, the `url` field of the
// webhook resource (default `services/webhook`), whose value points at a variable
// so that no webhook secret lives in Git. The URL is never returned or logged:
// webhook URLs often carry their token in the path.

import * as wmill from "windmill-client";

export async function main(
  payload: Record<string, unknown> = {},
  url: string = "",
  resource: string = "services/webhook",
  timeout_ms: number = 10000,
) {
  let target = url;
  let timeout = Number(timeout_ms);
  if (!target) {
    const value = (await wmill.getResource(resource)) as { url?: unknown; timeout_ms?: unknown } | null;
    if (!value || typeof value.url !== "string" || value.url === "") {
      throw new Error(`resource ${resource} has no 'url' field`);
    }
    target = value.url as string;
    if (typeof value.timeout_ms === "number" && timeout_ms === 10000) timeout = value.timeout_ms;
  }
  let parsed: URL;
  try {
    parsed = new URL(target);
  } catch {
    throw new Error(url ? `invalid webhook URL: ${JSON.stringify(url)}` : `resource ${resource} holds an invalid URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`unsupported webhook URL scheme ${parsed.protocol} (http and https only)`);
  }

  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(parsed, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeout),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const what = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${timeout} ms`
      : `${(error as Error).message}${cause}`;
    // The runtime's message repeats the URL, token included; keep only the host.
    throw new Error(`webhook at ${parsed.host} not reached: ${what.replaceAll(parsed.href, parsed.host)}`);
  }
  const body = await response.text();
  if (!response.ok) {
    throw new Error(`webhook at ${parsed.host} answered HTTP ${response.status}: ${body.slice(0, 200)}`);
  }
  return {
    sent: true,
    host: parsed.host,
    status: response.status,
    latency_ms: Math.round(performance.now() - started),
  };
}
