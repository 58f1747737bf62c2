import Foundation
import HopsFlow
import Testing

@testable import HopsShell

/// The formats of `hops check` for what only a unit test can reach: escaping and places.
@Suite struct CheckOutputTests {
    @Test func workflowCommandsEscapeTheirMessageAndProperties() {
        let finding = FlowCheckOutput.Finding(
            file: "flows/a,b:c.yaml", severity: "warning", message: "50% done\nnext line", line: 3, column: 7, endColumn: 9)
        #expect(
            FlowCheckOutput.workflowCommand(finding)
                == "::warning file=flows/a%2Cb%3Ac.yaml,line=3,col=7,endColumn=9,title=hops check::50%25 done%0Anext line")
    }

    @Test func aFindingWithoutAPlaceNamesTheFlowItWasFoundIn() throws {
        var output = FlowCheckOutput()
        output.add(FlowCheckReport(diagnostics: [FlowDiagnostic(.error, "cannot read the flow")]), of: "flows/x.yaml")
        #expect(output.findings == [.init(file: "flows/x.yaml", severity: "error", message: "cannot read the flow")])
        #expect(output.rendered(.github) == "::error file=flows/x.yaml,title=hops check::cannot read the flow\n1 flow checked: 1 error, 0 warnings\n")
        #expect(output.rendered(.json) == #"{"file":"flows/x.yaml","message":"cannot read the flow","severity":"error"}"# + "\n")
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(output.rendered(.sarif, toolVersion: "0.1.0").utf8)) as? [String: Any])
        let result = try #require(((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect(location["region"] == nil)
        #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "flows/x.yaml")
    }
}
