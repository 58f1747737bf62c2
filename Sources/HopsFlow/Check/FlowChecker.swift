import Foundation
import HopsLang

/// Static validation of a flow: structure, expressions, step references, scripts and their
/// arguments, the schedule, input types and literal secrets. Executes nothing.
public struct FlowChecker {
    /// The tree the flow lives in: seed scripts under `windmill/scripts/`, Windmill scripts by path.
    public var repositoryRoot: String?
    /// The instant after which the schedule's next fire times are computed.
    public var now: Date

    var flow: Flow
    var diagnostics: [FlowDiagnostic] = []
    /// Ids of all modules in execution order (depth first), for "step 3 of 5" in messages.
    let order: [String]
    var sourceLines: [String: [String]] = [:]

    public init(flow: Flow, repositoryRoot: String? = nil, now: Date = Date()) {
        self.flow = flow
        self.repositoryRoot = repositoryRoot
        self.now = now
        order = flow.allModules.map(\.id)
    }

    /// Checks an in-memory flow (a draft, or one already loaded).
    public static func check(_ flow: Flow, repositoryRoot: String? = nil, now: Date = Date()) -> FlowCheckReport {
        var checker = FlowChecker(flow: flow, repositoryRoot: repositoryRoot, now: now)
        return checker.run()
    }

    /// Loads the flow at `path` (file or folder) and checks it; the loader's problems come first in place order.
    public static func check(path: String, repositoryRoot: String? = nil, now: Date = Date()) -> FlowCheckReport {
        check(FlowLoader.read(path: path), repositoryRoot: repositoryRoot, now: now)
    }

    /// `check(path:)` of a flow already read.
    public static func check(_ loaded: FlowLoadResult, repositoryRoot: String? = nil, now: Date = Date()) -> FlowCheckReport {
        // A seed script that is missing is a check error, reported by the checker itself below.
        let loaderDiagnostics = loaded.diagnostics.filter { !($0.severity == .warning && $0.message.hasPrefix("script '") && $0.message.contains(" not found under ")) }
        guard let flow = loaded.flow else { return FlowCheckReport(diagnostics: loaderDiagnostics) }
        var report = check(flow, repositoryRoot: repositoryRoot, now: now)
        // The loader already reports expression syntax errors; the checker finds them again on a
        // flow it did not load (a draft), so here the same finding is kept once.
        var seen = Set<String>()
        // Where the loader found an expression invalid, the checker's own wording of it is left out.
        let invalidPlaces = Set(loaderDiagnostics.filter { $0.isError }.compactMap { $0.location.map { "\($0)" } })
        let unique = (loaderDiagnostics + report.diagnostics.filter {
            !($0.message.hasPrefix("invalid expression") && invalidPlaces.contains($0.location.map { "\($0)" } ?? ""))
        }).filter {
            seen.insert("\($0.location.map { "\($0)" } ?? ""): \($0.severity) \($0.message)").inserted
        }
        report.diagnostics = sorted(unique)
        report.flow = flow
        return report
    }

    mutating func run() -> FlowCheckReport {
        checkInputs()
        let schedule = checkSchedule()
        var available = Set<String>()
        if let preprocessor = flow.preprocessorModule {
            check(preprocessor, scope: CheckScope(available: [], role: .preprocessor))
        }
        walk(flow.modules, available: &available, scope: CheckScope(available: []))
        if let failure = flow.failureModule {
            // Any step may have run before the failure: all results may be there.
            check(failure, scope: CheckScope(available: Set(order), role: .failure))
        }
        checkDuplicateIds()
        checkWindmillOnly()
        checkSubflowCycles()
        return FlowCheckReport(diagnostics: Self.sorted(diagnostics), schedule: schedule)
    }

    /// Walks modules in execution order; each module sees the results of those that finished before it.
    mutating func walk(_ modules: [FlowModule], available: inout Set<String>, scope: CheckScope) {
        var previous: FlowModule?
        for module in modules {
            var moduleScope = scope
            moduleScope.available = available
            // After an approval step, Windmill gives the next step the approval's payload and approvers.
            moduleScope.afterSuspend = previous?.suspend != nil
            previous = module
            check(module, scope: moduleScope)
            available.insert(module.id)
            for descendant in Flow(modules: module.children).allModules { available.insert(descendant.id) }
        }
    }

    /// Checks one module's expressions, script and arguments, then its children.
    mutating func check(_ module: FlowModule, scope: CheckScope) {
        checkExpressions(of: module, scope: scope)
        checkScript(of: module, scope: scope)
        checkSecrets(in: module.value.inputTransforms, module: module)
        var inner = scope
        inner.enclosing.append(module.id)
        switch module.value {
        case .forLoop(let loop):
            var available = scope.available
            inner.loopDepth += 1
            inner.seedItemStep = flow.format == .seed ? loop.modules.first?.id : nil
            walk(loop.modules, available: &available, scope: inner)
        case .whileLoop(let loop):
            var available = scope.available
            walk(loop.modules, available: &available, scope: inner)
        case .branchOne(let branch):
            for item in branch.branches {
                var available = scope.available
                walk(item.modules, available: &available, scope: inner)
            }
            var available = scope.available
            walk(branch.defaultModules, available: &available, scope: inner)
        case .branchAll(let branch):
            for item in branch.branches {
                var available = scope.available
                walk(item.modules, available: &available, scope: inner)
            }
        default:
            break
        }
    }

    private mutating func checkDuplicateIds() {
        var seen = Set<String>()
        let all = flow.allModules + [flow.failureModule, flow.preprocessorModule].compactMap { $0 }
        for module in all where !module.id.isEmpty {
            if !seen.insert(module.id).inserted {
                report(.error, "step id '\(module.id)' is used by more than one step; results.\(module.id) would be ambiguous", at: module.location)
            }
        }
    }

    // MARK: Reporting

    mutating func report(_ severity: FlowDiagnostic.Severity, _ message: String, at location: SourceLocation?) {
        let location = location ?? flow.file.map { SourceLocation(file: $0, line: 1, column: 1) }
        var sourceLine: String?
        if let location { sourceLine = line(at: location) }
        diagnostics.append(FlowDiagnostic(severity, message, at: location, sourceLine: sourceLine))
    }

    /// The text of the line at `location`, read from its file once.
    mutating func line(at location: SourceLocation) -> String? {
        if sourceLines[location.file] == nil {
            let text = (try? String(contentsOfFile: location.file, encoding: .utf8)) ?? ""
            sourceLines[location.file] = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        guard let lines = sourceLines[location.file], location.line >= 1, location.line <= lines.count else { return nil }
        return lines[location.line - 1]
    }

    /// The place of the key `key:` that owns the value at `location`: on the same line or a line above.
    mutating func keyLocation(_ key: String, near location: SourceLocation?) -> SourceLocation? {
        guard let location, line(at: location) != nil, let lines = sourceLines[location.file] else { return location }
        let candidates = [key + ":", "'\(key)':", "\"\(key)\":"]
        var lineNumber = location.line
        while lineNumber >= max(1, location.line - 3) {
            let text = lines[lineNumber - 1]
            let indent = text.prefix { $0 == " " || $0 == "-" }.count
            let rest = text.dropFirst(indent)
            if candidates.contains(where: { rest.hasPrefix($0) }) {
                return SourceLocation(file: location.file, line: lineNumber, column: indent + 1)
            }
            lineNumber -= 1
        }
        return location
    }

    /// The place of the key `key:` among the next lines of the block that starts at `location`.
    mutating func keyLocation(_ key: String, below location: SourceLocation?) -> SourceLocation? {
        guard let location, line(at: location) != nil, let lines = sourceLines[location.file] else { return nil }
        let candidates = [key + ":", "'\(key)':", "\"\(key)\":"]
        let baseIndent = lines[location.line - 1].prefix { $0 == " " || $0 == "-" }.count
        for lineNumber in location.line...min(lines.count, location.line + 12) {
            let text = lines[lineNumber - 1]
            let indent = text.prefix { $0 == " " || $0 == "-" }.count
            // The block ends at a line indented less than its first one (or at the next list item).
            if lineNumber > location.line && (indent < baseIndent || text.dropFirst(text.prefix { $0 == " " }.count).hasPrefix("- ")) { break }
            if candidates.contains(where: { text.dropFirst(indent).hasPrefix($0) }) {
                return SourceLocation(file: location.file, line: lineNumber, column: indent + 1)
            }
        }
        return nil
    }

    /// A step's place in the flow for messages: "step 3 of 5".
    func position(of id: String) -> String {
        guard let index = order.firstIndex(of: id) else { return "" }
        return "step \(index + 1) of \(order.count)"
    }

    static func sorted(_ diagnostics: [FlowDiagnostic]) -> [FlowDiagnostic] {
        diagnostics.enumerated().sorted { left, right in
            let a = left.element.location
            let b = right.element.location
            if a?.file != b?.file { return (a?.file ?? "") < (b?.file ?? "") }
            if a?.line != b?.line { return (a?.line ?? 0) < (b?.line ?? 0) }
            if a?.column != b?.column { return (a?.column ?? 0) < (b?.column ?? 0) }
            return left.offset < right.offset
        }.map(\.element)
    }
}

/// What a module may refer to where it stands in the flow.
struct CheckScope {
    enum Role {
        case step, failure, preprocessor
    }

    /// Ids of steps whose results exist when this module runs.
    var available: Set<String>
    var role: Role = .step
    /// How many for-loops enclose the module (`flow_input.iter` is defined inside one).
    var loopDepth = 0
    /// Ids of the loops and branches around the module, innermost last.
    var enclosing: [String] = []
    /// In a seed flow, the step a `for_each` wraps: `item` and `index` are defined in its arguments.
    var seedItemStep: String?

    /// Whether the module follows an approval step (`resume` and `approvers` are defined).
    var afterSuspend = false

    /// The function Windmill calls in the module's script.
    var entry: String { role == .preprocessor ? "preprocessor" : "main" }
}
