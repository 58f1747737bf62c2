/// A colon-command of the prompt (`:help`, `:vars`, ...): its name, how it is used, what it does.
///
/// Work that adds a command defines it as a static member in its own file and lists it where the
/// shell is created (see `ShellCommand.standard`).
public struct ShellCommand: Sendable {
    /// Runs the command with the text after its name (trimmed; empty when there is none).
    public typealias Action = @Sendable (_ shell: Shell, _ arguments: String) throws -> CommandResult
    /// Completes the command's arguments from the argument text before the cursor.
    public typealias Completer = @Sendable (_ shell: Shell, _ argumentsBeforeCursor: String) -> LineEditor.Completion

    /// The name without the colon: `time`.
    public var name: String
    /// Other names that reach the command: `q` for `quit`.
    public var aliases: [String]
    /// How to call it: `:time EXPR`.
    public var usage: String
    /// One line that says what it does.
    public var summary: String
    public var action: Action
    public var completer: Completer

    public init(
        name: String, aliases: [String] = [], usage: String, summary: String,
        completer: @escaping Completer = ShellCommand.noCompletion,
        action: @escaping Action
    ) {
        self.name = name
        self.aliases = aliases
        self.usage = usage
        self.summary = summary
        self.completer = completer
        self.action = action
    }

    /// Completes nothing.
    public static let noCompletion: Completer = { _, _ in LineEditor.Completion(wordLength: 0, candidates: []) }

    /// Completes the last word of the arguments from a fixed list.
    public static func words(_ words: [String]) -> Completer {
        { _, text in
            let word = text.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            return LineEditor.Completion(wordLength: word.count, candidates: words)
        }
    }

    /// Completes the arguments as an expression: variables, builtins and members.
    public static let expressionCompletion: Completer = { shell, text in shell.completeExpression(text) }
}

/// What the shell does after a command ran.
public enum CommandResult: Sendable, Equatable {
    /// Go on reading.
    case `continue`
    /// Leave the shell.
    case quit
}

/// A failed command; its message is printed as `error: message`.
public struct CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The colon-commands a shell knows, found by name or alias.
public struct CommandRegistry: Sendable {
    public private(set) var commands: [ShellCommand] = []

    public init(_ commands: [ShellCommand] = []) {
        for command in commands { register(command) }
    }

    /// Adds a command; a command of the same name is replaced.
    public mutating func register(_ command: ShellCommand) {
        commands.removeAll { $0.name == command.name }
        commands.append(command)
    }

    /// The command called `name` (without colon), by name or alias.
    public func command(named name: String) -> ShellCommand? {
        commands.first { $0.name == name } ?? commands.first { $0.aliases.contains(name) }
    }

    /// Every name and alias, for completion.
    public var allNames: [String] { commands.flatMap { [$0.name] + $0.aliases } }
}

/// A colon-command line split into the command's name and its argument text.
public struct CommandInvocation: Equatable, Sendable {
    public var name: String
    public var arguments: String

    /// Parses `:name arguments`; nil when the text is not a colon-command.
    public init?(_ text: String) {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        guard trimmed.first == ":" else { return nil }
        let body = trimmed.dropFirst()
        let name = body.prefix { !$0.isWhitespace }
        guard !name.isEmpty else { return nil }
        self.name = String(name)
        self.arguments = String(body.dropFirst(name.count)).trimmingWhitespace()
    }
}

extension String {
    /// The text without leading and trailing whitespace.
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
