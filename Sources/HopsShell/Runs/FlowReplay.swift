import Foundation
import HopsLang
import HopsRun
import HopsStore

/// A recorded flow run walked step by step at the prompt: `:next` shows each recorded attempt
/// (resolved arguments, result or error) without running it and binds `results`, `steps`,
/// `flow_input`; `:retry` and `:continue` run live in a new run linked to the original.
public final class FlowReplay: ReplayControl {
    public let store: RunStore
    public let original: RunRecord
    /// The index in `original.steps` of the attempt `:next` shows.
    public private(set) var position = 0
    private var results = ObjectValue()
    private var previousResult: Value = .null
    /// The live run, once `:retry` or `:continue` started it.
    private var resume: FlowResume?
    private var session: FlowSession?

    public init(store: RunStore, original: RunRecord) {
        self.store = store
        self.original = original
    }

    private var inputs: ObjectValue {
        guard let json = original.inputsJSON, case .object(let object)? = try? Value(parsingJSON: json) else {
            return ObjectValue()
        }
        return object
    }

    /// Binds what is recorded so far as the flow's expressions see it.
    func bindRecorded(in shell: Shell) {
        var steps = ObjectValue()
        for (id, result) in results.entries { steps[id] = .object(ObjectValue([("result", result)])) }
        shell.interpreter.setVariable("flow_input", .object(inputs))
        shell.interpreter.setVariable("inputs", .object(inputs))
        shell.interpreter.setVariable("results", .object(results))
        shell.interpreter.setVariable("steps", .object(steps))
        shell.interpreter.setVariable("previous_result", previousResult)
    }

    /// Shows the next recorded attempt without running it.
    public func next(in shell: Shell, arguments: String) throws {
        if let session {
            // Once live, `:next` steps the live run.
            guard !session.isFinished, let id = session.nextStepID else {
                throw CommandError("the live run has no more steps")
            }
            let report = session.next()
            show(report ?? StepReport(id: id, state: .pending), live: true, in: shell)
            bind(session, in: shell)
            return
        }
        guard position < original.steps.count else {
            throw CommandError("end of the recorded run \(original.id)\(stoppedAt.map { ": :retry runs \($0.stepID) live" } ?? "")")
        }
        let step = original.steps[position]
        position += 1
        let colored = shell.renderer.colored
        let place = step.place.isEmpty ? "" : " @ \(step.place)"
        let attempt = step.attempt > 1 ? ", attempt \(step.attempt)" : ""
        shell.print(
            TextStyle.key.apply(
                "[\(position)/\(original.steps.count)] \(step.stepID)\(place): \(step.status.rawValue) (recorded\(attempt))",
                colored: colored))
        shell.print(RunDetail.section("arguments", step.argsJSON.map(RunDetail.pretty)))
        if step.status == .failed || step.status == .interrupted {
            shell.print(RunDetail.section("error", step.error))
        } else if let json = step.resultJSON, let value = try? Value(parsingJSON: json) {
            shell.print("result:")
            shell.show(value)
            if step.place.isEmpty {
                results[step.stepID] = value
                previousResult = value
            }
        }
        bindRecorded(in: shell)
        if position == original.steps.count {
            if let stoppedAt {
                shell.print("end of the recorded run: \(stoppedAt.stepID) \(stoppedAt.status.rawValue); :retry runs it live")
            } else {
                shell.print("end of the recorded run (\(original.status.rawValue)); :continue runs the flow again")
            }
        }
    }

    /// The attempt the run failed or was interrupted at.
    var stoppedAt: StepRecord? { original.steps.last { $0.status == .failed || $0.status == .interrupted } }

    /// The top-level step holding the failed attempt (a loop or branch holds inner ones).
    func failedTopLevelStep(of flowResume: FlowResume) -> String? {
        let topLevel = Set(flowResume.flow.modules.map(\.id))
        guard let stopped = stoppedAt else {
            // Nothing failed: the first step without a succeeded record.
            let done = Set(original.steps.filter { $0.status == .succeeded || $0.status == .reused }.map(\.stepID))
            return flowResume.flow.modules.first { !done.contains($0.id) }?.id
        }
        if stopped.place.isEmpty || topLevel.contains(stopped.stepID) { return stopped.stepID }
        let outer = String(stopped.place.prefix { $0 != "[" && $0 != "/" })
        return topLevel.contains(outer) ? outer : stopped.stepID
    }

    private func liveSession() throws -> (FlowResume, FlowSession) {
        if let resume, let session { return (resume, session) }
        let flowResume = try FlowResume(store: store, original: original)
        let session = flowResume.session()
        resume = flowResume
        self.session = session
        return (flowResume, session)
    }

    /// Runs the failed step live (the script is read from disk again): the steps before it are
    /// reused from the record when their keys still match, so it gets the recorded inputs.
    public func retry(in shell: Shell) throws {
        let (flowResume, session) = try liveSession()
        guard let target = failedTopLevelStep(of: flowResume) else {
            throw CommandError("run \(original.id) has no failed step to retry; :continue runs the flow again")
        }
        var report: StepReport?
        while !session.isFinished, let id = session.nextStepID, id != target {
            if let earlier = session.next() { show(earlier, live: false, in: shell) }
        }
        if session.nextStepID == target {
            report = session.next()
        } else {
            report = try session.runStep(target)
        }
        if let report { show(report, live: true, in: shell) }
        bind(session, in: shell)
        let runID = session.runID.map(\.rawValue) ?? "(not recorded)"
        if report?.state == .failed {
            throw CommandError("\(target) failed again (run \(runID)); fix it and :retry")
        }
        shell.print("recorded as run \(runID), a resume of \(original.id); :continue runs the rest")
    }

    /// Runs the rest of the flow live; what succeeded before the failure is reused where keys match.
    public func continueRun(in shell: Shell) throws {
        let (flowResume, session) = try liveSession()
        let result = session.runToEnd()
        shell.print(FlowResume.lines(result, source: flowResume.source, colored: shell.renderer.colored).joined(separator: "\n"))
        bind(session, in: shell)
        if let value = result.result, result.status == .succeeded { shell.show(value) }
        // A finished live run starts over on the next :continue.
        resume = nil
        self.session = nil
        if result.status != .succeeded { throw CommandError("the run \(result.ending)") }
    }

    public func finishLiveRun() {
        // Resetting records the end of the session's run, so it does not read as interrupted.
        session?.reset()
        session = nil
        resume = nil
    }

    private func show(_ report: StepReport, live: Bool, in shell: Shell) {
        let decision = resume?.source.decision(stepID: report.id, place: report.place)
        let how = report.state == .cached ? "reused" : live ? "ran live" : "ran"
        let why = decision.map { " (\($0.reason))" } ?? ""
        shell.print(TextStyle.key.apply("\(report.id): \(report.state.rawValue), \(how)\(why)", colored: shell.renderer.colored))
        if let error = report.error {
            shell.reportError("error: \(error.message)")
        } else if let result = report.result, live {
            shell.show(result)
        }
    }

    private func bind(_ session: FlowSession, in shell: Shell) {
        for (name, value) in session.bindings { shell.interpreter.setVariable(name, value) }
    }
}

@available(*, unavailable)
extension FlowReplay: Sendable {}
