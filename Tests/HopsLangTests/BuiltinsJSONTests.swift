import Testing

@testable import HopsLang

@Suite struct BuiltinsJSONTests {
    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":"x\"y\\z\n","d":{"e":-0.5,"f":1e+21}}"#,
        #"[]"#, #"{}"#, #"[1,[2,[3,[]]],{}]"#, #""é\u0001\t""#, #"12345678901234567000"#,
        #"{"2":"b","1":"a","x":0}"#, #"[0.1,1e-7,-2.5e+30]"#,
    ])
    func roundTrips(text: String) throws {
        let value = try Value(parsingJSON: text)
        let once = try #require(value.jsonString())
        let twice = try #require(try Value(parsingJSON: once).jsonString())
        #expect(once == twice)
    }

    @Test func stringifiesLikeJavaScript() throws {
        let value = try Value(parsingJSON: #"{"b":2,"a":[1,"x",null,{}],"10":true,"2":[],"e":"\u001f\"\ud83d\ude00"}"#)
        #expect(value.jsonString() == #"{"2":[],"10":true,"b":2,"a":[1,"x",null,{}],"e":"\u001f\"😀"}"#)
        #expect(
            Value.array([.number(1), .object(ObjectValue([("k", .array([]))]))]).jsonString(indent: 2)
                == "[\n  1,\n  {\n    \"k\": []\n  }\n]")
        let withHoles = Value.array([.undefined, .number(.nan), .number(-.infinity), .number(-0.0)])
        #expect(withHoles.jsonString() == "[null,null,null,0]")
        let object = Value.object(ObjectValue([("u", .undefined), ("n", .null)]))
        #expect(object.jsonString(indent: 4) == "{\n    \"n\": null\n}")
        #expect(Value.undefined.jsonString() == nil)
        #expect(Value.string("tab\there").jsonString() == #""tab\there""#)
    }

    /// The text a step's cache key is made from: keys sorted at every level, array-index keys first
    /// as JSON.stringify writes them, a Date as its entries (none). Pinned, as a change of it
    /// changes every recorded cache key, and no resume would reuse a step recorded before it.
    @Test func canonicalJSONSortsTheKeysOfEveryObject() throws {
        let value = try Expression(
            #"({b: 1, a: {z: [1, {y: 2, x: undefined}], "10": true, "9": null, é: "", Z: 0}, c: new Date(0), d: [undefined, -0]})"#
        ).evaluate(bindings: [:])
        #expect(value.canonicalJSON() == #"{"a":{"9":null,"10":true,"Z":0,"z":[1,{"y":2}],"é":""},"b":1,"c":{},"d":[null,0]}"#)
        #expect(Value.undefined.canonicalJSON() == "null")
    }

    @Test func parsesNumbersAndEscapes() throws {
        let value = try Value(parsingJSON: #"[-0, 0.5, 1E2, 123456789012345678, "\u00e9\/\b"]"#)
        guard case .array(let elements) = value else {
            Issue.record("not an array")
            return
        }
        if case .number(let zero) = elements[0] { #expect(zero == 0 && zero.sign == .minus) }
        #expect(elements[1].toNumber() == 0.5)
        #expect(elements[2].toNumber() == 100)
        #expect(elements[3].toNumber() == 123456789012345678)
        #expect(elements[4].toJSString() == "é/\u{08}")
    }

    @Test(arguments: [
        ("[1, 2", "JSON: unterminated array: expected ',' or ']'", 5),
        ("{\"a\" 1}", "JSON: unexpected character '1' in object: expected ':'", 5),
        ("\"abc", "JSON: unterminated string", 0),
        ("[1, x]", "JSON: unexpected character 'x'", 4),
        ("", "JSON: unexpected end of JSON input", 0),
        ("1 2", "JSON: unexpected character '2' after the JSON value", 2),
        ("{\"é\": 01}", "JSON: unexpected character '1' in object: expected ',' or '}'", 7),
        ("[1.]", "JSON: unterminated fractional number", 3),
        ("\"a\\qb\"", "JSON: bad escaped character in string literal", 3),
        ("[tru]", "JSON: unexpected character ']'", 4),
        ("{,}", "JSON: unexpected character ',' in object: expected a string key", 1),
    ])
    func reportsErrorsWithPositions(text: String, message: String, offset: Int) {
        do {
            _ = try Value(parsingJSON: text)
            Issue.record("parsed invalid JSON \(text)")
        } catch let error as LangError {
            #expect(error.message == message)
            #expect(error.span?.start == offset)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// What `text` reads as whole and in two halves (JSONParser.parseInHalves): the value as JSON, or
    /// the error's message and character offset.
    private func readWholeAndInHalves(_ text: String) -> (whole: String, halves: String) {
        func read(inHalvesFrom: Int) -> String {
            var text = text
            do {
                let value = try text.withUTF8 { try JSONParser.parse($0, inHalvesFrom: inHalvesFrom) }
                return value.jsonString() ?? "undefined"
            } catch let error as LangError {
                return "\(error.message) at \(error.span?.start ?? -1)"
            } catch {
                return "\(error)"
            }
        }
        return (read(inHalvesFrom: .max), read(inHalvesFrom: 0))
    }

    @Test func aLargeListReadInHalvesIsTheListReadWhole() throws {
        let elements = (0..<3000).map { index in
            switch index % 4 {
            case 0: #"{"name":"host-\#(index)","cpu":\#(index % 101),"tags":["a","b"],"memory":{"used":0.\#(index)1}}"#
            case 1: #"{"cpu":\#(index),"name":"é\u00e9\"\#(index)"}"#
            case 2: #"[\#(index), [true, null], {"k": []}]"#
            default: #"{"name":"host-\#(index)","cpu":-\#(index)e-3,"tags":["a","b"],"memory":{"used":1e300}}"#
            }
        }
        let read = readWholeAndInHalves("[" + elements.joined(separator: ",\n ") + "]\n")
        #expect(read.whole.hasPrefix(#"[{"name":"host-0","cpu":0,"#))
        #expect(read.whole.hasSuffix(#"{"name":"host-2999","cpu":-2.999,"tags":["a","b"],"memory":{"used":1e+300}}]"#))
        #expect(read.halves == read.whole)
        let halves = try Value(parsingJSON: read.halves)
        #expect(halves.toJSString() == (try Value(parsingJSON: read.whole)).toJSString())
        guard case .array(let list) = halves else { return }
        #expect(list.count == 3000)
    }

    /// Where the middle of the text is guessed inside a string, the first half's reader does not end
    /// an element there, and reads the whole list itself.
    @Test func aMiddleGuessedInsideAStringReadsAsOneList() throws {
        let text = #"[{"s":""# + String(repeating: "a", count: 1040) + "},{" + String(repeating: "b", count: 1000)
            + #""},{"t":1}]"#
        let guess = try #require(text.utf8.withContiguousStorageIfAvailable { JSONParser.likelyMiddle(of: $0) })
        let inString = try #require(text.utf8.firstRange(of: "},{".utf8))
        #expect(guess == text.utf8.distance(from: text.utf8.startIndex, to: inString.lowerBound) + 1)
        let read = readWholeAndInHalves(text)
        #expect(read.whole.hasSuffix(#"bbb"},{"t":1}]"#))
        #expect(read.halves == read.whole)
    }

    @Test(arguments: [
        (150, #"{"a":x}"#, "]"), (20, #"{"a":x}"#, "]"), (150, #"{"a":1}"#, ""), (150, #"{"a":1}"#, "] x"),
        (199, #"{"a":1} {"b":2}"#, "]"), (150, #"{"a":"\q"}"#, "]"),
    ])
    func errorsInEitherHalfAreTheErrorsOfTheWholeText(at: Int, element: String, end: String) {
        let elements = (0..<200).map { $0 == at ? element : #"{"a":\#($0),"b":[1,2]}"# }
        let read = readWholeAndInHalves("[" + elements.joined(separator: ", ") + end)
        #expect(read.whole.hasPrefix("JSON: "))
        #expect(read.halves == read.whole)
    }

    @Test func aListThatEndsBeforeTheMiddleIsFollowedByAnError() {
        let read = readWholeAndInHalves(#"[{"a":1}] , {"b":"# + String(repeating: "2", count: 100) + "}")
        #expect(read.whole == "JSON: unexpected character ',' after the JSON value at 10")
        #expect(read.halves == read.whole)
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: LangError.self) { try Value(parsingJSON: deep) }
    }

    @Test func parsesBytes() throws {
        let value = try Value(parsingJSON: Array(#"{"name":"ok"}"#.utf8))
        #expect(value.jsonString() == #"{"name":"ok"}"#)
    }

    /// Objects that follow the keys of the one before share its key array; every other object
    /// (another order, fewer keys, more keys, a repeated key, many keys) still reads as JSON says.
    @Test func objectsOfTheSameShapeReadAsWritten() throws {
        let text = #"""
            [{"a":1,"b":2},{"a":3,"b":4},{"b":5,"a":6},{"a":7},{"a":8,"b":9,"c":10},{"a":1,"a":2},
             {"a":{"x":1}},{"a":{"x":2,"y":3}},{"a":{"y":4}},{}, {"a":1,"b":2}]
            """#
        let value = try Value(parsingJSON: text)
        #expect(
            value.jsonString()
                == #"[{"a":1,"b":2},{"a":3,"b":4},{"b":5,"a":6},{"a":7},{"a":8,"b":9,"c":10},{"a":2},"#
                + #"{"a":{"x":1}},{"a":{"x":2,"y":3}},{"a":{"y":4}},{},{"a":1,"b":2}]"#)
        guard case .array(let objects) = value, case .object(let first) = objects[0],
            case .object(let second) = objects[1]
        else {
            Issue.record("not an array of objects")
            return
        }
        #expect(first.keys.withUnsafeBufferPointer { $0.baseAddress } == second.keys.withUnsafeBufferPointer { $0.baseAddress })
        let wide = "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        let objectsOfForty = try Value(parsingJSON: "[\(wide),\(wide)]")
        #expect(try Expression("xs[1].k39 + xs[0].k0 + Object.keys(xs[1]).length").evaluate(bindings: ["xs": objectsOfForty]).toNumber() == 79)
    }

    /// Numbers read without strtod where that is exact, and with it elsewhere: always the double strtod reads.
    @Test(arguments: [
        "0.1", "0.6394267984578837", "0.30000000000000004", "3.141592653589793", "1.0000000000000002",
        "4.35", "123.456e-5", "0.000001", "1e22", "1e23", "1e-22", "1e-23", "9007199254740992",
        "9007199254740993", "12345678901234567890", "100000000000000000000000", "1.7976931348623157e308",
        "2e308", "5e-324", "2.2250738585072014e-308", "-0.0", "-0", "0e5", "1E+2", "-7.5e-1", "10.50",
        "0.00000000000000000000000000001", "1234567890123456789012345678901234567890e-30",
    ])
    func readsNumbersAsStrtod(text: String) throws {
        let value = try Value(parsingJSON: text)
        guard case .number(let number) = value else {
            Issue.record("not a number")
            return
        }
        #expect(number.bitPattern == Double(text)?.bitPattern)
    }

    /// Objects share the keys of the object before them; changing the keys of one changes no other.
    @Test func objectsSharingKeysChangeAlone() throws {
        let value = try Value(parsingJSON: #"[{"a":1,"b":2},{"a":3,"b":4},{"a\\nb":5},{"a\nb":6}]"#)
        #expect(value.jsonString() == #"[{"a":1,"b":2},{"a":3,"b":4},{"a\\nb":5},{"a\nb":6}]"#)
        guard case .array(let objects) = value, case .object(var first) = objects[0],
            case .object(let second) = objects[1]
        else {
            Issue.record("not an array of objects")
            return
        }
        first["c"] = .number(7)
        first["a"] = nil
        first.kind = .date(0)
        #expect(first.keys == ["b", "c"])
        #expect(second.keys == ["a", "b"] && second.kind == nil && second["a"]?.toNumber() == 3)
        #expect(objects[0].jsonString() == #"{"a":1,"b":2}"#)
    }

    @Test func repeatedSmallArraysAndKeysKeepTheirExactText() throws {
        let text = #"[{"k\u00e9":["e\u0301",1,-0]},{"ke\u0301":["\u00e9",1,0]},{"ke\u0301":["\u00e9",1,0]}]"#
        let value = try Value(parsingJSON: text)
        #expect(value.jsonString() == "[{\"k\u{e9}\":[\"e\u{301}\",1,0]},{\"ke\u{301}\":[\"\u{e9}\",1,0]},{\"ke\u{301}\":[\"\u{e9}\",1,0]}]")
        let signs = try Expression("xs.map(o => Object.values(o)[0][2]).map(z => 1 / z < 0)").evaluate(bindings: ["xs": value])
        #expect(signs.jsonString() == "[true,false,false]")
        #expect(evaluate("((a) => [a[0].t.push(3), a[1].t])(JSON.parse('[{\"t\":[1]},{\"t\":[1]}]'))") == "[2,[1]]")
        #expect(evaluate("((a) => [a[0][0].push(2), a[1], a[2]])(JSON.parse('[[[1]],[[1]],[[1] ]]'))") == "[2,[[1]],[[1]]]")
    }

    @Test func callbacksThatKeepTheirArgumentsKeepTheirOwnCopy() {
        #expect(evaluate("[1, 2, 3].map(x => () => x).map(f => f())") == "[1,2,3]")
        #expect(evaluate("[1, 2, 3].map((x, i, all) => all).map(a => a.length)") == "[3,3,3]")
        #expect(evaluate("[5, 6].map((...args) => args).map(a => a.slice(0, 2))") == "[[5,0],[6,1]]")
    }
}
