import PreflightCore

/// The turns of a generative record, read from its parsed value, for the checks of
/// conversational data (`chat_format`, `token_budget`, `text_quality`, `pii`, …).
///
/// Every generative shape becomes a list of turns with a canonical role:
/// - chat (`messages`, `role`/`content`) and ShareGPT (`conversations`, `from`/`value`): one
///   turn per message, `message` holding the message object (for its keys, `weight`,
///   `tool_calls`, `name`);
/// - prompt/completion: a user turn (`prompt`) and an assistant turn (`completion`);
/// - instruction: a user turn (`instruction`, then `input` on a new line when not blank) and
///   an assistant turn (`output`);
/// - preference: the prompt turns (`prompt` as a string is one user turn, as a list its
///   messages; without `prompt`, the messages `chosen` and `rejected` start with in common),
///   then the chosen side's turns; `rejected` holds the rejected side's turns after the same
///   prompt.
///
/// Records reaching checks were validated by the reader (`malformed_record`), so lists are
/// lists of objects with string roles; a value of another form is skipped here.
struct Conversation: Sendable {
    /// Canonical roles.
    enum Role: String, Sendable {
        case system, user, assistant, tool, other
    }

    struct Turn: Sendable {
        /// 0-based index of the message in its list (for chat and ShareGPT), else of the turn.
        var index: Int
        /// The role as written (`human`, `gpt`, `developer`, `function`, …).
        var role: String
        var kind: Role
        /// The text: a string, or text parts joined by "\n"; "" when absent or null.
        var content: String
        /// The message object of chat, ShareGPT and preference message lists; nil otherwise.
        var message: DataValue?
        /// The field the turn is in (`messages`, `chosen`, `completion`), a static string.
        var field: String
        /// The turn's index in that field's list; nil when the field holds one text.
        var listIndex: Int?

        init(
            index: Int, role: String, kind: Role, content: String, message: DataValue?,
            field: String, listIndex: Int? = nil
        ) {
            self.index = index
            self.role = role
            self.kind = kind
            self.content = content
            self.message = message
            self.field = field
            self.listIndex = listIndex
        }

        /// Where the turn is: `messages[2]`, `chosen[1]`, `completion`. Built on demand (only
        /// findings name it), not for every turn of every record.
        var path: String { listIndex.map { "\(field)[\($0)]" } ?? field }
    }

    /// The example as trained on: prompt turns then the target (chosen) turns.
    var turns: [Turn]
    /// The prompt turns shared by both sides of a preference pair (`turns.prefix(promptCount)`).
    var promptCount: Int
    /// The rejected side's turns after the prompt, for preference pairs.
    var rejected: [Turn]?

    /// The canonical role of a role as written.
    static func kind(of role: String) -> Role {
        switch role {
        case "system", "developer": .system
        case "user", "human": .user
        case "assistant", "gpt", "model", "function_call": .assistant
        case "tool", "function", "observation", "ipython": .tool
        default: .other
        }
    }

    /// The conversation of `record` in a file of `shape`; nil for non-generative shapes.
    init?(_ record: Record, shape: Shape) {
        let value = record.value
        switch shape {
        case .chat, .sharegpt:
            let list = shape == .chat ? "messages" : "conversations"
            turns = Self.messages(value[list], path: list, sharegpt: shape == .sharegpt)
            promptCount = turns.count - (turns.last?.kind == .assistant ? 1 : 0)
            rejected = nil
        case .promptCompletion:
            turns = [
                Turn(
                    index: 0, role: "user", kind: .user, content: Self.text(value["prompt"]),
                    message: nil, field: "prompt"),
                Turn(
                    index: 1, role: "assistant", kind: .assistant,
                    content: Self.text(value["completion"]), message: nil, field: "completion"),
            ]
            promptCount = 1
            rejected = nil
        case .instruction:
            var prompt = Self.text(value["instruction"])
            let extra = Self.text(value["input"])
            if !extra.allSatisfy(\.isWhitespace) { prompt += "\n" + extra }
            turns = [
                Turn(
                    index: 0, role: "user", kind: .user, content: prompt, message: nil,
                    field: "instruction"),
                Turn(
                    index: 1, role: "assistant", kind: .assistant,
                    content: Self.text(value["output"]), message: nil, field: "output"),
            ]
            promptCount = 1
            rejected = nil
        case .preference:
            let chosen = Self.side(value["chosen"], path: "chosen")
            let rejectedSide = Self.side(value["rejected"], path: "rejected")
            var prompt: [Turn]
            var shared = 0
            if let p = value["prompt"], p != .null {
                if case .array = p {
                    prompt = Self.messages(p, path: "prompt", sharegpt: false)
                } else {
                    prompt = [
                        Turn(
                            index: 0, role: "user", kind: .user, content: Self.text(p),
                            message: nil, field: "prompt")
                    ]
                }
            } else {
                while shared < chosen.count, shared < rejectedSide.count,
                    chosen[shared].role == rejectedSide[shared].role,
                    chosen[shared].content == rejectedSide[shared].content
                {
                    shared += 1
                }
                prompt = Array(chosen.prefix(shared))
            }
            turns = prompt + chosen.dropFirst(shared)
            promptCount = prompt.count
            rejected = Array(rejectedSide.dropFirst(shared))
        case .classification, .text, .unknown:
            return nil
        }
    }

    /// The target turns (after the prompt).
    var target: ArraySlice<Turn> { turns[promptCount...] }

    // MARK: - Reading values

    /// The messages of a list; ShareGPT lists use `from`/`value`.
    static func messages(_ list: DataValue?, path: String, sharegpt: Bool) -> [Turn] {
        guard case .array(let items)? = list else { return [] }
        let roleKey = sharegpt ? "from" : "role"
        let contentKey = sharegpt ? "value" : "content"
        var out: [Turn] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .object = item else { continue }
            let role = item[roleKey]?.stringValue ?? ""
            out.append(
                Turn(
                    index: i, role: role, kind: kind(of: role), content: text(item[contentKey]),
                    message: item, field: path, listIndex: i))
        }
        return out
    }

    /// A side of a preference pair: a string is one assistant turn, a list its messages.
    private static func side(_ value: DataValue?, path: String) -> [Turn] {
        if case .array? = value { return messages(value, path: path, sharegpt: false) }
        return [
            Turn(
                index: 0, role: "assistant", kind: .assistant, content: text(value),
                message: nil, field: path)
        ]
    }

    /// The text of content parts: the strings and the `text` of part objects, joined by "\n"
    /// (image, audio and other parts have none).
    static func partsText(_ parts: [DataValue]) -> String {
        var texts: [String] = []
        for part in parts {
            if case .string(let s) = part {
                texts.append(s)
            } else if case .string(let s)? = part["text"] {
                texts.append(s)
            }
        }
        return texts.joined(separator: "\n")
    }

    /// A string, a number's lexeme, or text parts (strings or `{"text": …}`) joined by "\n".
    static func text(_ value: DataValue?) -> String {
        switch value {
        case .string(let s)?: return s
        case .number(let n)?: return n
        case .array(let parts)?: return partsText(parts)
        default: return ""
        }
    }
}
