/// A parsed record value, independent of the input format.
///
/// Numbers keep their lexeme so that `1`, `1.0` and `"1"` stay distinguishable
/// (label hygiene reports numeric-vs-string label mixes). Object fields keep file order.
public enum DataValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([DataValue])
    case object([DataField])

    /// The value of the first field named `name`, when this is an object.
    public subscript(name: String) -> DataValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.name == name }?.value
    }

    /// The string payload, when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A string or a number as text; nil for other kinds.
    public var scalarText: String? {
        switch self {
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    /// The field names, when this is an object.
    public var fieldNames: [String] {
        guard case .object(let fields) = self else { return [] }
        return fields.map(\.name)
    }

    /// A short name of the value's kind for messages: "string", "number", "object", …
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A named field of an object value.
public struct DataField: Hashable, Sendable {
    public var name: String
    public var value: DataValue
    public init(_ name: String, _ value: DataValue) {
        self.name = name
        self.value = value
    }
}
