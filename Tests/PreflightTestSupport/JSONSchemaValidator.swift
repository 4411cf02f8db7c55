import Foundation

/// A parsed JSON value, for comparing documents and validating them against a schema.
///
/// Numbers are kept as `Double`; `integer` in a schema means a whole number.
public enum JSONValue: Equatable, Sendable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses a JSON document.
    /// - Throws: `DecodingError` when `data` is not JSON.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let v = try? c.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? c.decode(Double.self) {
            self = .number(v)
        } else if let v = try? c.decode(String.self) {
            self = .string(v)
        } else if let v = try? c.decode([JSONValue].self) {
            self = .array(v)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The element at `index` of an array, or nil.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    /// The value with the member at `key` replaced (or removed when `value` is nil);
    /// used to build broken documents in tests.
    public func setting(_ key: String, to value: JSONValue?) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }

    /// The JSON type name as a schema's `type` uses it (`integer` for whole numbers).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let v): v.rounded(.towardZero) == v && v.isFinite ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Compact JSON-like text for error messages.
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let v): "\(v)"
        case .number(let v): v.rounded(.towardZero) == v && abs(v) < 1e15 ? "\(Int64(v))" : "\(v)"
        case .string(let v): "\"\(v)\""
        case .array(let items): "[" + items.map(\.description).joined(separator: ",") + "]"
        case .object(let members):
            "{"
                + members.keys.sorted().map { "\"\($0)\":\(members[$0]!)" }
                .joined(separator: ",") + "}"
        }
    }
}

/// Validates JSON documents against a JSON Schema (draft 2020-12, and the draft-04 spelling the
/// OASIS SARIF 2.1.0 schema uses), for the subset of keywords Preflight's schemas use.
///
/// Supported: `type` (string or list), `properties`, `required`, `additionalProperties`
/// (boolean or schema), `items`, `enum`, `const`, `minimum`, `maximum`, `minLength`,
/// `pattern`, `minItems`, `maxItems`, `uniqueItems`, `$ref` to `#/$defs/NAME` or `#/definitions/NAME`,
/// `anyOf`, `oneOf`. Annotations (`$schema`, `$id`, `id`, `$defs`, `definitions`, `title`,
/// `description`, `$comment`, `examples`, `default`, and `format`, which JSON Schema makes an
/// annotation unless a validator opts in) are ignored. Any other keyword is reported as an
/// error, so a schema cannot silently rely on something this validator does not check.
public struct JSONSchemaValidator: Sendable {
    /// The root schema.
    public let schema: JSONValue

    private static let annotations: Set<String> = [
        "$schema", "$id", "$defs", "title", "description", "$comment", "examples",
        // Draft-04 spellings and annotations of the SARIF 2.1.0 schema.
        "id", "definitions", "default", "format",
    ]
    private static let assertions: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "enum", "const",
        "minimum", "minLength", "pattern", "$ref", "anyOf", "oneOf",
        "maximum", "minItems", "maxItems", "uniqueItems",
    ]

    /// Creates a validator for a parsed schema.
    public init(schema: JSONValue) { self.schema = schema }

    /// Creates a validator from a schema file.
    /// - Throws: When the file cannot be read or is not JSON.
    public init(contentsOf url: URL) throws {
        self.init(schema: try JSONValue.parse(Data(contentsOf: url)))
    }

    /// Validates a document.
    /// - Returns: One message per violation, each starting with the JSON path of the value
    ///   (`$.findings[2].severity: …`); empty when the document is valid.
    public func validate(_ instance: JSONValue) -> [String] {
        var errors: [String] = []
        check(instance, against: schema, at: "$", errors: &errors)
        return errors
    }

    /// Validates a document given as bytes.
    /// - Returns: The violations, or one message when `data` is not JSON.
    public func validate(_ data: Data) -> [String] {
        do { return validate(try JSONValue.parse(data)) } catch {
            return ["$: not JSON: \(error)"]
        }
    }

    // MARK: - Keywords

    private func check(
        _ value: JSONValue, against schema: JSONValue, at path: String, errors: inout [String]
    ) {
        if case .bool(let allowed) = schema {
            if !allowed { errors.append("\(path): no value is allowed here") }
            return
        }
        guard case .object(let keywords) = schema else {
            errors.append("\(path): schema is not an object or boolean")
            return
        }
        for key in keywords.keys.sorted()
        where !Self.annotations.contains(key) && !Self.assertions.contains(key) {
            errors.append("\(path): schema keyword '\(key)' is not supported by the validator")
        }

        if let ref = keywords["$ref"] {
            if case .string(let pointer) = ref, let target = resolve(pointer) {
                check(value, against: target, at: path, errors: &errors)
            } else {
                errors.append("\(path): cannot resolve $ref \(ref)")
            }
        }

        if let type = keywords["type"] {
            let allowed: [String]
            switch type {
            case .string(let name): allowed = [name]
            case .array(let names):
                allowed = names.compactMap { if case .string(let n) = $0 { n } else { nil } }
            default: allowed = []
            }
            let actual = value.typeName
            let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !ok {
                errors.append(
                    "\(path): expected \(allowed.joined(separator: " or ")), found \(actual)")
                return  // further keywords would only repeat the type error
            }
        }

        if let options = keywords["enum"], case .array(let allowed) = options,
            !allowed.contains(value)
        {
            errors.append("\(path): \(value) is not one of \(options)")
        }
        if let expected = keywords["const"], expected != value {
            errors.append("\(path): expected \(expected), found \(value)")
        }
        if case .number(let minimum)? = keywords["minimum"], case .number(let v) = value,
            v < minimum
        {
            errors.append("\(path): \(value) is below the minimum \(keywords["minimum"]!)")
        }
        if case .number(let maximum)? = keywords["maximum"], case .number(let v) = value,
            v > maximum
        {
            errors.append("\(path): \(value) is above the maximum \(keywords["maximum"]!)")
        }
        if case .array(let items) = value {
            if case .number(let min)? = keywords["minItems"], Double(items.count) < min {
                errors.append("\(path): fewer than \(Int(min)) items")
            }
            if case .number(let max)? = keywords["maxItems"], Double(items.count) > max {
                errors.append("\(path): more than \(Int(max)) items")
            }
            if case .bool(true)? = keywords["uniqueItems"] {
                for (index, item) in items.enumerated() where items[..<index].contains(item) {
                    errors.append("\(path)[\(index)]: repeats an earlier item (uniqueItems)")
                }
            }
        }
        if case .string(let s) = value {
            if case .number(let min)? = keywords["minLength"], Double(s.count) < min {
                errors.append("\(path): string shorter than \(Int(min))")
            }
            if case .string(let pattern)? = keywords["pattern"] {
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    let range = NSRange(s.startIndex..., in: s)
                    if regex.firstMatch(in: s, range: range) == nil {
                        errors.append("\(path): \"\(s)\" does not match /\(pattern)/")
                    }
                } else {
                    errors.append("\(path): invalid pattern /\(pattern)/")
                }
            }
        }

        if case .object(let members) = value {
            if case .array(let required)? = keywords["required"] {
                for case .string(let key) in required where members[key] == nil {
                    errors.append("\(path): missing required key '\(key)'")
                }
            }
            let properties: [String: JSONValue]
            if case .object(let p)? = keywords["properties"] {
                properties = p
            } else {
                properties = [:]
            }
            for key in members.keys.sorted() {
                let child = "\(path).\(key)"
                if let property = properties[key] {
                    check(members[key]!, against: property, at: child, errors: &errors)
                } else if let additional = keywords["additionalProperties"] {
                    if case .bool(false) = additional {
                        errors.append("\(path): unexpected key '\(key)'")
                    } else {
                        check(members[key]!, against: additional, at: child, errors: &errors)
                    }
                }
            }
        }

        if case .array(let items) = value, let itemSchema = keywords["items"] {
            for (index, item) in items.enumerated() {
                check(item, against: itemSchema, at: "\(path)[\(index)]", errors: &errors)
            }
        }

        if case .array(let branches)? = keywords["anyOf"] {
            let passing = branches.filter { branchErrors(value, $0, path).isEmpty }.count
            if passing == 0 { errors.append("\(path): matches none of anyOf") }
        }
        if case .array(let branches)? = keywords["oneOf"] {
            let passing = branches.filter { branchErrors(value, $0, path).isEmpty }.count
            if passing != 1 {
                errors.append("\(path): matches \(passing) branches of oneOf, expected exactly 1")
            }
        }
    }

    /// The schema at `#/$defs/NAME` or `#/definitions/NAME`.
    private func resolve(_ pointer: String) -> JSONValue? {
        for container in ["$defs", "definitions"] where pointer.hasPrefix("#/\(container)/") {
            return schema[container]?[String(pointer.dropFirst(container.count + 3))]
        }
        return nil
    }

    private func branchErrors(_ value: JSONValue, _ schema: JSONValue, _ path: String) -> [String] {
        var errors: [String] = []
        check(value, against: schema, at: path, errors: &errors)
        return errors
    }
}
