// A local stand-in for Windmill's `windmill-client`: variables, resources and state come from
// the repository (see stdlib/README.md), never from a Windmill server.

type Context = {
  variables?: Record<string, string>;
  resources?: Record<string, unknown>;
  workspace?: string;
};

const used: string[] = [];

function context(): Context {
  const file = Deno.env.get("HOPS_CONTEXT_FILE");
  if (!file) return {};
  try {
    return JSON.parse(Deno.readTextFileSync(file));
  } catch {
    return {};
  }
}

/** `f/a/b/c`, then `a/b/c`, `b/c`, `c`: a Windmill path matches the longest local key. */
function candidates(path: string): string[] {
  const segments = path.replace(/^\$(var|res):/, "").split("/").filter((s) => s !== "");
  return segments.map((_, i) => segments.slice(i).join("/"));
}

function environmentName(path: string): string {
  return "WM_VAR_" + path.replace(/[^A-Za-z0-9]/g, "_").toUpperCase();
}

function readJSON(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  try {
    return JSON.parse(Deno.readTextFileSync(file));
  } catch {
    return {};
  }
}

function writeJSON(file: string | undefined, value: unknown): void {
  if (!file) throw new Error("hops: no state location (HOPS_STATE_FILE is not set)");
  const slash = file.lastIndexOf("/");
  const folder = slash > 0 ? file.slice(0, slash) : ".";
  Deno.mkdirSync(folder, { recursive: true, mode: 0o700 });
  // Private (0600) from creation, and whole or not at all: a temporary file renamed over the old one.
  const temporary = Deno.makeTempFileSync({ dir: folder, prefix: ".state-" });
  try {
    Deno.chmodSync(temporary, 0o600);
    Deno.writeTextFileSync(temporary, JSON.stringify(value, null, 2));
    Deno.renameSync(temporary, file);
  } catch (error) {
    try {
      Deno.removeSync(temporary);
    } catch {
      // already gone
    }
    throw error;
  }
}

/** The paths of the variables and resources read so far, so hops can redact their values. */
export function usedSecrets(): string[] {
  return [...used];
}

/** Forgets the secrets read so far: a warm harness calls it before each step. */
export function clearUsedSecrets(): void {
  used.length = 0;
}

/** The value of a variable: set by setVariable, the environment (WM_VAR_…), or `.env`. */
export async function getVariable(path: string): Promise<string> {
  const overrides = readJSON(Deno.env.get("HOPS_VARIABLES_FILE"));
  const variables = context().variables ?? {};
  for (const candidate of candidates(path)) {
    if (typeof overrides[candidate] === "string") {
      used.push("$var:" + candidate);
      return overrides[candidate] as string;
    }
    const fromEnvironment = Deno.env.get(environmentName(candidate));
    if (fromEnvironment !== undefined) {
      used.push("$var:" + candidate);
      return fromEnvironment;
    }
    if (candidate in variables) {
      used.push("$var:" + candidate);
      return variables[candidate];
    }
  }
  throw new Error(
    `variable not found: ${path} (set ${environmentName(candidates(path).at(-1) ?? path)} or add it to .env)`,
  );
}

/** Sets a variable for later runs on this machine (kept under .hops/state/). */
export async function setVariable(path: string, value: string): Promise<void> {
  const file = Deno.env.get("HOPS_VARIABLES_FILE");
  const overrides = readJSON(file);
  overrides[candidates(path).at(-1) ?? path] = value;
  writeJSON(file, overrides);
}

/** The value of a resource, from windmill/resources/<path>.yaml or .json. */
export async function getResource(path: string): Promise<any> {
  const resources = context().resources ?? {};
  for (const candidate of candidates(path)) {
    if (candidate in resources) {
      used.push("$res:" + candidate);
      return structuredClone(resources[candidate]);
    }
  }
  throw new Error(`resource not found: ${path} (no file windmill/resources/${candidates(path).at(-1) ?? path}.yaml)`);
}

/** The state this script kept from its previous run, or undefined. */
export async function getState(): Promise<any> {
  const file = Deno.env.get("HOPS_STATE_FILE");
  if (!file) return undefined;
  try {
    return JSON.parse(Deno.readTextFileSync(file));
  } catch {
    return undefined;
  }
}

/** Keeps `state` for this script's next run. */
export async function setState(state: unknown): Promise<void> {
  writeJSON(Deno.env.get("HOPS_STATE_FILE"), state ?? null);
}

export const getInternalState = getState;
export const setInternalState = setState;

export function getWorkspace(): string {
  return context().workspace ?? Deno.env.get("WM_WORKSPACE") ?? "hops";
}

export function getRootJobId(): string {
  return Deno.env.get("WM_ROOT_FLOW_JOB_ID") ?? Deno.env.get("WM_JOB_ID") ?? "";
}

export function getResumeUrls(): never {
  throw new Error("getResumeUrls: suspending a flow is not supported by hops");
}

/** Windmill's client needs a server; here there is none to configure. */
export function setClient(_token?: string, _baseUrl?: string): void {}

export default {
  getVariable, setVariable, getResource, getState, setState, getInternalState, setInternalState,
  getWorkspace, getRootJobId, getResumeUrls, setClient,
};
