/// Typed options of a check, decoded from `checks.<id>` of a rule file.
///
/// Options declare their keys in a table (`fields`) rather than through `Decodable`:
/// the table gives defaults for missing keys, unknown-key detection with suggestions,
/// precise `file:line:col` errors, and the documented `rules --defaults` output, from one
/// declaration.
public protocol CheckOptions: Sendable, Equatable {
    init()
    /// Every option key, in documentation order.
    static var fields: [OptionField<Self>] { get }
    /// Cross-field rules, e.g. `warning_ratio < error_ratio`.
    /// - Throws: `OptionsError` naming the offending key.
    func validate() throws(OptionsError)
}

extension CheckOptions {
    public func validate() throws(OptionsError) {}
}

/// Options of a check that has none.
public struct NoOptions: CheckOptions {
    public init() {}
    public static var fields: [OptionField<NoOptions>] { [] }
}

/// A failed cross-field rule or value constraint.
public struct OptionsError: Error, Sendable, Equatable {
    /// The key the problem is reported at.
    public var key: String
    public var message: String
    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }
}

/// One documented option key of a check.
public struct OptionField<Root>: Sendable {
    public let key: String
    public let doc: String
    let decodeInto: @Sendable (inout Root, YAMLNode) throws(OptionValueError) -> Void
    let encodeFrom: @Sendable (Root) -> YAMLValue

    /// Declares an option.
    /// - Parameters:
    ///   - key: the snake_case YAML key.
    ///   - path: where the value lives in the options struct.
    ///   - doc: one line for the generated rule file.
    ///   - check: an extra constraint on the value (range, non-empty); returns an error text.
    public init<V: OptionValue>(
        _ key: String, _ path: WritableKeyPath<Root, V> & Sendable, doc: String,
        check: (@Sendable (V) -> String?)? = nil
    ) {
        self.key = key
        self.doc = doc
        decodeInto = { (root: inout Root, node: YAMLNode) throws(OptionValueError) in
            let value = try V(yaml: node)
            if let problem = check?(value) { throw OptionValueError(node.mark, problem) }
            root[keyPath: path] = value
        }
        encodeFrom = { root in root[keyPath: path].yamlValue }
    }

    /// Decodes `node` into this option of `root`.
    public func decode(_ node: YAMLNode, into root: inout Root) throws(OptionValueError) {
        try decodeInto(&root, node)
    }

    /// The option's current value in `root`, for emitting rule files.
    public func value(in root: Root) -> YAMLValue { encodeFrom(root) }
}

/// A value that can be written and read in a rule file.
public protocol OptionValue: Sendable, Equatable {
    /// - Throws: `OptionValueError` at the node's mark when the node has the wrong type.
    init(yaml: YAMLNode) throws(OptionValueError)
    var yamlValue: YAMLValue { get }
}

/// A wrong type or out-of-range value at a position in a rule file.
public struct OptionValueError: Error, Sendable, Equatable {
    public var mark: YAMLMark
    public var message: String
    public init(_ mark: YAMLMark, _ message: String) {
        self.mark = mark
        self.message = message
    }
}

/// A value to emit into a generated rule file.
public enum YAMLValue: Sendable, Equatable {
    case scalar(String)
    case list([String])
    case map([(String, YAMLValue)])

    public static func == (lhs: YAMLValue, rhs: YAMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.map(let a), .map(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }
}

// MARK: - Standard option values

extension Bool: OptionValue {
    public init(yaml: YAMLNode) throws(OptionValueError) {
        switch yaml.kind {
        case .scalar("true", plain: true): self = true
        case .scalar("false", plain: true): self = false
        default:
            throw OptionValueError(
                yaml.mark, "expected true or false, found \(yaml.kindName) \(yaml.quotedScalar)")
        }
    }
    public var yamlValue: YAMLValue { .scalar(self ? "true" : "false") }
}

extension Int: OptionValue {
    public init(yaml: YAMLNode) throws(OptionValueError) {
        guard case .scalar(let s, plain: true) = yaml.kind, let v = Int(s.replacingUnderscores)
        else {
            throw OptionValueError(
                yaml.mark, "expected an integer, found \(yaml.kindName) \(yaml.quotedScalar)")
        }
        self = v
    }
    public var yamlValue: YAMLValue { .scalar(String(self)) }
}

extension Double: OptionValue {
    public init(yaml: YAMLNode) throws(OptionValueError) {
        guard case .scalar(let s, plain: true) = yaml.kind, let v = Double(s.replacingUnderscores),
            v.isFinite
        else {
            throw OptionValueError(
                yaml.mark, "expected a number, found \(yaml.kindName) \(yaml.quotedScalar)")
        }
        self = v
    }
    public var yamlValue: YAMLValue {
        .scalar(self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self))
    }
}

extension String: OptionValue {
    public init(yaml: YAMLNode) throws(OptionValueError) {
        guard case .scalar(let s, _) = yaml.kind, !yaml.isNull else {
            throw OptionValueError(yaml.mark, "expected a string, found \(yaml.kindName)")
        }
        self = s
    }
    public var yamlValue: YAMLValue { .scalar(self) }
}

extension Array: OptionValue where Element: OptionValue & LosslessStringConvertible {
    public init(yaml: YAMLNode) throws(OptionValueError) {
        guard let items = yaml.items else {
            throw OptionValueError(yaml.mark, "expected a list, found \(yaml.kindName)")
        }
        var out: [Element] = []
        for item in items { out.append(try Element(yaml: item)) }
        self = out
    }
    public var yamlValue: YAMLValue { .list(map { $0.description }) }
}

extension Severity: OptionValue {
    public init(yaml: YAMLNode) throws(OptionValueError) {
        guard let s = yaml.scalar, let v = Severity(rawValue: s) else {
            throw OptionValueError(
                yaml.mark, "expected one of info, warning, error, found \(yaml.quotedScalar)")
        }
        self = v
    }
    public var yamlValue: YAMLValue { .scalar(rawValue) }
}

/// Enums with string raw values read as one of their cases.
public protocol OptionEnum: OptionValue, RawRepresentable, CaseIterable, LosslessStringConvertible
where RawValue == String {}

extension OptionEnum {
    public init(yaml: YAMLNode) throws(OptionValueError) {
        let choices = Self.allCases.map(\.rawValue)
        guard let s = yaml.scalar, let v = Self(rawValue: s) else {
            var message =
                "expected one of \(choices.joined(separator: ", ")), found \(yaml.quotedScalar)"
            if let s = yaml.scalar, let near = Suggestion.closest(to: s, in: choices) {
                message += "; did you mean '\(near)'?"
            }
            throw OptionValueError(yaml.mark, message)
        }
        self = v
    }
    public init?(_ description: String) { self.init(rawValue: description) }
    public var description: String { rawValue }
    public var yamlValue: YAMLValue { .scalar(rawValue) }
}

extension YAMLNode {
    /// The scalar in quotes, or the kind name, for messages.
    var quotedScalar: String {
        if let s = scalar { return "'\(s)'" }
        return kindName
    }
}

extension String {
    fileprivate var replacingUnderscores: String { replacingOccurrences(of: "_", with: "") }
}
