import PreflightCore

/// Projects parsed values onto `Record`s: the input, the whole example, the label and the id.
///
/// - classification / text: `input` = the text fields joined with "\n"; `example` = `input`;
///   `label` from the label field (a JSON number keeps its lexeme, `isNumeric` true).
/// - chat / sharegpt: one line per message, `"<role>: <content>"` (content parts joined
///   by "\n"); `example` = every message; `input` = all but a final assistant message.
/// - prompt_completion: `input` = prompt; `example` = prompt + "\n" + completion.
/// - instruction: `input` = instruction (+ "\n" + input when non-empty);
///   `example` = input + "\n" + output.
/// - preference: `input` = the prompt, or without one the leading turns (lines for plain
///   strings) that chosen and rejected share; `example` = prompt, chosen and rejected joined
///   by "\n", message lists serialized as for chat.
/// - unknown: `input` = `example` = the record as compact JSON.
///
/// A record that cannot be used becomes a `RecordIssue`: `missing_field`, `empty_text`,
/// `wrong_type` or `mixed_shape` (its keys fit another recognisable shape than the file's).
struct RecordProjector: Sendable {
    /// Output slots written at distinct indices by distinct threads.
    private struct RecordSlots: @unchecked Sendable {
        let base: UnsafeMutablePointer<Record>?
    }

    let schema: DatasetSchema
    let candidates: ShapeDetector.Candidates

    init(schema: DatasetSchema, rules: DatasetRules) {
        self.schema = schema
        candidates = ShapeDetector.Candidates(rules: rules)
    }

    /// Projects every value, in parallel, keeping file order.
    /// - Complexity: O(n) in the total size of the values.
    /// - Returns: the records, the first `InputFile.keptIssues` issues and how many more.
    func projectAll(_ values: [ParsedValue]) -> (
        records: [Record], issues: [RecordIssue], omittedIssues: Int
    ) {
        let units = Parallel.ranges(values.count, minimum: 1024)
        var issues = ParsedRecords()
        // Each unit writes its records into its own slots of one buffer, from the start of its
        // range; the gaps left by issues are closed afterwards. No per-unit arrays to merge.
        let records = [Record](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            let out = RecordSlots(base: buffer.baseAddress)
            let parts = Parallel.map(units.count) { u -> (written: Int, issues: ParsedRecords) in
                var issues = ParsedRecords()
                var next = units[u].lowerBound
                for i in units[u] {
                    switch project(values[i]) {
                    case .record(let record):
                        (out.base.unsafelyUnwrapped + next).initialize(to: record)
                        next += 1
                    case .issue(let issue): issues.addIssue(issue)
                    }
                }
                return (next - units[u].lowerBound, issues)
            }
            var filled = 0
            for (u, part) in parts.enumerated() {
                let from = units[u].lowerBound
                if from != filled, part.written > 0, let base = buffer.baseAddress {
                    (base + filled).moveInitialize(from: base + from, count: part.written)
                }
                filled += part.written
                issues.append(part.issues)
            }
            initialized = filled
        }
        return (records, issues.issues, issues.omittedIssues)
    }

    /// A problem found while projecting one record: code, message, field.
    struct Problem: Error {
        var code: String
        var message: String
        var field: String?
    }

    /// A projected record, or why it cannot be used.
    enum Outcome {
        case record(Record)
        case issue(RecordIssue)
    }

    /// Projects one value.
    func project(_ parsed: ParsedValue) -> Outcome {
        let value = parsed.value
        let id = schema.idField.flatMap { RecordProjector.idText(value[$0]) }
        do throws(Problem) {
            try checkRequiredFields(value)
            var record = Record(
                line: parsed.line, ordinal: parsed.ordinal, id: id, input: "", example: "",
                value: value)
            try fill(&record, from: value)
            return .record(record)
        } catch {
            return .issue(
                RecordIssue(
                    line: parsed.line, ordinal: parsed.ordinal, code: error.code,
                    message: error.message,
                    field: error.field, id: id))
        }
    }

    static func idText(_ value: DataValue?) -> String? {
        switch value {
        case .string(let s): s
        case .number(let n): n
        default: nil
        }
    }

    // MARK: - Shape fit

    private var requiredFields: [String] {
        switch schema.shape {
        case .chat: ["messages"]
        case .sharegpt: ["conversations"]
        case .preference: ["chosen", "rejected"]
        case .promptCompletion: ["prompt", "completion"]
        case .instruction: ["instruction", "output"]
        case .classification: schema.textFields + [schema.labelField ?? "label"]
        case .text: schema.textFields
        case .unknown: []
        }
    }

    private func checkRequiredFields(_ value: DataValue) throws(Problem) {
        guard let missing = requiredFields.first(where: { value[$0] == nil }) else { return }
        let own = ShapeDetector.recordShape(value, candidates: candidates)
        let related = own == .text && schema.shape == .classification
        if own != schema.shape, own != .unknown, own != .text, !related {
            throw Problem(
                code: "mixed_shape",
                message:
                    "record has the fields of a '\(own.rawValue)' example, but the file's shape is '\(schema.shape.rawValue)'",
                field: missing)
        }
        throw Problem(
            code: "missing_field", message: "missing required field '\(missing)'", field: missing)
    }

    // MARK: - Projection by shape

    private func fill(_ record: inout Record, from value: DataValue) throws(Problem) {
        switch schema.shape {
        case .classification, .text:
            var text = ""
            for (i, field) in schema.textFields.enumerated() {
                let part = try RecordProjector.text(value, field)
                text = i == 0 ? part : text + "\n" + part
            }
            if RecordProjector.isBlank(text) {
                let field =
                    schema.textFields.count == 1
                    ? schema.textFields[0] : schema.textFields.joined(separator: "', '")
                throw Problem(
                    code: "empty_text", message: "field '\(field)' is empty or whitespace-only",
                    field: schema.textFields.first)
            }
            record.setTexts(example: text, inputBytes: text.utf8.count)
            if schema.shape == .classification { record.label = try label(value) }
        case .chat, .sharegpt:
            let field = schema.shape == .chat ? "messages" : "conversations"
            let turns = try RecordProjector.turns(
                value[field], field: field, sharegpt: schema.shape == .sharegpt)
            if turns.isEmpty {
                throw Problem(
                    code: "empty_text", message: "field '\(field)' has no messages", field: field)
            }
            if turns.allSatisfy({ RecordProjector.isBlank($0.content) }) {
                throw Problem(
                    code: "empty_text", message: "every message in '\(field)' is empty",
                    field: field)
            }
            let lines = turns.map(\.line)
            let example = lines.joined(separator: "\n")
            var prefix = 0
            for (turn, line) in zip(turns, lines) {
                guard Shape.systemRoles.contains(turn.role) else { break }
                prefix += line.utf8.count + 1
            }
            record.systemPrefix = Int32(clamping: prefix)
            // The input is every line but a final assistant one: the start of the example.
            let last = turns[turns.count - 1].role
            let inputBytes =
                !Shape.assistantRoles.contains(last)
                ? example.utf8.count
                : max(0, example.utf8.count - lines[lines.count - 1].utf8.count - 1)
            record.setTexts(example: example, inputBytes: inputBytes)
        case .promptCompletion:
            let prompt = try RecordProjector.text(value, "prompt")
            let completion = try RecordProjector.text(value, "completion")
            if RecordProjector.isBlank(completion) {
                throw Problem(
                    code: "empty_text", message: "field 'completion' is empty or whitespace-only",
                    field: "completion")
            }
            record.setTexts(example: prompt + "\n" + completion, inputBytes: prompt.utf8.count)
        case .instruction:
            let instruction = try RecordProjector.text(value, "instruction")
            let output = try RecordProjector.text(value, "output")
            var extra = ""
            if let input = value["input"], input != .null {
                extra = try RecordProjector.text(value, "input")
            }
            for (name, text) in [("instruction", instruction), ("output", output)]
            where RecordProjector.isBlank(text) {
                throw Problem(
                    code: "empty_text", message: "field '\(name)' is empty or whitespace-only",
                    field: name)
            }
            let input = extra.isEmpty ? instruction : instruction + "\n" + extra
            record.setTexts(example: input + "\n" + output, inputBytes: input.utf8.count)
        case .preference:
            let chosen = try RecordProjector.side(value, "chosen")
            let rejected = try RecordProjector.side(value, "rejected")
            var prompt: String?
            if let p = value["prompt"], p != .null {
                prompt = try RecordProjector.side(value, "prompt").text
            }
            for (name, side) in [("chosen", chosen), ("rejected", rejected)]
            where RecordProjector.isBlank(side.text) {
                throw Problem(
                    code: "empty_text", message: "field '\(name)' is empty or whitespace-only",
                    field: name)
            }
            record.setTexts(
                input: prompt ?? RecordProjector.sharedLeading(chosen.lines, rejected.lines),
                example: [prompt, chosen.text, rejected.text].compactMap { $0 }.joined(
                    separator: "\n"))
        case .unknown:
            let json = value.compactJSON
            record.setTexts(example: json, inputBytes: json.utf8.count)
        }
    }

    private func label(_ value: DataValue) throws(Problem) -> LabelValue {
        let field = schema.labelField ?? "label"
        switch value[field] {
        case .string(let s): return LabelValue(text: s, isNumeric: false)
        case .number(let n): return LabelValue(text: n, isNumeric: true)
        case nil, .null?:
            throw Problem(
                code: "missing_field", message: "missing required field '\(field)'", field: field)
        case let other?:
            throw Problem(
                code: "wrong_type",
                message:
                    "field '\(field)' must be a string or a number, found \(other.kindNameWithArticle)",
                field: field)
        }
    }

    // MARK: - Field helpers

    /// A text field: a string, or a number's lexeme.
    static func text(_ value: DataValue, _ field: String) throws(Problem) -> String {
        switch value[field] {
        case .string(let s): return s
        case .number(let n): return n
        case nil, .null?:
            throw Problem(
                code: "missing_field", message: "missing required field '\(field)'", field: field)
        case let other?:
            throw Problem(
                code: "wrong_type",
                message: "field '\(field)' must be a string, found \(other.kindNameWithArticle)",
                field: field)
        }
    }

    /// True when `s` is empty or only whitespace.
    static func isBlank(_ s: String) -> Bool {
        for b in s.utf8 {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C {
                continue
            }
            if b < 0x80 { return false }
            return s.unicodeScalars.allSatisfy(\.properties.isWhitespace)
        }
        return true
    }

    struct Turn {
        var role: String
        var content: String
        var line: String { role + ": " + content }
    }

    /// The messages of a chat (`role`/`content`) or ShareGPT (`from`/`value`) list.
    static func turns(_ list: DataValue?, field: String, sharegpt: Bool) throws(Problem) -> [Turn] {
        let roleKey = sharegpt ? "from" : "role"
        let contentKey = sharegpt ? "value" : "content"
        guard let list, list != .null else {
            throw Problem(
                code: "missing_field", message: "missing required field '\(field)'", field: field)
        }
        guard case .array(let items) = list else {
            throw Problem(
                code: "wrong_type",
                message:
                    "field '\(field)' must be a list of messages, found \(list.kindNameWithArticle)",
                field: field)
        }
        var turns: [Turn] = []
        turns.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let place = "message \(i + 1) of '\(field)'"
            guard case .object = item else {
                throw Problem(
                    code: "wrong_type",
                    message: "\(place) must be an object, found \(item.kindNameWithArticle)",
                    field: field)
            }
            let role: String
            switch item[roleKey] {
            case .string(let s): role = s
            case nil, .null?:
                throw Problem(
                    code: "missing_field", message: "\(place) has no '\(roleKey)'", field: field)
            case let other?:
                throw Problem(
                    code: "wrong_type",
                    message:
                        "'\(roleKey)' of \(place) must be a string, found \(other.kindNameWithArticle)",
                    field: field)
            }
            let content: String
            switch item[contentKey] {
            case .string(let s): content = s
            case .array(let parts):
                var texts: [String] = []
                for part in parts {
                    switch part {
                    case .string(let s): texts.append(s)
                    case .object:
                        if case .string(let s) = part["text"] { texts.append(s) }
                    default:
                        throw Problem(
                            code: "wrong_type",
                            message:
                                "a part of '\(contentKey)' in \(place) must be an object or a string, found \(part.kindNameWithArticle)",
                            field: field)
                    }
                }
                content = texts.joined(separator: "\n")
            case nil, .null?:
                guard item["tool_calls"] != nil || item["function_call"] != nil else {
                    throw Problem(
                        code: "missing_field", message: "\(place) has no '\(contentKey)'",
                        field: field)
                }
                content = ""
            case let other?:
                throw Problem(
                    code: "wrong_type",
                    message:
                        "'\(contentKey)' of \(place) must be a string or a list of parts, found \(other.kindNameWithArticle)",
                    field: field)
            }
            turns.append(Turn(role: role, content: content))
        }
        return turns
    }

    /// One side of a preference pair: a string, or a message list serialized as for chat.
    static func side(_ value: DataValue, _ field: String) throws(Problem) -> (
        text: String, lines: [String]
    ) {
        switch value[field] {
        case .array:
            let turns = try turns(value[field], field: field, sharegpt: false)
            let lines = turns.map(\.line)
            return (lines.joined(separator: "\n"), lines)
        default:
            let text = try text(value, field)
            return (
                text, text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            )
        }
    }

    /// The leading lines (or turns) two sides share, joined by "\n".
    static func sharedLeading(_ a: [String], _ b: [String]) -> String {
        var n = 0
        while n < a.count, n < b.count, a[n] == b[n] { n += 1 }
        return a[0..<n].joined(separator: "\n")
    }
}
