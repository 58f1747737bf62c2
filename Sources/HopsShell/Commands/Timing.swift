/// Repeats a piece of work adaptively and reports the time per repetition, as IPython's %timeit does.
public struct Timing: Sendable, Equatable {
    /// Seconds per loop, averaged over each run.
    public var perLoop: [Double]
    /// Loops in each run.
    public var loops: Int

    public init(perLoop: [Double], loops: Int) {
        self.perLoop = perLoop
        self.loops = loops
    }

    /// Calibrates the loop count so that a run takes at least `runTarget` seconds, then times
    /// `runs` runs; a slow body runs fewer times. Stops early when `isCancelled` says so.
    public static func measure(
        runs: Int = 7, runTarget: Double = 0.05, isCancelled: () -> Bool = { false },
        _ body: () throws -> Void
    ) throws -> Timing {
        let clock = ContinuousClock()
        func time(_ loops: Int) throws -> Double {
            let start = clock.now
            for _ in 0..<loops { try body() }
            return (clock.now - start).seconds
        }
        var loops = 1
        var elapsed = try time(1)
        // Loop counts 1, 2, 5, 10, 20, 50, ... as timeit picks them.
        let steps = [1, 2, 5]
        var exponent = 1
        var stepIndex = 0
        while elapsed < runTarget && !isCancelled() {
            stepIndex += 1
            if stepIndex == steps.count {
                stepIndex = 0
                exponent *= 10
            }
            loops = steps[stepIndex] * exponent
            elapsed = try time(loops)
        }
        // A body that takes a second or more is timed once more at most.
        let runCount = elapsed >= 1 ? 1 : runs
        var perLoop = [elapsed / Double(loops)]
        while perLoop.count < runCount && !isCancelled() {
            perLoop.append(try time(loops) / Double(loops))
        }
        return Timing(perLoop: perLoop, loops: loops)
    }

    public var mean: Double { perLoop.reduce(0, +) / Double(max(1, perLoop.count)) }

    public var standardDeviation: Double {
        guard perLoop.count > 1 else { return 0 }
        let mean = self.mean
        return (perLoop.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(perLoop.count)).squareRoot()
    }

    /// `12.3 µs ± 0.4 µs per loop (mean ± std. dev. of 7 runs, 1000 loops each)`.
    public var summary: String {
        let runs = perLoop.count
        let runWord = runs == 1 ? "run" : "runs"
        let loopWord = loops == 1 ? "loop" : "loops"
        return "\(Timing.format(mean)) ± \(Timing.format(standardDeviation)) per loop "
            + "(mean ± std. dev. of \(runs) \(runWord), \(loops) \(loopWord) each)"
    }

    /// A duration in seconds with three significant digits and a unit: `12.3 µs`.
    public static func format(_ seconds: Double) -> String {
        let units: [(String, Double)] = [("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)]
        guard seconds > 0, seconds.isFinite else { return "0 ns" }
        let (name, scale) = units.first { seconds >= $0.1 } ?? units[units.count - 1]
        return significant(seconds / scale, digits: 3) + " " + name
    }

    /// A number rounded to `digits` significant digits, without exponent.
    static func significant(_ value: Double, digits: Int) -> String {
        var decimals = digits - 1
        var magnitude = 1.0
        while value >= magnitude * 10 && decimals > 0 {
            magnitude *= 10
            decimals -= 1
        }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let scaled = (value * factor).rounded()
        let whole = Int(scaled / factor)
        guard decimals > 0 else { return String(Int(value.rounded())) }
        let fraction = Int(scaled) - whole * Int(factor)
        let fractionText = String(fraction)
        return "\(whole)." + String(repeating: "0", count: decimals - fractionText.count) + fractionText
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
