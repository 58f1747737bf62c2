import Foundation
import HopsFlow

/// Counts of a check over one or more flows, and the line that sums them up.
public struct FlowCheckSummary: Sendable, Equatable {
    public var flows = 0
    public var errors = 0
    public var warnings = 0

    public init(flows: Int = 0, errors: Int = 0, warnings: Int = 0) {
        self.flows = flows
        self.errors = errors
        self.warnings = warnings
    }

    /// `3 flows checked: 1 error, 2 warnings`.
    public var line: String {
        func count(_ number: Int, _ word: String) -> String { "\(number) \(word)\(number == 1 ? "" : "s")" }
        return "\(count(flows, "flow")) checked: \(count(errors, "error")), \(count(warnings, "warning"))"
    }

    /// Adds a report's problems.
    public mutating func add(_ report: FlowCheckReport) {
        flows += 1
        errors += report.errors.count
        warnings += report.warnings.count
    }
}
