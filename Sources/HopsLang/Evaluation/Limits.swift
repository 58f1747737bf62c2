/// Bounds on one evaluation, so a runaway expression stops with an error.
public struct Limits: Sendable {
    /// How many steps (function calls, spread elements) an evaluation may take.
    public var maxSteps: Int
    /// How deeply function calls may nest.
    public var maxDepth: Int

    public init(maxSteps: Int = 10_000_000, maxDepth: Int = 200) {
        self.maxSteps = maxSteps
        self.maxDepth = maxDepth
    }
}
