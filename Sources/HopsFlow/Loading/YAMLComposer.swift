import CYaml
import Yams

/// Composes the node tree of a YAML document straight from libyaml's events: plain scalars typed
/// as they are read (`YAMLSource.plainScalarTag`), aliases expanded, duplicate keys refused, and
/// the tree's size and depth bounded as it grows, so that the recursion stays shallow and an alias
/// bomb stops at once.
///
/// Yams's composer builds the same tree with a tag object, an event object and a dictionary of keys
/// per node, and the tree was then walked twice more (size, typing): that was most of the time a
/// flow of a thousand steps took to load.
struct YAMLComposer {
    /// Why the text is refused, and where: `invalid YAML: …`, or a limit the tree passed.
    struct Problem: Error {
        let message: String
        let line: Int
        let column: Int
    }

    /// A composed node with what an alias of it adds to the tree.
    private struct Composed {
        let node: Node
        /// Nodes in the tree under it, itself included.
        let size: Int
        /// Levels in the tree under it, itself included.
        let height: Int
    }

    /// On the heap: libyaml keeps a pointer to the parser in the parser (its string reader's data),
    /// so it must not move while it reads.
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private var anchors: [String: Composed] = [:]
    private var count = 0
    /// One tag per name: a tag's name is read, never changed, once typing has settled it.
    private var tags: [String: Tag] = [:]
    private let mappingTag = Tag(.implicit, .basic)
    private let sequenceTag = Tag(.implicit, .basic)
    /// The tag of most scalars, kept at hand rather than looked up by name.
    private let stringTag = Tag(.str, .basic)

    /// The root of the single document in `text`; nil for an empty stream.
    static func compose(_ text: String) throws(Problem) -> Node? {
        var text = text
        var result: Result<Node?, Problem> = .success(nil)
        text.withUTF8 { bytes in
            result = Result { () throws(Problem) in
                let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
                defer { parser.deallocate() }
                guard yaml_parser_initialize(parser) == 1 else {
                    throw Problem(message: "invalid YAML: out of memory", line: 1, column: 1)
                }
                defer { yaml_parser_delete(parser) }
                yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
                yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
                var composer = YAMLComposer(parser: parser)
                return try composer.document()
            }
        }
        return try result.get()
    }

    private mutating func document() throws(Problem) -> Node? {
        var event = try next()  // the stream's start
        yaml_event_delete(&event)
        event = try next()
        defer { yaml_event_delete(&event) }
        if event.type == YAML_STREAM_END_EVENT { return nil }
        var start = try next()  // after the document's start: its root
        let root = try compose(&start, depth: 0).node
        var end = try next()  // the document's end
        yaml_event_delete(&end)
        var after = try next()
        defer { yaml_event_delete(&after) }
        if after.type != YAML_STREAM_END_EVENT {
            throw problem("but found another document (expected a single document in the stream at line 1)", at: after.start_mark)
        }
        return root
    }

    /// The node that `event` starts (and owns: deleted here).
    private mutating func compose(_ event: inout yaml_event_t, depth: Int) throws(Problem) -> Composed {
        defer { yaml_event_delete(&event) }
        let mark = Self.mark(event.start_mark)
        switch event.type {
        case YAML_ALIAS_EVENT:
            let name = Self.text(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else { throw problem("found undefined alias", at: event.start_mark) }
            try grow(by: anchored.size, height: anchored.height, depth: depth, at: event.start_mark)
            return anchored
        case YAML_SCALAR_EVENT:
            try grow(by: 1, height: 1, depth: depth, at: event.start_mark)
            let scalar = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let tag: Tag
            if scalar.quoted_implicit == 1 {
                tag = stringTag
            } else if let name = Self.text(scalar.tag) {
                tag = name == Tag.Name.str.rawValue ? stringTag : tagNamed(name)
            } else {
                let name = YAMLSource.plainScalarTag(value)
                tag = name == .str ? stringTag : tagNamed(name.rawValue)
            }
            let style = Node.Scalar.Style(rawValue: scalar.style.rawValue) ?? .any
            let anchor = Self.text(scalar.anchor)
            return register(
                anchor, Composed(node: .scalar(Node.Scalar(value, tag, style, mark, anchor.map(Anchor.init(rawValue:)))), size: 1, height: 1))
        case YAML_SEQUENCE_START_EVENT:
            try grow(by: 1, height: 1, depth: depth, at: event.start_mark)
            let start = event.data.sequence_start
            let tag = start.implicit == 0 ? Self.text(start.tag).map { tagNamed($0) } ?? sequenceTag : sequenceTag
            let items = try children(until: YAML_SEQUENCE_END_EVENT, depth: depth)
            let style = Node.Sequence.Style(rawValue: start.style.rawValue) ?? .any
            let anchor = Self.text(start.anchor)
            let node = Node.sequence(Node.Sequence(items.map(\.node), tag, style, mark, anchor.map(Anchor.init(rawValue:))))
            return register(anchor, Self.composed(node, of: items))
        case YAML_MAPPING_START_EVENT:
            try grow(by: 1, height: 1, depth: depth, at: event.start_mark)
            let start = event.data.mapping_start
            let tag = start.implicit == 0 ? Self.text(start.tag).map { tagNamed($0) } ?? mappingTag : mappingTag
            // Keys and values in turn.
            let entries = try children(until: YAML_MAPPING_END_EVENT, depth: depth)
            let pairs = stride(from: 0, to: entries.count - 1, by: 2).map { (entries[$0].node, entries[$0 + 1].node) }
            try checkDuplicates(pairs)
            let style = Node.Mapping.Style(rawValue: start.style.rawValue) ?? .any
            let anchor = Self.text(start.anchor)
            let node = Node.mapping(Node.Mapping(pairs, tag, style, mark, anchor.map(Anchor.init(rawValue:))))
            return register(anchor, Self.composed(node, of: entries))
        default:
            throw problem("unexpected event", at: event.start_mark)
        }
    }

    /// The nodes of a collection, one level below `depth`, up to the event that ends it.
    private mutating func children(until end: yaml_event_type_t, depth: Int) throws(Problem) -> [Composed] {
        var children: [Composed] = []
        while true {
            var event = try next()
            if event.type == end {
                yaml_event_delete(&event)
                return children
            }
            children.append(try compose(&event, depth: depth + 1))
        }
    }

    /// A collection node of `children`, with their sizes and heights.
    private static func composed(_ node: Node, of children: [Composed]) -> Composed {
        var size = 1
        var height = 0
        for child in children {
            size += child.size
            height = max(height, child.height)
        }
        return Composed(node: node, size: size, height: 1 + height)
    }

    /// Counts `size` more nodes, `height` levels deep from `depth`, against the limits.
    private mutating func grow(by size: Int, height: Int, depth: Int, at mark: yaml_mark_t) throws(Problem) {
        count += size
        if count > YAMLSource.maxNodes {
            throw problem(
                "the YAML expands to more than \(YAMLSource.maxNodes) values (aliases repeating aliases?); refused", at: mark,
                invalid: false)
        }
        if depth + height - 1 > YAMLSource.maxDepth {
            throw problem("the YAML nests more than \(YAMLSource.maxDepth) levels deep; refused", at: mark, invalid: false)
        }
    }

    /// `composed`, an alias of `anchor` from now on (a later anchor of the same name replaces it).
    private mutating func register(_ anchor: String?, _ composed: Composed) -> Composed {
        if let anchor { anchors[anchor] = composed }
        return composed
    }

    /// Keys are compared as text (a scalar's) or as nodes; the duplicates named in order, where the first is.
    private func checkDuplicates(_ pairs: [(Node, Node)]) throws(Problem) {
        guard pairs.count > 1 else { return }
        // A few text keys, as most mappings have: compared pairwise, without hashing.
        if pairs.count <= 8 {
            var keys: [String] = []
            keys.reserveCapacity(pairs.count)
            for (key, _) in pairs {
                guard case .scalar(let scalar) = key, !keys.contains(scalar.string) else { keys.removeAll(); break }
                keys.append(scalar.string)
            }
            if keys.count == pairs.count { return }
        }
        var seen = Set<String>()
        var seenNodes = Set<Node>()
        var duplicates: [String: Node] = [:]
        for (key, _) in pairs {
            if case .scalar(let scalar) = key {
                if !seen.insert(scalar.string).inserted, duplicates[scalar.string] == nil {
                    duplicates[scalar.string] = pairs.first { $0.0.scalar?.string == scalar.string }?.0
                }
            } else if !seenNodes.insert(key).inserted {
                duplicates[key.string ?? "<uncovertable>"] = key
            }
        }
        guard let first = duplicates.keys.min(), let mark = duplicates[first]?.mark else { return }
        let names = duplicates.keys.sorted().joined(separator: ", ")
        throw Problem(message: "invalid YAML: duplicated keys \(names)", line: mark.line, column: mark.column)
    }

    private mutating func tagNamed(_ name: String) -> Tag {
        if let tag = tags[name] { return tag }
        let tag = Tag(Tag.Name(rawValue: name), .basic)
        tags[name] = tag
        return tag
    }

    /// The next event; libyaml's own message, with where and while doing what, when the text is not YAML.
    private mutating func next() throws(Problem) -> yaml_event_t {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            let parser = parser.pointee
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
            switch parser.error {
            case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
                let context = parser.context.map { " (\(String(cString: $0)) at line \(parser.context_mark.line + 1))" } ?? ""
                throw self.problem(problem + context, at: parser.problem_mark)
            case YAML_MEMORY_ERROR:
                throw Problem(message: "invalid YAML: out of memory", line: 1, column: 1)
            default:
                throw Problem(message: "invalid YAML: " + problem, line: 1, column: 1)
            }
        }
        return event
    }

    private func problem(_ message: String, at mark: yaml_mark_t, invalid: Bool = true) -> Problem {
        Problem(message: (invalid ? "invalid YAML: " : "") + message, line: mark.line + 1, column: mark.column + 1)
    }

    /// Yams makes its `Mark` (line, then column, both from 1) only itself; its layout is two `Int`s.
    static func mark(_ mark: yaml_mark_t) -> Mark {
        unsafeBitCast((mark.line + 1, mark.column + 1), to: Mark.self)
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
