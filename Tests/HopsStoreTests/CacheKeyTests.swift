import Foundation
import Testing

@testable import HopsStore

@Suite struct CacheKeyTests {
    @Test func keyIsHexSHA256AndDependsOnEveryPart() {
        let base = CacheKey.make(
            runner: "deno", runnerVersion: "2.1", scriptContent: "export function main() {}",
            argumentsCanonicalJSON: #"{"a":1}"#)
        #expect(base.count == 64)
        #expect(base.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(
            base
                == CacheKey.make(
                    runner: "deno", runnerVersion: "2.1",
                    scriptContent: Data("export function main() {}".utf8),
                    argumentsCanonicalJSON: #"{"a":1}"#))
        let variants = [
            CacheKey.make(
                runner: "python3", runnerVersion: "2.1", scriptContent: "export function main() {}",
                argumentsCanonicalJSON: #"{"a":1}"#),
            CacheKey.make(
                runner: "deno", runnerVersion: "2.2", scriptContent: "export function main() {}",
                argumentsCanonicalJSON: #"{"a":1}"#),
            CacheKey.make(
                runner: "deno", runnerVersion: "2.1", scriptContent: "export function main() { }",
                argumentsCanonicalJSON: #"{"a":1}"#),
            CacheKey.make(
                runner: "deno", runnerVersion: "2.1", scriptContent: "export function main() {}",
                argumentsCanonicalJSON: #"{"a":2}"#),
        ]
        #expect(Set(variants + [base]).count == 5)
    }

    @Test func aKeyNeverChangesSoEarlierRecordsAreReused() {
        let expected = "f97a1195ddae1f549638f4fa4084be8b95661ec02544d854bb88398f3083b345"
        #expect(
            CacheKey.make(
                runner: "deno", runnerVersion: "2.1", scriptContent: "export function main() {}",
                argumentsCanonicalJSON: #"{"a":1}"#) == expected)
        #expect(
            CacheKey.make(
                runner: "deno", runnerVersion: "2.1", scriptContent: Data("export function main() {}".utf8),
                argumentsCanonicalJSON: #"{"a":1}"#) == expected)
    }

    @Test func lengthPrefixKeepsBoundariesApart() {
        // Without length prefixes these two would hash the same concatenation.
        let first = CacheKey.make(runner: "ab", runnerVersion: "c", scriptContent: "", argumentsCanonicalJSON: "")
        let second = CacheKey.make(runner: "a", runnerVersion: "bc", scriptContent: "", argumentsCanonicalJSON: "")
        #expect(first != second)
    }

    @Test func contentHashIsPlainSHA256() {
        // SHA-256 of "abc" from FIPS 180-2.
        #expect(CacheKey.contentHash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
