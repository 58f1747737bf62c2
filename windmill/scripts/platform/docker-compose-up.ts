// Pulls and (re)starts a docker compose project: `docker compose pull` then `up -d`.
//
// `version`, when given, is passed to compose as the environment variable named by
// `version_variable`, for compose files that pin their images with `${IMAGE_TAG}`.
// Where no Docker engine answers this throws, with the reason docker gave.

import { docker, requireEngine } from "./docker.ts";

import { resolve } from "node:path";

export async function main(
  project_dir: string,
  project_name: string = "",
  services: string[] = [],
  version: string = "",
  version_variable: string = "IMAGE_TAG",
  pull: boolean = true,
) {
  if (typeof project_dir !== "string" || project_dir.trim() === "") {
    throw new Error("project_dir is required");
  }
  const dir = resolve(project_dir);
  const env: Record<string, string> = version ? { [version_variable]: version } : {};
  await requireEngine();

  const base = ["compose", "--project-directory", dir];
  if (project_name) base.push("--project-name", project_name);
  const steps: { command: string; output: string }[] = [];
  if (pull) {
    steps.push(await compose([...base, "pull", ...services], dir, env));
  }
  steps.push(await compose([...base, "up", "--detach", "--remove-orphans", ...services], dir, env));
  return { project_dir: dir, project: project_name || null, version: version || null, pulled: pull, steps };
}

async function compose(args: string[], cwd: string, env: Record<string, string>) {
  const command = `docker ${args.join(" ")}`;
  try {
    // compose reports progress on stderr; keep its tail for the run log.
    const output = await docker(args, { cwd, env, withStderr: true });
    return { command, output: output.split("\n").slice(-20).join("\n").trim() };
  } catch (error) {
    throw new Error(`${command} failed: ${(error as Error).message}`);
  }
}
