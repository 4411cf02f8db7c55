/// What kind of examples an input holds, detected from its fields or set by the rules.
public enum Shape: String, CaseIterable, Sendable, Codable {
    /// A text and a label (`text`/`label`-like fields).
    case classification
    /// OpenAI-style `messages` with `role`/`content`.
    case chat
    /// ShareGPT `conversations` with `from`/`value`.
    case sharegpt
    /// `prompt` and `completion`.
    case promptCompletion = "prompt_completion"
    /// `instruction`, optional `input`, `output`.
    case instruction
    /// `prompt`, `chosen`, `rejected`.
    case preference
    /// Text without a label.
    case text
    /// Nothing recognisable (no records, or no known fields).
    case unknown

    /// Shapes whose examples carry a class label.
    public var hasLabels: Bool { self == .classification }
    /// Conversational and generative shapes, whose duplicate key is the whole example.
    public var isGenerative: Bool {
        switch self {
        case .chat, .sharegpt, .promptCompletion, .instruction, .preference: true
        case .classification, .text, .unknown: false
        }
    }

    /// Message roles (chat `role`, ShareGPT `from`) that mark a model turn: a final turn with
    /// one of these is the target of a chat example, and is left out of its input.
    public static let assistantRoles: Set<String> = ["assistant", "gpt", "model"]

    /// Message roles that carry instructions to the model rather than the conversation:
    /// near-duplicate similarity and the prompt comparison of conflicting answers leave them
    /// out.
    public static let systemRoles: Set<String> = ["system", "developer"]
}

/// The input formats Preflight reads.
public enum InputFormat: String, CaseIterable, Sendable, Codable {
    case jsonl, csv, tsv, yaml, json
}
