import Foundation
import HopsLang
import Testing
@testable import HopsFlow

/// OpenFlow 1.743.0 documents: new module types and fields load, and everything hops does not
/// interpret is written back on export, so a flow reads back the same.
@Suite struct OpenFlow1743Tests {
    static let yaml = """
        summary: newer fields
        on_behalf_of_email: ops@example.com
        value:
          early_return: agent
          concurrent_limit: 2
          groups:
            - start_id: agent
              end_id: loop
          modules:
            - id: agent
              value:
                type: aiagent
                input_transforms:
                  provider:
                    type: static
                    value: {kind: openai, model: gpt-4o-mini, resource: $res:u/admin/openai}
                  output_type: {type: static, value: text}
                  user_message: {type: javascript, expr: flow_input.question}
                tools:
                  - id: search
                    value: {tool_type: websearch}
                  - id: fetch
                    value:
                      tool_type: flowmodule
                      type: rawscript
                      language: bash
                      content: echo 1
                      input_transforms:
                        url: {type: ai}
              delete_after_secs: 3600
              debouncing: {debounce_delay_s: 5}
            - id: loop
              value:
                type: whileloopflow
                skip_failures: false
                parallel: true
                parallelism: {type: javascript, expr: '1 + 1'}
                squash: true
                modules:
                  - id: inner
                    value: {type: identity}
                    stop_after_if: {expr: 'true', skip_if_stopped: false}
              timeout: {type: static, value: 30}
              sleep: {type: javascript, expr: flow_input.pause}
        schema:
          type: object
          properties:
            question: {type: string}
            pause: {type: number, default: 0}
        """

    @Test func newerFieldsLoadAndExportBackUnchanged() throws {
        let folder = try TestPaths.temporaryFolder()
        let file = (folder as NSString).appendingPathComponent("flow.yaml")
        try Self.yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let loaded = FlowLoader.read(path: file)
        #expect(loaded.errors.isEmpty, "\(loaded.diagnostics)")
        #expect(loaded.diagnostics.isEmpty, "no field is unknown: \(loaded.diagnostics)")
        let flow = try #require(loaded.flow)
        guard case .aiAgent(let agent) = flow.modules[0].value else {
            Issue.record("not an aiagent: \(flow.modules[0].value)")
            return
        }
        #expect(agent.toolIDs == ["search", "fetch"])
        #expect(agent.inputTransforms.names == ["provider", "output_type", "user_message"])
        #expect(flow.modules[0].deletesAfterUse)
        #expect(flow.modules[1].valueExtra("squash") != nil)
        #expect(flow.modules[1].sleep?.expression?.text == "flow_input.pause")

        let (text, inlineFiles) = flow.openFlowYAML()
        for field in ["aiagent", "tools", "tool_type", "delete_after_secs", "debouncing", "squash", "parallelism", "early_return", "on_behalf_of_email", "groups"] {
            #expect(text.contains(field), "\(field) is written back:\n\(text)")
        }
        let copy = (try TestPaths.temporaryFolder() as NSString).appendingPathComponent("copy.flow")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try text.write(toFile: (copy as NSString).appendingPathComponent("flow.yaml"), atomically: true, encoding: .utf8)
        for (name, content) in inlineFiles {
            try content.write(toFile: (copy as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let again = try FlowLoader.load(path: copy)
        #expect(again == flow, "\(text)")

        let report = FlowChecker.check(flow)
        #expect(!report.hasErrors, "\(report.rendered())")
        #expect(report.warnings.contains { $0.message.contains("step 'agent' is an AI agent: it runs only on a Windmill server") })
        #expect(report.warnings.contains { $0.message.contains("step 'loop': hops does not act on squash, parallel, parallelism") }, "\(report.rendered())")
        #expect(report.warnings.contains { $0.message.contains("hops does not act on the flow's concurrent_limit") }, "\(report.rendered())")
    }
}
