import Foundation
import HopsFlow
import HopsLang
import Synchronization

extension FlowEngine {
    func runForLoop(_ loop: ForLoop, module: FlowModule, scope: Scope, place: String) -> Execution {
        let bindings = scope.bindings(functions: functions)
        let items: [Value]
        do {
            switch try FlowExpressions.evaluate(loop.iterator, bindings: bindings) {
            case .array(let values): items = values.elements
            case .null, .undefined: items = []
            case let other:
                return Execution(error: StepError(kind: .setup, message: "the iterator is not an array but \(other.typeName)"))
            }
        } catch {
            return Execution(error: StepError(kind: .setup, message: "iterator: \(error)"))
        }
        // Without `parallelism`, a parallel loop runs a bounded number of items at once, not all.
        var limit = loop.parallel ? min(items.count, runner.maximumParallelism) : 1
        if loop.parallel, let transform = loop.parallelism,
            let value = try? FlowExpressions.evaluate(transform, bindings: bindings), value.toNumber() >= 1
        {
            limit = min(items.count, Int(value.toNumber()))
        }

        let collector = IterationCollector(count: items.count)
        let placePrefix = (place.isEmpty ? "" : place + "/") + module.id
        runConcurrently(count: items.count, limit: max(1, limit), shouldContinue: { !collector.halted }) { index in
            var inner = scope
            inner.iteration = (items[index], index)
            let outcome = self.runSequence(loop.modules, scope: &inner, place: "\(placePrefix)[\(index)]")
            switch outcome {
            case .completed(let value):
                collector.set(index, .success(value))
                if let stop = module.stopAfterIf, !stop.expression.isBlank,
                    (try? FlowExpressions.evaluate(
                        stop.expression, bindings: inner.bindings(functions: self.functions, extra: ["result": value])))?
                        .isTruthy == true
                {
                    collector.halt()
                }
            case .stopped(let value):
                collector.set(index, .success(value))
                collector.halt()
            case .failed(let error):
                collector.set(index, .failure(error))
                // A cancel (Ctrl-C) is no failure of the item: it stops the loop, skip_failures or not.
                if !loop.skipFailures || error.kind == .cancelled { collector.halt(error: error) }
            }
        }
        if let error = collector.firstError {
            return Execution(error: error)
        }
        var results: [Value] = []
        var failures: [Value] = []
        for (index, entry) in collector.entries.enumerated() {
            switch entry {
            case .success(let value)?: results.append(value)
            case .failure(let error)?:
                results.append(.object(ObjectValue([("error", error.value)])))
                failures.append(
                    .object(ObjectValue([("index", .number(Double(index))), ("item", items[index]), ("error", error.value)])))
            case nil: break  // never started: the loop stopped early
            }
        }
        var execution = Execution(result: .array(results))
        execution.failures = .array(failures)
        if let condition = module.stopAfterAllItersIf, !condition.expression.isBlank {
            let holds = (try? FlowExpressions.evaluate(
                condition.expression, bindings: scope.bindings(functions: functions, extra: ["result": .array(results)])))?
                .isTruthy ?? false
            if holds, let message = condition.errorMessage {
                return Execution(error: StepError(kind: .stopped, message: message))
            }
            execution.stop = holds
        }
        return execution
    }

    func runWhileLoop(_ loop: WhileLoop, module: FlowModule, scope: Scope, place: String) -> Execution {
        var results: [Value] = []
        var failures: [Value] = []
        for index in 0..<maxWhileIterations {
            if cancellation.isCancelled { return Execution(error: StepError(kind: .cancelled, message: "cancelled")) }
            var inner = scope
            inner.iteration = (.number(Double(index)), index)
            switch runSequence(loop.modules, scope: &inner, place: (place.isEmpty ? "" : place + "/") + "\(module.id)[\(index)]") {
            case .completed(let value):
                results.append(value)
            case .stopped(let value):
                results.append(value)
                var execution = Execution(result: .array(results))
                execution.failures = .array(failures)
                return execution
            case .failed(let error):
                guard loop.skipFailures, error.kind != .cancelled else { return Execution(error: error) }
                results.append(.object(ObjectValue([("error", error.value)])))
                failures.append(.object(ObjectValue([("index", .number(Double(index))), ("error", error.value)])))
            }
        }
        return Execution(
            error: StepError(
                kind: .setup,
                message: "the while loop did not stop after \(maxWhileIterations) iterations (no stop_after_if held)"))
    }

    func runBranchOne(_ branch: BranchOne, module: FlowModule, scope: Scope, place: String) -> Execution {
        let bindings = scope.bindings(functions: functions)
        var chosen = branch.defaultModules
        var label = "default"
        for (index, candidate) in branch.branches.enumerated() {
            do {
                if try FlowExpressions.evaluate(candidate.condition, bindings: bindings).isTruthy {
                    chosen = candidate.modules
                    label = "\(index)"
                    break
                }
            } catch {
                return Execution(error: StepError(kind: .setup, message: "branch \(index) condition: \(error)"))
            }
        }
        var inner = scope
        let before = Set(scope.results.keys)
        let outcome = runSequence(chosen, scope: &inner, place: (place.isEmpty ? "" : place + "/") + "\(module.id)[\(label)]")
        let exported = inner.results.entries.filter { !before.contains($0.0) }.map { ($0.0, $0.1) }
        var execution: Execution
        switch outcome {
        case .completed(let value):
            execution = Execution(result: value)
        case .stopped(let value):
            execution = Execution(result: value)
            execution.stop = true
        case .failed(let error):
            return Execution(error: error)
        }
        execution.exported = exported
        return execution
    }

    func runBranchAll(_ branch: BranchAll, module: FlowModule, scope: Scope, place: String) -> Execution {
        let collector = IterationCollector(count: branch.branches.count)
        let limit = branch.parallel ? max(1, branch.branches.count) : 1
        runConcurrently(count: branch.branches.count, limit: limit, shouldContinue: { !collector.halted }) { index in
            var inner = scope
            let candidate = branch.branches[index]
            switch self.runSequence(candidate.modules, scope: &inner, place: (place.isEmpty ? "" : place + "/") + "\(module.id)[\(index)]") {
            case .completed(let value), .stopped(let value):
                collector.set(index, .success(value))
            case .failed(let error):
                collector.set(index, .failure(error))
                if !candidate.skipFailure { collector.halt(error: error) }
            }
        }
        if let error = collector.firstError { return Execution(error: error) }
        let results = collector.entries.map { entry -> Value in
            switch entry {
            case .success(let value)?: value
            case .failure(let error)?: .object(ObjectValue([("error", error.value)]))
            case nil: .null
            }
        }
        return Execution(result: .array(results))
    }

    /// Runs `body(0..<count)` on at most `limit` threads at once, starting no new index once
    /// `shouldContinue` turns false. One thread per worker, so that blocking on child processes
    /// never starves the others.
    func runConcurrently(
        count: Int, limit: Int, shouldContinue: @escaping @Sendable () -> Bool, _ body: @escaping @Sendable (Int) -> Void
    ) {
        guard count > 0 else { return }
        if limit <= 1 {
            for index in 0..<count where shouldContinue() && !cancellation.isCancelled { body(index) }
            return
        }
        let next = IndexCounter()
        let group = DispatchGroup()
        for _ in 0..<min(limit, count) {
            group.enter()
            detachThread { [cancellation] in
                while shouldContinue(), !cancellation.isCancelled, let index = next.take(below: count) { body(index) }
                group.leave()
            }
        }
        group.wait()
    }
}

/// Hands out indexes to loop workers, which take them concurrently.
final class IndexCounter: Sendable {
    private let value = Mutex(0)

    func take(below count: Int) -> Int? {
        value.withLock { value in
            guard value < count else { return nil }
            value += 1
            return value - 1
        }
    }
}

/// The results of loop iterations or branches, filled in from several threads.
final class IterationCollector: Sendable {
    enum Entry {
        case success(Value)
        case failure(StepError)
    }

    private struct State {
        var storage: [Entry?]
        var halted = false
        var error: StepError?
    }
    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(storage: Array(repeating: nil, count: count))) }

    func set(_ index: Int, _ entry: Entry) {
        state.withLock { $0.storage[index] = entry }
    }

    /// Stops new iterations; with an error, the loop fails with the first one.
    func halt(error: StepError? = nil) {
        state.withLock { state in
            state.halted = true
            if state.error == nil { state.error = error }
        }
    }

    var halted: Bool { state.withLock { $0.halted } }

    var firstError: StepError? { state.withLock { $0.error } }

    var entries: [Entry?] { state.withLock { $0.storage } }
}
