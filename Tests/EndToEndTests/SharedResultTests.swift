import Foundation
import Testing

/// A big result is stored once: resuming its run does not copy it again.
@Suite struct SharedResultTests {
    /// The big step first (the flow's result is the small one's), or last (the flow's result is the big one).
    @Test(arguments: [false, true])
    func aHundredMegabyteResultResumedTwiceDoesNotGrowTheStore(bigLast: Bool) throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flow = folder.appendingPathComponent("big.yaml").path
        let big = """
                - id: big
                  value:
                    type: rawscript
                    language: python3
                    content: |
                      def main():
                          return "x" * 100_000_000
                    input_transforms: {}
            """
        let small = """
                - id: small
                  value:
                    type: rawscript
                    language: python3
                    content: |
                      def main():
                          return 100000000
                    input_transforms: {}
            """
        try """
            summary: a 100 MB result and a small one
            value:
              modules:
            \(bigLast ? small : big)
            \(bigLast ? big : small)
            """.write(toFile: flow, atomically: true, encoding: .utf8)
        let store = folder.appendingPathComponent("store.db").path
        func storeBytes() throws -> Int {
            // The store's own file and its write-ahead log: what the runs take on disk.
            try [store, store + "-wal"].reduce(0) { total, path in
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                return total + (size ?? 0)
            }
        }
        let first = try HopsProcess.run(["flow", "run", flow, "--store", store])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains(bigLast ? "xxxxxxxxxx" : "100000000"))
        let afterRun = try storeBytes()
        #expect(afterRun > 100_000_000)
        for _ in 0..<2 {
            let resumed = try HopsProcess.run(["resume", "last", "--store", store])
            #expect(resumed.status == 0, "\(resumed.error)")
            #expect(resumed.output.contains("2 reused, 0 ran"))
        }
        let afterResumes = try storeBytes()
        #expect(afterResumes - afterRun < 1_000_000, "the store grew from \(afterRun) to \(afterResumes) bytes")
        // The resumed run still has the result, read from the attempt that computed it.
        let shown = try HopsProcess.run(["show", "last", "small", "--store", store, "--json"])
        #expect(shown.output.contains("100000000"))
    }
}
