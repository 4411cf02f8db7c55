/// A problem with a rule file or profile. Every case carries where it is and says what to do.
public enum RulesError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case syntax(YAMLMark, problem: String)
    case notAMapping(YAMLMark, context: String)
    case missingVersion(file: String)
    case unsupportedVersion(YAMLMark, found: String, supported: Int)
    case unknownKey(YAMLMark, key: String, context: String, suggestion: String?)
    case duplicateKey(YAMLMark, key: String, context: String)
    case unknownCheck(YAMLMark, id: String, suggestion: String?)
    case invalidValue(YAMLMark, path: String, message: String)
    case unknownProfile(name: String, known: [String])

    /// Where the problem is, when it is inside a file.
    public var mark: YAMLMark? {
        switch self {
        case .syntax(let m, _), .notAMapping(let m, _), .unsupportedVersion(let m, _, _),
            .unknownKey(let m, _, _, _), .duplicateKey(let m, _, _), .unknownCheck(let m, _, _),
            .invalidValue(let m, _, _):
            m
        case .cannotRead, .missingVersion, .unknownProfile: nil
        }
    }

    /// `file:line:col: error: what; what to do`.
    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): error: cannot read rule file: \(reason)"
        case .syntax(let m, let problem):
            return "\(m): error: invalid YAML: \(problem)"
        case .notAMapping(let m, let context):
            return "\(m): error: \(context) must be a mapping of keys to values"
        case .missingVersion(let file):
            return "\(file): error: missing 'version'; add 'version: 1' as the first line"
        case .unsupportedVersion(let m, let found, let supported):
            return
                "\(m): error: unsupported rule file version '\(found)'; this preflight reads version \(supported), upgrade preflight or write 'version: \(supported)'"
        case .unknownKey(let m, let key, let context, let suggestion):
            // A context such as "option for check 'x'" reads "unknown option 'k' for check 'x'".
            let (noun, scope) =
                context.range(of: " for ").map {
                    (context[..<$0.lowerBound], context[$0.lowerBound...])
                }
                ?? (context[...], "")
            return "\(m): error: unknown \(noun) '\(key)'\(scope)" + Self.didYouMean(suggestion)
        case .duplicateKey(let m, let key, let context):
            return "\(m): error: '\(key)' appears twice in \(context); keep one"
        case .unknownCheck(let m, let id, let suggestion):
            return "\(m): error: unknown check '\(id)'" + Self.didYouMean(suggestion)
                + (suggestion == nil ? "; 'preflight checks' lists the checks" : "")
        case .invalidValue(let m, let path, let message):
            return "\(m): error: invalid value for '\(path)': \(message)"
        case .unknownProfile(let name, let known):
            let near = Suggestion.closest(to: name, in: known)
            return "error: unknown profile '\(name)'" + Self.didYouMean(near)
                + (near == nil ? "; known profiles: \(known.joined(separator: ", "))" : "")
        }
    }

    private static func didYouMean(_ suggestion: String?) -> String {
        suggestion.map { "; did you mean '\($0)'?" } ?? ""
    }
}
