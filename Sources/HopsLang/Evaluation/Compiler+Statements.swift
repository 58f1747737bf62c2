/// A compiled statement: the value of an expression statement, nil for a declaration or assignment.
typealias StatementCode = (Frame, inout Runtime) throws(LangError) -> Value?

extension Compiler {
    mutating func compileStatement(_ statement: Statement) -> StatementCode {
        guard case .table(let table) = globals else { return { _, _ in nil } }
        switch statement {
        case .expression(let node):
            let code = compileTopLevel(node)
            return { frame, runtime throws(LangError) in try code(frame, &runtime) }
        case .declaration(let name, let value, let constant, _):
            let code = value.map { compileTopLevel($0) } ?? { _, _ in .undefined }
            let index = table.slot(for: name)
            return { frame, runtime throws(LangError) in
                let result = try code(frame, &runtime)
                table.values[index] = result
                if constant { table.constants.insert(name) } else { table.constants.remove(name) }
                return nil
            }
        case .assignment(let target, let value, let span):
            return compileAssignment(target, value, span, table)
        }
    }

    /// A statement's own expression: the one place where an action may be called.
    private mutating func compileTopLevel(_ node: Node) -> Code {
        guard case .call = node else { return compile(node) }
        let chain = compileChain(node, allowAction: true)
        return { frame, runtime throws(LangError) in try chain(frame, &runtime) ?? .undefined }
    }

    private enum PathKey {
        case name(String, Span)
        case index(Code, Span)
    }

    private mutating func compileAssignment(
        _ target: Node, _ valueNode: Node, _ span: Span, _ table: GlobalTable
    ) -> StatementCode {
        var path: [PathKey] = []
        var node = target
        var rootName = ""
        var rootSpan = target.span
        while true {
            switch node {
            case .member(let base, let name, _, let memberSpan):
                path.append(.name(name, memberSpan))
                node = base
                continue
            case .index(let base, let key, _, let indexSpan):
                path.append(.index(compile(key), indexSpan))
                node = base
                continue
            case .identifier(let name, let nameSpan):
                rootName = name
                rootSpan = nameSpan
            default:
                break
            }
            break
        }
        path.reverse()
        let index = table.slot(for: rootName)
        let value = compile(valueNode)
        let name = rootName
        let nameSpan = rootSpan
        let keys = path
        return { frame, runtime throws(LangError) in
            if table.constants.contains(name) { throw .assignToConstant(name, span) }
            var resolved: [(Value, Span)] = []
            for key in keys {
                switch key {
                case .name(let name, let span): resolved.append((.string(name), span))
                case .index(let code, let span): resolved.append((try code(frame, &runtime), span))
                }
            }
            let newValue = try value(frame, &runtime)
            if resolved.isEmpty {
                table.values[index] = newValue
                return nil
            }
            guard let current = table.values[index] else { throw .unknownName(name, nameSpan) }
            table.values[index] = try Compiler.replacing(current, resolved[...], with: newValue)
            return nil
        }
    }

    /// `container` with the value at `path` replaced: objects are values and rebuilt along the path;
    /// an array is changed in place, as it is shared by reference, unless it is frozen: then it is
    /// copied like an object.
    static func replacing(_ container: Value, _ path: ArraySlice<(Value, Span)>, with newValue: Value) throws(LangError) -> Value {
        guard let (key, span) = path.first else { return newValue }
        let rest = path.dropFirst()
        switch container {
        case .object(var object):
            let name = key.toJSString()
            object[name] = try replacing(object[name] ?? .undefined, rest, with: newValue)
            return .object(object)
        case .array(let array):
            guard case .number(let number) = key, let position = Int(exactly: number), position >= 0 else {
                throw LangError("cannot set property '\(key.toJSString())' of an array", span: span)
            }
            // An assignment far past the end would allocate a huge array of holes.
            guard position <= array.count + 100_000 else {
                throw LangError("array index \(position) is too far past the end", span: span)
            }
            let element = try replacing(position < array.count ? array[position] : .undefined, rest, with: newValue)
            // A frozen array (an input, a step result) is copied, as objects are, rather than changed.
            let target = array.isFrozen ? ArrayValue(array.elements, frozen: false) : array
            do {
                try target.modify("assignment") { items in
                    if position >= items.count {
                        items += repeatElement(.undefined, count: position - items.count + 1)
                    }
                    items[position] = element
                }
            } catch let error as LangError {
                throw LangError(error.message, span: span)
            } catch {
                throw LangError(String(describing: error), span: span)
            }
            return .array(target)
        default:
            throw .cannotSet(key.toJSString(), of: container, span)
        }
    }
}
