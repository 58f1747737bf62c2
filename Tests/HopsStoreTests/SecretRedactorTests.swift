import Foundation
import Testing

@testable import HopsStore

@Suite struct SecretRedactorTests {
    @Test func tellsATextHoldingTheMask() {
        #expect(SecretRedactor.holdsMask(#"{"token":"***"}"#))
        #expect(SecretRedactor.holdsMask("***"))
        #expect(SecretRedactor.holdsMask("a ***b"))
        #expect(!SecretRedactor.holdsMask(#"{"token":"**"}"#))
        #expect(!SecretRedactor.holdsMask("* * *"))
        #expect(!SecretRedactor.holdsMask(""))
    }

    @Test func masksEveryOccurrenceLongestFirst() {
        let redactor = SecretRedactor(secrets: ["tok", "token-123", ""])
        #expect(redactor.redact("a token-123 b token-123tok") == "a *** b ******")
        #expect(redactor.redact("nothing here") == "nothing here")
        #expect(redactor.redact("tok") == "***")
        #expect(redactor.redact(nil as String?) == nil)
        #expect(SecretRedactor(secrets: [""]).isEmpty)
    }

    @Test func masksTheJSONEscapedForm() {
        let secret = "pa\"ss\\wörd\n"
        let redactor = SecretRedactor(secrets: [secret])
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: ["password": secret]), as: UTF8.self)
        #expect(!json.contains(secret))
        #expect(redactor.redact(json) == #"{"password":"***"}"#)
        #expect(redactor.redact("raw: \(secret)") == "raw: ***")
    }

    @Test func masksTheEncodingsProgramsPrint() {
        let secret = "tr1cky\"q/sl\\\u{fc}-PW"
        let redactor = SecretRedactor(secrets: [secret])
        // Python's json.dumps (ASCII only), JavaScript's JSON.stringify, Foundation's escaped slash.
        #expect(redactor.redact(#"{"t": "tr1cky\"q/sl\\\u00fc-PW"}"#) == #"{"t": "***"}"#)
        #expect(redactor.redact(#"["tr1cky\"q\/sl\\ü-PW"]"#) == #"["***"]"#)
        // encodeURIComponent / quote(safe="") and quote_plus.
        #expect(redactor.redact("?t=tr1cky%22q%2Fsl%5C%C3%BC-PW&x=1") == "?t=***&x=1")
        let spaced = SecretRedactor(secrets: ["a secret value"])
        #expect(spaced.redact("q=a+secret+value") == "q=***")
        // base64 of the secret alone, and inside a longer base64 text at each alignment.
        #expect(redactor.redact(Data(secret.utf8).base64EncodedString()) == "***")
        for prefix in ["", "x", "xy"] {
            let encoded = Data((prefix + secret + "tail").utf8).base64EncodedString()
            #expect(redactor.redact(encoded).contains("***"), "\(prefix): \(encoded)")
        }
        #expect(redactor.redact("an ordinary line") == "an ordinary line")
    }

    @Test func secretsNeverReachTheFile() throws {
        let fixture = try StoreFixture()
        let secret = "hunter2-\(UUID().uuidString)"
        let late = "late-secret-\(UUID().uuidString)"
        let quoted = "q\"uoted-\(UUID().uuidString)"
        do {
            let store = try fixture.open(secrets: [secret, quoted])
            // Arguments arrive with secrets as references; the redactor catches what a script leaks.
            let run = try store.createRun(
                kind: .flow, source: "f", sourceHash: nil,
                inputsJSON: #"{"token":"$var:f/x/token","leak":"\#(secret)"}"#)
            let step = try store.beginStep(
                run: run, stepID: "leaky", argsJSON: #"{"token":"$var:f/x/token"}"#,
                cacheKey: "k", runner: "bash")
            store.addSecrets([late])
            let escapedQuoted = quoted.replacingOccurrences(of: "\"", with: "\\\"")
            try store.finishStep(
                step, status: .failed, resultJSON: #"{"echo":"\#(secret)","q":"\#(escapedQuoted)"}"#,
                error: "auth failed for \(secret)", stdout: "token=\(secret)\nlate=\(late)\n",
                stderr: "\(late) \(quoted)")
            try store.finishRun(run, status: .failed, resultJSON: "\"\(late)\"", error: "\(secret) rejected")

            let record = try #require(try store.run(run))
            #expect(record.inputsJSON == #"{"token":"$var:f/x/token","leak":"***"}"#)
            let recorded = record.steps[0]
            #expect(recorded.argsJSON == #"{"token":"$var:f/x/token"}"#)
            #expect(recorded.resultJSON == #"{"echo":"***","q":"***"}"#)
            #expect(recorded.error == "auth failed for ***")
            #expect(recorded.stdout == "token=***\nlate=***\n")
            #expect(recorded.stderr == "*** ***")
            #expect(record.resultJSON == "\"***\"")
            #expect(record.error == "*** rejected")
            let bytes = fixture.storeBytes()
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
            #expect(bytes.range(of: Data(late.utf8)) == nil)
            #expect(bytes.range(of: Data("uoted-".utf8)) == nil)
            #expect(bytes.range(of: Data("$var:f/x/token".utf8)) != nil)
        }
        // Closed: the file and the log left beside it.
        let bytes = fixture.storeBytes()
        #expect(bytes.count > 0)
        #expect(bytes.range(of: Data(secret.utf8)) == nil)
        #expect(bytes.range(of: Data(late.utf8)) == nil)
    }
}
