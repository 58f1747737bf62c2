import HopsLang

/// A flow as hops holds it in memory, whichever format it was read from.
public struct Flow: Sendable, Equatable {
    public var summary: String?
    public var description: String?
    /// The flow's name: the seed file's name or the Windmill path (`f/folder/name`).
    public var name: String?
    public var schedule: Schedule?
    /// The flow's inputs, in their order.
    public var inputs: [FlowInput]
    public var modules: [FlowModule]
    /// Runs when a step fails and the flow stops; `error` is in its scope.
    public var failureModule: FlowModule?
    /// Runs before the flow on the raw trigger input.
    public var preprocessorModule: FlowModule?
    /// Whether all steps share one worker (and its file system).
    public var sameWorker: Bool
    /// Flow-level Windmill settings hops does not interpret (concurrency, early_return, ...), kept for export.
    public var settings: JSONValue?
    /// Schema keywords besides the inputs (`$schema`, ...), kept for export.
    public var schemaExtras: JSONValue?
    /// Top-level fields of the flow file besides summary, description, value and schema
    /// (`tag`, `on_behalf_of_email`, ...), kept for export.
    public var extras: JSONValue?

    /// Windmill's `dedicated_worker: false`: every step in a fresh process, as on Windmill's ordinary
    /// workers (hops's `--isolate`), instead of warm processes like a dedicated worker's.
    public var isolatesSteps: Bool {
        guard case .object(let fields)? = extras?.value, case .bool(false)? = fields["dedicated_worker"] else { return false }
        return true
    }
    /// The folder path scripts and flows (`f/…`) resolve from: the one holding `wmill.yaml`, else
    /// the repository root; nil when neither was found.
    public var treeRoot: String?
    /// The format the flow was read from; export writes it back the same way.
    public var format: FlowFormat
    /// The file the flow was read from, if any.
    public var file: String?

    public init(
        summary: String? = nil, description: String? = nil, name: String? = nil, schedule: Schedule? = nil,
        inputs: [FlowInput] = [], modules: [FlowModule] = [], failureModule: FlowModule? = nil,
        preprocessorModule: FlowModule? = nil, sameWorker: Bool = false, settings: JSONValue? = nil,
        schemaExtras: JSONValue? = nil, format: FlowFormat = .openFlow, file: String? = nil
    ) {
        self.summary = summary
        self.description = description
        self.name = name
        self.schedule = schedule
        self.inputs = inputs
        self.modules = modules
        self.failureModule = failureModule
        self.preprocessorModule = preprocessorModule
        self.sameWorker = sameWorker
        self.settings = settings
        self.schemaExtras = schemaExtras
        self.format = format
        self.file = file
    }

    /// Two flows are equal when they describe the same flow; where they were read from (file, name, format) does not count,
    /// nor does a missing summary or description differ from an empty one (wmill writes `''` for none).
    public static func == (left: Flow, right: Flow) -> Bool {
        (left.summary ?? "") == (right.summary ?? "") && (left.description ?? "") == (right.description ?? "")
            && left.schedule == right.schedule && left.inputs == right.inputs && left.modules == right.modules
            && left.failureModule == right.failureModule && left.preprocessorModule == right.preprocessorModule
            && left.sameWorker == right.sameWorker && left.settings == right.settings
            && left.schemaExtras == right.schemaExtras && left.extras == right.extras
    }

    /// Every module of the flow, depth first, including loop bodies and branches (not the failure module).
    public var allModules: [FlowModule] {
        func walk(_ modules: [FlowModule]) -> [FlowModule] {
            modules.flatMap { [$0] + walk($0.children) }
        }
        return walk(modules)
    }

    /// The module with this id, anywhere in the flow, the failure and preprocessor modules included.
    public func module(id: String) -> FlowModule? {
        allModules.first { $0.id == id } ?? [failureModule, preprocessorModule].compactMap { $0 }.first { $0.id == id }
    }
}

/// The on-disk format a flow came from.
public enum FlowFormat: String, Sendable, Equatable {
    /// `windmill/flows/<category>/<name>.yaml` with `steps`, `${{ }}` expressions, `steps.<id>.result`.
    case seed
    /// Windmill OpenFlow (`flow.yaml` as the wmill CLI writes it), `results.<id>`, `flow_input`.
    case openFlow
}

/// When a flow runs on its own.
public struct Schedule: Sendable, Equatable {
    /// A cron expression (five or six fields).
    public var cron: String
    /// An IANA time zone name; nil for the server's.
    public var timezone: String?
    public var location: SourceLocation?

    public init(cron: String, timezone: String? = nil, location: SourceLocation? = nil) {
        self.cron = cron
        self.timezone = timezone
        self.location = location
    }

    public static func == (left: Schedule, right: Schedule) -> Bool {
        left.cron == right.cron && left.timezone == right.timezone
    }
}

/// One input of a flow.
public struct FlowInput: Sendable, Equatable {
    public var name: String
    /// The JSON-schema type name (`string`, `number`, `integer`, `boolean`, `object`, `array`); nil if untyped.
    public var type: String?
    /// The default value; nil when there is none.
    public var defaultValue: Value?
    public var required: Bool
    public var description: String?
    /// Other JSON-schema keywords of the property (`format`, `enum`, `items`, ...), kept for export.
    public var extras: JSONValue?
    public var location: SourceLocation?

    public init(
        name: String, type: String? = nil, defaultValue: Value? = nil, required: Bool = false,
        description: String? = nil, extras: JSONValue? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.required = required
        self.description = description
        self.extras = extras
        self.location = location
    }

    public static func == (left: FlowInput, right: FlowInput) -> Bool {
        let sameDefault: Bool
        switch (left.defaultValue, right.defaultValue) {
        case (nil, nil): sameDefault = true
        case (let a?, let b?): sameDefault = Value.sameJSON(a, b)
        default: sameDefault = false
        }
        return left.name == right.name && left.type == right.type && sameDefault && left.required == right.required
            && left.description == right.description && left.extras == right.extras
    }
}
