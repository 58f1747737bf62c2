import Foundation
import HopsFlow
import HopsLang

/// A flow being composed at the prompt, in the seed's format: steps added, edited, moved and
/// removed by `:add`, `:set`, `:move`, `:remove`, shown by `:draft`, checked, dry-run and exported.
///
/// The shell keeps it in `shell.attachments[FlowDraft.attachmentKey]`; `flow` is the draft as a
/// HopsFlow `Flow`, what other commands (`:flow`, runs) read.
public final class FlowDraft {
    /// The key of the draft in `Shell.attachments`.
    public static let attachmentKey = "compose.draft"

    /// One step of the draft, with the seed format's options.
    public struct Step: Sendable, Equatable {
        public var id: String
        /// A path under `windmill/scripts/`, or a built-in action `hops:sh`, `hops:http.get`, ...
        public var script: String
        public var arguments: InputTransforms
        public var summary: String?
        /// The seed `if`: the step runs only when this holds.
        public var condition: String?
        /// The seed `for_each`: the step runs once per element, with `item` and `index`.
        public var forEach: String?
        public var retry: Retry?
        public var timeout: Double?
        public var continueOnError = false
        public var cacheTTL: Double?
        public var mock: Value?

        public init(id: String, script: String, arguments: InputTransforms = InputTransforms()) {
            self.id = id
            self.script = script
            self.arguments = arguments
        }

        public static func == (left: Step, right: Step) -> Bool {
            left.id == right.id && left.script == right.script && left.arguments == right.arguments
                && left.summary == right.summary && left.condition == right.condition && left.forEach == right.forEach
                && left.retry == right.retry && left.timeout == right.timeout && left.continueOnError == right.continueOnError
                && left.cacheTTL == right.cacheTTL && sameMock(left.mock, right.mock)
        }

        private static func sameMock(_ left: Value?, _ right: Value?) -> Bool {
            switch (left, right) {
            case (nil, nil): true
            case (let a?, let b?): a.jsonString() == b.jsonString()
            default: false
            }
        }
    }

    /// The flow's name: its file name on export.
    public var name: String
    /// The seed category (`monitoring`, ...) the export puts it in.
    public var category: String
    public var summary: String?
    public var inputs: [FlowInput] = []
    public var steps: [Step] = []

    /// `NAME` or `CATEGORY/NAME`; a draft without a category goes to `drafts`.
    public init(name: String) {
        let parts = name.split(separator: "/").map(String.init)
        if parts.count >= 2 {
            category = parts.dropLast().joined(separator: "/")
            self.name = parts[parts.count - 1]
        } else {
            category = "drafts"
            self.name = name
        }
    }

    public func index(of id: String) -> Int? { steps.firstIndex { $0.id == id } }

    /// The draft as a seed-format flow, built as the seed reader builds one from its YAML.
    public var flow: Flow {
        var flow = Flow(summary: summary, name: name, inputs: inputs, format: .seed)
        flow.modules = steps.map(Self.module)
        return flow
    }

    private static func module(_ step: Step) -> FlowModule {
        var inner = FlowModule(id: step.id, summary: step.summary, value: .script(PathScript(path: step.script, inputTransforms: step.arguments)))
        inner.retry = step.retry
        inner.timeout = step.timeout.map { .static(.number($0)) }
        inner.cacheTTL = step.cacheTTL
        let skipIf = step.condition.map { FlowExpression("!(\($0))") }
        let mock = step.mock.map { Mock(enabled: true, returnValue: $0) }
        guard let forEach = step.forEach else {
            inner.skipIf = skipIf
            inner.mock = mock
            inner.continueOnError = step.continueOnError
            return inner
        }
        // As in the seed reader: the loop carries the step's id, the script runs as `<id>_item` inside it.
        inner.id = step.id + "_item"
        let loop = ForLoop(iterator: .javascript(FlowExpression(forEach)), modules: [inner], skipFailures: true)
        return FlowModule(
            id: step.id, summary: step.summary, value: .forLoop(loop), skipIf: skipIf, mock: mock,
            continueOnError: step.continueOnError)
    }

    /// The draft as the seed YAML an export writes.
    public var yaml: String { flow.seedYAML() }
}

extension Shell {
    /// The draft being composed, if `:new` or `:compose` made one.
    public var draft: FlowDraft? {
        get { attachments[FlowDraft.attachmentKey] as? FlowDraft }
        set { attachments[FlowDraft.attachmentKey] = newValue }
    }
}
