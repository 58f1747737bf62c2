import HopsLang
import HopsShell

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hops -e EXPR [--json] [--raw] [--input FILE]`: one expression, its value on standard output.
struct OneExpression {
    var text: String
    var json = false
    var raw = false
    var input: String?

    /// Reads a command line made only of `-e`/`--eval` and the flags above; nil for anything else
    /// (`--help` included), which goes through the argument parser.
    init?(arguments: [String]) {
        var text: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "-e", "--eval", "--input":
                guard index + 1 < arguments.count else { return nil }
                if argument == "--input" { input = arguments[index + 1] } else { text = arguments[index + 1] }
                index += 2
                continue
            case "--json": json = true
            case "-r", "--raw": raw = true
            default: return nil
            }
            index += 1
        }
        guard let text else { return nil }
        self.text = text
    }

    init(text: String, json: Bool, raw: Bool, input: String?) {
        self.text = text
        self.json = json
        self.raw = raw
        self.input = input
    }

    /// Evaluates and prints; the exit status: 65 for a syntax error, 70 for an error while
    /// evaluating, 66 for an input file that cannot be read.
    func runReportingErrors() -> Int32 {
        let interpreter = Interpreter()
        keepUntilExit(interpreter)
        let colorErrors = Terminal.useColor(on: STDERR_FILENO)
        if let input {
            do {
                try InputBinding.bind(path: input, into: interpreter)
            } catch let error as FileContents.ReadError {
                Terminal.writeError("error: \(error)\n")
                return 66
            } catch {
                Terminal.writeError(Prompt.describe(error, colored: colorErrors) + "\n")
                return 65
            }
        }
        let expression: Expression
        do {
            expression = try Expression(SourceFile(name: "<expr>", text: text))
        } catch {
            Terminal.writeError(Prompt.describe(error, colored: colorErrors) + "\n")
            return 65
        }
        let value: Value
        do {
            var bindings: [String: Value] = [:]
            for name in expression.freeVariables {
                if let bound = interpreter.variable(name) { bindings[name] = bound }
            }
            value = try expression.evaluate(bindings: bindings)
        } catch {
            Terminal.writeError(Prompt.describe(error, colored: colorErrors) + "\n")
            return 70
        }
        Terminal.writeOutput(format(value) + "\n")
        return 0
    }

    private func format(_ value: Value) -> String {
        if json { return value.jsonString(indent: 0) ?? "null" }
        if raw, case .string(let text) = value { return text }
        return ValueRenderer(colored: Terminal.useColor(on: STDOUT_FILENO)).render(value)
    }
}
