import Foundation
import Testing

/// Windmill features through `hops flow run`, `hops check` and `hops dry-run` on the fixture tree
/// `Fixtures/wmill-tree` (a wmill layout with wmill.yaml): approval steps, preprocessors, scripts
/// and flows by path, AI agents, inputs of every JSON-schema type, and flows that call each other.
@Suite struct WindmillFidelityTests {
    static let tree = HopsProcess.repositoryRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/wmill-tree")

    static func flow(_ name: String) -> String { tree.appendingPathComponent("f/ops/\(name).flow").path }

    /// hops with `arguments`; the commands that read or write runs get the store in `folder`.
    func run(_ arguments: [String], in folder: URL) throws -> HopsProcess.Result {
        let usesStore = arguments.first != "check" && arguments.prefix(2) != ["flow", "show"]
        return try HopsProcess.run(arguments + (usesStore ? ["--store", folder.appendingPathComponent("store.db").path] : []))
    }

    @Test func anApprovalStepPausesTheRunUntilItIsAnswered() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let waiting = try run(["flow", "run", Self.flow("approve")], in: folder)
        #expect(waiting.status == 3, "\(waiting.error)")
        #expect(waiting.error.contains("flow waiting for approval"), "\(waiting.error)")
        #expect(!waiting.error.contains("restart …"), "\(waiting.error)")
        let runs = try run(["runs"], in: folder)
        #expect(runs.output.contains("interrupted"), "\(runs.output)")

        let resumed = try run(["resume", "last", "--approve", "--approval-payload", #"{"reason":"patch day"}"#], in: folder)
        #expect(resumed.status == 0, "\(resumed.output)\(resumed.error)")
        #expect(resumed.output.contains("plan") && resumed.output.contains("reused"), "\(resumed.output)")
        let shown = try run(["show", "last", "restart"], in: folder)
        #expect(shown.output.contains("patch day"), "\(shown.output)")

        let approved = try run(["flow", "run", Self.flow("approve"), "--approve", "--json"], in: folder)
        #expect(approved.status == 0, "\(approved.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(approved.output.utf8)) as? [String: Any])
        let result = try #require(object["result"] as? [String: Any])
        #expect(result["restarted"] as? String == "nginx")
        #expect(result["reason"] as? String == "none")
        #expect(result["by"] as? Int == 1)

        let rejected = try run(["flow", "run", Self.flow("approve"), "--reject"], in: folder)
        #expect(rejected.status == 1)
        #expect(rejected.error.contains("was not approved"), "\(rejected.error)")
    }

    @Test func aPreprocessorRunsOnlyWhenATriggerStartsTheFlow() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let body = folder.appendingPathComponent("body.json")
        try Data(#"{"machines": [{"name": "nas"}, {"name": "router"}, {"name": "tv"}]}"#.utf8).write(to: body)
        let triggered = try run(["flow", "run", Self.flow("preprocess"), "--trigger", "webhook", "--body", body.path, "--json"], in: folder)
        #expect(triggered.status == 0, "\(triggered.error)")
        #expect(triggered.output.contains(#""count" : 3"#) || triggered.output.contains(#""count": 3"#), "\(triggered.output)")
        #expect(triggered.output.contains("nas"))

        let direct = try run(["flow", "run", Self.flow("preprocess"), "-i", #"hosts=["a","b"]"#], in: folder)
        #expect(direct.status == 0, "\(direct.error)")
        #expect(direct.error.contains("preprocessor … skipped"), "\(direct.error)")

        let check = try HopsProcess.run(["check", Self.flow("preprocess")])
        #expect(check.status == 0, "\(check.output)")
        #expect(!check.output.contains("no main function"), "\(check.output)")
        let plan = try HopsProcess.run(["dry-run", Self.flow("preprocess")])
        #expect(plan.output.contains("preprocessor  would be skipped"), "\(plan.output)")
    }

    @Test func scriptsAndFlowsByPathResolveFromTheTreeRoot() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["flow", "run", Self.flow("calls"), "-i", "who=ann", "--json"], in: folder)
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        // early_return: greet — the caller gets greet's result; the subflow still ran.
        #expect((object["result"] as? [String: Any])?["greeting"] as? String == "hello ann", "\(result.output)")
        #expect(FlowSupport.step("twice", in: object)?["result"] as? Int == 42, "\(result.output)")
        // delete_after_secs: greet's arguments and result are not kept in the store.
        let shown = try run(["show", "last", "greet"], in: folder)
        #expect(shown.output.contains("result: (none)"), "\(shown.output)")
        #expect(!shown.output.contains("ann"), "\(shown.output)")
        let check = try HopsProcess.run(["check", Self.flow("calls")])
        #expect(check.status == 0, "\(check.output)")
    }

    @Test func anAIAgentRunsMockedAndIsShown() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["flow", "run", Self.flow("agent")], in: folder)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("RESTART THE ROUTER"), "\(result.output)")
        let shown = try HopsProcess.run(["flow", "show", Self.flow("agent")])
        #expect(shown.output.contains("triage  ai agent, tools: lookup  [mocked]"), "\(shown.output)")

        // Unmocked, check warns and the run says where it can run.
        let copy = folder.appendingPathComponent("agent.flow")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: Self.flow("agent") + "/flow.yaml", encoding: .utf8)
            .replacingOccurrences(of: "enabled: true", with: "enabled: false")
        try Data(text.utf8).write(to: copy.appendingPathComponent("flow.yaml"))
        let check = try HopsProcess.run(["check", copy.path])
        #expect(check.output.contains("warning: step 'triage' is an AI agent: it runs only on a Windmill server"), "\(check.output)")
        let unmocked = try run(["flow", "run", copy.path], in: folder)
        #expect(unmocked.status == 1)
        #expect(unmocked.error.contains("runs only on a Windmill server"), "\(unmocked.error)")
    }

    @Test func inputsFollowTheFlowsSchema() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = try run(
            ["flow", "run", Self.flow("inputs"), "-i", "n=abc", "-i", "nope=3", "-i", "flag=maybe", "-i", "mail=x", "-i", #"cfg={"port":"x"}"#,
             "-i", "name=gamma"], in: folder)
        #expect(bad.status == 2)
        for expected in [
            "error: input 'n' expects an integer, got 'abc'",
            "error: unknown input 'nope' (did you mean 'name'?)",
            "error: input 'flag' expects true or false, got 'maybe'",
            "error: input 'mail' is 'x', not an email address",
            "error: input 'cfg.port' expects an integer, got \"x\" (a string)",
            #"error: input 'name' is "gamma", not one of "alpha", "beta""#,
        ] {
            #expect(bad.error.contains(expected), "\(expected)\n\(bad.error)")
        }
        #expect(!bad.error.contains("… ok"), "nothing runs: \(bad.error)")

        let missing = try run(["flow", "run", Self.flow("inputs")], in: folder)
        #expect(missing.status == 2)
        #expect(missing.error.contains("error: missing required inputs 'n', 'name'"), "\(missing.error)")

        let good = try run(["flow", "run", Self.flow("inputs"), "-i", "n=3", "-i", "name=alpha", "-i", "tags=a,b"], in: folder)
        #expect(good.status == 0, "\(good.error)")
        #expect(good.output.contains("3 alpha"), "\(good.output)")

        // Resource-typed inputs with `$res:` or '' defaults are not errors.
        let check = try HopsProcess.run(["check", Self.flow("inputs")])
        #expect(check.status == 0, "\(check.output)")
        let plan = try HopsProcess.run(["dry-run", Self.flow("inputs"), "-i", "n=x"])
        #expect(plan.status == 2)
        #expect(plan.error.contains("input 'n' expects an integer"), "\(plan.error)")
    }

    @Test func flowsThatCallEachOtherAreAnErrorEverywhere() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let diagnostic = "error: step 'across' calls flow 'f/ops/pong_ping', and the calls never end: f/ops/ping_pong → f/ops/pong_ping → f/ops/ping_pong"
        let check = try HopsProcess.run(["check", Self.flow("ping_pong")])
        #expect(check.status == 1)
        #expect(check.output.contains(diagnostic), "\(check.output)")
        for arguments in [["flow", "run", Self.flow("ping_pong")], ["dry-run", Self.flow("ping_pong")], ["flow", "show", Self.flow("ping_pong")]] {
            let result = try run(arguments, in: folder)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.error.contains(diagnostic), "\(arguments): \(result.error)")
        }
    }

    @Test func hostileYAMLIsRefusedWithAPlace() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var bomb = "summary: bomb\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        bomb += "value:\n  modules: []\n"
        let deep = "summary: deep\nvalue: " + String(repeating: "[", count: 100_000) + "\n"
        for (name, text, message) in [
            ("bomb.yaml", bomb, "aliases repeating aliases"), ("deep.yaml", deep, "brackets nested more than 256 deep"),
        ] {
            let file = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            for arguments in [["check", file.path], ["flow", "show", file.path], ["flow", "run", file.path], ["dry-run", file.path]] {
                let result = try run(arguments, in: folder)
                #expect(result.status == (arguments[0] == "check" ? 1 : 2), "\(arguments)")
                #expect((result.output + result.error).contains("\(file.path):"), "\(arguments)")
                #expect((result.output + result.error).contains(message), "\(arguments): \(result.output)\(result.error)")
            }
        }
    }

    @Test func aScriptByPathWithoutAWmillTreeDoesNotCrashCheck() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flowFolder = folder.appendingPathComponent("path/x.flow")
        try FileManager.default.createDirectory(at: flowFolder, withIntermediateDirectories: true)
        try Data("summary: t\nvalue:\n  modules:\n    - id: a\n      value:\n        type: script\n        path: f/foo/bar\n        input_transforms: {}\n".utf8)
            .write(to: flowFolder.appendingPathComponent("flow.yaml"))
        for path in ["./path/x.flow", "path/x.flow", flowFolder.path] {
            let result = try HopsProcess.run(["check", path], currentDirectory: folder)
            #expect(result.status == 0, "\(path): \(result.output)\(result.error)")
            #expect(result.output.contains("1 flow checked: 0 errors"), "\(result.output)")
        }
    }

    @Test func hostileIdsAndInlinePathsAreRefusedOnLoad() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flowFolder = folder.appendingPathComponent("evil.flow")
        try FileManager.default.createDirectory(at: flowFolder, withIntermediateDirectories: true)
        try Data("secret\n".utf8).write(to: folder.appendingPathComponent("outside.sh"))
        try Data(
            """
            summary: evil
            value:
              modules:
                - id: ../../x
                  value:
                    type: rawscript
                    language: bash
                    content: '!inline ../outside.sh'
                    input_transforms: {}
                - id: b
                  value:
                    type: script
                    path: f/../../etc/passwd
                    input_transforms: {}
            """.utf8
        ).write(to: flowFolder.appendingPathComponent("flow.yaml"))
        let check = try HopsProcess.run(["check", flowFolder.path])
        #expect(check.status == 1)
        #expect(check.output.contains("error: module id '../../x' is not an identifier"), "\(check.output)")
        #expect(check.output.contains("error: the inline file '../outside.sh' of the content of module '../../x' is outside the flow's folder and its tree; not read"), "\(check.output)")
        #expect(check.output.contains("error: the script path of module 'b' 'f/../../etc/passwd' has a '.' or '..' part"), "\(check.output)")

        // The seed format too.
        let seed = folder.appendingPathComponent("seed.yaml")
        try Data("summary: s\nsteps:\n  - id: ../x\n    script: ../../etc/passwd\n".utf8).write(to: seed)
        let seedCheck = try HopsProcess.run(["check", seed.path])
        #expect(seedCheck.status == 1)
        #expect(seedCheck.output.contains("error: step id '../x' is not an identifier"), "\(seedCheck.output)")
        #expect(seedCheck.output.contains("error: the script '../../etc/passwd' of step '../x' has a '.' or '..' part"), "\(seedCheck.output)")
        #expect(!seedCheck.output.contains("does not exist"), "\(seedCheck.output)")
    }

    @Test func aHubScriptIsAClearErrorOffline() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let check = try HopsProcess.run(["check", Self.flow("hub")])
        #expect(check.output.contains("warning: step 'notify' runs hub/2451/slack/send_message from the Windmill hub"), "\(check.output)")
        let result = try run(["flow", "run", Self.flow("hub")], in: folder)
        #expect(result.status == 1)
        #expect(result.error.contains("lives on the Windmill hub, which hops does not reach offline"), "\(result.error)")
    }

    @Test func atThePromptApprovalAndInputsFollowWindmill() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = """
            :load f/ops/approve.flow
            :run
            :approve {"reason": "patch day"}
            :run
            :load f/ops/inputs.flow
            :inputs n=abc nope=1
            :inputs n=4 name=beta
            :run

            """
        let result = try HopsProcess.run(
            [], input: script, environment: ["HOPS_STORE": folder.appendingPathComponent("store.db").path], currentDirectory: Self.tree)
        let all = result.output + result.error
        #expect(all.contains("waits for approval (at the prompt :approve [payload] or :reject"), "\(all)")
        #expect(all.contains("wait_for_ok approved"), "\(all)")
        #expect(all.contains(#""reason": "patch day""#), "\(all)")
        #expect(all.contains("input 'n' expects an integer, got 'abc'"), "\(all)")
        #expect(all.contains("unknown input 'nope' (did you mean 'name'?)"), "\(all)")
        #expect(all.contains(#""4 beta""#), "\(all)")
    }

    @Test func timeoutAndSleepAsTransformsAreEvaluatedWhenTheStepRuns() throws {
        let folder = try HopsProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["flow", "run", Self.flow("timing")], in: folder)
        #expect(result.status == 1)
        #expect(result.error.contains("a … ok"), "\(result.error)")
        #expect(result.error.contains(#"error: step b: timeout: must be a number of seconds, not "soon""#), "\(result.error)")
    }
}
