// Runs Windmill scripts as Windmill does: arguments by name onto main's parameters, main's return
// value as JSON. stdout and stderr stay the script's own log.
//
// `harness.ts SCRIPT`: one step; the outcome goes to the file named by HOPS_RESULT_FILE as
// {"result": …} or {"error": {name, message, stack}}, with a non-zero exit on an error.
// `harness.ts --serve`: a warm process; steps arrive as JSON lines on descriptor 3, outcomes leave
// as JSON lines on descriptor 4 (see stdlib/README.md).
import { clearUsedSecrets, usedSecrets } from "./windmill-client.ts";

type Outcome = Record<string, unknown>;

/** Splits a parameter list at top-level commas, skipping strings, comments and nesting. */
function splitParameters(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      current += text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
      continue;
    }
    if ("([{<".includes(c)) depth++;
    if (")]}>".includes(c) && !(c === ">" && text[i - 1] === "=")) depth--;
    if (c === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  if (current.trim() !== "") parts.push(current);
  return parts;
}

/** The names of main's parameters, read from the function's own (type-stripped) source. */
function parameterNames(main: (...args: unknown[]) => unknown): string[] {
  const source = main.toString();
  const open = source.indexOf("(");
  if (open < 0) return [];
  let depth = 0;
  let close = open;
  for (; close < source.length; close++) {
    if (source[close] === "(") depth++;
    if (source[close] === ")" && --depth === 0) break;
  }
  return splitParameters(source.slice(open + 1, close)).map((part) => {
    const match = part.trim().match(/^(?:\.\.\.)?([A-Za-z_$][\w$]*)/);
    return match ? match[1] : "";
  });
}

function failure(name: string, message: string, stack = ""): Outcome {
  return { error: { name, message, stack } };
}

function thrown(error: unknown): Outcome {
  const e = error as Error;
  if (e instanceof Deno.errors.NotCapable) {
    // "Requires read access to …, run again with the --allow-read flag": say how to grant it here.
    const how = "hops runs Deno steps with the permissions of Windmill's sandboxed workers; " +
      "grant more with HOPS_DENO_FLAGS (such as --allow-read=PATH, or --allow-all)";
    return failure(e.name, `${e.message} (${how})`, e.stack ?? "");
  }
  if (e instanceof Error) return failure(e.name, e.message, e.stack ?? "");
  return failure("Error", typeof error === "string" ? error : JSON.stringify(error) ?? String(error));
}

/** Imports the module at `specifier` (a fresh instance for a fresh specifier) and calls its main. */
async function runStep(scriptPath: string, specifier: string, args: Record<string, unknown>): Promise<Outcome> {
  let module: Record<string, unknown>;
  try {
    module = await import(specifier);
  } catch (error) {
    const e = error as Error;
    return failure(e?.name ?? "ImportError", e?.message ?? String(error), e?.stack ?? "");
  }
  const main = module.main;
  if (typeof main !== "function") {
    return failure("MissingMain", `${scriptPath} does not export a function named main`);
  }
  let result: unknown;
  try {
    const names = parameterNames(main as (...args: unknown[]) => unknown);
    const positional = names.map((name) => (name in args ? args[name] : undefined));
    result = await (main as (...args: unknown[]) => unknown)(...positional);
  } catch (error) {
    return thrown(error);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(result === undefined ? null : result);
  } catch (error) {
    return failure("ResultError", `the result of main is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (json === undefined) {
    return failure("ResultError", `the result of main is not JSON-serialisable: ${typeof result}`);
  }
  return { result: JSON.parse(json) };
}

function fileURL(path: string): string {
  return new URL("file://" + (path.startsWith("/") ? "" : Deno.cwd() + "/") + path).href;
}

function writeAll(file: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

/** One step, its outcome written to HOPS_RESULT_FILE. */
async function runOnce(scriptPath: string): Promise<void> {
  let outcome: Outcome;
  try {
    const args = JSON.parse(Deno.readTextFileSync(Deno.env.get("HOPS_ARGS_FILE") ?? ""));
    outcome = await runStep(scriptPath, fileURL(scriptPath), args);
  } catch (error) {
    outcome = failure("ArgumentError", `could not read the arguments: ${error}`);
  }
  outcome.secrets_used = usedSecrets();
  Deno.writeTextFileSync(Deno.env.get("HOPS_RESULT_FILE") ?? "", JSON.stringify(outcome));
  if (outcome.error) Deno.exit(1);
}

/**
 * Sets the working folder and the environment back to `folder` and `wanted` before a step, as a
 * process of its own would have them: a step's `Deno.chdir` or `Deno.env.set` does not reach the next.
 */
function resetProcess(folder: string, wanted: Record<string, string>): void {
  try {
    if (Deno.cwd() !== folder) Deno.chdir(folder);
  } catch {
    // the folder is gone or not readable: the step runs where it is
  }
  const current = Deno.env.toObject();
  for (const name of Object.keys(current)) if (!(name in wanted)) Deno.env.delete(name);
  for (const [name, value] of Object.entries(wanted)) if (current[name] !== value) Deno.env.set(name, value);
}

/** Steps one after another, each importing its script as a fresh module instance. */
async function serve(): Promise<void> {
  const folder = Deno.cwd();
  const environment = Deno.env.toObject();
  const requests = await Deno.open("/dev/fd/3", { read: true });
  const responses = Deno.openSync("/dev/fd/4", { write: true });
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const respond = (value: unknown) => writeAll(responses, encoder.encode(JSON.stringify(value) + "\n"));
  respond({ ready: true, version: `deno ${Deno.version.deno}`, executable: Deno.execPath() });
  const buffer = new Uint8Array(1 << 16);
  let pending = "";
  let steps = 0;
  while (true) {
    const count = await requests.read(buffer);
    if (count === null) break;
    pending += decoder.decode(buffer.subarray(0, count), { stream: true });
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const request = JSON.parse(line);
      resetProcess(folder, { ...environment, ...(request.env ?? {}) });
      clearUsedSecrets();
      // The first step gets the module as it is named; later ones a new specifier, so a new instance.
      const specifier = fileURL(request.script) + (steps++ === 0 ? "" : `?hops-step=${steps}`);
      const outcome = await runStep(request.script, specifier, request.args ?? {});
      outcome.secrets_used = usedSecrets();
      const marker = encoder.encode(request.marker);
      let outputClosed = false;
      try {
        writeAll(Deno.stdout, marker);
        writeAll(Deno.stderr, marker);
      } catch {
        // The step closed its stdout or stderr: the next step's output could not be told from it.
        // Both are closed, which tells hops to let this process go after the outcome, and it ends.
        outputClosed = true;
        for (const stream of [Deno.stdout, Deno.stderr]) {
          try {
            stream.close();
          } catch {
            // already closed by the step
          }
        }
      }
      respond(outcome);
      if (outputClosed) Deno.exit(0);
    }
  }
}

if (Deno.args[0] === "--serve") {
  await serve();
  // hops closed the request pipe: end, whatever timers a script left behind.
  Deno.exit(0);
} else {
  await runOnce(Deno.args[0]);
}
