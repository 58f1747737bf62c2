/// Bounds on one evaluation, so a runaway expression stops with an error.
public struct Limits: Sendable {
    /// How many steps (function calls, spread elements) an evaluation may take.
    public var maxSteps: Int
    /// How deeply function calls may nest.
    public var maxDepth: Int
    /// The longest string (in UTF-8 bytes) an evaluation may make.
    public var maxLength: Int
    /// The longest array (in elements) an evaluation may make.
    public var maxArrayLength: Int
    /// How many string bytes and array elements an evaluation may make in all.
    public var maxAllocation: Int

    public init(
        maxSteps: Int = 10_000_000, maxDepth: Int = 200, maxLength: Int = 1 << 24, maxArrayLength: Int = 1 << 22,
        maxAllocation: Int = 1 << 28
    ) {
        self.maxSteps = maxSteps
        self.maxDepth = maxDepth
        self.maxLength = maxLength
        self.maxArrayLength = maxArrayLength
        self.maxAllocation = maxAllocation
    }
}
