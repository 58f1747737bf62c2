import HopsLang

/// The inline scripts that stand for hops's built-in actions (`hops:sh`, `hops:http.get`, ...) where
/// hops is not there to run them: an exported flow runs on Windmill as it ran here.
///
/// `hops:sh` becomes a bash script that runs the command with `bash -c` and gives
/// `{stdout, stderr, exit_code}` (a failing command is a result, not a failed step, as here);
/// `hops:http.<method>` becomes a Deno script that sends the request with `fetch` and gives
/// `{status, headers, body, duration_ms}`, the body parsed when the response says JSON. The check
/// reads each action's parameters from these same scripts.
public enum BuiltinActionScripts {
    /// The inline script for the action `hops:<name>`; nil for a name hops does not know.
    public static func script(for path: String) -> RawScript? {
        guard path.hasPrefix("hops:") else { return nil }
        let name = String(path.dropFirst("hops:".count))
        if name == "sh" { return RawScript(content: shell, language: "bash") }
        let methods = ["http.get": "GET", "http.post": "POST", "http.put": "PUT", "http.delete": "DELETE"]
        guard let method = methods[name] else { return nil }
        return RawScript(content: http(method: method), language: "deno")
    }

    /// Seconds `hops:sh` gives its command when the step sets no timeout.
    static let shellTimeout = 60.0

    /// The step as Windmill runs it: a `hops:` script step turned into its inline script, the same
    /// arguments, and the time limit hops gives the action when the step sets none.
    static func replacing(_ module: FlowModule) -> FlowModule {
        guard case .script(let pathScript) = module.value, var script = script(for: pathScript.path) else { return module }
        var module = module
        script.inputTransforms = pathScript.inputTransforms
        module.value = .rawScript(script)
        if pathScript.path == "hops:sh", module.timeout == nil {
            module.timeout = .static(.number(shellTimeout), location: nil)
        }
        return module
    }

    static let shell = #"""
        # hops:sh as an inline script: runs the command and gives {stdout, stderr, exit_code}.
        command="$1"

        out="$(mktemp)" err="$(mktemp)"
        trap 'rm -f "$out" "$err"' EXIT
        bash -c "$command" >"$out" 2>"$err"
        exit_code=$?

        # A file's text as a JSON string.
        json_string() {
          local text code
          text="$(cat "$1"; printf x)"
          text="${text%x}"
          text="${text//\\/\\\\}"
          text="${text//\"/\\\"}"
          text="${text//$'\n'/\\n}"
          text="${text//$'\r'/\\r}"
          text="${text//$'\t'/\\t}"
          if [[ $text == *[[:cntrl:]]* ]]; then
            for code in 1 2 3 4 5 6 7 8 11 12 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31; do
              text="${text//$(printf "\\$(printf %03o "$code")")/$(printf '\\u%04x' "$code")}"
            done
          fi
          printf '"%s"' "$text"
        }

        result="$(printf '{"stdout":%s,"stderr":%s,"exit_code":%d}' "$(json_string "$out")" "$(json_string "$err")" "$exit_code")"
        # Windmill takes a JSON result from ./result.json; the last line of stdout is the result otherwise.
        if [ -n "${WM_JOB_ID:-}" ]; then printf '%s' "$result" > result.json; fi
        printf '%s\n' "$result"

        """#

    static func http(method: String) -> String {
        // fetch sends no body with GET; hops's own client takes one with the other methods.
        let hasBody = method != "GET"
        let parameters = hasBody
            ? "url: string, headers: Record<string, string> = {}, body: unknown = undefined, timeout: number = 30"
            : "url: string, headers: Record<string, string> = {}, timeout: number = 30"
        let bodyLine = hasBody
            ? "\n    body: body === undefined ? undefined : typeof body === \"string\" ? body : JSON.stringify(body),"
            : ""
        return """
            // hops:http.\(method.lowercased()) as an inline script: gives {status, headers, body, duration_ms},
            // the body parsed when the response says JSON.
            export async function main(\(parameters)) {
              const started = Date.now();
              const response = await fetch(url, {
                method: "\(method)",
                headers,\(bodyLine)
                signal: AbortSignal.timeout(timeout * 1000),
              });
              const text = await response.text();
              const type = response.headers.get("content-type") ?? "";
              let parsed: unknown = text;
              if (type.toLowerCase().includes("json")) {
                try {
                  parsed = JSON.parse(text);
                } catch {
                  parsed = text;
                }
              }
              const responseHeaders: Record<string, string> = {};
              response.headers.forEach((value, name) => (responseHeaders[name.toLowerCase()] = value));
              return { status: response.status, headers: responseHeaders, body: parsed, duration_ms: Date.now() - started };
            }

            """
    }
}

extension Flow {
    /// The flow with each built-in action step (`hops:sh`, `hops:http.*`) made the inline script that
    /// does the same on Windmill; the Windmill export writes this flow.
    public func replacingBuiltinActions() -> Flow {
        mappingModules(BuiltinActionScripts.replacing)
    }
}
