// Evaluates every case of a conformance table (JSON lines of {"expr", "context"}) in JavaScript
// and prints one JSON line per case: the result, with the values JSON cannot hold tagged.
const tag = (name) => ({ "$hops": name });

function encode(value) {
  if (value === undefined) return tag("undefined");
  if (typeof value === "function") return tag("function");
  if (typeof value === "number") {
    if (Number.isNaN(value)) return tag("NaN");
    if (value === Infinity) return tag("Infinity");
    if (value === -Infinity) return tag("-Infinity");
    if (Object.is(value, -0)) return tag("-0");
    return value;
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value)) out[key] = encode(value[key]);
    return out;
  }
  return value;
}

const text = Deno.readTextFileSync(Deno.args[0]);
const lines = [];
for (const line of text.split("\n")) {
  if (line.trim() === "") continue;
  const { expr, context = {} } = JSON.parse(line);
  let result;
  try {
    const names = Object.keys(context);
    const run = new Function(...names, "return (" + expr + ")");
    result = encode(run(...names.map((name) => context[name])));
  } catch (_error) {
    result = tag("throws");
  }
  lines.push(JSON.stringify(result));
}
console.log(lines.join("\n"));
