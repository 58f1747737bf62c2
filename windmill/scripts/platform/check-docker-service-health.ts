// Health of Docker containers, from `docker ps` and `docker inspect`.
//
// Checks one container (`service`), the containers of one compose project
// (`project`), or every running container. A container is ok when it runs and its
// healthcheck, if it has one, says healthy. With `fail_if_unhealthy` an unhealthy
// container is an error, so that a retry waits for it. Where no Docker engine
// answers this throws, with the reason docker gave.

import { docker, requireEngine } from "./docker.ts";

type ServiceHealth = {
  name: string;
  image: string;
  state: string;
  health: string;
  restart_count: number;
  started_at: string;
  ok: boolean;
};

export async function main(
  service: string = "",
  project: string = "",
  fail_if_unhealthy: boolean = false,
) {
  await requireEngine();
  let names: string[];
  if (service) {
    names = [service];
  } else {
    const args = ["ps", "--format", "json"];
    if (project) args.push("--all", "--filter", `label=com.docker.compose.project=${project}`);
    names = (await docker(args))
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => String(JSON.parse(line).Names ?? "").split(",")[0]);
    if (project && names.length === 0) {
      throw new Error(`compose project ${project} has no containers`);
    }
  }
  const services: ServiceHealth[] = [];
  for (const name of names) {
    let inspected: string;
    try {
      inspected = await docker(["inspect", "--type", "container", "--format", "json", name]);
    } catch (error) {
      throw new Error(`cannot inspect container ${name}: ${(error as Error).message}`);
    }
    const [container] = JSON.parse(inspected);
    const state = container?.State ?? {};
    const health = state.Health?.Status ?? "none";
    services.push({
      name,
      image: container?.Config?.Image ?? "",
      state: state.Status ?? "unknown",
      health,
      restart_count: container?.RestartCount ?? 0,
      started_at: state.StartedAt ?? "",
      ok: state.Status === "running" && (health === "none" || health === "healthy"),
    });
  }
  const unhealthy = services.filter((s) => !s.ok).map((s) => s.name);
  if (fail_if_unhealthy && unhealthy.length > 0) {
    const list = services.filter((s) => !s.ok).map((s) => `${s.name} (${s.state}, health ${s.health})`);
    throw new Error(`unhealthy containers: ${list.join(", ")}`);
  }
  return { services, unhealthy, ok: unhealthy.length === 0 };
}
