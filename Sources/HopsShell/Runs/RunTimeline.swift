import Foundation
import HopsStore

/// A run's step attempts arranged as the flow nests them: the iterations of a loop and the
/// branches of a branch step under the step that holds them, each with its start and end.
///
/// Step records carry their place as `loop[2]/branch[left]`; the tree is rebuilt from those.
struct RunTimeline {
    /// A step attempt, or a loop iteration or branch that groups attempts.
    final class Node {
        /// The step id, or `[2]` / `[left]` for an iteration or a branch.
        let title: String
        /// The attempt this node shows; nil for an iteration or branch, and for a container step
        /// that has no record of its own.
        var step: StepRecord?
        var children: [Node] = []

        init(title: String, step: StepRecord?) {
            self.title = title
            self.step = step
        }

        /// When the node began: its own attempt's start, else its first child's.
        var start: Date? {
            let starts = ([step?.startedAt] + children.map(\.start)).compactMap { $0 }
            return starts.min()
        }

        /// When the node ended, or nil while unknown (still running, interrupted).
        var end: Date? {
            var ends = children.compactMap(\.end)
            if let step {
                if let finished = step.finishedAt {
                    ends.append(finished)
                } else if let milliseconds = step.durationMs {
                    ends.append(step.startedAt.addingTimeInterval(Double(milliseconds) / 1000))
                }
            }
            return ends.max()
        }

        /// The node's own status, else the worst of its children's: failed, then interrupted, running.
        var status: String {
            if let step { return step.status.rawValue }
            let statuses = Set(children.map(\.status))
            for worst in ["failed", "interrupted", "running", "succeeded", "reused"] where statuses.contains(worst) {
                return worst
            }
            return statuses.first ?? "skipped"
        }
    }

    /// The top-level steps, in the order they began.
    let roots: [Node]
    /// When the run began and ended (its last known moment if it never finished).
    let start: Date
    let end: Date

    init(_ run: RunRecord) {
        let root = Node(title: "", step: nil)
        // Nodes by place: `P|id` for the step `id` at place P, `P/id[key]` for an iteration or branch.
        var containers: [String: Node] = [:]
        var groups: [String: Node] = ["": root]

        /// The node that holds steps at `place`, creating the containers and groups on its way.
        func group(at place: String) -> Node {
            if let found = groups[place] { return found }
            let (parentPlace, segment) = Self.split(place)
            let parent = group(at: parentPlace)
            let (id, key) = Self.parse(segment)
            let containerKey = parentPlace + "|" + id
            let container = containers[containerKey] ?? {
                let made = Node(title: id, step: nil)
                parent.children.append(made)
                containers[containerKey] = made
                return made
            }()
            // A sub-flow's steps hang from the step that calls it; iterations and branches get a node each.
            guard !key.isEmpty else {
                groups[place] = container
                return container
            }
            let made = Node(title: "[\(key)]", step: nil)
            container.children.append(made)
            groups[place] = made
            return made
        }

        for step in run.steps {
            let parent = group(at: step.place)
            let key = step.place + "|" + step.stepID
            // Iterations met before their container's own record: the record fills that node.
            if let container = containers[key], container.step == nil {
                container.step = step
                continue
            }
            let node = Node(title: step.stepID, step: step)
            parent.children.append(node)
            containers[key] = node
        }
        roots = root.children
        start = min(run.startedAt, root.start ?? run.startedAt)
        end = max([run.finishedAt, root.end, start].compactMap { $0 }.max() ?? start, start)
    }

    /// `a[1]/b[x]` into `a[1]` and `b[x]`; the top level is "".
    static func split(_ place: String) -> (parent: String, segment: String) {
        guard let slash = place.lastIndex(of: "/") else { return ("", place) }
        return (String(place[..<slash]), String(place[place.index(after: slash)...]))
    }

    /// `loop[2]` into `loop` and `2`; a segment without brackets is a sub-flow named by its path.
    static func parse(_ segment: String) -> (id: String, key: String) {
        guard segment.hasSuffix("]"), let open = segment.lastIndex(of: "[") else { return (segment, "") }
        return (String(segment[..<open]), String(segment[segment.index(after: open)..<segment.index(before: segment.endIndex)]))
    }
}
