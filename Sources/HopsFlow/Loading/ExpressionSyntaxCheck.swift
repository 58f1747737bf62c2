import HopsLang

/// Compiles every expression of a flow just read, and reports each syntax error where it is in the YAML.
struct ExpressionSyntaxCheck {
    let source: YAMLSource

    func check(_ flow: Flow) {
        let modules = flow.allModules + [flow.failureModule, flow.preprocessorModule].compactMap { $0 }
        let seed = flow.format == .seed
        for module in modules { check(module, seed: seed) }
    }

    private func check(_ module: FlowModule, seed: Bool) {
        let name = module.id.isEmpty ? "a step" : "step '\(module.id)'"
        for (argument, transform) in module.value.inputTransforms.entries {
            if let expression = transform.expression { compile(expression, "argument '\(argument)' of \(name)") }
        }
        if let skipIf = module.skipIf { compile(skipIf, seed ? "the if of \(name)" : "skip_if of \(name)") }
        if let stop = module.stopAfterIf { compile(stop.expression, "stop_after_if of \(name)") }
        if let stop = module.stopAfterAllItersIf { compile(stop.expression, "stop_after_all_iters_if of \(name)") }
        if let retryIf = module.retry?.retryIf { compile(retryIf, "retry_if of \(name)") }
        if let timeout = module.timeout?.expression { compile(timeout, "timeout of \(name)") }
        if let sleep = module.sleep?.expression { compile(sleep, "sleep of \(name)") }
        switch module.value {
        case .forLoop(let loop):
            if let iterator = loop.iterator.expression { compile(iterator, seed ? "for_each of \(name)" : "iterator of \(name)") }
            if let parallelism = loop.parallelism?.expression { compile(parallelism, "parallelism of \(name)") }
        case .branchOne(let branch):
            for (index, item) in branch.branches.enumerated() {
                compile(item.condition, "the condition of branch \(index + 1) of \(name)")
            }
        default:
            break
        }
    }

    private func compile(_ expression: FlowExpression, _ what: String) {
        // Windmill keeps empty placeholders for arguments nobody filled in; they evaluate to nothing.
        if expression.isBlank || expression.origins.isEmpty { return }
        let text = Self.blankingImports(expression.evaluableText)
        do {
            _ = try Expression(SourceFile(name: source.file, text: text))
        } catch let diagnostic as Diagnostic {
            guard let start = expression.location(atOffset: diagnostic.span.start) else { return }
            var length = 1
            if let end = expression.location(atOffset: diagnostic.span.end), end.line == start.line, end.column > start.column {
                length = end.column - start.column
            }
            source.report(.error, "invalid expression in \(what): \(diagnostic.message)", at: start, length: length)
        } catch {
            source.report(.error, "invalid expression in \(what): \(error)", at: expression.location ?? SourceLocation(file: source.file, line: 1, column: 1))
        }
    }

    /// The text with leading `import { ... } from '...'` statements (which Windmill allows and ignores) turned into
    /// spaces, so that offsets into it stay offsets into the original.
    static func blankingImports(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var index = 0
        func skipSpaces() {
            while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        }
        func startsWith(_ word: String) -> Bool {
            let word = Array(word.unicodeScalars)
            return index + word.count <= scalars.count && Array(scalars[index..<(index + word.count)]) == word
        }
        while true {
            skipSpaces()
            guard startsWith("import ") else { break }
            let start = index
            // The statement ends after the quoted module name (`from '...'` or a bare `import '...'`).
            var quote: Unicode.Scalar?
            var end: Int?
            while index < scalars.count {
                let scalar = scalars[index]
                if let open = quote {
                    if scalar == open {
                        end = index + 1
                        break
                    }
                } else if scalar == "'" || scalar == "\"" {
                    quote = scalar
                }
                index += 1
            }
            guard let end else { break }
            index = end
            if index < scalars.count, scalars[index] == ";" { index += 1 }
            for position in start..<index where scalars[position] != "\n" { scalars[position] = " " }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
