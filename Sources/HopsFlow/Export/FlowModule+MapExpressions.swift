import HopsLang

extension FlowModule {
    /// The module with `transform` applied to the text of each of its expressions and of the modules
    /// inside it; `insideLoop` tells the transform whether a loop's iteration is in scope.
    func mappingExpressions(insideLoop: Bool, _ transform: (String, Bool) -> String) -> FlowModule {
        func map(_ expression: FlowExpression, _ inLoop: Bool = insideLoop) -> FlowExpression {
            let text = transform(expression.text, inLoop)
            return text == expression.text ? expression : FlowExpression(text, location: expression.location)
        }
        func map(_ input: InputTransform, _ inLoop: Bool = insideLoop) -> InputTransform {
            guard case .javascript(let expression) = input else { return input }
            return .javascript(map(expression, inLoop))
        }
        func map(_ inputs: InputTransforms) -> InputTransforms {
            InputTransforms(inputs.entries.map { ($0.name, map($0.transform)) })
        }
        func body(_ modules: [FlowModule]) -> [FlowModule] {
            modules.map { $0.mappingExpressions(insideLoop: true, transform) }
        }
        func nested(_ modules: [FlowModule]) -> [FlowModule] {
            modules.map { $0.mappingExpressions(insideLoop: insideLoop, transform) }
        }

        var module = self
        module.skipIf = skipIf.map { map($0) }
        if let stop = stopAfterIf { module.stopAfterIf?.expression = map(stop.expression) }
        if let stop = stopAfterAllItersIf { module.stopAfterAllItersIf?.expression = map(stop.expression) }
        if let retryIf = retry?.retryIf { module.retry?.retryIf = map(retryIf) }
        module.timeout = timeout.map { map($0) }
        module.sleep = sleep.map { map($0) }
        switch value {
        case .rawScript(var script):
            script.inputTransforms = map(script.inputTransforms)
            module.value = .rawScript(script)
        case .script(var script):
            script.inputTransforms = map(script.inputTransforms)
            module.value = .script(script)
        case .flow(let path, let inputs):
            module.value = .flow(path: path, inputTransforms: map(inputs))
        case .forLoop(var loop):
            loop.iterator = map(loop.iterator)
            loop.parallelism = loop.parallelism.map { map($0) }
            loop.modules = body(loop.modules)
            module.value = .forLoop(loop)
        case .whileLoop(var loop):
            loop.modules = body(loop.modules)
            module.value = .whileLoop(loop)
        case .branchOne(var branch):
            for index in branch.branches.indices {
                branch.branches[index].condition = map(branch.branches[index].condition)
                branch.branches[index].modules = nested(branch.branches[index].modules)
            }
            branch.defaultModules = nested(branch.defaultModules)
            module.value = .branchOne(branch)
        case .branchAll(var branch):
            for index in branch.branches.indices {
                branch.branches[index].modules = nested(branch.branches[index].modules)
            }
            module.value = .branchAll(branch)
        case .identity, .aiAgent:
            break
        }
        return module
    }
}
