import HopsLang

// The flow model as the bytes of a kept reading (`FlowCache`): each type writes its fields in the
// order it declares them and reads them back in that order. `FlowCacheTests` reads every flow of the
// corpus and the fixtures back and compares every field.

extension FlowLoadResult {
    /// `file` and `text` are the flow's: a diagnostic pointing into them does not carry them again.
    func write(to writer: inout ModelWriter, file: String, text: String) throws {
        try writer.optional(flow) { try $1.write(to: &$0) }
        writer.array(diagnostics) { writer, diagnostic in
            writer.byte(diagnostic.severity == .error ? 1 : 0)
            writer.string(diagnostic.message)
            writer.optional(diagnostic.location) { $1.write(to: &$0) }
            switch diagnostic.source {
            case nil: writer.byte(0)
            case let source? where source.name == file && source.text == text: writer.byte(1)
            case let source?:
                writer.byte(2)
                writer.string(source.name)
                writer.rawString(source.text)
            }
            writer.int(diagnostic.length)
        }
    }

    init(from reader: inout ModelReader, file: String, text: String) throws {
        let flow = try reader.optional { try Flow(from: &$0) }
        var ownSource: SourceFile?
        let diagnostics = try reader.array { reader in
            let severity: FlowDiagnostic.Severity = try reader.bool() ? .error : .warning
            let message = try reader.string()
            let location = try reader.optional { try SourceLocation(from: &$0) }
            let source: SourceFile?
            switch try reader.byte() {
            case 0: source = nil
            case 1:
                let own = ownSource ?? SourceFile(name: file, text: text)
                ownSource = own
                source = own
            case 2: source = SourceFile(name: try reader.string(), text: try reader.rawString())
            default: throw ModelReader.Malformed()
            }
            return FlowDiagnostic(severity, message, at: location, in: source, length: try reader.int())
        }
        self.init(flow: flow, diagnostics: diagnostics)
    }
}

extension Flow {
    func write(to writer: inout ModelWriter) throws {
        writer.optional(summary) { $0.string($1) }
        writer.optional(description) { $0.string($1) }
        writer.optional(name) { $0.string($1) }
        writer.optional(schedule) { writer, schedule in
            writer.string(schedule.cron)
            writer.optional(schedule.timezone) { $0.string($1) }
            writer.optional(schedule.location) { $1.write(to: &$0) }
        }
        try writer.array(inputs) { writer, input in
            writer.string(input.name)
            writer.optional(input.type) { $0.string($1) }
            try writer.optional(input.defaultValue) { try $0.value($1) }
            writer.bool(input.required)
            writer.optional(input.description) { $0.string($1) }
            try writer.optional(input.extras) { try $0.value($1.value) }
            writer.optional(input.location) { $1.write(to: &$0) }
        }
        try writer.array(modules) { try $1.write(to: &$0) }
        try writer.optional(failureModule) { try $1.write(to: &$0) }
        try writer.optional(preprocessorModule) { try $1.write(to: &$0) }
        writer.bool(sameWorker)
        for json in [settings, schemaExtras, extras] { try writer.optional(json) { try $0.value($1.value) } }
        writer.optional(treeRoot) { $0.string($1) }
        writer.bool(format == .seed)
        writer.optional(file) { $0.string($1) }
    }

    init(from reader: inout ModelReader) throws {
        self.init()
        summary = try reader.optional { try $0.string() }
        description = try reader.optional { try $0.string() }
        name = try reader.optional { try $0.string() }
        schedule = try reader.optional { reader in
            Schedule(
                cron: try reader.string(), timezone: try reader.optional { try $0.string() },
                location: try reader.optional { try SourceLocation(from: &$0) })
        }
        inputs = try reader.array { reader in
            FlowInput(
                name: try reader.string(), type: try reader.optional { try $0.string() },
                defaultValue: try reader.optional { try $0.value() }, required: try reader.bool(),
                description: try reader.optional { try $0.string() }, extras: try reader.optional { JSONValue(try $0.value()) },
                location: try reader.optional { try SourceLocation(from: &$0) })
        }
        modules = try reader.array { try FlowModule(from: &$0) }
        failureModule = try reader.optional { try FlowModule(from: &$0) }
        preprocessorModule = try reader.optional { try FlowModule(from: &$0) }
        sameWorker = try reader.bool()
        settings = try reader.optional { JSONValue(try $0.value()) }
        schemaExtras = try reader.optional { JSONValue(try $0.value()) }
        extras = try reader.optional { JSONValue(try $0.value()) }
        treeRoot = try reader.optional { try $0.string() }
        format = try reader.bool() ? .seed : .openFlow
        file = try reader.optional { try $0.string() }
    }
}

extension FlowModule {
    func write(to writer: inout ModelWriter) throws {
        writer.string(id)
        writer.optional(summary) { $0.string($1) }
        try value.write(to: &writer)
        writer.optional(skipIf) { $1.write(to: &$0) }
        for stop in [stopAfterIf, stopAfterAllItersIf] {
            writer.optional(stop) { writer, stop in
                stop.expression.write(to: &writer)
                writer.bool(stop.skipIfStopped)
                writer.optional(stop.errorMessage) { $0.string($1) }
            }
        }
        writer.optional(retry) { writer, retry in
            writer.optional(retry.constant) { writer, constant in
                writer.int(constant.attempts)
                writer.double(constant.seconds)
            }
            writer.optional(retry.exponential) { writer, exponential in
                writer.int(exponential.attempts)
                writer.double(exponential.multiplier)
                writer.double(exponential.seconds)
                writer.optional(exponential.randomFactor) { $0.double($1) }
            }
            writer.optional(retry.retryIf) { $1.write(to: &$0) }
        }
        try writer.optional(timeout) { try $1.write(to: &$0) }
        try writer.optional(sleep) { try $1.write(to: &$0) }
        try writer.optional(mock) { writer, mock in
            writer.bool(mock.enabled)
            try writer.value(mock.returnValue)
        }
        writer.bool(continueOnError)
        writer.optional(cacheTTL) { $0.double($1) }
        try writer.optional(suspend) { try $0.value($1.value) }
        writer.optional(priority) { $0.double($1) }
        try writer.optional(extras) { try $0.value($1.value) }
        try writer.optional(valueExtras) { try $0.value($1.value) }
        writer.optional(location) { $1.write(to: &$0) }
    }

    init(from reader: inout ModelReader) throws {
        self.init(id: try reader.string(), summary: try reader.optional { try $0.string() }, value: try ModuleValue(from: &reader))
        skipIf = try reader.optional { try FlowExpression(from: &$0) }
        let stop = { (reader: inout ModelReader) in
            StopAfterIf(
                expression: try FlowExpression(from: &reader), skipIfStopped: try reader.bool(),
                errorMessage: try reader.optional { try $0.string() })
        }
        stopAfterIf = try reader.optional(stop)
        stopAfterAllItersIf = try reader.optional(stop)
        retry = try reader.optional { reader in
            Retry(
                constant: try reader.optional { Retry.Constant(attempts: try $0.int(), seconds: try $0.double()) },
                exponential: try reader.optional { reader in
                    Retry.Exponential(
                        attempts: try reader.int(), multiplier: try reader.double(), seconds: try reader.double(),
                        randomFactor: try reader.optional { try $0.double() })
                },
                retryIf: try reader.optional { try FlowExpression(from: &$0) })
        }
        timeout = try reader.optional { try InputTransform(from: &$0) }
        sleep = try reader.optional { try InputTransform(from: &$0) }
        mock = try reader.optional { Mock(enabled: try $0.bool(), returnValue: try $0.value()) }
        continueOnError = try reader.bool()
        cacheTTL = try reader.optional { try $0.double() }
        suspend = try reader.optional { JSONValue(try $0.value()) }
        priority = try reader.optional { try $0.double() }
        extras = try reader.optional { JSONValue(try $0.value()) }
        valueExtras = try reader.optional { JSONValue(try $0.value()) }
        location = try reader.optional { try SourceLocation(from: &$0) }
    }
}

extension ModuleValue {
    func write(to writer: inout ModelWriter) throws {
        switch self {
        case .rawScript(let script):
            writer.byte(0)
            writer.string(script.content)
            writer.string(script.language)
            writer.optional(script.path) { $0.string($1) }
            try script.inputTransforms.write(to: &writer)
            writer.optional(script.lock) { $0.string($1) }
            writer.optional(script.contentFile) { $0.string($1) }
        case .script(let script):
            writer.byte(1)
            writer.string(script.path)
            writer.optional(script.resolvedFile) { $0.string($1) }
            try script.inputTransforms.write(to: &writer)
            writer.optional(script.hash) { $0.string($1) }
        case .flow(let path, let inputTransforms):
            writer.byte(2)
            writer.string(path)
            try inputTransforms.write(to: &writer)
        case .forLoop(let loop):
            writer.byte(3)
            try loop.iterator.write(to: &writer)
            try writer.array(loop.modules) { try $1.write(to: &$0) }
            writer.bool(loop.skipFailures)
            writer.bool(loop.parallel)
            try writer.optional(loop.parallelism) { try $1.write(to: &$0) }
        case .whileLoop(let loop):
            writer.byte(4)
            try writer.array(loop.modules) { try $1.write(to: &$0) }
            writer.bool(loop.skipFailures)
        case .branchOne(let branch):
            writer.byte(5)
            try writer.array(branch.branches) { writer, branch in
                writer.optional(branch.summary) { $0.string($1) }
                branch.condition.write(to: &writer)
                try writer.array(branch.modules) { try $1.write(to: &$0) }
            }
            try writer.array(branch.defaultModules) { try $1.write(to: &$0) }
        case .branchAll(let branch):
            writer.byte(6)
            try writer.array(branch.branches) { writer, branch in
                writer.optional(branch.summary) { $0.string($1) }
                writer.bool(branch.skipFailure)
                try writer.array(branch.modules) { try $1.write(to: &$0) }
            }
            writer.bool(branch.parallel)
        case .identity:
            writer.byte(7)
        case .aiAgent(let agent):
            writer.byte(8)
            try agent.inputTransforms.write(to: &writer)
            writer.array(agent.toolIDs) { $0.string($1) }
            try writer.value(agent.raw.value)
        }
    }

    init(from reader: inout ModelReader) throws {
        let modules = { (reader: inout ModelReader) in try reader.array { try FlowModule(from: &$0) } }
        switch try reader.byte() {
        case 0:
            self = .rawScript(
                RawScript(
                    content: try reader.string(), language: try reader.string(), path: try reader.optional { try $0.string() },
                    inputTransforms: try InputTransforms(from: &reader), lock: try reader.optional { try $0.string() },
                    contentFile: try reader.optional { try $0.string() }))
        case 1:
            self = .script(
                PathScript(
                    path: try reader.string(), resolvedFile: try reader.optional { try $0.string() },
                    inputTransforms: try InputTransforms(from: &reader), hash: try reader.optional { try $0.string() }))
        case 2:
            self = .flow(path: try reader.string(), inputTransforms: try InputTransforms(from: &reader))
        case 3:
            self = .forLoop(
                ForLoop(
                    iterator: try InputTransform(from: &reader), modules: try modules(&reader), skipFailures: try reader.bool(),
                    parallel: try reader.bool(), parallelism: try reader.optional { try InputTransform(from: &$0) }))
        case 4:
            self = .whileLoop(WhileLoop(modules: try modules(&reader), skipFailures: try reader.bool()))
        case 5:
            let branches = try reader.array { reader in
                BranchOne.Branch(
                    summary: try reader.optional { try $0.string() }, condition: try FlowExpression(from: &reader),
                    modules: try modules(&reader))
            }
            self = .branchOne(BranchOne(branches: branches, defaultModules: try modules(&reader)))
        case 6:
            let branches = try reader.array { reader in
                BranchAll.Branch(
                    summary: try reader.optional { try $0.string() }, skipFailure: try reader.bool(), modules: try modules(&reader))
            }
            self = .branchAll(BranchAll(branches: branches, parallel: try reader.bool()))
        case 7:
            self = .identity
        case 8:
            self = .aiAgent(
                AIAgent(
                    inputTransforms: try InputTransforms(from: &reader), toolIDs: try reader.array { try $0.string() },
                    raw: JSONValue(try reader.value())))
        default:
            throw ModelReader.Malformed()
        }
    }
}

extension InputTransforms {
    func write(to writer: inout ModelWriter) throws {
        try writer.array(entries) { writer, entry in
            writer.string(entry.name)
            try entry.transform.write(to: &writer)
        }
    }

    init(from reader: inout ModelReader) throws {
        self.init(try reader.array { (name: try $0.string(), transform: try InputTransform(from: &$0)) })
    }
}

extension InputTransform {
    func write(to writer: inout ModelWriter) throws {
        switch self {
        case .static(let value, let location):
            writer.byte(0)
            try writer.value(value)
            writer.optional(location) { $1.write(to: &$0) }
        case .javascript(let expression):
            writer.byte(1)
            expression.write(to: &writer)
        }
    }

    init(from reader: inout ModelReader) throws {
        switch try reader.byte() {
        case 0: self = .static(try reader.value(), location: try reader.optional { try SourceLocation(from: &$0) })
        case 1: self = .javascript(try FlowExpression(from: &reader))
        default: throw ModelReader.Malformed()
        }
    }
}

extension FlowExpression {
    func write(to writer: inout ModelWriter) {
        writer.string(text)
        writer.array(origins) { writer, origin in
            writer.int(origin.offset)
            origin.location.write(to: &writer)
            writer.bool(origin.advances)
        }
    }

    init(from reader: inout ModelReader) throws {
        self.init(
            try reader.string(),
            origins: try reader.array {
                ExpressionOrigin(offset: try $0.int(), location: try SourceLocation(from: &$0), advances: try $0.bool())
            })
    }
}

extension SourceLocation {
    func write(to writer: inout ModelWriter) {
        writer.string(file)
        writer.int(line)
        writer.int(column)
    }

    init(from reader: inout ModelReader) throws {
        self.init(file: try reader.string(), line: try reader.int(), column: try reader.int())
    }
}

extension FileLookups.Lookup {
    func write(to writer: inout ModelWriter) {
        switch self {
        case .exists(let path, let found):
            writer.byte(0)
            writer.string(path)
            writer.bool(found)
        case .directory(let path, let found):
            writer.byte(1)
            writer.string(path)
            writer.bool(found)
        case .text(let path, let found):
            writer.byte(2)
            writer.string(path)
            writer.optional(found) { $0.rawString($1) }
        case .listing(let path, let found):
            writer.byte(3)
            writer.string(path)
            writer.array(found) { $0.string($1) }
        case .realPath(let path, let found):
            writer.byte(4)
            writer.string(path)
            writer.string(found)
        }
    }

    init(from reader: inout ModelReader) throws {
        let kind = try reader.byte()
        let path = try reader.string()
        switch kind {
        case 0: self = .exists(path: path, found: try reader.bool())
        case 1: self = .directory(path: path, found: try reader.bool())
        case 2: self = .text(path: path, found: try reader.optional { try $0.rawString() })
        case 3: self = .listing(path: path, found: try reader.array { try $0.string() })
        case 4: self = .realPath(path: path, found: try reader.string())
        default: throw ModelReader.Malformed()
        }
    }
}
