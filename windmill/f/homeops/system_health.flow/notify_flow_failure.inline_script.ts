// Runs when a step of the flow fails: logs which step and why, then passes the error on.

export function main(error: { message?: string; name?: string; step_id?: string } | null) {
  const step = error?.step_id ?? "unknown step";
  const message = error?.message ?? "no error message";
  console.error(`system health run failed at ${step}: ${message}`);
  return { failed_step: step, error: message, notified: "log" };
}
