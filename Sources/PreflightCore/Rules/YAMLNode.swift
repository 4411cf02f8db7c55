import CYAML
import Foundation

/// A position in a YAML file, 1-based, for diagnostics.
public struct YAMLMark: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    /// `file:line:col`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A YAML node that keeps where it was written, parsed with libyaml.
///
/// Rule files are small, so a tree is fine here; datasets are streamed as events by the
/// YAML reader instead. Aliases are expanded, with a bound on the total node count so that
/// an alias bomb is an error, not an out-of-memory kill.
public struct YAMLNode: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A scalar; `plain` is false for quoted and block scalars (so `"true"` stays a string).
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }
    public var kind: Kind
    public var mark: YAMLMark

    public init(_ kind: Kind, mark: YAMLMark) {
        self.kind = kind
        self.mark = mark
    }

    /// The scalar text, when this is a scalar.
    public var scalar: String? {
        if case .scalar(let s, _) = kind { return s }
        return nil
    }

    /// True for a plain `null`, `~` or empty scalar.
    public var isNull: Bool {
        if case .scalar(let s, let plain) = kind {
            return plain && (s.isEmpty || s == "~" || s == "null")
        }
        return false
    }

    /// The pairs, when this is a mapping.
    public var pairs: [YAMLPair]? {
        if case .mapping(let p) = kind { return p }
        return nil
    }

    /// The items, when this is a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let s) = kind { return s }
        return nil
    }

    /// The value under a key of a mapping.
    public subscript(key: String) -> YAMLNode? {
        pairs?.first { $0.key.scalar == key }?.value
    }

    /// A short name of the node's kind for messages.
    public var kindName: String {
        switch kind {
        case .scalar(let s, let plain):
            if plain, s == "true" || s == "false" { return "boolean" }
            if plain, Double(s) != nil { return "number" }
            return isNull ? "null" : "string"
        case .sequence: return "list"
        case .mapping: return "mapping"
        }
    }
}

/// A key and value of a YAML mapping.
public struct YAMLPair: Sendable, Hashable {
    public var key: YAMLNode
    public var value: YAMLNode
    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A YAML syntax error with its position.
public struct YAMLSyntaxError: Error, Sendable, Equatable {
    public var mark: YAMLMark
    public var problem: String
}

extension YAMLNode {
    /// The maximum number of nodes a document may expand to (aliases included).
    public static let maxNodes = 1_000_000

    /// Parses the first document of `text`. An empty document is an empty mapping.
    /// - Throws: `YAMLSyntaxError` with the position libyaml reports.
    public static func parse(_ text: String, file: String) throws(YAMLSyntaxError) -> YAMLNode {
        var builder = TreeBuilder(file: file)
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLSyntaxError) -> YAMLNode in
            try builder.run(buffer)
        }
    }
}

private struct TreeBuilder {
    let file: String
    /// Anchored nodes with their expanded sizes (kept so an alias costs O(1) to count).
    var anchors: [String: (node: YAMLNode, size: Int)] = [:]

    init(file: String) { self.file = file }

    private enum Frame {
        case sequence(YAMLMark, anchor: String?, [YAMLNode], size: Int)
        case mapping(YAMLMark, anchor: String?, [YAMLPair], pendingKey: YAMLNode?, size: Int)
    }

    func mark(_ m: yaml_mark_t) -> YAMLMark {
        YAMLMark(file: file, line: Int(m.line) + 1, column: Int(m.column) + 1)
    }

    static func string(_ p: UnsafeMutablePointer<yaml_char_t>?, _ length: Int? = nil) -> String? {
        guard let p else { return nil }
        if let length {
            return String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
        }
        return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) throws(YAMLSyntaxError) -> YAMLNode {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(
                mark: YAMLMark(file: file, line: 1, column: 1), problem: "out of memory")
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)

        var stack: [Frame] = []
        var root: YAMLNode?
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                let problem =
                    TreeBuilder.string(
                        UnsafeMutableRawPointer(mutating: parser.problem)?
                            .assumingMemoryBound(to: yaml_char_t.self)) ?? "invalid YAML"
                throw YAMLSyntaxError(mark: mark(parser.problem_mark), problem: problem)
            }
            defer { yaml_event_delete(&event) }
            let start = mark(event.start_mark)
            var completed: YAMLNode?
            var size = 1
            switch event.type {
            case YAML_STREAM_END_EVENT, YAML_DOCUMENT_END_EVENT:
                if event.type == YAML_STREAM_END_EVENT || root != nil {
                    // `---` alone yields an empty plain scalar: an empty document too.
                    if let root, root.kind != .scalar("", plain: true) { return root }
                    return YAMLNode(.mapping([]), mark: root?.mark ?? start)
                }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value = TreeBuilder.string(s.value, Int(s.length)) ?? ""
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE || s.style == YAML_ANY_SCALAR_STYLE
                completed = YAMLNode(.scalar(value, plain: plain), mark: start)
                if let anchor = TreeBuilder.string(s.anchor) { anchors[anchor] = (completed!, 1) }
            case YAML_ALIAS_EVENT:
                let name = TreeBuilder.string(event.data.alias.anchor) ?? ""
                guard let target = anchors[name] else {
                    throw YAMLSyntaxError(mark: start, problem: "unknown alias '*\(name)'")
                }
                completed = target.node
                size = target.size
            case YAML_SEQUENCE_START_EVENT:
                stack.append(
                    .sequence(
                        start, anchor: TreeBuilder.string(event.data.sequence_start.anchor), [],
                        size: 1))
            case YAML_MAPPING_START_EVENT:
                stack.append(
                    .mapping(
                        start, anchor: TreeBuilder.string(event.data.mapping_start.anchor), [],
                        pendingKey: nil, size: 1))
            case YAML_SEQUENCE_END_EVENT:
                if case .sequence(let m, let anchor, let items, let total) = stack.removeLast() {
                    completed = YAMLNode(.sequence(items), mark: m)
                    size = total
                    if let anchor { anchors[anchor] = (completed!, total) }
                }
            case YAML_MAPPING_END_EVENT:
                if case .mapping(let m, let anchor, let pairs, _, let total) = stack.removeLast() {
                    completed = YAMLNode(.mapping(pairs), mark: m)
                    size = total
                    if let anchor { anchors[anchor] = (completed!, total) }
                }
            default:
                break
            }
            guard let node = completed else { continue }
            if size > YAMLNode.maxNodes {
                throw YAMLSyntaxError(
                    mark: start,
                    problem:
                        "document expands to more than \(YAMLNode.maxNodes) nodes (alias bomb?)")
            }
            switch stack.popLast() {
            case nil:
                root = node
            case .sequence(let m, let anchor, var items, let total):
                items.append(node)
                stack.append(.sequence(m, anchor: anchor, items, size: total + size))
            case .mapping(let m, let anchor, var pairs, let pendingKey, let total):
                if let key = pendingKey {
                    pairs.append(YAMLPair(key: key, value: node))
                    stack.append(
                        .mapping(m, anchor: anchor, pairs, pendingKey: nil, size: total + size))
                } else {
                    stack.append(
                        .mapping(m, anchor: anchor, pairs, pendingKey: node, size: total + size))
                }
            }
        }
    }
}
