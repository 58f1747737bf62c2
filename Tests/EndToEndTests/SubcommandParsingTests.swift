import Testing

/// A subcommand is parsed by a parser of its own, which names `hops` as its super-command: what a
/// user sees of the parser (help, usage in an error, the completion script) is the whole command's.
@Suite struct SubcommandParsingTests {
    @Test func helpAndUsageNameHopsOnce() throws {
        let help = try HopsProcess.run(["resume", "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("USAGE: hops resume [<run> ...]"))
        #expect(!help.output.contains("hops hops"))
        let nested = try HopsProcess.run(["flow", "run", "--help"])
        #expect(nested.output.contains("USAGE: hops flow run [<options>] <path>"))
        let wrong = try HopsProcess.run(["runs", "--bogus"])
        #expect(wrong.status == 2)
        #expect(wrong.error.contains("Error: Unknown option '--bogus'"))
        #expect(wrong.error.contains("Usage: hops runs "))
        #expect(!wrong.error.contains("hops hops"))
    }

    /// The subcommand's own parser does not look for the option; the whole parser, rooted at `hops`, still answers it.
    @Test func theCompletionScriptIsStillWrittenAfterASubcommand() throws {
        for arguments in [["--generate-completion-script", "bash"], ["resume", "--generate-completion-script", "bash"]] {
            let script = try HopsProcess.run(arguments)
            #expect(script.status == 0, "\(arguments)")
            #expect(script.output.hasPrefix("#!/bin/bash"), "\(arguments)")
            #expect(script.output.contains("_hops()"), "\(arguments)")
        }
    }
}
