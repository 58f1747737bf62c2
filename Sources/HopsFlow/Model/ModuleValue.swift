/// What a step does: run a script, call a flow, loop, branch, or pass its input through.
public indirect enum ModuleValue: Sendable, Equatable {
    /// A script whose source is part of the flow.
    case rawScript(RawScript)
    /// A script stored elsewhere in the tree, named by its path.
    case script(PathScript)
    /// Another flow, named by its path.
    case flow(path: String, inputTransforms: InputTransforms)
    /// The inner modules, once per element of the iterator's array.
    case forLoop(ForLoop)
    /// The inner modules, again and again until a module's `stop_after_if` stops the loop.
    case whileLoop(WhileLoop)
    /// The first branch whose expression is truthy, else the default modules.
    case branchOne(BranchOne)
    /// Every branch, each with the same input.
    case branchAll(BranchAll)
    /// No operation: the result is the previous result.
    case identity
    /// An AI agent (OpenFlow 1.743): runs only on a Windmill server.
    case aiAgent(AIAgent)

    /// The Windmill name of the module type (`rawscript`, `forloopflow`, ...).
    public var typeName: String {
        switch self {
        case .rawScript: "rawscript"
        case .script: "script"
        case .flow: "flow"
        case .forLoop: "forloopflow"
        case .whileLoop: "whileloopflow"
        case .branchOne: "branchone"
        case .branchAll: "branchall"
        case .identity: "identity"
        case .aiAgent: "aiagent"
        }
    }

    /// The arguments of a script or flow step; empty for the others.
    public var inputTransforms: InputTransforms {
        switch self {
        case .rawScript(let script): script.inputTransforms
        case .script(let script): script.inputTransforms
        case .flow(_, let inputTransforms): inputTransforms
        case .aiAgent(let agent): agent.inputTransforms
        default: InputTransforms()
        }
    }
}

/// A script written inside the flow (Windmill `rawscript`).
public struct RawScript: Sendable, Equatable {
    /// The source text; empty when its `!inline` file is missing.
    public var content: String
    /// Windmill's language name: deno, bun, nativets, python3, bash, ...
    public var language: String
    /// The script's own path, when Windmill recorded one.
    public var path: String?
    public var inputTransforms: InputTransforms
    /// The dependency lock file's text, if any.
    public var lock: String?
    /// The file the content was read from (`!inline` name), so a writer can keep the name.
    public var contentFile: String?

    public init(
        content: String, language: String, path: String? = nil, inputTransforms: InputTransforms = InputTransforms(),
        lock: String? = nil, contentFile: String? = nil
    ) {
        self.content = content
        self.language = language
        self.path = path
        self.inputTransforms = inputTransforms
        self.lock = lock
        self.contentFile = contentFile
    }

    /// The name of the file the content came from is where it was read, not part of the script.
    public static func == (left: RawScript, right: RawScript) -> Bool {
        left.content == right.content && left.language == right.language && left.path == right.path
            && left.inputTransforms == right.inputTransforms && left.lock == right.lock
    }
}

/// A script named by its path (Windmill `script`, seed `script:`).
public struct PathScript: Sendable, Equatable {
    /// The path as the flow writes it: `f/folder/name` (OpenFlow) or `platform/check-disk.ts` (seed).
    public var path: String
    /// The script file found for the path, relative to the flow's tree root; nil when none was found.
    public var resolvedFile: String?
    public var inputTransforms: InputTransforms
    /// A pinned version of the script, if the flow names one.
    public var hash: String?

    public init(
        path: String, resolvedFile: String? = nil, inputTransforms: InputTransforms = InputTransforms(),
        hash: String? = nil
    ) {
        self.path = path
        self.resolvedFile = resolvedFile
        self.inputTransforms = inputTransforms
        self.hash = hash
    }

    /// The resolved file is where the script was found, not part of what the flow says.
    public static func == (left: PathScript, right: PathScript) -> Bool {
        left.path == right.path && left.inputTransforms == right.inputTransforms && left.hash == right.hash
    }
}

/// A for-each loop over the array an iterator gives.
public struct ForLoop: Sendable, Equatable {
    public var iterator: InputTransform
    public var modules: [FlowModule]
    /// Whether a failed iteration is recorded and the loop goes on.
    public var skipFailures: Bool
    /// Whether iterations run at the same time.
    public var parallel: Bool
    /// At most this many iterations at a time when parallel; nil for no limit.
    public var parallelism: InputTransform?

    public init(
        iterator: InputTransform, modules: [FlowModule], skipFailures: Bool = false, parallel: Bool = false,
        parallelism: InputTransform? = nil
    ) {
        self.iterator = iterator
        self.modules = modules
        self.skipFailures = skipFailures
        self.parallel = parallel
        self.parallelism = parallelism
    }
}

/// A loop that runs until one of its modules stops it.
public struct WhileLoop: Sendable, Equatable {
    public var modules: [FlowModule]
    public var skipFailures: Bool

    public init(modules: [FlowModule], skipFailures: Bool = false) {
        self.modules = modules
        self.skipFailures = skipFailures
    }
}

/// Run the first branch whose condition holds.
public struct BranchOne: Sendable, Equatable {
    public struct Branch: Sendable, Equatable {
        public var summary: String?
        public var condition: FlowExpression
        public var modules: [FlowModule]

        public init(summary: String? = nil, condition: FlowExpression, modules: [FlowModule]) {
            self.summary = summary
            self.condition = condition
            self.modules = modules
        }
    }

    public var branches: [Branch]
    /// What runs when no branch's condition holds.
    public var defaultModules: [FlowModule]

    public init(branches: [Branch], defaultModules: [FlowModule] = []) {
        self.branches = branches
        self.defaultModules = defaultModules
    }
}

/// Run every branch; the result is the array of the branches' results.
public struct BranchAll: Sendable, Equatable {
    public struct Branch: Sendable, Equatable {
        public var summary: String?
        /// Whether a failure of this branch is recorded and the others go on.
        public var skipFailure: Bool
        public var modules: [FlowModule]

        public init(summary: String? = nil, skipFailure: Bool = false, modules: [FlowModule]) {
            self.summary = summary
            self.skipFailure = skipFailure
            self.modules = modules
        }
    }

    public var branches: [Branch]
    public var parallel: Bool

    public init(branches: [Branch], parallel: Bool = false) {
        self.branches = branches
        self.parallel = parallel
    }
}

/// An AI agent step (Windmill `aiagent`). hops reads, shows and checks it; running it needs a Windmill server.
public struct AIAgent: Sendable, Equatable {
    /// The agent's arguments that are plain values or expressions (provider, user_message, ...);
    /// `ai` transforms (filled in by the model) are kept only in `raw`.
    public var inputTransforms: InputTransforms
    /// The ids of the agent's tools, in order.
    public var toolIDs: [String]
    /// The whole module value as written (input_transforms, tools, ...), written back unchanged.
    public var raw: JSONValue

    public init(inputTransforms: InputTransforms = InputTransforms(), toolIDs: [String] = [], raw: JSONValue) {
        self.inputTransforms = inputTransforms
        self.toolIDs = toolIDs
        self.raw = raw
    }
}
