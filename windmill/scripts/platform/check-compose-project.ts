// Pre-deployment check of a docker compose project folder; needs no Docker engine.

import { basename, join, resolve } from "node:path";

const COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

export async function main(project_dir: string, project_name: string = "") {
  if (typeof project_dir !== "string" || project_dir.trim() === "") {
    throw new Error("project_dir is required");
  }
  const dir = resolve(project_dir);
  try {
    if (!(await Deno.stat(dir)).isDirectory) throw new Error(`not a folder: ${dir}`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error(`project folder does not exist: ${dir}`);
    throw error;
  }
  for (const name of COMPOSE_FILES) {
    const file = join(dir, name);
    try {
      const text = await Deno.readTextFile(file);
      if (!/^services\s*:/m.test(text)) {
        throw new Error(`${file} has no top-level 'services:' section`);
      }
      return { project_dir: dir, project: project_name || basename(dir), compose_file: file, ok: true };
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
  }
  throw new Error(`no compose file in ${dir} (looked for ${COMPOSE_FILES.join(", ")})`);
}
