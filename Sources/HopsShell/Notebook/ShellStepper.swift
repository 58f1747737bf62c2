/// Something that `:next` advances one step at a time: an opened notebook, a loaded flow, a replay.
///
/// The feature that starts stepping sets `shell.stepper`; `:next` asks whoever is set.
public protocol ShellStepper: AnyObject {
    /// Runs (or shows) the next step, printing what the prompt should show. `arguments` is the text
    /// after `:next`. Throws to report an error as the prompt reports a command's error.
    func next(in shell: Shell, arguments: String) throws
}

extension Shell {
    /// The key of the current stepper in `attachments`.
    public static let stepperKey = "stepper"

    /// What `:next` advances; nil when nothing is open.
    public var stepper: (any ShellStepper)? {
        get { attachments[Shell.stepperKey] as? any ShellStepper }
        set { attachments[Shell.stepperKey] = newValue }
    }
}

extension ShellCommand {
    /// `:next`: advances the open notebook or the loaded flow.
    public static let next = ShellCommand(
        name: "next", aliases: ["n"], usage: ":next", summary: "Run the next cell of the open notebook, or the next step",
        action: { shell, arguments in
            guard let stepper = shell.stepper else {
                throw CommandError("nothing to step through: :open a notebook or :load a flow first")
            }
            try stepper.next(in: shell, arguments: arguments)
            return .continue
        })
}
