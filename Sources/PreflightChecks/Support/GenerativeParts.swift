import PreflightCore

/// The response side of a generative record, read back from its parsed value the way
/// `RecordProjector` (PreflightReaders) reads it when it builds `input` and `example`.
///
/// `Record` carries the prompt side (`input`) and the whole example, but not the target on
/// its own; `example` minus the `input` prefix gives it for prompt/completion and
/// instruction records but not for preference pairs (chosen and rejected are joined), so
/// every shape reads the target from `value` here, with the projector's rules:
/// - chat / sharegpt: the content of the final message when its role (`role` / `from`) is
///   one of `Shape.assistantRoles` (content parts joined by "\n"), else no target. A final
///   message with no text (tool calls only) has no target either.
/// - prompt_completion: `completion`. instruction: `output`.
/// - preference: `chosen` (the target) and `rejected`: a string as written, a message list
///   as its contents joined by "\n". Without a `prompt` field the projector's input is the
///   lines (or messages) the two sides start with in common, so they are dropped from both.
///
/// Records reaching a check were validated by the projector, so a value of an unexpected
/// form means "no target" here, never an error.
struct GenerativeParts: Sendable, Equatable {
    /// What the example teaches: the final assistant message, completion, output or chosen.
    var target: String
    /// The rejected response of a preference pair.
    var rejected: String?
    /// Role labels (`user: `) the projector wrote into `input`: one per prompt message of
    /// chat and ShareGPT records and of preference message lists. Not words of the prompt.
    var roleLabels: Int

    /// The parts of `record`, a record of a file of `shape`; nil when the shape is not
    /// generative or the record has no target.
    init?(_ record: Record, shape: Shape) {
        let value = record.value
        switch shape {
        case .chat, .sharegpt:
            let keys = Self.messageKeys(shape)
            guard case .array(let messages)? = value[keys.list], let last = messages.last,
                let role = last[keys.role]?.stringValue, Shape.assistantRoles.contains(role),
                let content = Self.content(last[keys.content]), !Self.isBlank(content)
            else { return nil }
            self.init(target: content, rejected: nil, roleLabels: messages.count - 1)
        case .promptCompletion, .instruction:
            let field = shape == .instruction ? "output" : "completion"
            guard let text = Self.scalar(value[field]), !Self.isBlank(text) else { return nil }
            self.init(target: text, rejected: nil, roleLabels: 0)
        case .preference:
            guard let chosen = Self.side(value["chosen"]),
                let rejected = Self.side(value["rejected"])
            else { return nil }
            var shared = 0
            var roleLabels = 0
            if let prompt = value["prompt"], prompt != .null {
                if case .array(let messages) = prompt { roleLabels = messages.count }
            } else {
                while shared < chosen.count, shared < rejected.count,
                    chosen[shared].line == rejected[shared].line
                {
                    shared += 1
                }
                if chosen.first?.isMessage == true { roleLabels = shared }
            }
            let target = chosen[shared...].map(\.text).joined(separator: "\n")
            guard !Self.isBlank(target) else { return nil }
            self.init(
                target: target,
                rejected: rejected[shared...].map(\.text).joined(separator: "\n"),
                roleLabels: roleLabels)
        case .classification, .text, .unknown:
            return nil
        }
    }

    private init(target: String, rejected: String?, roleLabels: Int) {
        self.target = target
        self.rejected = rejected
        self.roleLabels = roleLabels
    }

    // MARK: - Value helpers

    /// The list, role and content keys of a chat (`messages`) or ShareGPT record.
    private static func messageKeys(_ shape: Shape) -> (list: String, role: String, content: String)
    {
        shape == .sharegpt ? ("conversations", "from", "value") : ("messages", "role", "content")
    }

    /// A message's content: a string, or the text of its parts joined by "\n"; "" when
    /// absent (a message with tool calls only).
    private static func content(_ value: DataValue?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .array(let parts)?: return Conversation.partsText(parts)
        case nil, .null?: return ""
        default: return nil
        }
    }

    /// A string, or a number's lexeme.
    private static func scalar(_ value: DataValue?) -> String? {
        switch value {
        case .string(let s)?: s
        case .number(let n)?: n
        default: nil
        }
    }

    /// One line of a preference side: the projector's line, and the text it contributes.
    private struct Unit {
        var line: String
        var text: String
        var isMessage: Bool
    }

    /// A preference side: a string's lines, or a message list's messages.
    private static func side(_ value: DataValue?) -> [Unit]? {
        if case .array(let messages)? = value {
            return messages.map { message in
                let role = message["role"]?.stringValue ?? ""
                let text = content(message["content"]) ?? ""
                return Unit(line: role + ": " + text, text: text, isMessage: true)
            }
        }
        guard let text = scalar(value) else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map {
            Unit(line: String($0), text: String($0), isMessage: false)
        }
    }

    /// True when `s` is empty or only whitespace.
    static func isBlank(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }
}
