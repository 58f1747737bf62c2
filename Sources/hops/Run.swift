import ArgumentParser
import HopsShell

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hops run FILE`: runs a file of statements and stops with a located error at the first failure.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a file of statements, printing the value of each expression statement.")

    @Argument(help: "The file of statements.")
    var file: String

    @Option(
        name: .long, help: "A JSON file (- for standard input) bound to `input` and, for an object, its keys.")
    var input: String?

    func run() throws {
        let text: String
        do {
            text = try FileContents.text(atPath: file)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(66)
        }
        let shell = Shell(
            renderer: ValueRenderer(colored: Terminal.useColor(on: STDOUT_FILENO)),
            colorErrors: Terminal.useColor(on: STDERR_FILENO), sourceName: file)
        if let input {
            do {
                try InputBinding.bind(path: input, into: shell.interpreter)
            } catch {
                Terminal.writeError(Hops.describe(error, colored: shell.colorErrors) + "\n")
                throw ExitCode(65)
            }
        }
        let status = shell.runStatements(text)
        if status != 0 { throw ExitCode(status) }
    }
}
