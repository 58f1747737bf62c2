// Sends an alert to the alert webhook, at most once per `dedupe_minutes` for the same text.
//
// The webhook URL comes from the variable `f/homeops/alert_webhook_url` (a secret,
// never in Git); the time each alert was last sent is kept in the script's state,
// so a check failing every 5 minutes does not page every 5 minutes.

import * as wmill from "windmill-client";

type AlertState = { sent?: Record<string, number> };

export async function main(
  message: string,
  level: string = "warning",
  details: Record<string, unknown> = {},
  dedupe_minutes: number = 60,
  variable: string = "f/homeops/alert_webhook_url",
) {
  if (typeof message !== "string" || message.trim() === "") {
    throw new Error("message is required");
  }
  if (!["info", "warning", "error", "critical"].includes(level)) {
    throw new Error(`unknown level ${JSON.stringify(level)} (expected info, warning, error or critical)`);
  }
  const key = `${level}:${message}`;
  const now = Date.now();
  const state = ((await wmill.getState()) ?? {}) as AlertState;
  const sent = state.sent ?? {};
  const last = sent[key];
  if (last !== undefined && now - last < Number(dedupe_minutes) * 60_000) {
    return { sent: false, reason: "duplicate", last_sent: new Date(last).toISOString() };
  }

  const url = await wmill.getVariable(variable);
  if (typeof url !== "string" || url === "") throw new Error(`variable ${variable} is empty`);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new Error(`variable ${variable} does not hold a valid URL`);
  }
  let response: Response;
  try {
    response = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: `[${level.toUpperCase()}] ${message}`, level, details }),
      signal: AbortSignal.timeout(10000),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const what = `${(error as Error).message}${cause}`.replaceAll(target.href, target.host);
    throw new Error(`alert webhook at ${target.host} not reached: ${what}`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`alert webhook at ${target.host} answered HTTP ${response.status}`);

  // Forget entries older than a day so the state stays small.
  const kept = Object.fromEntries(Object.entries(sent).filter(([, at]) => now - at < 86_400_000));
  await wmill.setState({ sent: { ...kept, [key]: now } });
  return { sent: true, host: target.host, status: response.status };
}
