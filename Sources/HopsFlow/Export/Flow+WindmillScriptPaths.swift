import Foundation

extension FlowModule {
    /// The module after `transform`, applied to the modules inside it (loop bodies, branches) first.
    func mappingModules(_ transform: (FlowModule) -> FlowModule) -> FlowModule {
        var module = self
        func map(_ modules: [FlowModule]) -> [FlowModule] { modules.map { $0.mappingModules(transform) } }
        switch module.value {
        case .forLoop(var loop):
            loop.modules = map(loop.modules)
            module.value = .forLoop(loop)
        case .whileLoop(var loop):
            loop.modules = map(loop.modules)
            module.value = .whileLoop(loop)
        case .branchOne(var branch):
            for index in branch.branches.indices { branch.branches[index].modules = map(branch.branches[index].modules) }
            branch.defaultModules = map(branch.defaultModules)
            module.value = .branchOne(branch)
        case .branchAll(var branch):
            for index in branch.branches.indices { branch.branches[index].modules = map(branch.branches[index].modules) }
            module.value = .branchAll(branch)
        default:
            break
        }
        return transform(module)
    }
}

extension Flow {
    /// The flow with each module, those inside loops and branches included, passed through `transform`.
    func mappingModules(_ transform: (FlowModule) -> FlowModule) -> Flow {
        var flow = self
        flow.modules = modules.map { $0.mappingModules(transform) }
        flow.failureModule = failureModule?.mappingModules(transform)
        flow.preprocessorModule = preprocessorModule?.mappingModules(transform)
        return flow
    }

    /// A seed flow's script paths as the wmill layout names scripts: the script file's path from the
    /// folder above it that holds `wmill.yaml` (the repository's `windmill/`), without its extension,
    /// so that the exported flow finds `windmill/scripts/platform/check-disk.ts` as
    /// `scripts/platform/check-disk`. A script outside such a folder keeps the path it has.
    func namingScriptsFromWmillRoot() -> Flow {
        guard format == .seed else { return self }
        return mappingModules { module in
            guard case .script(var script) = module.value, let file = script.resolvedFile,
                let root = Self.wmillRoot(above: file)
            else { return module }
            let absolute = (file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file) as NSString
            let relative = String(absolute.standardizingPath.dropFirst(root.count + 1))
            script.path = (relative as NSString).deletingPathExtension
            script.resolvedFile = nil
            var renamed = module
            renamed.value = .script(script)
            return renamed
        }
    }

    private static func wmillRoot(above file: String) -> String? {
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        var folder = ((absolute as NSString).standardizingPath as NSString).deletingLastPathComponent
        while folder.count > 1 {
            if FileManager.default.fileExists(atPath: folder + "/wmill.yaml") { return folder }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }
}
