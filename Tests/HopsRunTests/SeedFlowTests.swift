import Foundation
import HopsFlow
import HopsLang
import Testing

@testable import HopsRun

@Suite struct SeedFlowTests {
    static let flow = """
        summary: Checks a list of hosts
        inputs:
          - name: hosts
            type: array
            default: ["alpha", "beta", "broken", "gamma"]
          - name: notify
            type: boolean
            default: false
        steps:
          - id: check
            script: platform/check-host.ts
            for_each: ${{ inputs.hosts }}
            parallelism: 2
            args:
              host: ${{ item }}
              position: ${{ index }}
          - id: summary
            script: platform/summarize.py
            args:
              results: ${{ steps.check.result }}
              failed: ${{ steps.check.failures.length }}
              label: "checked ${{ inputs.hosts.length }} hosts"
          - id: notify
            script: platform/notify.sh
            if: ${{ inputs.notify }}
            args:
              message: ${{ steps.summary.result.text }}
        """

    static let files = [
        "windmill/flows/monitoring/hosts.yaml": flow,
        "windmill/scripts/platform/check-host.ts": """
            export async function main(host: string, position: number) {
              if (host === "broken") throw new Error(`${host} does not answer`);
              return { host, position, up: true };
            }
            """,
        "windmill/scripts/platform/summarize.py": """
            def main(results, failed, label="none"):
                up = [r["host"] for r in results if isinstance(r, dict) and r.get("up")]
                return {"text": f"{label}: {len(up)} up, {failed} failed", "up": up}
            """,
        "windmill/scripts/platform/notify.sh": "echo \"notified: $1\"\n",
    ]

    @Test func seedFlowWithForEachIfAndTemplates() throws {
        let repository = try TestRepository(files: Self.files)
        defer { repository.remove() }
        let flow = try FlowLoader.load(path: repository.root + "/windmill/flows/monitoring/hosts.yaml")
        let quiet = FlowExecutor(flow: flow, runner: repository.runner()).run()
        #expect(quiet.status == .succeeded, "\(quiet.error.map { "\($0)" } ?? "")")
        #expect(json(quiet.result) == #"{"text":"checked 4 hosts: 3 up, 1 failed","up":["alpha","beta","gamma"]}"#)
        #expect(quiet.steps.first { $0.id == "notify" }?.state == .skipped)

        let loud = FlowExecutor(flow: flow, runner: repository.runner()).run(inputs: object([("notify", .bool(true))]))
        #expect(json(loud.result) == #""notified: checked 4 hosts: 3 up, 1 failed""#)
    }
}
