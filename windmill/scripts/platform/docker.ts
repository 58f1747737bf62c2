// The docker CLI, for the scripts that talk to the Docker engine (not a step of its own).

/** Runs `docker args…`; throws with the last line docker wrote on stderr when it fails. */
export async function docker(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; withStderr?: boolean } = {},
): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("docker", {
      args,
      cwd: options.cwd,
      env: options.env,
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error("command not found");
    throw error;
  }
  const stderr = new TextDecoder().decode(output.stderr).trim();
  if (!output.success) {
    throw new Error(stderr.split("\n").at(-1) || `exit status ${output.code}`);
  }
  const stdout = new TextDecoder().decode(output.stdout);
  return options.withStderr ? `${stdout}${stderr}` : stdout;
}

/** Throws a clear error where no Docker engine answers (no CLI, daemon down, socket not readable). */
export async function requireEngine(): Promise<void> {
  try {
    await docker(["version", "--format", "{{.Server.Version}}"]);
  } catch (error) {
    throw new Error(`no Docker engine is reachable (docker: ${(error as Error).message})`);
  }
}
