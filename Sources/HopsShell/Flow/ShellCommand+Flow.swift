import Foundation
import HopsFlow
import HopsLang
import HopsRun
import HopsStore

extension Shell {
    /// The flow loaded with `:load`, if any.
    public var loadedFlow: FlowStepper? {
        get { attachments[FlowStepper.attachmentKey] as? FlowStepper }
        set { attachments[FlowStepper.attachmentKey] = newValue }
    }

    /// The loaded flow, or an error telling how to load one.
    func requireLoadedFlow() throws -> FlowStepper {
        guard let loaded = loadedFlow else { throw CommandError("no flow loaded: :load PATH first") }
        return loaded
    }
}

extension ShellCommand {
    /// The commands that load a flow and run it step by step.
    public static var flowCommands: [ShellCommand] { [.load, .flow, .inputs, .step, .runFlow, .reset, .approve, .reject] }

    /// `:load PATH`: loads a flow, shows its tree and the inputs it still needs; `:next` steps it.
    public static let load = ShellCommand(
        name: "load", usage: ":load PATH", summary: "Load a flow (seed .yaml, flow.yaml, .flow or __flow folder) to step through",
        completer: { _, text in FlowPathCompletion.complete(text) },
        action: { shell, arguments in
            let words = try DraftArguments.words(arguments)
            guard words.count == 1, let word = words.first else { throw CommandError("usage: :load PATH") }
            let path = (DraftArguments.literal(word).stringValue ?? word as String).expandingTilde
            let root = FlowFiles.repositoryRoot(ofFlowAt: path)
            // Checked as `hops check` and `flow run` check it: the same warnings, and an error refuses it.
            let report = FlowChecker.check(path: path, repositoryRoot: root)
            for diagnostic in report.diagnostics { shell.reportError(diagnostic.rendered(colored: shell.colorErrors)) }
            guard let flow = report.flow, !report.hasErrors else {
                throw CommandError("the flow at \(path) does not load" + (report.flow == nil ? "" : ": check finds errors in it (see above)"))
            }
            var store: RunStore?
            do {
                // The session's store when it has one (a notebook run with --store), else the flow's.
                store = try (shell.attachments[Shell.runStoreKey] as? RunStore)
                    ?? StoreLocation.open(option: nil, near: root)
            } catch {
                shell.reportError("warning: not recording runs of this flow: \(error)")
            }
            let stepper = FlowStepper(
                path: path, flow: flow, repositoryRoot: root, store: store,
                progress: FlowProgress(live: Terminal.isTerminal(STDERR_FILENO) && Terminal.isTerminal(STDIN_FILENO)))
            shell.loadedFlow = stepper
            shell.stepper = stepper
            stepper.bind(in: shell)
            var text = flow.treeDescription()
            let missing = stepper.missingInputs
            if !missing.isEmpty {
                text += "\nrequired inputs: " + missing.joined(separator: ", ") + " (set them with :inputs name=value)"
            }
            shell.print(text)
            return .continue
        })

    /// `:flow`: the loaded flow with each step's state, or the draft being composed.
    public static let flow = ShellCommand(
        name: "flow", usage: ":flow", summary: "Show the loaded flow with each step's state (or the draft)",
        action: { shell, _ in
            if let loaded = shell.loadedFlow {
                shell.print(loaded.stateTree(colored: shell.renderer.colored))
            } else if let draft = shell.draft {
                shell.print("draft (not loaded; :export writes it):\n" + draft.flow.treeDescription())
            } else {
                throw CommandError("no flow loaded: :load PATH, or start a draft with :new NAME")
            }
            return .continue
        })

    /// `:inputs [name=value…]`: sets the loaded flow's inputs, or shows them.
    public static let inputs = ShellCommand(
        name: "inputs", usage: ":inputs [name=value…]",
        summary: "Set inputs of the loaded flow (values are JSON, else text), or list them",
        completer: { shell, text in
            let word = text.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            let names = shell.loadedFlow?.flow.inputs.map { $0.name + "=" } ?? []
            return LineEditor.Completion(wordLength: word.count, candidates: names)
        },
        action: { shell, arguments in
            let loaded = try shell.requireLoadedFlow()
            let words = try DraftArguments.words(arguments)
            if words.isEmpty {
                guard !loaded.flow.inputs.isEmpty || loaded.session.inputs.count > 0 else {
                    shell.print("the flow takes no inputs")
                    return .continue
                }
                var renderer = shell.renderer
                renderer.mode = .table
                shell.print(renderer.render(loaded.inputRows()))
                return .continue
            }
            var inputs = loaded.session.inputs
            // The flow's schema converts and checks each value; a missing input is only an error when the flow runs.
            let given = try words.map { word -> (name: String, value: FlowInputs.Given) in
                let (key, value) = try DraftArguments.pair(word)
                // 'a b' at the prompt is the text a b, as in the arguments of :add.
                let quoted = value.count >= 2 && value.hasPrefix("'") && value.hasSuffix("'")
                return (key, .text(quoted ? String(value.dropFirst().dropLast()) : value))
            }
            do {
                let bound = try FlowInputs.bind(given, to: loaded.flow, allowMissing: true)
                for (name, _) in given { inputs[name] = bound[name] }
            } catch let problems as FlowInputs.Problems {
                throw CommandError(problems.messages.joined(separator: "\n"))
            }
            loaded.session.inputs = inputs
            loaded.bind(in: shell)
            return .continue
        })

    /// `:step ID`: runs one step of the loaded flow with its inputs resolved from what has run.
    public static let step = ShellCommand(
        name: "step", usage: ":step ID [-q]", summary: "Run one step of the loaded flow, its inputs from what has run",
        completer: { shell, text in
            let ids = shell.loadedFlow?.flow.modules.map(\.id) ?? []
            return LineEditor.Completion(wordLength: text.count, candidates: ids)
        },
        action: { shell, arguments in
            let loaded = try shell.requireLoadedFlow()
            var words = arguments.split(separator: " ").map(String.init)
            let quiet = words.count == 2 && ["-q", "--quiet"].contains(words[1])
            if quiet { words.removeLast() }
            guard words.count == 1 else { throw CommandError("usage: :step ID [-q]") }
            try loaded.step(words[0], in: shell, quiet: quiet)
            return .continue
        })

    /// `:run`: runs the rest of the loaded flow with live progress.
    public static let runFlow = ShellCommand(
        name: "run", usage: ":run [-q] | :run --remote",
        summary: "Run the rest of the loaded flow (the whole of it on the session's Windmill server with --remote)",
        action: { shell, arguments in
            let loaded = try shell.requireLoadedFlow()
            if arguments.split(separator: " ").contains("--remote") {
                try runRemotely(loaded, in: shell)
                return .continue
            }
            let quiet = try FlowStepper.quietFlag(arguments, usage: ":run [-q]")
            if loaded.session.isFinished, loaded.session.nextStepID == nil, !loaded.session.reports.isEmpty {
                throw CommandError("the flow has run to its end; :reset starts over")
            }
            try loaded.runToEnd(in: shell, quiet: quiet)
            return .continue
        })

    /// `:approve [payload]`: answers the approval step the loaded flow waits at; `:next` or `:run` goes on.
    public static let approve = ShellCommand(
        name: "approve", usage: ":approve [payload]",
        summary: "Approve the step the loaded flow waits at; the payload (JSON) is `resume` in the next step",
        action: { shell, arguments in
            let loaded = try shell.requireLoadedFlow()
            let text = arguments.trimmingCharacters(in: .whitespaces)
            let payload: Value?
            do {
                payload = text.isEmpty ? nil : try Value(parsingJSON: text)
            } catch {
                throw CommandError("usage: :approve [payload]: the payload is JSON (\(error))")
            }
            let id = loaded.session.waitingStep ?? ""
            try loaded.session.answer(.approve(payload: payload))
            loaded.bind(in: shell)
            shell.print("\(id) approved; :next or :run goes on")
            return .continue
        })

    /// `:reject`: rejects the approval step the loaded flow waits at; the run fails there.
    public static let reject = ShellCommand(
        name: "reject", usage: ":reject", summary: "Reject the step the loaded flow waits at: the run fails there",
        action: { shell, _ in
            let loaded = try shell.requireLoadedFlow()
            let id = loaded.session.waitingStep ?? ""
            try loaded.session.answer(.reject)
            shell.print("\(id) rejected; the run stops here (:reset starts over)")
            return .continue
        })

    /// `:reset`: forgets the loaded flow's results; `:next` starts from its first step.
    public static let reset = ShellCommand(
        name: "reset", usage: ":reset", summary: "Forget the loaded flow's results and start over",
        action: { shell, _ in
            let loaded = try shell.requireLoadedFlow()
            loaded.reset(in: shell)
            shell.print("reset: the next step is \(loaded.session.nextStepID ?? "(none)")")
            return .continue
        })
}

extension Value {
    /// The string, when the value is one.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}

extension String {
    /// `~/x` with the home folder spelled out.
    var expandingTilde: String { (self as NSString).expandingTildeInPath }
}
