// The containers the local Docker engine runs, from `docker ps --format json`.
//
// Where no Docker engine answers (no CLI, daemon down, socket not readable) this
// throws, with the reason docker gave, instead of reporting an empty list as healthy.

export async function main(all: boolean = false, project: string = "") {
  await requireEngine();
  const args = ["ps", "--no-trunc", "--format", "json"];
  if (all) args.push("--all");
  if (project) args.push("--filter", `label=com.docker.compose.project=${project}`);
  const lines = (await docker(args)).split("\n").filter((line) => line.trim() !== "");
  return lines.map((line) => {
    const row = JSON.parse(line);
    return {
      name: String(row.Names ?? "").split(",")[0],
      id: String(row.ID ?? "").slice(0, 12),
      image: row.Image ?? "",
      state: row.State ?? "",
      status: row.Status ?? "",
    };
  });
}

async function requireEngine() {
  try {
    await docker(["version", "--format", "{{.Server.Version}}"]);
  } catch (error) {
    throw new Error(`no Docker engine is reachable (docker: ${(error as Error).message})`);
  }
}

async function docker(args: string[]): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("docker", { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error("command not found");
    throw error;
  }
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(stderr.split("\n").at(-1) || `exit status ${output.code}`);
  }
  return new TextDecoder().decode(output.stdout);
}
