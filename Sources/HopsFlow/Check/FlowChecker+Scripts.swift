import Foundation
import HopsLang

extension FlowChecker {
    /// The step's id as the user wrote it: a seed `for_each` step's inner id without its suffix.
    func stepName(_ module: FlowModule) -> String {
        if flow.format == .seed, module.id.hasSuffix(SeedFormat.itemSuffix) {
            return String(module.id.dropLast(SeedFormat.itemSuffix.count))
        }
        return module.id
    }

    /// Checks that a step's script exists, has a `main`, and that the arguments match its parameters.
    mutating func checkScript(of module: FlowModule, scope: CheckScope) {
        switch module.value {
        case .rawScript(let script):
            // An empty content is a missing `!inline` file, which the loader reports.
            guard !script.content.isEmpty,
                let language = ScriptSignature.language(forWindmillLanguage: script.language)
            else { return }
            let name = script.contentFile.map { "'\($0)'" } ?? "the inline \(script.language) script"
            readSignatureAndCheck(module: module, scope: scope, scriptName: name) { () throws(ScriptSignatureError) in
                try ScriptSignature.read(source: script.content, language: language, entry: scope.entry)
            }
        case .script(let script):
            // Hub scripts live on the Windmill hub, not in the tree.
            if script.path.hasPrefix("hub/") {
                if module.mock?.enabled != true {
                    report(.warning, "step '\(stepName(module))' runs \(script.path) from the Windmill hub, which hops does not reach offline; copy it into the tree or mock the step",
                        at: module.location)
                }
                return
            }
            // hops's built-in actions (`hops:sh`, `hops:http.get`, ...) take the parameters of the
            // inline scripts they are exported as.
            if script.path.hasPrefix("hops:") {
                guard let action = BuiltinActionScripts.script(for: script.path),
                    let language = ScriptSignature.language(forWindmillLanguage: action.language)
                else {
                    report(.error, "step '\(stepName(module))' uses '\(script.path)', which is not a built-in action of hops (hops:sh, hops:http.get, hops:http.post, hops:http.put, hops:http.delete)", at: module.location)
                    return
                }
                readSignatureAndCheck(module: module, scope: scope, scriptName: "'\(script.path)'") { () throws(ScriptSignatureError) in
                    try ScriptSignature.read(source: action.content, language: language)
                }
                return
            }
            guard let file = script.resolvedFile ?? resolveScript(script.path) else {
                reportMissingScript(script.path, module: module)
                return
            }
            guard ScriptSignature.language(forFile: file) != nil else { return }
            readSignatureAndCheck(module: module, scope: scope, scriptName: "'\(script.path)'") { () throws(ScriptSignatureError) in
                try ScriptSignature.read(file: file, entry: scope.entry)
            }
        default:
            break
        }
    }

    private mutating func readSignatureAndCheck(
        module: FlowModule, scope: CheckScope, scriptName: String,
        read: () throws(ScriptSignatureError) -> ScriptSignature
    ) {
        do {
            let signature = try read()
            checkArguments(of: module, against: signature, scriptName: scriptName, scope: scope)
        } catch .missingMain {
            report(.error, "the script \(scriptName) of step '\(stepName(module))' has no \(scope.entry) function", at: module.location)
        } catch {
            report(.error, "cannot read the parameters of the script \(scriptName) of step '\(stepName(module))': \(error)", at: module.location)
        }
    }

    private mutating func checkArguments(of module: FlowModule, against signature: ScriptSignature, scriptName: String, scope: CheckScope) {
        let transforms = module.value.inputTransforms
        let parameterList = signature.parameters.isEmpty ? "it takes no parameters" : "parameters: " + signature.parameterNames.joined(separator: ", ")
        if !signature.acceptsAnyArgument {
            for (name, transform) in transforms.entries where !signature.parameterNames.contains(name) {
                report(.error, "step '\(stepName(module))' passes '\(name)', which \(scope.entry) of \(scriptName) does not take (\(parameterList))",
                    at: keyLocation(name, near: transform.location ?? module.location))
            }
        }
        // A failure or preprocessor module gets its input from Windmill itself (the error, the trigger).
        guard scope.role == .step else { return }
        for parameter in signature.requiredParameters {
            let given = transforms[parameter.name].map { transform -> Bool in
                if case .static(.undefined, _) = transform { return false }
                return true
            } ?? false
            if !given {
                let line = signature.line.map { " (line \($0))" } ?? ""
                report(.error, "step '\(stepName(module))' does not pass '\(parameter.name)', a required parameter of \(scope.entry) of \(scriptName)\(line)",
                    at: module.location)
            }
        }
    }

    private mutating func reportMissingScript(_ path: String, module: FlowModule) {
        // A path Windmill would refuse is reported where it was read; no file is looked for.
        if WindmillPaths.problem(with: path) != nil { return }
        if flow.format == .seed {
            let scriptsRoot = seedScriptsRoot().map { " under \($0)" } ?? " (no windmill/scripts folder found)"
            report(.error, "script '\(path)' of step '\(stepName(module))' does not exist\(scriptsRoot)",
                at: keyLocation("script", below: module.location) ?? module.location)
        } else if let treeRoot = windmillTreeRoot() {
            report(.error, "script '\(path)' of step '\(stepName(module))' does not exist in \(treeRoot) (no \(path).ts, .py, .sh …)",
                at: keyLocation("path", near: module.location) ?? module.location)
        }
        // Without a wmill tree around the flow, a Windmill path may name a script on the server: nothing to say.
    }

    /// Resolves a script path against the tree when the loader could not (a draft flow, another root).
    func resolveScript(_ path: String) -> String? {
        if flow.format == .seed {
            guard let root = seedScriptsRoot() else { return nil }
            let file = (root as NSString).appendingPathComponent(path)
            return FileManager.default.fileExists(atPath: file) ? file : nil
        }
        guard let treeRoot = windmillTreeRoot() else { return nil }
        let base = (treeRoot as NSString).appendingPathComponent(path)
        let directory = (base as NSString).deletingLastPathComponent
        let stem = (base as NSString).lastPathComponent + "."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in
            name.hasPrefix(stem) && ScriptSignature.language(forFile: name) != nil
        }.sorted().first.map { (directory as NSString).appendingPathComponent($0) }
    }

    /// `windmill/scripts` of the repository, or the nearest `scripts` folder above the flow file.
    func seedScriptsRoot() -> String? {
        var candidates: [String] = []
        if let repositoryRoot {
            candidates.append((repositoryRoot as NSString).appendingPathComponent("windmill/scripts"))
            candidates.append((repositoryRoot as NSString).appendingPathComponent("scripts"))
        }
        if let file = flow.file {
            var directory = WindmillPaths.real((file as NSString).deletingLastPathComponent)
            while directory.count > 1 {
                candidates.append((directory as NSString).appendingPathComponent("scripts"))
                let parent = (directory as NSString).deletingLastPathComponent
                if parent == directory { break }
                directory = parent
            }
        }
        return candidates.first { isDirectory($0) }
    }

    /// The root of a wmill tree: the folder holding `wmill.yaml` above the flow, or the repository root when it has `f/`.
    func windmillTreeRoot() -> String? {
        if let treeRoot = flow.treeRoot { return treeRoot }
        if let file = flow.file, let root = FlowLoader.windmillTreeRoot(above: (file as NSString).deletingLastPathComponent) {
            return root
        }
        if let repositoryRoot, isDirectory((repositoryRoot as NSString).appendingPathComponent("f")) { return repositoryRoot }
        return nil
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
