import Dispatch
import PreflightCore

/// Flags targets that break the format the other targets follow: targets that do not parse
/// when the targets are JSON, that do not match a declared pattern, and JSON objects whose
/// keys or value types differ from the majority.
///
/// Targets: the final assistant turn of chat and ShareGPT records, the completion, the
/// instruction's output, the chosen response of a preference pair (its last assistant turn).
/// Each target is read without surrounding whitespace and, when it is wrapped in one code
/// fence (a first line ```` ``` ```` or ```` ```json ````, a last line ```` ``` ````), without
/// the fence.
///
/// Formats (`format`):
/// - `auto` (default): the targets are JSON when at least `json_min_share` of them parse as a
///   JSON object or array (with the project's JSON parser, the one the readers use); then
///   every other target is `unparseable_target`, with the parser's error and its line and
///   column in the target. Otherwise the targets are free text and the check is skipped.
/// - `json`: as auto, whatever the share.
/// - `regex`: every target must match `pattern` as a whole (the pattern is anchored as
///   `^(?:pattern)$`; a leading `(?i)` makes it case-insensitive); others are
///   `format_mismatch`. See `ByteRegex` for the syntax: linear time, no backtracking.
///
/// Schema (JSON objects, `schema: true`): the majority schema is every top-level key present
/// in at least `key_share` of the object targets, with the value type most of them have
/// (`string`, `number`, `boolean`, `null`, `array`, `object`; ties go to the name first in
/// that order). A target object missing a majority key, having a key outside it, or a value of
/// another type is a `schema_deviation` naming them. Nested values are compared by type
/// only: an object under a key is `object`, whatever its keys. Array targets are checked for
/// parsing only. A table lists every key with its share and majority type.
///
/// Why it matters: a model trained on a few malformed or differently shaped outputs emits
/// them in production, where a parser downstream fails on them.
///
/// False positives: optional keys (present in fewer than `key_share` of the targets, each is
/// "extra"); nullable values (`null` is a type of its own); JSON-looking free text in a
/// mostly-JSON dataset when some answers are meant to be prose.
/// - Complexity: O(total target bytes), one parallel pass; O(n · keys) for the schema.
public struct OutputConsistencyCheck: Check {
    /// Format, thresholds and caps.
    public struct Options: CheckOptions {
        public var format = TargetFormat.auto
        public var pattern = TargetPattern()
        public var jsonMinShare = 0.5
        public var schema = true
        public var keyShare = 0.5
        public var maxFindings = 100

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "format", \.format,
                doc:
                    "auto (JSON when 'json_min_share' of targets parse as JSON), json, or regex (with 'pattern')"
            ),
            OptionField(
                "pattern", \.pattern,
                doc:
                    "with 'format: regex': a pattern every whole target must match (anchored as ^(?:pattern)$)"
            ),
            OptionField(
                "json_min_share", \.jsonMinShare,
                doc: "with 'format: auto': share of targets that must parse as JSON",
                check: OptionRules.share),
            OptionField(
                "schema", \.schema,
                doc: "compare the top-level keys and value types of JSON object targets"),
            OptionField(
                "key_share", \.keyShare,
                doc:
                    "a key belongs to the majority schema when at least this share of object targets have it",
                check: {
                    $0 > 0 && $0 <= 1 ? nil : "expected a share above 0 and at most 1, found \($0)"
                }),
            OptionField(
                "max_findings", \.maxFindings,
                doc:
                    "per-record findings reported per code, in file order (one more finding counts the rest)",
                check: OptionRules.nonNegative),
        ]

        public func validate() throws(OptionsError) {
            if format == .regex, pattern.regex == nil {
                throw OptionsError(key: "format", "'format: regex' needs a 'pattern'")
            }
            if format != .regex, pattern.regex != nil {
                throw OptionsError(
                    key: "pattern",
                    "'pattern' is only read with 'format: regex' (format is \(format))")
            }
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "output_consistency", title: "Output consistency",
        summary:
            "Flags targets that do not parse or match the declared format, and JSON targets whose keys or types differ from the majority.",
        category: .content, defaultSeverity: .warning, prerequisites: [.consistentTargets],
        examples: [
            .passes(
                jsonl: """
                    {"prompt": "Extract: Ann, 31", "completion": "{\\"name\\": \\"Ann\\", \\"age\\": 31}"}
                    {"prompt": "Extract: Bo, 40", "completion": "```json\\n{\\"name\\": \\"Bo\\", \\"age\\": 40}\\n```"}
                    {"prompt": "Extract: Cy, 22", "completion": " {\\"age\\": 22, \\"name\\": \\"Cy\\"} "}
                    """),
            .fails(
                jsonl: """
                    {"prompt": "Extract: Ann, 31", "completion": "{\\"name\\": \\"Ann\\", \\"age\\": 31}"}
                    {"prompt": "Extract: Bo, 40", "completion": "{\\"name\\": \\"Bo\\", \\"age\\": 40}"}
                    ↓{"prompt": "Extract: Cy, 22", "completion": "{\\"name\\": \\"Cy\\", \\"age\\": 22,}"}
                    ↓{"prompt": "Extract: Di, 35", "completion": "{\\"name\\": \\"Di\\", \\"age\\": \\"35\\"}"}
                    ↓{"prompt": "Extract: Ed, 50", "completion": "Name: Ed, age 50"}
                    """),
            .fails(
                jsonl: """
                    {"instruction": "Classify the sentiment", "input": "great!", "output": "positive"}
                    ↓{"instruction": "Classify the sentiment", "input": "meh", "output": "Neutral, mostly"}
                    """,
                options: "format: regex\npattern: positive|negative|neutral"),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    // MARK: - Per target

    /// What a target is.
    enum Parsed: Sendable {
        /// No target (a chat record ending with a user turn), or a blank one.
        case none
        /// A JSON object: its top-level keys in order, with their value types.
        case object([(key: String, type: String)])
        case array
        /// A target not parsed (`format: regex`).
        case text
        /// Not JSON: the parser's message, and the 1-based line and column in the target
        /// (after the fence and leading whitespace are dropped).
        case invalid(message: String, line: Int, column: Int)
    }

    /// One target's result.
    struct TargetResult: Sendable {
        var parsed = Parsed.none
        /// For `format: regex`: whether the whole target matches.
        var matches = false
        /// The target's field or turn path.
        var field = ""
    }

    /// Reads every target once, in parallel over chunks of records.
    func scan(_ dataset: Dataset, layout: DatasetLayout) -> [TargetResult] {
        let total = layout.count
        var results = [TargetResult](repeating: TargetResult(), count: total)
        guard total > 0 else { return results }
        let chunk = 4_096
        let regex = options.format == .regex ? options.pattern.regex : nil
        let parseJSON = options.format != .regex
        results.withUnsafeMutableBufferPointer { buffer in
            let out = SendableBuffer(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: (total + chunk - 1) / chunk) { c in
                layout.forEachRun(in: layout.chunk(c, size: chunk), of: dataset) {
                    f, records, base, positions in
                    let shape = dataset.files[f].schema.shape
                    guard shape.isGenerative else { return }
                    for q in positions {
                        guard
                            let conversation = Conversation(records[q - base], shape: shape),
                            let answer = conversation.target.last(where: { $0.kind == .assistant })
                        else { continue }
                        out.base[q] = Self.read(
                            answer.content, field: answer.path, json: parseJSON, regex: regex)
                    }
                }
            }
        }
        return results
    }

    /// The result of one target.
    static func read(_ text: String, field: String, json: Bool, regex: ByteRegex?) -> TargetResult {
        var result = TargetResult()
        result.field = field
        var text = text
        text.withUTF8 { b in
            guard let base = b.baseAddress else { return }
            var start = 0
            var end = b.count
            while start < end, JSONByteParser.isWhitespace(base[start]) { start += 1 }
            while end > start, JSONByteParser.isWhitespace(base[end - 1]) { end -= 1 }
            guard start < end else { return }
            if let regex {
                result.matches = regex.matches(
                    UnsafeRawBufferPointer(start: base + start, count: end - start))
                result.parsed = .text
                return
            }
            guard json else { return }
            (start, end) = unfenced(base, start, end)
            result.parsed = parse(base, start, end)
        }
        return result
    }

    /// The range inside a single code fence (```` ``` ```` or ```` ```json ```` on the first
    /// line, ```` ``` ```` at the end), trimmed; the range itself when there is none.
    static func unfenced(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
        let tick: UInt8 = 0x60
        guard end - start >= 6, base[start] == tick, base[start + 1] == tick,
            base[start + 2] == tick, base[end - 1] == tick, base[end - 2] == tick,
            base[end - 3] == tick
        else { return (start, end) }
        var i = start + 3
        while i < end, (0x41...0x5A).contains(base[i]) || (0x61...0x7A).contains(base[i]) {
            i += 1
        }
        let tag = String(
            decoding: UnsafeBufferPointer(start: base + start + 3, count: i - start - 3),
            as: UTF8.self
        ).lowercased()
        guard tag.isEmpty || tag == "json" else { return (start, end) }
        while i < end, base[i] == 0x20 || base[i] == 0x09 || base[i] == 0x0D { i += 1 }
        guard i < end, base[i] == 0x0A else { return (start, end) }
        var j = end - 3
        guard j > i else { return (start, end) }
        while j > i, JSONByteParser.isWhitespace(base[j - 1]) { j -= 1 }
        var k = i
        while k < j, JSONByteParser.isWhitespace(base[k]) { k += 1 }
        // Another fence inside: more than one block, not a single fenced value.
        var t = k
        while t + 2 < j {
            if base[t] == tick, base[t + 1] == tick, base[t + 2] == tick { return (start, end) }
            t += 1
        }
        return (k, j)
    }

    /// Parses `base[start..<end]` as one JSON value.
    static func parse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Parsed {
        var parser = JSONByteParser(base: base, start: start, end: end)
        let first = base[start]
        guard first == 0x7B || first == 0x5B else {
            return .invalid(
                message: "expected '{' or '[' at the start, found text", line: 1, column: 1)
        }
        do throws(JSONSyntaxError) {
            let value = try parser.parseValue()
            parser.skipWhitespace()
            if parser.pos < end {
                throw JSONSyntaxError(
                    offset: parser.pos, message: "unexpected text after the JSON value",
                    isEncoding: false)
            }
            if case .object(let fields) = value {
                return .object(fields.map { ($0.name, $0.value.kindName) })
            }
            return .array
        } catch {
            var line = 1
            var lineStart = start
            var i = start
            while i < min(error.offset, end) {
                if base[i] == 0x0A {
                    line += 1
                    lineStart = i + 1
                }
                i += 1
            }
            let column = UTF8Validation.column(
                base, lineStart: lineStart, offset: min(error.offset, end))
            return .invalid(message: error.message, line: line, column: column)
        }
    }

    // MARK: - Run

    /// Reads every target, decides the format, and reports the targets that break it.
    /// - Complexity: O(total target bytes) in parallel, then O(n · keys).
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        guard dataset.files.contains(where: { $0.schema.shape.isGenerative }) else {
            return .skipped("no generative input: targets are what this check compares")
        }
        let layout = input.index.value(ChecksIndex.layout)
        let results = scan(dataset, layout: layout)
        var targets = 0
        var objects = 0
        var arrays = 0
        for r in results {
            switch r.parsed {
            case .none: continue
            case .object: objects += 1
            case .array: arrays += 1
            case .invalid, .text: break
            }
            targets += 1
        }
        guard targets > 0 else { return .skipped("no targets: no record has a non-blank answer") }
        var metrics: [String: Double] = ["targets": Double(targets)]

        if options.format == .regex {
            let failing = results.indices.filter {
                if case .none = results[$0].parsed { return false }
                return !results[$0].matches
            }
            metrics["format_mismatches"] = Double(failing.count)
            metrics["match_share"] = Double(targets - failing.count) / Double(targets)
            let findings = capped(failing, code: "format_mismatch", dataset, layout) { p in
                "target \(results[p].field) does not match 'pattern' "
                    + "\(Format.quoted(options.pattern.description)) as a whole: "
                    + "'\(Format.excerpt(Self.text(at: p, dataset, layout), limit: 60))'"
            }
            return CheckOutcome(
                findings: findings, metrics: metrics,
                summary: "\(Format.percent(Double(targets - failing.count) / Double(targets))) "
                    + "of \(Format.count(targets, "target")) match the pattern")
        }

        let json = objects + arrays
        let share = Double(json) / Double(targets)
        metrics["json_targets"] = Double(json)
        metrics["json_share"] = share
        if options.format == .auto, share < options.jsonMinShare {
            return CheckOutcome(
                metrics: metrics,
                summary: "targets are free text: \(Format.percent(share)) parse as JSON, below "
                    + "'json_min_share' \(Format.percent(options.jsonMinShare)); declare "
                    + "'format: json' or 'format: regex' to check them",
                skippedReason: "targets are free text (\(Format.percent(share)) parse as JSON)")
        }
        let unparseable = results.indices.filter {
            if case .invalid = results[$0].parsed { return true }
            return false
        }
        metrics["unparseable_targets"] = Double(unparseable.count)
        var findings = capped(unparseable, code: "unparseable_target", dataset, layout) { p in
            guard case .invalid(let message, let line, let column) = results[p].parsed else {
                return ""
            }
            return "target \(results[p].field) is not valid JSON at line \(line), column "
                + "\(column): \(message); \(Format.percent(share)) of targets parse"
        }
        var tables: [ReportTable] = []
        var deviating = 0
        if options.schema, objects > 0 {
            let schema = MajoritySchema(results, objects: objects, keyShare: options.keyShare)
            tables.append(schema.table(objects: objects, keyShare: options.keyShare))
            let deviations = results.indices.compactMap { p -> (Int, String)? in
                guard case .object(let fields) = results[p].parsed,
                    let problem = schema.deviation(fields)
                else { return nil }
                return (p, problem)
            }
            deviating = deviations.count
            metrics["object_targets"] = Double(objects)
            metrics["schema_deviations"] = Double(deviating)
            metrics["majority_keys"] = Double(schema.majority.count)
            let problems = Dictionary(uniqueKeysWithValues: deviations)
            findings += capped(deviations.map(\.0), code: "schema_deviation", dataset, layout) {
                p in
                "target \(results[p].field) differs from the majority schema "
                    + "(\(schema.describe())): \(problems[p]!)"
            }
        }
        var summary =
            "\(Format.percent(share)) of \(Format.count(targets, "target")) parse as JSON"
        if !unparseable.isEmpty { summary += "; \(unparseable.count) unparseable" }
        if options.schema, objects > 0 {
            summary += "; \(deviating) deviate from the majority schema"
        }
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary, tables: tables)
    }

    /// Findings at `positions` (ascending), at most `max_findings`, then one counting the rest.
    private func capped(
        _ positions: [Int], code: String, _ dataset: Dataset, _ layout: DatasetLayout,
        message: (Int) -> String
    ) -> [Finding] {
        let id = Self.descriptor.id
        var out: [Finding] = positions.prefix(options.maxFindings).map { p in
            Finding(
                checkID: id, code: code, severity: .warning, message: message(p),
                hint: code == "schema_deviation"
                    ? "give every target the same keys and value types, or relax 'key_share'"
                    : "fix the target so that it parses like the others",
                location: dataset.files[layout.file(of: p)].location(
                    of: dataset[layout.ref(p)], field: nil))
        }
        if positions.count > options.maxFindings {
            out.append(
                Finding(
                    checkID: id, code: "more_findings", severity: .warning,
                    message: "\(positions.count - options.maxFindings) more \(code) findings not "
                        + "listed, above 'max_findings' \(options.maxFindings)",
                    metrics: [
                        "omitted": Double(positions.count - options.maxFindings),
                        FindingLimit.omittedMetric: Double(positions.count - options.maxFindings),
                    ]))
        }
        return out
    }

    /// The target text at a position, for messages.
    static func text(at position: Int, _ dataset: Dataset, _ layout: DatasetLayout) -> String {
        TextQualityCheck.target(at: position, dataset, layout)
    }
}

// MARK: - Schema

/// The majority schema of JSON object targets: keys present in at least `key_share` of them,
/// each with its most common value type.
struct MajoritySchema {
    /// Every key seen, in first-seen order, with its count and type counts.
    var keys: [(key: String, count: Int, types: [String: Int])] = []
    /// Majority keys with their majority type, in first-seen order.
    var majority: [(key: String, type: String)] = []
    private var majorityTypes: [String: String] = [:]

    /// Value types in tie-breaking order.
    static let typeOrder = ["string", "number", "boolean", "null", "array", "object"]

    init(_ results: [OutputConsistencyCheck.TargetResult], objects: Int, keyShare: Double) {
        var index: [String: Int] = [:]
        for r in results {
            guard case .object(let fields) = r.parsed else { continue }
            var seen = Set<String>()
            for (key, type) in fields where seen.insert(key).inserted {
                let k: Int
                if let known = index[key] {
                    k = known
                } else {
                    k = keys.count
                    index[key] = k
                    keys.append((key, 0, [:]))
                }
                keys[k].count += 1
                keys[k].types[type, default: 0] += 1
            }
        }
        for entry in keys where Double(entry.count) >= keyShare * Double(objects) {
            let type = Self.majorityType(entry.types)
            majority.append((entry.key, type))
            majorityTypes[entry.key] = type
        }
    }

    static func majorityType(_ types: [String: Int]) -> String {
        typeOrder.max {
            let a = types[$0, default: 0]
            let b = types[$1, default: 0]
            // `max` keeps the last of equals: compare reversed order for ties.
            return a != b ? a < b : typeOrder.firstIndex(of: $0)! > typeOrder.firstIndex(of: $1)!
        }!
    }

    /// What is wrong with an object's keys, or nil when it fits.
    func deviation(_ fields: [(key: String, type: String)]) -> String? {
        var present: [String: String] = [:]
        for (key, type) in fields where present[key] == nil { present[key] = type }
        let missing = majority.filter { present[$0.key] == nil }.map { "'\($0.key)'" }
        var extra: [String] = []
        var types: [String] = []
        var listed = Set<String>()
        for (key, type) in fields where listed.insert(key).inserted {
            if let expected = majorityTypes[key] {
                if type != expected { types.append("'\(key)' is \(type), not \(expected)") }
            } else {
                extra.append("'\(key)'")
            }
        }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing " + Self.list(missing)) }
        if !extra.isEmpty { parts.append("extra " + Self.list(extra)) }
        if !types.isEmpty { parts.append(Self.list(types)) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Up to 5 items, then a count.
    static func list(_ items: [String]) -> String {
        let shown = items.prefix(5).joined(separator: ", ")
        return items.count > 5 ? shown + " and \(items.count - 5) more" : shown
    }

    /// The majority schema for messages: `{'name': string, 'age': number}`.
    func describe() -> String {
        let shown = majority.prefix(8).map { "'\($0.key)': \($0.type)" }
        return "{" + shown.joined(separator: ", ") + (majority.count > 8 ? ", …" : "") + "}"
    }

    /// Key → share of object targets having it → majority type → share of those with it.
    func table(objects: Int, keyShare: Double) -> ReportTable {
        let sorted = keys.enumerated().sorted {
            $0.element.count != $1.element.count
                ? $0.element.count > $1.element.count : $0.offset < $1.offset
        }.map(\.element)
        let rows: [[ReportCell]] = sorted.prefix(50).map { entry in
            let type = Self.majorityType(entry.types)
            return [
                .text(Format.excerpt(entry.key, limit: 40)),
                .share(Double(entry.count) / Double(objects)), .text(type),
                .share(Double(entry.types[type, default: 0]) / Double(entry.count)),
                .text(Double(entry.count) >= keyShare * Double(objects) ? "yes" : "no"),
            ]
        }
        return ReportTable(
            id: "json_keys", title: "Top-level keys of JSON object targets",
            columns: ["key", "present", "majority type", "of that type", "in schema"], rows: rows,
            note: "\(Format.count(objects, "object target")); \(keys.count) keys"
                + (keys.count > 50 ? ", the 50 most frequent shown" : ""))
    }
}

// MARK: - Option values

/// How `output_consistency` decides the targets' format.
public enum TargetFormat: String, OptionEnum {
    /// JSON when enough targets parse as JSON; else free text (skipped).
    case auto
    /// Every target must be JSON.
    case json
    /// Every target must match `pattern`.
    case regex
}

/// A pattern every whole target must match; empty when unset.
public struct TargetPattern: OptionValue, CustomStringConvertible {
    /// The pattern as written.
    public var source = ""
    /// The compiled, anchored pattern; nil when unset.
    public var regex: ByteRegex?

    public init() {}

    /// Compiles the pattern anchored as `^(?:pattern)$`; a leading `(?i)` stays in front.
    public init(yaml: YAMLNode) throws(OptionValueError) {
        guard case .scalar(let s, _) = yaml.kind else {
            throw OptionValueError(yaml.mark, "expected a pattern string, found \(yaml.kindName)")
        }
        guard !yaml.isNull, !s.isEmpty else { return }
        source = s
        do {
            // Compiled as written first, so error offsets point into the user's pattern.
            let plain = try ByteRegex(s)
            var body = s
            if plain.caseInsensitive, body.hasPrefix("(?i)") { body.removeFirst(4) }
            regex = try ByteRegex("^(?:" + body + ")$", caseInsensitive: plain.caseInsensitive)
        } catch {
            throw OptionValueError(
                yaml.mark, "invalid pattern at character \(error.offset + 1): \(error.message)")
        }
    }

    public var yamlValue: YAMLValue { .scalar(source) }
    public var description: String { source }

    public static func == (a: TargetPattern, b: TargetPattern) -> Bool { a.source == b.source }
}
