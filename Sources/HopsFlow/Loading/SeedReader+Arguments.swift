import HopsLang
import Yams

extension SeedReader {
    /// An argument: a literal; an expression `${{ e }}`; a string mixing text and `${{ e }}` (a template
    /// literal); or a map or list with such strings among its leaves, which becomes one object or array literal.
    func readArgument(_ node: Node) -> InputTransform {
        if node.scalar == nil {
            guard containsInterpolation(node) else { return .static(source.value(node), location: source.location(of: node)) }
            var builder = ExpressionBuilder()
            appendNested(node, to: &builder, topLevel: true)
            return .javascript(builder.expression)
        }
        guard case .string(let text) = source.value(node), text.contains("${{") else {
            return .static(source.value(node), location: source.location(of: node))
        }
        var builder = ExpressionBuilder()
        guard appendInterpolated(node, text: text, to: &builder) else {
            return .static(.string(text), location: source.textLocation(of: node))
        }
        return .javascript(builder.expression)
    }

    /// An expression written as `${{ e }}` or bare.
    func readExpression(_ node: Node) -> FlowExpression {
        let text = source.string(node, "an expression") ?? ""
        var builder = ExpressionBuilder()
        if text.contains("${{"), appendInterpolated(node, text: text, to: &builder) { return builder.expression }
        builder.appendCopied(text, from: 0, of: source.origins(of: node, value: text))
        return builder.expression
    }

    /// The seed's `if: c`, held as the skip condition `!(c)`.
    func readCondition(_ node: Node) -> FlowExpression {
        let condition = readExpression(node)
        var builder = ExpressionBuilder()
        builder.appendWritten("!(", at: condition.location)
        builder.appendCopied(condition.text, from: 0, of: condition.origins)
        builder.appendWritten(")", at: condition.location(atOffset: condition.text.unicodeScalars.count))
        return builder.expression
    }

    /// Appends the expression a scalar's `${{ }}` text stands for; false (after reporting an unclosed `${{`) when it has none.
    private func appendInterpolated(_ node: Node, text: String, to builder: inout ExpressionBuilder) -> Bool {
        switch SeedFormat.parseInterpolated(text) {
        case .literal:
            return false
        case .unclosed(let offset):
            let origins = FlowExpression(text, origins: source.origins(of: node, value: text))
            let location = origins.location(atOffset: offset) ?? source.location(of: node)
            source.report(.error, "'${{' without a closing '}}'", at: location, length: 3)
            return false
        case .parts(let parts):
            let origins = source.origins(of: node, value: text)
            if let sole = SeedFormat.soleExpression(parts) {
                builder.appendCopied(sole.text, from: sole.offset, of: origins)
                return true
            }
            let map = FlowExpression(text, origins: origins)
            builder.appendWritten("`", at: map.location(atOffset: 0))
            for part in parts {
                if part.isExpression {
                    builder.appendWritten("${", at: map.location(atOffset: part.offset))
                    builder.appendCopied(part.text, from: part.offset, of: origins)
                    builder.appendWritten("}", at: map.location(atOffset: part.offset + part.text.unicodeScalars.count))
                } else {
                    builder.appendWritten(SeedFormat.templateEscaped(part.text), at: map.location(atOffset: part.offset))
                }
            }
            builder.appendWritten("`", at: map.location(atOffset: text.unicodeScalars.count))
            return true
        }
    }

    private func containsInterpolation(_ node: Node) -> Bool {
        switch node {
        case .scalar:
            if case .string(let text) = source.value(node) { return text.contains("${{") }
            return false
        case .mapping(let mapping): return mapping.contains { containsInterpolation($0.value) }
        case .sequence(let sequence): return sequence.contains { containsInterpolation($0) }
        case .alias: return false
        }
    }

    /// A map or list as an object or array literal: `${{ }}` leaves as their expressions, other leaves as JSON.
    private func appendNested(_ node: Node, to builder: inout ExpressionBuilder, topLevel: Bool) {
        let location = source.location(of: node)
        switch node {
        case .mapping(let mapping):
            // At the top the parentheses keep the literal from reading as a block.
            builder.appendWritten(topLevel ? "({" : "{", at: location)
            for (index, pair) in mapping.enumerated() {
                let name = SeedFormat.propertyName(pair.key.string ?? "")
                builder.appendWritten((index > 0 ? ", " : "") + name + ": ", at: source.location(of: pair.key))
                appendNested(pair.value, to: &builder, topLevel: false)
            }
            builder.appendWritten(topLevel ? "})" : "}", at: location)
        case .sequence(let sequence):
            builder.appendWritten("[", at: location)
            for (index, item) in sequence.enumerated() {
                if index > 0 { builder.appendWritten(", ", at: source.location(of: item)) }
                appendNested(item, to: &builder, topLevel: false)
            }
            builder.appendWritten("]", at: location)
        case .scalar, .alias:
            let value = source.value(node)
            if case .string(let text) = value, text.contains("${{"), appendInterpolated(node, text: text, to: &builder) { return }
            builder.appendWritten(value.jsonString() ?? "null", at: source.textLocation(of: node))
        }
    }
}
