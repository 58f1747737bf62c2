import Foundation
import HopsLang
import Testing
@testable import HopsFlow

/// The flow's schema applied to given inputs: conversion, refusal with names, defaults.
@Suite struct FlowInputsTests {
    static let flow = Flow(inputs: [
        FlowInput(name: "count", type: "integer", required: true),
        FlowInput(name: "ratio", type: "number", defaultValue: .number(0.5)),
        FlowInput(name: "verbose", type: "boolean"),
        FlowInput(name: "level", type: "string", extras: JSONValue(.object(ObjectValue([("enum", .array([.string("low"), .string("high")]))])))),
        FlowInput(name: "when", type: "string", extras: JSONValue(.object(ObjectValue([("format", .string("date"))])))),
        FlowInput(
            name: "db", type: "object", defaultValue: .string("$res:g/all/demodb"),
            extras: JSONValue(.object(ObjectValue([("format", .string("resource-postgresql"))])))),
        FlowInput(
            name: "other_db", type: "object", defaultValue: .string(""),
            extras: JSONValue(.object(ObjectValue([("format", .string("resource-postgresql"))])))),
        FlowInput(
            name: "hosts", type: "array",
            extras: JSONValue(.object(ObjectValue([("items", .object(ObjectValue([("type", .string("string"))])))])))),
    ])

    func bind(_ words: [(String, String)], allowMissing: Bool = false) throws(FlowInputs.Problems) -> ObjectValue {
        try FlowInputs.bind(words.map { ($0.0, .text($0.1)) }, to: Self.flow, allowMissing: allowMissing)
    }

    @Test func textIsConvertedToTheDeclaredTypeAndDefaultsApply() throws {
        let values = try bind([("count", "3"), ("verbose", "true"), ("level", "high"), ("when", "2026-12-02"), ("hosts", #"["a","b"]"#)])
        #expect(values["count"]?.jsonString() == "3")
        #expect(values["verbose"]?.jsonString() == "true")
        #expect(values["ratio"]?.jsonString() == "0.5")
        #expect(values["db"]?.jsonString() == #""$res:g/all/demodb""#)
        // '' is a resource input with none chosen: no value.
        #expect(values["other_db"] == nil)
        #expect(values["hosts"]?.jsonString() == #"["a","b"]"#)
    }

    @Test func everyProblemIsReportedAtOnce() {
        do {
            _ = try bind([("cuont", "1"), ("ratio", "x"), ("level", "mid"), ("when", "yesterday"), ("hosts", "[1]"), ("db", "nope")])
            Issue.record("bind accepted bad inputs")
        } catch {
            #expect(error.messages == [
                "unknown input 'cuont' (did you mean 'count'?); the flow's inputs: count, ratio, verbose, level, when, db, other_db, hosts",
                "input 'ratio' expects a number, got 'x'",
                #"input 'level' is "mid", not one of "low", "high""#,
                "input 'when' is 'yesterday', not a date (YYYY-MM-DD)",
                "input 'hosts[0]' expects a string, got 1 (a number)",
                "input 'db' expects a $res:path reference or a JSON object, got 'nope'",
                "missing required input 'count' (give each with -i NAME=VALUE)",
            ])
        }
    }

    @Test func aDryRunMayLeaveRequiredInputsOut() throws {
        let values = try bind([], allowMissing: true)
        #expect(values["count"] == nil)
        #expect(values["ratio"]?.jsonString() == "0.5")
    }

    @Test func aResourceReferenceFitsAnObjectInput() throws {
        let values = try bind([("count", "1"), ("db", "$res:u/admin/pg")])
        #expect(values["db"]?.jsonString() == #""$res:u/admin/pg""#)
    }
}
