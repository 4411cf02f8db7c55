import Dispatch
import PreflightCore

/// Validates conversational records against what a fine-tuning provider or trainer accepts:
/// roles, keys, role order, empty turns, tool calls, per-message weights, preference pairs,
/// and the provider's example-count and file-size limits.
///
/// Why it matters: a provider rejects the whole upload for one bad line, after the upload;
/// a trainer silently mangles what it does not expect (a second system message, two user
/// turns in a row, a conversation ending on the user's turn teaches nothing).
///
/// The reader already rejects what cannot be read as a conversation at all (no message
/// list, a message without a role or content, wrong types): those are `malformed_record`
/// findings. This check judges the conversations that were read, against the options —
/// which the provider profiles (`--profile openai-chat`, …) set.
///
/// False positives: multi-party or tool-heavy formats a profile does not describe (relax
/// `roles`, `alternate`); conversations that end on a tool call on purpose (`last_assistant`
/// accepts an assistant turn with tool calls).
public struct ChatFormatCheck: Check {
    public struct Options: CheckOptions {
        /// Roles allowed as written; empty: the shape's standard roles.
        public var roles: [String] = []
        /// Keys allowed in a message (others are errors); empty: the shape's standard keys,
        /// others a warning.
        public var messageKeys: [String] = []
        /// Keys allowed at the top level of a record; empty: any.
        public var recordKeys: [String] = []
        /// A system (or developer) message only before every other message.
        public var systemFirst = true
        /// User and assistant turns alternate (tool results and system messages aside).
        public var alternate = true
        /// The last message is the assistant's.
        public var lastAssistant = true
        /// Message content must be a string (not a list of parts).
        public var stringContent = false
        /// Per-message `weight` (0 or 1) is allowed.
        public var weights = true
        /// Preference pairs whose longer side is more than this many times the shorter (in
        /// characters) are reported; 0: off.
        public var maxLengthRatio = 10.0
        /// Fewer examples than this in a training file is an error; 0: no minimum.
        public var minExamples = 0
        /// More examples than this in one file is an error; 0: no maximum.
        public var maxExamples = 0
        /// A file larger than this many bytes is an error; 0: no maximum.
        public var maxFileBytes = 0
        /// Severity of a dataset where some examples have a system message and others not.
        public var missingSystem = FindingLevel.info
        /// Per-record findings reported at most; the rest are counted in one finding.
        public var maxFindings = 1000

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "roles", \.roles,
                doc:
                    "roles allowed as written; empty: the shape's standard roles (chat: system, developer, user, assistant, tool, function; ShareGPT: system, human, gpt, function_call, observation, tool)"
            ),
            OptionField(
                "message_keys", \.messageKeys,
                doc:
                    "keys allowed in a message, others an error; empty: the shape's standard keys (chat: role, content, name, weight, tool_calls, tool_call_id, function_call, refusal; ShareGPT: from, value, weight), others a warning"
            ),
            OptionField(
                "record_keys", \.recordKeys,
                doc: "keys allowed at the top level of a record; empty: any"),
            OptionField(
                "system_first", \.systemFirst,
                doc: "a system or developer message may only come before every other message"),
            OptionField(
                "alternate", \.alternate,
                doc: "user and assistant turns alternate (tool results and system messages aside)"),
            OptionField(
                "last_assistant", \.lastAssistant, doc: "the last message must be the assistant's"),
            OptionField(
                "string_content", \.stringContent,
                doc: "message content must be a string, not a list of parts"),
            OptionField(
                "weights", \.weights, doc: "a per-message 'weight' of 0 or 1 is allowed"),
            OptionField(
                "max_length_ratio", \.maxLengthRatio,
                doc:
                    "report preference pairs whose longer side has more than this many times the characters of the shorter; 0: off",
                check: { $0 < 0 ? "must be 0 (off) or positive" : nil }),
            OptionField(
                "min_examples", \.minExamples,
                doc: "fewer examples than this in a training file is an error; 0: no minimum",
                check: OptionRules.nonNegative),
            OptionField(
                "max_examples", \.maxExamples,
                doc: "more examples than this in one file is an error; 0: no maximum",
                check: OptionRules.nonNegative),
            OptionField(
                "max_file_bytes", \.maxFileBytes,
                doc: "a file larger than this many bytes is an error; 0: no maximum",
                check: OptionRules.nonNegative),
            OptionField(
                "missing_system", \.missingSystem,
                doc:
                    "severity when some examples have a system message and others do not (off, info, warning, error)"
            ),
            OptionField(
                "max_findings", \.maxFindings,
                doc: "per-record findings reported at most; the rest are counted in one finding",
                check: OptionRules.nonNegative),
        ]

        public func validate() throws(OptionsError) {
            if maxExamples > 0 && minExamples > maxExamples {
                throw OptionsError(
                    key: "min_examples",
                    "'min_examples' (\(minExamples)) must not exceed 'max_examples' (\(maxExamples))"
                )
            }
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "chat_format", title: "Chat format",
        summary:
            "Validates conversations against the provider profile: roles, keys, turn order, empty turns, tool calls, weights and preference pairs.",
        category: .format, defaultSeverity: .error,
        prerequisites: [.enoughExamples, .consistentTargets],
        codePrerequisites: [
            "identical_pair": [.consistentTargets], "prompt_mismatch": [.consistentTargets],
            "length_ratio": [.consistentTargets], "too_few_examples": [.enoughExamples],
            "too_many_examples": [.enoughExamples], "file_too_large": [.enoughExamples],
        ],
        examples: [
            .passes(
                jsonl: """
                    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
                    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
                    """),
            .fails(
                jsonl: """
                    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
                    ↓{"messages": [{"role": "user", "content": "Hi"}, {"role": "bot", "content": "Hello!"}]}
                    ↓{"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Yes?"}]}
                    ↓{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "  "}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Yes?"}]}
                    """),
            .fails(
                jsonl: """
                    {"prompt": "2+2?", "chosen": "4", "rejected": "5"}
                    ↓{"prompt": "2+2?", "chosen": "4", "rejected": "4"}
                    """),
        ])

    let options: Options

    public init(options: Options) { self.options = options }

    public func run(_ input: CheckInput) throws -> CheckOutcome {
        let files = input.dataset.files.filter { $0.schema.shape.isGenerative }
        guard !files.isEmpty else {
            return .skipped("no conversational input")
        }
        var findings: [Finding] = []
        var perRecord: [Finding] = []
        var counts: [String: Int] = [:]
        var examples = 0
        var withoutSystem = 0
        var withSystem = 0
        var chatExamples = 0
        for file in files {
            examples += file.records.count
            findings += limitFindings(file)
            let results = Self.scan(file, options: options)
            for result in results {
                for finding in result.findings {
                    counts[finding.code, default: 0] += 1
                    perRecord.append(finding)
                }
                withoutSystem += result.withoutSystem
                withSystem += result.withSystem
                chatExamples += result.chatExamples
            }
        }
        perRecord.sort(by: Finding.reportOrder)
        if perRecord.count > options.maxFindings {
            // One summary per severity, so that counts weigh each by its findings.
            let bySeverity = Dictionary(grouping: perRecord[options.maxFindings...], by: \.severity)
            for (severity, rest) in bySeverity.sorted(by: { $0.key > $1.key }) {
                var byCode: [String: Int] = [:]
                for f in rest { byCode[f.code, default: 0] += 1 }
                let list = byCode.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                findings.append(
                    Finding(
                        checkID: Self.descriptor.id, code: "more_findings", severity: severity,
                        message:
                            "\(Format.count(rest.count, "more format problem")) not listed (\(list.joined(separator: ", "))), over 'max_findings' \(options.maxFindings)",
                        hint: "fix the listed problems and audit again, or raise 'max_findings'",
                        metrics: [FindingLimit.omittedMetric: Double(rest.count)]))
            }
            perRecord.removeSubrange(options.maxFindings...)
        }
        if let severity = options.missingSystem.severity, withSystem > 0, withoutSystem > 0 {
            counts["missing_system_message"] = withoutSystem
            findings.append(
                Finding(
                    checkID: Self.descriptor.id, code: "missing_system_message", severity: severity,
                    message:
                        "\(Format.count(withoutSystem, "example")) of \(chatExamples) \(withoutSystem == 1 ? "has" : "have") no system message while \(withSystem) \(withSystem == 1 ? "has" : "have") one",
                    hint:
                        "give every example the system message the model will run with, or none to all"
                ))
        }
        findings += perRecord
        var metrics: [String: Double] = [
            "examples": Double(examples), "examples_without_system": Double(withoutSystem),
        ]
        for (code, n) in counts { metrics[code] = Double(n) }
        let problems = counts.filter { $0.key != "missing_system_message" }.values.reduce(0, +)
        let summary =
            problems == 0
            ? "\(Format.count(examples, "example")) checked, no format problems"
            : "\(Format.count(problems, "format problem")) in \(Format.count(examples, "example")): "
                + counts.filter { $0.key != "missing_system_message" }
                .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(4).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary)
    }

    // MARK: - Provider limits

    private func limitFindings(_ file: InputFile) -> [Finding] {
        var out: [Finding] = []
        let n = file.records.count
        if options.maxFileBytes > 0 && file.byteCount > options.maxFileBytes {
            out.append(
                Finding(
                    checkID: Self.descriptor.id, code: "file_too_large", severity: .error,
                    message:
                        "file has \(Format.count(file.byteCount, "byte")), over 'max_file_bytes' \(options.maxFileBytes)",
                    hint: "split the file or remove examples", location: file.fileLocation))
        }
        if options.maxExamples > 0 && n > options.maxExamples {
            out.append(
                Finding(
                    checkID: Self.descriptor.id, code: "too_many_examples", severity: .error,
                    message:
                        "file has \(Format.count(n, "example")), over 'max_examples' \(options.maxExamples)",
                    hint: "split the file or sample it down", location: file.fileLocation))
        }
        if options.minExamples > 0 && file.split == .train && n < options.minExamples {
            out.append(
                Finding(
                    checkID: Self.descriptor.id, code: "too_few_examples", severity: .error,
                    message:
                        "training file has \(Format.count(n, "example")), below 'min_examples' \(options.minExamples)",
                    hint: "add examples: the provider rejects smaller files",
                    location: file.fileLocation))
        }
        return out
    }

    // MARK: - Records

    /// What one chunk of records gave.
    struct ChunkResult: Sendable {
        var findings: [Finding] = []
        var withSystem = 0
        var withoutSystem = 0
        var chatExamples = 0
    }

    /// Checks every record of `file`, in parallel chunks; results in record order.
    static func scan(_ file: InputFile, options: Options) -> [ChunkResult] {
        let records = file.records
        let chunk = 2_048
        let chunks = (records.count + chunk - 1) / chunk
        guard chunks > 0 else { return [] }
        let shape = file.schema.shape
        let validator = RecordValidator(options: options, shape: shape, file: file)
        let results = UnsafeMutableBufferPointer<ChunkResult>.allocate(capacity: chunks)
        results.initialize(repeating: ChunkResult())
        defer {
            results.deinitialize()  // the results' findings: leaked without it (AddressSanitizer)
            results.deallocate()
        }
        let target = SendableResults(base: results.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var result = ChunkResult()
            let end = min(records.count, (c + 1) * chunk)
            records.withUnsafeBufferPointer { buffer in
                for i in (c * chunk)..<end {
                    validator.validate(buffer[i], into: &result)
                }
            }
            target.base[c] = result
        }
        return Array(results)
    }

    private struct SendableResults: @unchecked Sendable {
        let base: UnsafeMutablePointer<ChunkResult>
    }
}

/// The per-record rules of `chat_format`.
struct RecordValidator: Sendable {
    let options: ChatFormatCheck.Options
    let shape: Shape
    let file: InputFile
    /// Roles allowed as written.
    let roles: Set<String>
    let messageKeys: Set<String>
    /// Severity of a message key outside `messageKeys`: error for the profile's own list, a
    /// warning for the standard keys (trainers differ in what they ignore).
    let unknownKeySeverity: Severity
    let recordKeys: Set<String>

    static let chatRoles = ["system", "developer", "user", "assistant", "tool", "function"]
    static let shareGPTRoles = ["system", "human", "gpt", "function_call", "observation", "tool"]
    static let chatKeys = [
        "role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call",
        "refusal",
    ]
    static let shareGPTKeys = ["from", "value", "weight"]

    init(options: ChatFormatCheck.Options, shape: Shape, file: InputFile) {
        self.options = options
        self.shape = shape
        self.file = file
        roles = Set(
            options.roles.isEmpty
                ? (shape == .sharegpt ? Self.shareGPTRoles : Self.chatRoles) : options.roles)
        messageKeys = Set(
            options.messageKeys.isEmpty
                ? (shape == .sharegpt ? Self.shareGPTKeys : Self.chatKeys) : options.messageKeys)
        unknownKeySeverity = options.messageKeys.isEmpty ? .warning : .error
        recordKeys = Set(options.recordKeys)
    }

    private func finding(
        _ record: Record, _ code: String, _ severity: Severity, _ message: String, hint: String,
        field: String? = nil
    ) -> Finding {
        Finding(
            checkID: ChatFormatCheck.descriptor.id, code: code, severity: severity,
            message: message, hint: hint, location: file.location(of: record, field: field))
    }

    func validate(_ record: Record, into result: inout ChatFormatCheck.ChunkResult) {
        if !recordKeys.isEmpty {
            let unknown = record.value.fieldNames.filter { !recordKeys.contains($0) }
            if !unknown.isEmpty {
                result.findings.append(
                    finding(
                        record, "unknown_record_key", .error,
                        "record has \(unknown.count == 1 ? "a key" : "keys") the profile does not accept: \(unknown.map { "'\($0)'" }.joined(separator: ", ")); accepted: \(options.recordKeys.joined(separator: ", "))",
                        hint: "remove the key or move its content into the messages"))
            }
        }
        guard let conversation = Conversation(record, shape: shape) else { return }
        switch shape {
        case .chat, .sharegpt:
            result.chatExamples += 1
            if conversation.turns.contains(where: { $0.kind == .system }) {
                result.withSystem += 1
            } else {
                result.withoutSystem += 1
            }
            let tools = declaredTools(record)
            validateMessages(record, conversation.turns, tools: tools, into: &result)
            // Order rules read canonical roles: with a role outside the profile they would
            // only restate that finding (a 'bot' reply is also "no assistant turn").
            if conversation.turns.allSatisfy({ roles.contains($0.role) }) {
                validateOrder(record, conversation.turns, into: &result)
            }
        case .preference:
            if case .array? = record.value["chosen"] {
                validateMessages(record, conversation.turns, tools: nil, into: &result)
            }
            validatePair(record, conversation, into: &result)
        default:
            break
        }
    }

    // MARK: Messages

    /// Tool names declared by the record (`tools[].function.name`, `functions[].name`); nil
    /// when it declares none (then calls are not checked against a list).
    private func declaredTools(_ record: Record) -> Set<String>? {
        var names = Set<String>()
        var declared = false
        if case .array(let tools)? = record.value["tools"] {
            declared = true
            for tool in tools {
                if let name = tool["function"]?["name"]?.stringValue ?? tool["name"]?.stringValue {
                    names.insert(name)
                }
            }
        }
        if case .array(let functions)? = record.value["functions"] {
            declared = true
            for function in functions {
                if let name = function["name"]?.stringValue { names.insert(name) }
            }
        }
        return declared ? names : nil
    }

    private func validateMessages(
        _ record: Record, _ turns: [Conversation.Turn], tools: Set<String>?,
        into result: inout ChatFormatCheck.ChunkResult
    ) {
        let contentKey = shape == .sharegpt ? "value" : "content"
        var pendingCalls: [String] = []  // ids of calls not yet answered
        var pendingAt: Conversation.Turn?
        var assistantTurns = 0
        var weightedOut = 0
        for turn in turns {
            let place = "message \(turn.index + 1) ('\(turn.role)')"
            guard let message = turn.message else { continue }
            if !roles.contains(turn.role) {
                result.findings.append(
                    finding(
                        record, "unknown_role", .error,
                        "\(place) has a role the profile does not accept; accepted: \(roles.sorted().joined(separator: ", "))",
                        hint: "use one of the accepted roles", field: turn.path))
            }
            // Most messages have only accepted keys: test without building a list.
            var allKnown = true
            if case .object(let fields) = message {
                for field in fields where !messageKeys.contains(field.name) {
                    allKnown = false
                    break
                }
            }
            if !allKnown {
                let unknown = message.fieldNames.filter { !messageKeys.contains($0) }
                let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
                let accepted = messageKeys.sorted().joined(separator: ", ")
                result.findings.append(
                    finding(
                        record, "unknown_key", unknownKeySeverity,
                        "\(place) has \(unknown.count == 1 ? "a key" : "keys") the profile does not accept: \(names); accepted: \(accepted)",
                        hint:
                            "remove the key, or list it in 'message_keys' if your trainer reads it",
                        field: turn.path))
            }
            let calls = toolCalls(message)
            if Self.isBlank(message[contentKey]) && calls.isEmpty {
                result.findings.append(
                    finding(
                        record, "empty_content", .error, "\(place) is empty or whitespace-only",
                        hint: "write the turn's text or remove the turn", field: turn.path))
            }
            if options.stringContent, let content = message[contentKey], content != .null,
                content.stringValue == nil
            {
                result.findings.append(
                    finding(
                        record, "non_string_content", .error,
                        "\(place) has \(content.kindName) content; the profile accepts only a string",
                        hint: "join the content parts into one string", field: turn.path))
            }
            if let weight = message["weight"] {
                if !options.weights {
                    result.findings.append(
                        finding(
                            record, "weight_not_supported", .error,
                            "\(place) has a 'weight', which the profile does not accept",
                            hint: "remove 'weight', or drop the turns it excludes",
                            field: turn.path))
                } else if weight != .number("0") && weight != .number("1") {
                    result.findings.append(
                        finding(
                            record, "invalid_weight", .error,
                            "\(place) has 'weight' \(Self.describe(weight)); it must be 0 or 1",
                            hint: "set 'weight' to 0 (do not train on this turn) or 1",
                            field: turn.path))
                } else if turn.kind != .assistant {
                    result.findings.append(
                        finding(
                            record, "invalid_weight", .warning,
                            "\(place) has a 'weight', which only assistant turns use",
                            hint: "remove 'weight' from non-assistant turns", field: turn.path))
                }
            }
            if turn.kind == .assistant {
                assistantTurns += 1
                if message["weight"] == .number("0") { weightedOut += 1 }
            }
            // Tool calls: JSON arguments, declared names; results follow calls.
            for call in calls {
                if let tools, let name = call.name, !tools.contains(name) {
                    result.findings.append(
                        finding(
                            record, "undeclared_tool", .error,
                            "\(place) calls '\(name)', which the record's tools do not declare; declared: \(tools.isEmpty ? "none" : tools.sorted().joined(separator: ", "))",
                            hint: "declare the tool in 'tools' or fix the name", field: turn.path))
                }
                if let problem = call.argumentsProblem {
                    result.findings.append(
                        finding(
                            record, "invalid_tool_arguments", .error,
                            "\(place) calls '\(call.name ?? "?")' with arguments that are \(problem)",
                            hint: "write the arguments as a JSON object encoded in a string",
                            field: turn.path))
                }
            }
            if turn.kind == .tool {
                let id = message["tool_call_id"]?.stringValue
                if pendingAt == nil {
                    result.findings.append(
                        finding(
                            record, "tool_result_without_call", .error,
                            "\(place) is a tool result that follows no tool call",
                            hint: "put the assistant turn with the tool call before its result",
                            field: turn.path))
                } else if let id, !pendingCalls.isEmpty, !pendingCalls.contains(id) {
                    result.findings.append(
                        finding(
                            record, "tool_result_without_call", .error,
                            "\(place) answers tool call '\(id)', which the preceding call does not make",
                            hint: "match 'tool_call_id' to the id of the call it answers",
                            field: turn.path))
                } else if let id {
                    pendingCalls.removeAll { $0 == id }
                } else if !pendingCalls.isEmpty {
                    pendingCalls.removeFirst()
                }
                continue
            }
            if let pending = pendingAt, !pendingCalls.isEmpty || turn.kind == .user,
                turn.kind != .system
            {
                // A call answered by no result before the conversation went on.
                if !pendingCalls.isEmpty {
                    result.findings.append(
                        finding(
                            record, "tool_call_without_result", .warning,
                            "message \(pending.index + 1) ('\(pending.role)') makes a tool call that no tool result answers before \(place)",
                            hint: "add the tool's result after the call", field: pending.path))
                }
            }
            pendingAt = nil
            pendingCalls = []
            if !calls.isEmpty {
                pendingAt = turn
                pendingCalls = calls.compactMap(\.id)
                if pendingCalls.isEmpty { pendingCalls = calls.map { _ in "" } }
            }
        }
        if assistantTurns > 0 && weightedOut == assistantTurns {
            result.findings.append(
                finding(
                    record, "nothing_to_learn", .error,
                    "every assistant turn has 'weight' 0: the example trains nothing",
                    hint: "set 'weight' 1 on the turns to learn, or remove the example"))
        }
    }

    /// One tool or function call of a message.
    struct ToolCall {
        var id: String?
        var name: String?
        /// Why the arguments are not a JSON object in a string; nil when they are.
        var argumentsProblem: String?
    }

    /// The calls of `tool_calls` and `function_call`.
    private func toolCalls(_ message: DataValue) -> [ToolCall] {
        var calls: [ToolCall] = []
        if case .array(let items)? = message["tool_calls"] {
            for item in items {
                let function = item["function"]
                calls.append(
                    ToolCall(
                        id: item["id"]?.stringValue, name: function?["name"]?.stringValue,
                        argumentsProblem: Self.argumentsProblem(function?["arguments"])))
            }
        }
        if let call = message["function_call"], call != .null {
            calls.append(
                ToolCall(
                    id: nil, name: call["name"]?.stringValue,
                    argumentsProblem: Self.argumentsProblem(call["arguments"])))
        }
        return calls
    }

    /// Why `arguments` is not a JSON object encoded in a string; nil when it is.
    static func argumentsProblem(_ arguments: DataValue?) -> String? {
        guard let arguments else { return "missing" }
        guard case .string(let text) = arguments else {
            let kind = arguments.kindName == "object" ? "an object" : "a \(arguments.kindName)"
            return "\(kind), not a string of JSON"
        }
        var bytes = Array(text.utf8)
        bytes.append(0)  // the parser may read one byte past the end
        let value = bytes.withUnsafeBufferPointer { b -> DataValue? in
            var parser = JSONByteParser(base: b.baseAddress!, start: 0, end: b.count - 1)
            parser.skipWhitespace()
            guard let value = try? parser.parseValue() else { return nil }
            parser.skipWhitespace()
            return parser.pos == parser.end ? value : nil
        }
        guard let value else { return "not valid JSON: '\(Format.excerpt(text, limit: 40))'" }
        guard case .object = value else { return "valid JSON but not an object" }
        return nil
    }

    /// Content with nothing in it: absent, null, blank text, or a list of parts none of which
    /// has non-blank text or is a non-text part (an image, audio, a file).
    static func isBlank(_ content: DataValue?) -> Bool {
        switch content {
        case .string(let s)?: return s.allSatisfy(\.isWhitespace)
        case .array(let parts)?:
            return parts.allSatisfy { part in
                switch part {
                case .string(let s): return s.allSatisfy(\.isWhitespace)
                case .object:
                    if let text = part["text"]?.stringValue {
                        return text.allSatisfy(\.isWhitespace)
                    }
                    // A typed part without text (image_url, input_audio, file) is content.
                    return part["type"] == nil || part["type"] == .string("text")
                default: return true
                }
            }
        case .number?, .bool?, .object?: return false
        case nil, .null?: return true
        }
    }

    static func describe(_ value: DataValue) -> String {
        switch value {
        case .string(let s): "'\(s)'"
        case .number(let n): n
        default: "of type \(value.kindName)"
        }
    }

    // MARK: Order

    private func validateOrder(
        _ record: Record, _ turns: [Conversation.Turn],
        into result: inout ChatFormatCheck.ChunkResult
    ) {
        guard !turns.isEmpty else { return }
        if !turns.contains(where: { $0.kind == .assistant }) {
            result.findings.append(
                finding(
                    record, "no_assistant_turn", .error,
                    "the conversation has no assistant turn: there is nothing to train on",
                    hint: "add the assistant's reply or remove the example"))
            return
        }
        if !turns.contains(where: { $0.kind == .user }) {
            result.findings.append(
                finding(
                    record, "no_user_message", .warning,
                    "the conversation has no user message",
                    hint:
                        "add the user turn the assistant answers, or confirm the example is meant "
                        + "to start with the assistant"))
        }
        if options.systemFirst,
            let late = turns.dropFirst().first(where: { turn in
                turn.kind == .system
                    && turns[..<(turns.firstIndex { $0.index == turn.index } ?? 0)].contains {
                        $0.kind != .system
                    }
            })
        {
            result.findings.append(
                finding(
                    record, "system_not_first", .warning,
                    "message \(late.index + 1) ('\(late.role)') is a system message after the conversation started",
                    hint: "move system instructions to the first message", field: late.path))
        }
        if options.alternate {
            // A tool result between two assistant turns (call, result, answer) is a turn too.
            var previous: Conversation.Turn?
            for turn in turns where turn.kind != .system {
                if let p = previous, p.kind == turn.kind, turn.kind != .tool {
                    result.findings.append(
                        finding(
                            record, "consecutive_roles", .warning,
                            "messages \(p.index + 1) and \(turn.index + 1) are both '\(turn.role)' turns in a row",
                            hint: "merge the two turns or insert the missing turn between them",
                            field: turn.path))
                    break
                }
                previous = turn
            }
        }
        if options.lastAssistant, let last = turns.last, last.kind != .assistant {
            result.findings.append(
                finding(
                    record, "last_turn_not_assistant", .warning,
                    "the conversation ends with message \(last.index + 1) ('\(last.role)'), not an assistant turn: that turn teaches nothing",
                    hint: "end the example with the assistant's reply, or drop the trailing turn",
                    field: last.path))
        }
    }

    // MARK: Preference pairs

    private func validatePair(
        _ record: Record, _ conversation: Conversation,
        into result: inout ChatFormatCheck.ChunkResult
    ) {
        let chosen = conversation.target.map(\.content).joined(separator: "\n")
        let rejected = (conversation.rejected ?? []).map(\.content).joined(separator: "\n")
        let chosenBlank = chosen.allSatisfy(\.isWhitespace)
        let rejectedBlank = rejected.allSatisfy(\.isWhitespace)
        if chosenBlank || rejectedBlank {
            let side =
                chosenBlank && rejectedBlank
                ? "both sides are" : chosenBlank ? "'chosen' is" : "'rejected' is"
            result.findings.append(
                finding(
                    record, "empty_side", .error, "\(side) empty after the prompt",
                    hint: "write both responses or remove the pair",
                    field: chosenBlank ? "chosen" : "rejected"))
            return
        }
        if chosen == rejected {
            result.findings.append(
                finding(
                    record, "identical_pair", .error,
                    "'chosen' and 'rejected' are the same response: the pair teaches no preference",
                    hint: "replace the rejected response with a worse one, or remove the pair"))
            return
        }
        // Without a `prompt` field, the sides must share the prompt and differ in the answer.
        if record.value["prompt"] == nil || record.value["prompt"] == .null,
            let first = conversation.target.first, let other = conversation.rejected?.first,
            first.kind != .assistant || other.kind != .assistant
        {
            let turn = first.kind != .assistant ? first : other
            result.findings.append(
                finding(
                    record, "prompt_mismatch", .error,
                    "'chosen' and 'rejected' differ at \(turn.path) ('\(turn.role)'), before the responses: the two sides do not answer the same prompt",
                    hint: "make both sides start with the same prompt turns", field: turn.path))
        }
        if options.maxLengthRatio > 0 {
            let a = chosen.unicodeScalars.count
            let b = rejected.unicodeScalars.count
            let ratio = Double(max(a, b)) / Double(max(1, min(a, b)))
            if ratio > options.maxLengthRatio {
                result.findings.append(
                    finding(
                        record, "length_ratio", .warning,
                        "'\(a > b ? "chosen" : "rejected")' is \(Format.number(ratio)) times as long as '\(a > b ? "rejected" : "chosen")' (\(max(a, b)) vs \(min(a, b)) characters), over 'max_length_ratio' \(Format.number(options.maxLengthRatio))",
                        hint:
                            "check the shorter side is complete: a reward model learns length from pairs like this"
                    ))
            }
        }
    }
}
