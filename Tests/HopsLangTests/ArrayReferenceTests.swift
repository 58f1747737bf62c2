import HopsLang
import Testing

/// Arrays are shared by reference, as in JavaScript; arrays from outside an evaluation are frozen.
@Suite struct ArrayReferenceTests {
    @Test func aChangeThroughOneNameIsSeenThroughTheOther() throws {
        let interpreter = Interpreter()
        _ = try interpreter.execute("let a = [1]; let b = a; b.push(2)")
        #expect(try interpreter.execute("a.length").map(describe) == "2")
        _ = try interpreter.execute("let o = {list: a}; o.list.push(3); b[0] = 9")
        #expect(try interpreter.execute("a").map(describe) == "[9,2,3]")
        #expect(try interpreter.execute("a === b && o.list === a && [1] !== [1]").map(describe) == "true")
        _ = try interpreter.execute("const f = xs => xs.sort((x, y) => x - y); f(a)")
        #expect(try interpreter.execute("b").map(describe) == "[2,3,9]")
    }

    @Test func arraysFromOutsideCannotBeChangedInPlace() throws {
        let outside: Value = .array([.number(3), .number(1)])
        let bindings = ["xs": outside]
        for method in ["xs.push(1)", "xs.sort()", "xs.pop()", "xs.reverse()", "xs.fill(0)", "xs.splice(0, 1)"] {
            let name = method.dropFirst(3).prefix { $0 != "(" }
            #expect(
                evaluate(method, bindings)
                    == "error: array.\(name): this array comes from outside the expression and cannot be changed in place; copy it first ([...xs])"
            )
        }
        #expect(evaluate("[...xs].sort()", bindings) == "[1,3]")
        #expect(evaluate("xs.toSorted()", bindings) == "[1,3]")
        #expect(describe(outside) == "[3,1]")

        let interpreter = Interpreter()
        interpreter.setVariable("ys", outside)
        _ = try interpreter.execute("ys[0] = 5; let zs = ys; zs.push(6)")
        #expect(try interpreter.execute("ys").map(describe) == "[5,1,6]")
        #expect(describe(outside) == "[3,1]")
    }

    @Test func theResultOfAnExpressionIsFrozen() throws {
        let result = try Expression("[[2, 1], 3]").evaluate([])
        guard case .array(let outer) = result, case .array(let inner) = outer[0] else {
            Issue.record("not an array: \(describe(result))")
            return
        }
        #expect(outer.isFrozen && inner.isFrozen)
        #expect(evaluate("xs[0].push(1)", ["xs": result]).hasPrefix("error: array.push: this array comes from outside"))
    }

    @Test func arraysMadeByTheExpressionChangeInPlace() {
        #expect(evaluate("((a) => [a.push(4, 5), a.pop(), a.shift(), a.unshift(0), a])([1, 2, 3])") == "[5,5,1,4,[0,2,3,4]]")
        #expect(evaluate("JSON.parse('[3, 1, 2]').sort()") == "[1,2,3]")
        #expect(evaluate("((a) => [a.splice(1, 2, 'x'), a])([1, 2, 3, 4])") == "[[2,3],[1,\"x\",4]]")
    }

    /// A Date or RegExp object costs every other value nothing: a value stays four words.
    @Test func valuesStaySmall() {
        #expect(MemoryLayout<Value>.stride <= 32)
    }
}
