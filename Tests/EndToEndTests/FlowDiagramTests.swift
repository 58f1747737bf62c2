import Foundation
import Testing

/// `hops flow show FLOW --mermaid`.
@Suite struct FlowDiagramTests {
    @Test func loopsAreSubgraphsAndBranchesAreDecisions() throws {
        let result = try HopsProcess.run(["flow", "show", FlowSupport.fixture("parallel.flow"), "--mermaid"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "flowchart TD")
        #expect(lines.contains(#"start(["parallel<br/>inputs: numbers"])"#))
        // The loop holds its step; the flow goes on from the loop as a whole.
        let loop = try #require(lines.firstIndex(of: #"subgraph loop1["<b>squares</b><br/>for each in flow_input.numbers, parallel 3"]"#), "\(result.output)")
        #expect(lines[loop + 2] == #"n2["<b>square</b><br/>rawscript (python3)"]"#)
        #expect(lines[loop + 3] == "end")
        #expect(lines.contains("start --> loop1"))
        #expect(lines.contains("loop1 --> n3"))
        // branchone: a decision, the condition on its edge (> written as an entity), and the default.
        #expect(lines.contains(#"n4{"<b>size</b><br/>branch one"}"#))
        #expect(lines.contains(#"n4 -->|"big: results.total #gt; 20"| n5"#))
        #expect(lines.contains(#"n4 -->|"default"| n6"#))
        #expect(lines.contains(#"n5["<b>big</b><br/>identity<br/>[mocked]"]"#))
        // Both branches lead on to the branchall fork; its branches both end the flow.
        #expect(lines.contains("n5 --> n7") && lines.contains("n6 --> n7"))
        #expect(lines.contains(#"n7{{"<b>both</b><br/>branch all, parallel"}}"#))
        #expect(lines.contains(#"n7 -->|"right (skip failure)"| n9"#))
        #expect(lines.suffix(2) == ["n8 --> finish", "n9 --> finish"])
        // Every node an edge names is drawn.
        let defined = Set(lines.compactMap { $0.firstMatch(of: /^(?:subgraph )?([a-z]+\d*)[\[\{\(]/)?.output.1 }.map(String.init))
        for line in lines where line.contains("-->") {
            let ends = line.replacing(/\|"[^"]*"\|/, with: "").components(separatedBy: "-->").map { $0.trimmingCharacters(in: .whitespaces) }
            for end in ends { #expect(defined.contains(end), "\(end) in \(line)") }
        }
    }

    @Test func aFlowThatDoesNotLoadPrintsItsErrorsAndExitsTwo() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flow = folder.appendingPathComponent("broken.yaml")
        try "summary: [unclosed\n".write(to: flow, atomically: true, encoding: .utf8)
        let result = try HopsProcess.run(["flow", "show", flow.path, "--mermaid"])
        #expect(result.status == 2)
        #expect(result.error.contains("broken.yaml:"), "\(result.error)")
    }
}
