// The containers the local Docker engine runs, from `docker ps --format json`.
//
// Where no Docker engine answers (no CLI, daemon down, socket not readable) this
// throws, with the reason docker gave, instead of reporting an empty list as healthy.

import { docker, requireEngine } from "./docker.ts";

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
