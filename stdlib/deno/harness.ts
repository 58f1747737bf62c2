// Runs one Windmill script as Windmill does: arguments by name onto main's parameters,
// main's return value as JSON. stdout and stderr stay the script's own log; the outcome goes
// to the file named by HOPS_RESULT_FILE as {"result": …} or {"error": {name, message, stack}}.
import { usedSecrets } from "./windmill-client.ts";

const scriptPath = Deno.args[0];
const resultFile = Deno.env.get("HOPS_RESULT_FILE") ?? "";
const argsFile = Deno.env.get("HOPS_ARGS_FILE") ?? "";

function writeOutcome(outcome: Record<string, unknown>): void {
  outcome.secrets_used = usedSecrets();
  Deno.writeTextFileSync(resultFile, JSON.stringify(outcome));
}

function fail(name: string, message: string, stack = ""): never {
  writeOutcome({ error: { name, message, stack } });
  Deno.exit(1);
}

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

let args: Record<string, unknown> = {};
try {
  args = JSON.parse(Deno.readTextFileSync(argsFile));
} catch (error) {
  fail("ArgumentError", `could not read the arguments: ${error}`);
}

let module: Record<string, unknown>;
try {
  const url = new URL("file://" + (scriptPath.startsWith("/") ? "" : Deno.cwd() + "/") + scriptPath);
  module = await import(url.href);
} catch (error) {
  const e = error as Error;
  fail(e?.name ?? "ImportError", e?.message ?? String(error), e?.stack ?? "");
}

const main = module.main;
if (typeof main !== "function") {
  fail("MissingMain", `${scriptPath} does not export a function named main`);
}

try {
  const names = parameterNames(main as (...args: unknown[]) => unknown);
  const positional = names.map((name) => (name in args ? args[name] : undefined));
  const result = await (main as (...args: unknown[]) => unknown)(...positional);
  let json: string | undefined;
  try {
    json = JSON.stringify(result === undefined ? null : result);
  } catch (error) {
    fail("ResultError", `the result of main is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (json === undefined) {
    fail("ResultError", `the result of main is not JSON-serialisable: ${typeof result}`);
  }
  writeOutcome({ result: JSON.parse(json) });
} catch (error) {
  const e = error as Error;
  if (e instanceof Error) fail(e.name, e.message, e.stack ?? "");
  fail("Error", typeof error === "string" ? error : JSON.stringify(error) ?? String(error));
}
