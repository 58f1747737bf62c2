import HopsLang

extension FlowChecker {
    /// Names every Windmill expression may use besides the language's own globals.
    static let windmillNames: Set<String> = ["flow_input", "results", "previous_result", "params", "resource", "variable", "step"]
    /// Names of the seed format's expressions.
    static let seedNames: Set<String> = ["steps", "inputs", "variable", "resource", "env"]
    /// JavaScript globals an expression may read; the language provides them or reports their use at run time.
    static let javaScriptGlobals: Set<String> = [
        "undefined", "NaN", "Infinity", "Math", "JSON", "Object", "Array", "Number", "String", "Boolean", "Date",
        "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent", "encodeURI",
        "decodeURI", "RegExp", "Error", "console", "globalThis",
    ]

    /// An expression of a module with what it is (for messages) and the extra names defined in it.
    struct ExpressionSite {
        var expression: FlowExpression
        var what: String
        var extraNames: Set<String> = []
        /// The module's own result exists (conditions evaluated after the step).
        var afterStep = false
        /// Characters the stored text has before the written expression (`!(` around a seed `if`).
        var prefixLength = 0
    }

    /// Every expression a module holds, with its context.
    func expressionSites(of module: FlowModule) -> [ExpressionSite] {
        let name = "step '\(module.id)'"
        var sites: [ExpressionSite] = []
        for (argument, transform) in module.value.inputTransforms.entries {
            if let expression = transform.expression {
                sites.append(ExpressionSite(expression: expression, what: "argument '\(argument)' of \(name)"))
            }
        }
        if var skipIf = module.skipIf {
            var prefix = 0
            // The seed's `if: c` is held as skip_if `!(c)`; check what the user wrote.
            if flow.format == .seed, skipIf.text.hasPrefix("!("), skipIf.text.hasSuffix(")") {
                skipIf.text = String(skipIf.text.dropFirst(2).dropLast())
                prefix = 0
            }
            sites.append(ExpressionSite(expression: skipIf, what: flow.format == .seed ? "the if of \(name)" : "skip_if of \(name)", prefixLength: prefix))
        }
        if let stop = module.stopAfterIf {
            sites.append(ExpressionSite(expression: stop.expression, what: "stop_after_if of \(name)", extraNames: ["result"], afterStep: true))
        }
        if let stop = module.stopAfterAllItersIf {
            sites.append(ExpressionSite(expression: stop.expression, what: "stop_after_all_iters_if of \(name)", extraNames: ["result"], afterStep: true))
        }
        if let retryIf = module.retry?.retryIf {
            sites.append(ExpressionSite(expression: retryIf, what: "retry_if of \(name)", extraNames: ["error", "result"]))
        }
        if let timeout = module.timeout?.expression {
            sites.append(ExpressionSite(expression: timeout, what: "timeout of \(name)"))
        }
        if let sleep = module.sleep?.expression {
            sites.append(ExpressionSite(expression: sleep, what: "sleep of \(name)"))
        }
        switch module.value {
        case .forLoop(let loop):
            if let iterator = loop.iterator.expression {
                sites.append(ExpressionSite(expression: iterator, what: flow.format == .seed ? "for_each of \(name)" : "iterator of \(name)"))
            }
            if let parallelism = loop.parallelism?.expression {
                sites.append(ExpressionSite(expression: parallelism, what: "parallelism of \(name)"))
            }
        case .branchOne(let branch):
            for (index, item) in branch.branches.enumerated() {
                sites.append(ExpressionSite(expression: item.condition, what: "the condition of branch \(index + 1) of \(name)"))
            }
        default:
            break
        }
        return sites
    }

    mutating func checkExpressions(of module: FlowModule, scope: CheckScope) {
        for site in expressionSites(of: module) where !site.expression.isBlank {
            checkExpression(site, module: module, scope: scope)
        }
    }

    private mutating func checkExpression(_ site: ExpressionSite, module: FlowModule, scope: CheckScope) {
        let text = Self.withoutWindmillImports(site.expression.evaluableText)
        let file = site.expression.location?.file ?? flow.file ?? "<flow>"
        let compiled: Expression
        do {
            compiled = try Expression(SourceFile(name: file, text: text))
        } catch let diagnostic as Diagnostic {
            let (line, column) = diagnostic.file.location(of: diagnostic.span.start)
            report(.error, "invalid expression in \(site.what): \(diagnostic.message)",
                at: place(in: site.expression, line: line, column: column))
            return
        } catch {
            report(.error, "invalid expression in \(site.what): \(error)", at: site.expression.location)
            return
        }

        var allowed = Self.windmillNames.union(Self.seedNames).union(Self.javaScriptGlobals).union(site.extraNames)
        if scope.role == .failure { allowed.insert("error") }
        if scope.afterSuspend { allowed.formUnion(["resume", "approvers"]) }
        if let itemStep = scope.seedItemStep, itemStep == module.id {
            allowed.formUnion(["item", "index"])
        }
        for name in compiled.freeVariables where !allowed.contains(name) {
            let offset = Self.firstUse(of: name, in: text) ?? 0
            var message = "unknown name '\(name)' in \(site.what)"
            if name == "item" || name == "index", flow.format == .seed {
                message += "; '\(name)' is only defined in the arguments of a for_each step"
            } else if site.extraNames.contains("result") {
                message += " (defined here: result, results, flow_input, previous_result)"
            }
            report(.warning, message, at: place(in: site.expression, offset: offset, text: text))
        }

        for root in ["results", "steps"] {
            for reference in ExpressionReferences.references(in: text, root: root) {
                checkReference(reference, site: site, module: module, scope: scope, text: text)
            }
        }
        if scope.loopDepth == 0, let offset = ExpressionReferences.uses("flow_input", member: "iter", in: text) {
            report(.error, "flow_input.iter in \(site.what) is only defined inside a for-loop",
                at: place(in: site.expression, offset: offset, text: text))
        }
        checkSecretLiterals(inExpression: text, site: site)
    }

    private mutating func checkReference(_ reference: StepReference, site: ExpressionSite, module: FlowModule, scope: CheckScope, text: String) {
        let id = reference.id
        let location = place(in: site.expression, offset: reference.offset, text: text)
        if scope.available.contains(id) { return }
        if site.afterStep && id == module.id { return }
        guard order.contains(id) || flow.failureModule?.id == id || flow.preprocessorModule?.id == id else {
            let known = order.isEmpty ? "the flow has no steps" : "steps: " + order.joined(separator: ", ")
            report(.error, "\(reference.text) in \(site.what) refers to an unknown step '\(id)' (\(known))", at: location)
            return
        }
        if id == module.id {
            report(.error, "\(reference.text) in \(site.what) refers to step '\(id)' itself, whose result does not exist yet", at: location)
        } else if scope.enclosing.contains(id) {
            report(.error, "\(reference.text) in \(site.what) refers to step '\(id)', which contains this step and has no result until it ends", at: location)
        } else if let referenced = order.firstIndex(of: id), let current = order.firstIndex(of: module.id), referenced > current || scope.role != .step {
            report(.error, "\(reference.text) in \(site.what) refers to step '\(id)', which runs after this step (\(position(of: id)))", at: location)
        } else {
            report(.error, "\(reference.text) in \(site.what) refers to step '\(id)', which is in another branch and has not run before this step (\(position(of: id)))", at: location)
        }
    }

    /// Old Windmill expressions start with `import { … } from 'windmill@…'`; Windmill ignores those lines.
    static func withoutWindmillImports(_ text: String) -> String {
        guard text.trimmingWhitespace().hasPrefix("import ") else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        var inImport = false
        while index < lines.count {
            let trimmed = lines[index].trimmingWhitespace()
            if trimmed.hasPrefix("import ") || inImport {
                inImport = !(trimmed.contains(" from ") || trimmed.hasPrefix("from ")) && !trimmed.hasSuffix(";")
                lines[index] = String(repeating: " ", count: lines[index].count)
            } else if !trimmed.isEmpty {
                break
            }
            index += 1
        }
        return lines.joined(separator: "\n")
    }

    /// The character offset of the first use of `name` as an identifier in code.
    static func firstUse(of name: String, in text: String) -> Int? {
        let code = BlankedSource(text, syntax: .typescript).code
        let target = Array(name)
        var index = 0
        while index + target.count <= code.count {
            if Array(code[index..<(index + target.count)]) == target,
                index == 0 || !ExpressionReferences.isIdentifierCharacter(code[index - 1]) && code[index - 1] != ".",
                index + target.count == code.count || !ExpressionReferences.isIdentifierCharacter(code[index + target.count])
            {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The file position of a character offset in an expression's text.
    func place(in expression: FlowExpression, offset: Int, text: String) -> SourceLocation? {
        let before = text.prefix(offset)
        let line = before.filter(\.isNewline).count + 1
        let column = before.count - (before.lastIndex(where: \.isNewline).map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
        return place(in: expression, line: line, column: column)
    }

    /// The file position of a line and column (from 1) in an expression's text.
    func place(in expression: FlowExpression, line: Int, column: Int) -> SourceLocation? {
        guard var location = expression.location else { return nil }
        // Block scalars keep one indentation for all their lines, so the column carries over.
        location.line += line - 1
        location.column += column - 1
        return location
    }
}
