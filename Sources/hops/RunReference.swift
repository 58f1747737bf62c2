import ArgumentParser

/// The one run a command works on: an id, a unique prefix, `last`, or `-N` (which the argument
/// parser would otherwise take for an option, hence `.allUnrecognized`).
struct RunReference: ParsableArguments {
    @Argument(
        parsing: .allUnrecognized, help: ArgumentHelp("The run: an id, a unique prefix, last, or -N.", valueName: "run"))
    var words: [String] = []

    var reference: String { words.first ?? "" }

    func validate() throws {
        guard words.count == 1 else { throw ValidationError("give one run: an id, a unique prefix, last, or -N") }
    }
}
