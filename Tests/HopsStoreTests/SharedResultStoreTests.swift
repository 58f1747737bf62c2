import Foundation
import Testing

@testable import HopsStore

/// A run whose result is one of its steps' big results stores it once.
@Suite struct SharedResultStoreTests {
    @Test func aRunResultEqualToABigStepResultIsStoredOnce() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let big = "\"" + String(repeating: "y", count: 300_000) + "\""
        let run = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: "{}")
        let step = try store.beginStep(run: run, stepID: "big", argsJSON: "{}", cacheKey: "k", runner: "bash")
        try store.finishStep(step, status: .succeeded, resultJSON: big)
        try store.finishRun(run, status: .succeeded, resultJSON: big)
        #expect(try store.run(run)?.resultJSON == big)
        #expect(try store.sizeReport().resultBytes < 2 * Int64(big.utf8.count))

        let small = try store.createRun(kind: .flow, source: "f", sourceHash: nil, inputsJSON: "{}")
        try store.finishRun(small, status: .succeeded, resultJSON: "42")
        #expect(try store.run(small)?.resultJSON == "42")
    }
}
