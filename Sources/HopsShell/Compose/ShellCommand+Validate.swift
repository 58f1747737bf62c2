import Foundation
import HopsFlow
import HopsLang
import HopsRun
import HopsStore

/// A flow loaded at the prompt by another command, kept in `Shell.attachments`: `:check`,
/// `:dry-run` and `:export` work on it when there is no draft.
public protocol LoadedFlowAttachment: AnyObject {
    /// The loaded flow; nil when none is loaded.
    var loadedFlow: Flow? { get }
}

extension Shell {
    /// The flow the validating commands work on: the draft, else a loaded flow.
    func flowToValidate() throws -> (flow: Flow, draft: FlowDraft?) {
        if let draft { return (draft.flow, draft) }
        for key in attachments.keys.sorted() {
            if let loaded = attachments[key] as? LoadedFlowAttachment, let flow = loaded.loadedFlow { return (flow, nil) }
        }
        throw CommandError("no flow: load one, or start a draft with :new NAME")
    }
}

extension ShellCommand {
    /// `:check`: validates the draft or the loaded flow.
    public static let check = ShellCommand(
        name: "check", usage: ":check", summary: "Check the draft (or the loaded flow): scripts, arguments, references, schedule",
        action: { shell, _ in
            let (flow, _) = try shell.flowToValidate()
            let root = FlowFiles.repositoryRoot()
            let report: FlowCheckReport
            if let file = flow.file, FileManager.default.fileExists(atPath: file) {
                report = FlowChecker.check(path: file, repositoryRoot: root)
            } else {
                report = FlowChecker.check(flow, repositoryRoot: root)
            }
            var summary = FlowCheckSummary()
            summary.add(report)
            let text = report.rendered(colored: shell.colorErrors)
            shell.print((text.isEmpty ? "" : text + "\n") + summary.line)
            if report.hasErrors { throw CommandError("the flow does not pass check") }
            return .continue
        })

    /// `:dry-run [key=value…]`: plans the draft or the loaded flow without executing anything.
    public static let dryRun = ShellCommand(
        name: "dry-run", aliases: ["dryrun"], usage: ":dry-run [input=value…]",
        summary: "Plan the draft (or loaded flow) without running anything: mocks, cached results, unknowns",
        action: { shell, arguments in
            let (flow, _) = try shell.flowToValidate()
            var inputs = ObjectValue()
            for word in try DraftArguments.words(arguments) {
                let (key, value) = try DraftArguments.pair(word)
                inputs[key] = DraftArguments.literal(value)
            }
            let root = FlowFiles.repositoryRoot()
            // The session's store when it has one (a notebook run with --store), else the repository's.
            let store = try (shell.attachments[Shell.runStoreKey] as? RunStore)
                ?? StoreLocation.openExisting(option: nil, near: root)
            let plan = DryRunPlanner(flow: flow, repositoryRoot: root, store: store).plan(inputs: inputs)
            shell.print(plan.rendered())
            return .continue
        })

    /// `:export [PATH] [--to seed|windmill] [--branch NAME]`: writes the flow into a tree after check.
    public static let export = ShellCommand(
        name: "export", usage: ":export [TREE] [--to seed|windmill] [--branch NAME]",
        summary: "Write the draft (or loaded flow) into the tree (default the repository) if it passes check",
        completer: ShellCommand.words(["--to", "seed", "windmill", "--branch"]),
        action: { shell, arguments in
            let (flow, draft) = try shell.flowToValidate()
            var words = try DraftArguments.words(arguments)[...]
            var tree: String?
            var format: ExportFormat = draft != nil || flow.format == .seed ? .seed : .windmill
            var branch: String?
            while let word = words.popFirst() {
                switch word {
                case "--to":
                    guard let name = words.popFirst(), let chosen = ExportFormat(rawValue: name) else {
                        throw CommandError("--to takes seed or windmill")
                    }
                    format = chosen
                case "--branch":
                    guard let name = words.popFirst() else { throw CommandError("--branch takes a branch name") }
                    branch = name
                default:
                    guard tree == nil else { throw CommandError("usage: :export [TREE] [--to seed|windmill] [--branch NAME]") }
                    tree = (word as NSString).expandingTildeInPath
                }
            }
            do {
                let lines = try FlowExport.run(
                    flow, format: format, into: tree, branch: branch, group: draft?.category, name: draft?.name)
                for line in lines { shell.print(line) }
            } catch let error as FlowExportError {
                if case .checkFailed(let report) = error {
                    shell.print(report.rendered(colored: shell.colorErrors))
                    throw CommandError("the flow does not pass check; nothing was written")
                }
                throw error
            }
            return .continue
        })
}
