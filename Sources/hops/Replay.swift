import ArgumentParser
import Foundation
import HopsRun
import HopsShell
import HopsStore

/// `hops replay RUN`: the prompt positioned at the start of a recorded run.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        _superCommandName: "hops",
        abstract: "Walk a recorded run at the prompt: :next shows each recorded step, :retry and :continue run live.",
        discussion: """
            :next shows the next step's recorded arguments and result (or error) without running \
            it, and binds results, steps and flow_input to the recorded values so far. At the \
            failed step, :retry runs it live (the script is read again, so a fix is picked up) and \
            :continue runs the rest live, reusing what is recorded; the live run is recorded as a \
            resume of RUN. Notebook runs replay cell by cell. Reads statements from standard input \
            when it is not a terminal.
            """)

    @OptionGroup var target: RunReference

    var reference: String { target.reference }

    @Option(name: .long, help: "The run store (default: HOPS_STORE, else .hops/hops.db in the repository).")
    var store: String?

    @OptionGroup(title: "Replaying a server's run (with --remote, RUN is a job id, imported first)") var remote: RemoteOptions

    func run() throws {
        let runStore = try StoreCommand.open(store)
        var reference = reference
        if remote.remote != nil {
            reference = try runStore.run(remoteJob: reference)?.rawValue
                ?? RemoteImportCommand.perform(job: reference, remote: remote, store: store).runID.rawValue
        }
        let record = try StoreCommand.answer { try RunDetail.resolve(reference, in: runStore) }
        let interactive = Terminal.isTerminal(STDIN_FILENO)
        let shell = Shell(
            renderer: ValueRenderer(colored: interactive && Terminal.useColor(on: STDOUT_FILENO)),
            colorErrors: interactive && Terminal.useColor(on: STDERR_FILENO),
            sourceName: interactive ? "<prompt>" : "<stdin>")
        shell.defineBuiltinActions(workingDirectory: FlowFiles.repositoryRoot())
        shell.attachments[Shell.runStoreKey] = runStore
        let replay: any ReplayControl
        do {
            replay = try RunReplay.start(record, store: runStore)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(StoreCommand.notFound)
        }
        shell.stepper = replay
        shell.print(RunReplay.introduction(record))
        let status = interactive ? shell.runInteractive(historyPath: HopsHome.historyPath()) : shell.runPiped()
        replay.finishLiveRun()
        if status != 0 { throw ExitCode(status) }
    }
}
