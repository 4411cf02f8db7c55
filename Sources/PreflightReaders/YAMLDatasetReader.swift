import CYAML
import Foundation
import PreflightCore

/// Reads YAML datasets by streaming libyaml events, building one `DataValue` per record.
///
/// Layouts: a top-level sequence of mappings, a mapping with an `examples:` sequence, or a
/// stream of documents, each one record mapping. No tree is built for the whole file.
///
/// Plain scalars resolve like the YAML core schema: `null`, `~` or empty → null,
/// `true`/`false` → bool, integers and floats → number (lexeme kept); quoted, block and
/// `!!str`-tagged scalars are strings. A record's line is its node's start mark (+1).
/// Aliases expand (sharing storage) with a bound on each record's expanded size, so an alias
/// bomb is a `record_too_large` issue, not an out-of-memory kill. Nesting deeper than
/// `maxDepth` (directly or through aliases) is an `invalid_yaml` issue, so no value is deep
/// enough to exhaust the stack when it is walked or freed, and libyaml (whose cost grows with
/// the square of the flow nesting depth) never sees more than `maxDepth` levels.
/// A syntax error is an `invalid_yaml` issue at libyaml's problem mark; records read before
/// it stay, and reading resumes at the next record of a block sequence (a line with `-` in
/// the sequence's column) or the next `---` document marker after the error's line.
/// Merge keys (`<<`) are not expanded.
struct YAMLDatasetReader {
    /// The deepest nesting of a record's values accepted, as for JSON.
    static let maxDepth = JSONByteParser.maxDepth

    let maxRecordBytes: Int

    /// A finished node: its value, expanded size, start line, and a problem if any.
    private struct Node {
        var value: DataValue
        var cost: Int
        var line: Int
        var problem: RecordIssue?
        /// Nesting levels below and including this node: 0 for a scalar.
        var depth = 0
    }

    private enum Role {
        /// An ordinary container inside a record.
        case value
        /// A sequence whose items are records (top-level sequence or `examples`).
        case recordList
        /// A document's root mapping: a record, or the holder of `examples`.
        case rootMapping
    }

    private struct Frame {
        var role: Role
        var isMapping: Bool
        var line: Int
        var anchor: String?
        var items: [DataValue] = []
        var fields: [DataField] = []
        var pendingKey: String?
        var cost = 1
        var problem: RecordIssue?
        var sawExamples = false
        /// The ordinal of the record this frame opens, when its parent is a record list.
        var ordinal: Int?
        /// The deepest child's `depth`.
        var depth = 0
        /// The column of the first `-` of a block sequence (nil for flow style).
        var blockColumn: Int?
    }

    /// Where a segment's parsing stopped early, to resume after it.
    private struct Stop {
        /// The 0-based line of the problem, relative to the segment.
        var line: Int
        /// The column of a block record list's `-`, when one was open.
        var itemColumn: Int?
    }

    private var out = ParsedRecords()
    private var stack: [Frame] = []
    private var anchors: [String: (value: DataValue, cost: Int, depth: Int)] = [:]
    private var nextOrdinal = 1
    /// Lines before the segment being parsed, added to libyaml's marks.
    private var lineOffset = 0

    init(maxRecordBytes: Int) { self.maxRecordBytes = maxRecordBytes }

    /// Reads a whole YAML buffer.
    static func read(_ bytes: [UInt8], maxRecordBytes: Int) -> ParsedRecords {
        var reader = YAMLDatasetReader(maxRecordBytes: maxRecordBytes)
        bytes.withUnsafeBufferPointer { reader.run($0) }
        return reader.out
    }

    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?, _ length: Int? = nil)
        -> String?
    {
        guard let p else { return nil }
        if let length {
            return String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
        }
        return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    /// Parses the buffer, starting again after each problem that stops libyaml.
    private mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        var start = 0
        while start < buffer.count {
            stack.removeAll()
            anchors.removeAll()
            guard let stop = parseSegment(base + start, count: buffer.count - start),
                let resume = YAMLDatasetReader.resumeOffset(
                    base, from: start, count: buffer.count, afterLine: stop.line,
                    itemColumn: stop.itemColumn)
            else { return }
            for i in start..<resume where base[i] == 0x0A { lineOffset += 1 }
            start = resume
        }
    }

    /// The offset of the first line after line `afterLine` (0-based, counted from `from`)
    /// that starts a record: `-` at `itemColumn` after only spaces, or a `---` marker.
    static func resumeOffset(
        _ base: UnsafePointer<UInt8>, from: Int, count: Int, afterLine: Int, itemColumn: Int?
    ) -> Int? {
        var pos = from
        var line = 0
        while pos < count, line <= afterLine {
            guard let p = memchr(base + pos, 0x0A, count - pos) else { return nil }
            pos = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self) - base + 1
            line += 1
        }
        @inline(__always) func endsToken(_ i: Int) -> Bool {
            i >= count || base[i] == 0x20 || base[i] == 0x0A || base[i] == 0x0D || base[i] == 0x09
        }
        while pos < count {
            if let column = itemColumn {
                var i = pos
                while i < pos + column, i < count, base[i] == 0x20 { i += 1 }
                if i == pos + column, i < count, base[i] == 0x2D, endsToken(i + 1) { return pos }
            }
            if pos + 3 <= count, base[pos] == 0x2D, base[pos + 1] == 0x2D, base[pos + 2] == 0x2D,
                endsToken(pos + 3)
            {
                return pos
            }
            guard let p = memchr(base + pos, 0x0A, count - pos) else { return nil }
            pos = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self) - base + 1
        }
        return nil
    }

    /// Parses one stream; returns where it stopped on a problem, nil at its end.
    private mutating func parseSegment(_ base: UnsafePointer<UInt8>, count: Int) -> Stop? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            out.addIssue(
                RecordIssue(
                    line: 1, code: "invalid_yaml", message: "libyaml could not be initialised"))
            return nil
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, base, count)
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                syntaxError(parser)
                return Stop(line: Int(parser.problem_mark.line), itemColumn: itemColumn)
            }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1 + lineOffset
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_DOCUMENT_START_EVENT:
                // Anchors are scoped to their document.
                anchors.removeAll(keepingCapacity: true)
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = YAMLDatasetReader.string(s.value, Int(s.length)) ?? ""
                let tag = YAMLDatasetReader.string(s.tag)
                let value: DataValue
                if tag == "tag:yaml.org,2002:str"
                    || (s.style != YAML_PLAIN_SCALAR_STYLE && s.style != YAML_ANY_SCALAR_STYLE)
                {
                    value = .string(text)
                } else {
                    value = YAMLDatasetReader.resolvePlain(text)
                }
                let node = Node(value: value, cost: text.utf8.count + 1, line: line)
                if let anchor = YAMLDatasetReader.string(s.anchor) {
                    anchors[anchor] = (value, node.cost, 0)
                }
                deliver(node)
            case YAML_ALIAS_EVENT:
                let name = YAMLDatasetReader.string(event.data.alias.anchor) ?? ""
                if let target = anchors[name] {
                    deliver(
                        Node(
                            value: target.value, cost: target.cost, line: line, depth: target.depth)
                    )
                } else {
                    let issue = RecordIssue(
                        line: line, code: "invalid_yaml",
                        message: "unknown alias '*\(name)' at line \(line)")
                    deliver(Node(value: .null, cost: 1, line: line, problem: issue))
                }
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                // Root list or holder, record, then the record's own levels.
                if stack.count >= YAMLDatasetReader.maxDepth + 2 {
                    tooDeep(line: line, column: Int(event.start_mark.column) + 1)
                    return Stop(line: Int(event.start_mark.line), itemColumn: itemColumn)
                }
                if event.type == YAML_MAPPING_START_EVENT {
                    let anchor = YAMLDatasetReader.string(event.data.mapping_start.anchor)
                    push(
                        Frame(
                            role: stack.isEmpty ? .rootMapping : .value, isMapping: true,
                            line: line, anchor: anchor))
                    continue
                }
                let anchor = YAMLDatasetReader.string(event.data.sequence_start.anchor)
                let role: Role
                if stack.isEmpty {
                    role = .recordList
                } else if stack[stack.count - 1].role == .rootMapping,
                    stack[stack.count - 1].pendingKey == "examples"
                {
                    role = .recordList
                } else {
                    role = .value
                }
                var frame = Frame(role: role, isMapping: false, line: line, anchor: anchor)
                if role == .recordList, event.data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE
                {
                    frame.blockColumn = Int(event.start_mark.column)
                }
                push(frame)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { continue }
                close(frame)
            default:
                continue
            }
        }
    }

    /// The `-` column of the open block record list, for resuming after a problem.
    private var itemColumn: Int? { stack.first { $0.role == .recordList }?.blockColumn }

    /// Records an issue for nesting deeper than `maxDepth`, at the record being read.
    private mutating func tooDeep(line: Int, column: Int) {
        let ordinal = recordOrdinalAtProblem()
        out.addIssue(
            RecordIssue(
                line: line, ordinal: ordinal, code: "invalid_yaml",
                message:
                    "invalid YAML at line \(line), column \(column): nesting is deeper than \(YAMLDatasetReader.maxDepth) levels"
            ))
    }

    /// The ordinal of the record open when parsing stopped, if any (it is used up).
    private mutating func recordOrdinalAtProblem() -> Int? {
        if let open = stack.first(where: { $0.ordinal != nil })?.ordinal { return open }
        guard stack.first?.role == .rootMapping, stack.first?.sawExamples == false else {
            return nil
        }
        defer { nextOrdinal += 1 }
        return nextOrdinal
    }

    private mutating func push(_ frame: Frame) {
        var frame = frame
        if let parent = stack.last, parent.role == .recordList {
            frame.ordinal = nextOrdinal
            nextOrdinal += 1
        }
        stack.append(frame)
    }

    private mutating func close(_ frame: Frame) {
        switch frame.role {
        case .recordList:
            // The items were emitted as they completed. An `examples` list is not a field.
            if let parent = stack.indices.last {
                stack[parent].pendingKey = nil
                stack[parent].sawExamples = true
            }
        case .rootMapping:
            if frame.sawExamples { return }
            let ordinal = nextOrdinal
            nextOrdinal += 1
            emit(
                Node(
                    value: .object(frame.fields), cost: frame.cost, line: frame.line,
                    problem: frame.problem), ordinal: ordinal)
        case .value:
            var value: DataValue = frame.isMapping ? .object(frame.fields) : .array(frame.items)
            var problem = frame.problem
            let depth = frame.depth + 1
            if depth > YAMLDatasetReader.maxDepth {
                // Only reachable through aliases (the stack is bounded): drop the value.
                value = .null
                if problem == nil {
                    problem = RecordIssue(
                        line: frame.line, code: "invalid_yaml",
                        message:
                            "invalid YAML at line \(frame.line): nesting is deeper than \(YAMLDatasetReader.maxDepth) levels (through aliases)"
                    )
                }
            }
            if let anchor = frame.anchor {
                anchors[anchor] = (value, frame.cost, min(depth, YAMLDatasetReader.maxDepth + 1))
            }
            var node = Node(
                value: value, cost: frame.cost, line: frame.line, problem: problem, depth: depth)
            if let ordinal = frame.ordinal, stack.last?.role == .recordList {
                if node.problem == nil, node.cost > maxRecordBytes { node.problem = tooLarge(node) }
                emit(node, ordinal: ordinal)
            } else {
                deliver(node)
            }
        }
    }

    private func tooLarge(_ node: Node) -> RecordIssue {
        RecordIssue(
            line: node.line, code: "record_too_large",
            message:
                "record expands to more than \(maxRecordBytes) bytes (through aliases, an alias bomb?)"
        )
    }

    /// Hands a finished node to the open container (or to the document, at the top).
    private mutating func deliver(_ node: Node) {
        guard let top = stack.indices.last else {
            // A scalar document: an empty one is fine, anything else is not a record.
            if case .null = node.value, node.problem == nil { return }
            let ordinal = nextOrdinal
            nextOrdinal += 1
            out.addIssue(
                RecordIssue(
                    line: node.line, ordinal: ordinal, code: "invalid_yaml",
                    message:
                        "expected a sequence of mappings, a mapping with an 'examples' sequence, or one mapping per document, found \(node.value.kindNameWithArticle)"
                ))
            return
        }
        switch stack[top].role {
        case .recordList:
            let ordinal = nextOrdinal
            nextOrdinal += 1
            emit(node, ordinal: ordinal)
            return
        case .rootMapping, .value:
            break
        }
        if stack[top].problem == nil { stack[top].problem = node.problem }
        stack[top].cost += node.cost
        stack[top].depth = max(stack[top].depth, node.depth)
        if stack[top].isMapping {
            if let key = stack[top].pendingKey {
                stack[top].fields.append(DataField(key, node.value))
                stack[top].pendingKey = nil
            } else {
                stack[top].pendingKey =
                    node.value.scalarText ?? (node.value == .null ? "null" : node.value.compactJSON)
            }
        } else {
            stack[top].items.append(node.value)
        }
        // Stop building once a record is already too large: further aliases cost nothing more.
        if stack[top].cost > maxRecordBytes, stack[top].problem == nil,
            stack[top].role == .value || stack[top].role == .rootMapping
        {
            var root = top
            while root > 0, stack[root].ordinal == nil { root -= 1 }
            stack[top].problem = tooLarge(Node(value: .null, cost: 0, line: stack[root].line))
            stack[top].fields.removeAll()
            stack[top].items.removeAll()
        }
    }

    /// Records a record-level node: a record, or an issue.
    private mutating func emit(_ node: Node, ordinal: Int) {
        if var problem = node.problem {
            problem.ordinal = ordinal
            if problem.code == "record_too_large" { problem.line = node.line }
            out.addIssue(problem)
            return
        }
        if node.cost > maxRecordBytes {
            var issue = tooLarge(node)
            issue.ordinal = ordinal
            out.addIssue(issue)
            return
        }
        guard case .object = node.value else {
            out.addIssue(
                RecordIssue(
                    line: node.line, ordinal: ordinal, code: "not_an_object",
                    message: "expected a mapping, found \(node.value.kindNameWithArticle)"))
            return
        }
        out.values.append(ParsedValue(line: node.line, ordinal: ordinal, value: node.value))
    }

    private mutating func syntaxError(_ parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        let line = Int(parser.problem_mark.line) + 1 + lineOffset
        let column = Int(parser.problem_mark.column) + 1
        // The record being read when the error struck, if any.
        let ordinal = recordOrdinalAtProblem()
        var message = "invalid YAML at line \(line), column \(column): \(problem)"
        if let context { message += " (\(context))" }
        out.addIssue(
            RecordIssue(line: line, ordinal: ordinal, code: "invalid_yaml", message: message))
    }

    /// Resolves a plain scalar by the YAML core schema.
    static func resolvePlain(_ text: String) -> DataValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
            ".NaN", ".NAN":
            return .number(text)
        default:
            return isNumber(text.utf8) ? .number(text) : .string(text)
        }
    }

    /// Core-schema integers (decimal, `0x`, `0o`) and floats.
    static func isNumber(_ s: String.UTF8View) -> Bool {
        let b = Array(s)
        guard !b.isEmpty, b.count < 400 else { return false }
        var i = 0
        func digits(_ ok: (UInt8) -> Bool) -> Int {
            let start = i
            while i < b.count, ok(b[i]) { i += 1 }
            return i - start
        }
        let isDec: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        if b.count > 2, b[0] == 0x30, b[1] == 0x78 || b[1] == 0x6F {
            i = 2
            let ok: (UInt8) -> Bool =
                b[1] == 0x78
                ? { isDec($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
                : { $0 >= 0x30 && $0 <= 0x37 }
            return digits(ok) > 0 && i == b.count
        }
        if b[i] == 0x2B || b[i] == 0x2D { i += 1 }
        let whole = digits(isDec)
        var fraction = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            fraction = digits(isDec)
        }
        guard whole + fraction > 0 else { return false }
        if i < b.count, b[i] | 0x20 == 0x65 {
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            guard digits(isDec) > 0 else { return false }
        }
        return i == b.count
    }
}
