import Foundation

/// One entry of a suppression file (`.preflight-ignore.yaml`): which findings it hides,
/// why, and until when.
///
/// An entry matches a finding when every selector it gives matches: `fingerprint` exactly
/// (`Finding.fingerprint`, as in the JSON and SARIF reports), `check` and `code` exactly,
/// `path` as a glob on the finding's file (`*` and `?` within a path segment, `**` across
/// segments) and `message` as a glob on the message (`*` matches anything).
public struct Suppression: Sendable, Equatable {
    /// Where the entry starts in its file.
    public var mark: YAMLMark
    public var fingerprint: String?
    public var check: CheckID?
    public var code: String?
    public var path: String?
    public var message: String?
    /// Why the findings are accepted; required, shown in every report.
    public var reason: String
    /// The last day (`YYYY-MM-DD`) the entry applies; nil: no expiry.
    public var expires: String?

    public init(
        mark: YAMLMark, fingerprint: String? = nil, check: CheckID? = nil, code: String? = nil,
        path: String? = nil, message: String? = nil, reason: String, expires: String? = nil
    ) {
        self.mark = mark
        self.fingerprint = fingerprint
        self.check = check
        self.code = code
        self.path = path
        self.message = message
        self.reason = reason
        self.expires = expires
    }

    /// True when every selector of the entry matches the finding.
    public func matches(_ finding: Finding) -> Bool {
        if let fingerprint, fingerprint != finding.fingerprint { return false }
        if let check, check != finding.checkID { return false }
        if let code, code != finding.code { return false }
        if let path {
            guard let location = finding.location,
                Glob.matches(path, location.path, segments: true)
            else { return false }
        }
        if let message, !Glob.matches(message, finding.message, segments: false) {
            return false
        }
        return true
    }

    /// True when `today` (`YYYY-MM-DD`) is after the expiry day.
    public func isExpired(today: String) -> Bool {
        guard let expires else { return false }
        return today > expires  // ISO dates compare as strings
    }

    /// What the entry selects, for messages: `check 'pii', path 'data/*.jsonl'`.
    public var selectorDescription: String {
        var parts: [String] = []
        if let fingerprint { parts.append("fingerprint '\(fingerprint)'") }
        if let check { parts.append("check '\(check)'") }
        if let code { parts.append("code '\(code)'") }
        if let path { parts.append("path '\(path)'") }
        if let message { parts.append("message '\(message)'") }
        return parts.joined(separator: ", ")
    }
}

/// A parsed suppression file.
///
/// ```yaml
/// version: 1
/// suppressions:
///   - fingerprint: 0c5d6a1e9f3b7a2c4d8e1f0a9b3c5d7e
///     reason: the two greetings are identical on purpose
///     expires: 2027-03-31
///   - check: near_duplicates
///     path: data/train*.jsonl
///     message: "*thank you*"
///     reason: templated thank-you replies are intended
/// ```
public struct SuppressionFile: Sendable, Equatable {
    /// The file's path as the user named it.
    public var path: String
    public var entries: [Suppression]

    /// The file Preflight reads from the working folder when `--ignore-file` is not given.
    public static let defaultName = ".preflight-ignore.yaml"

    public init(path: String, entries: [Suppression]) {
        self.path = path
        self.entries = entries
    }

    /// Parses a suppression file.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - path: the file's path, for marks.
    ///   - checkIDs: the registered check ids; an unknown `check` is an error naming the
    ///     closest.
    /// - Throws: `RulesError` with the file, line and column of the problem.
    public static func parse(_ text: String, path: String, checkIDs: [String]) throws(RulesError)
        -> SuppressionFile
    {
        let root: YAMLNode
        do {
            root = try YAMLNode.parse(text, file: path)
        } catch {
            throw .syntax(error.mark, problem: error.problem)
        }
        if root.isNull { return SuppressionFile(path: path, entries: []) }
        guard let pairs = root.pairs else {
            throw .notAMapping(root.mark, context: "the suppression file")
        }
        var entries: [Suppression] = []
        var seen: Set<String> = []
        for pair in pairs {
            let key = pair.key.scalar ?? ""
            if !seen.insert(key).inserted {
                throw .duplicateKey(pair.key.mark, key: key, context: "the suppression file")
            }
            switch key {
            case "version":
                guard pair.value.scalar == "1" else {
                    throw .unsupportedVersion(
                        pair.value.mark, found: pair.value.scalar ?? pair.value.kindName,
                        supported: 1)
                }
            case "suppressions":
                if pair.value.isNull { continue }
                guard let items = pair.value.items else {
                    throw .invalidValue(
                        pair.value.mark, path: "suppressions",
                        message: "expected a list of entries, found \(pair.value.kindName)")
                }
                for (i, item) in items.enumerated() {
                    entries.append(try entry(item, index: i, checkIDs: checkIDs))
                }
            default:
                throw .unknownKey(
                    pair.key.mark, key: key, context: "suppression file key",
                    suggestion: Suggestion.closest(to: key, in: ["version", "suppressions"]))
            }
        }
        return SuppressionFile(path: path, entries: entries)
    }

    private static let entryKeys = [
        "fingerprint", "check", "code", "path", "message", "reason", "expires",
    ]

    private static func entry(_ node: YAMLNode, index: Int, checkIDs: [String]) throws(RulesError)
        -> Suppression
    {
        let context = "suppressions[\(index)]"
        guard let pairs = node.pairs else {
            throw .notAMapping(node.mark, context: context)
        }
        var values: [String: (String, YAMLMark)] = [:]
        for pair in pairs {
            let key = pair.key.scalar ?? ""
            guard entryKeys.contains(key) else {
                throw .unknownKey(
                    pair.key.mark, key: key, context: "suppression key",
                    suggestion: Suggestion.closest(to: key, in: entryKeys))
            }
            guard values[key] == nil else {
                throw .duplicateKey(pair.key.mark, key: key, context: context)
            }
            guard let scalar = pair.value.scalar, !pair.value.isNull else {
                throw .invalidValue(
                    pair.value.mark, path: "\(context).\(key)",
                    message: "expected text, found \(pair.value.kindName)")
            }
            values[key] = (scalar, pair.value.mark)
        }
        guard let (reason, reasonMark) = values["reason"] else {
            throw .invalidValue(
                node.mark, path: context,
                message:
                    "every suppression needs a 'reason': say why these findings are accepted")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidValue(
                reasonMark, path: "\(context).reason",
                message: "the reason is empty; say why these findings are accepted")
        }
        let selectors = ["fingerprint", "check", "code", "path", "message"]
        guard selectors.contains(where: { values[$0] != nil }) else {
            throw .invalidValue(
                node.mark, path: context,
                message:
                    "the entry selects nothing; give a 'fingerprint' (from the JSON or SARIF report) or any of 'check', 'code', 'path', 'message'"
            )
        }
        if let (fingerprint, mark) = values["fingerprint"] {
            guard fingerprint.utf8.count == 32,
                fingerprint.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else {
                throw .invalidValue(
                    mark, path: "\(context).fingerprint",
                    message:
                        "'\(fingerprint)' is not a finding fingerprint (32 lowercase hex digits, as in the JSON report's 'fingerprint')"
                )
            }
        }
        if let (check, mark) = values["check"], !checkIDs.contains(check) {
            throw .unknownCheck(
                mark, id: check, suggestion: Suggestion.closest(to: check, in: checkIDs))
        }
        if let (expires, mark) = values["expires"], !isDate(expires) {
            throw .invalidValue(
                mark, path: "\(context).expires",
                message: "'\(expires)' is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31")
        }
        return Suppression(
            mark: node.mark, fingerprint: values["fingerprint"]?.0,
            check: values["check"].map { CheckID(rawValue: $0.0) }, code: values["code"]?.0,
            path: values["path"]?.0, message: values["message"]?.0, reason: reason,
            expires: values["expires"]?.0)
    }

    /// True for a real calendar day written `YYYY-MM-DD`.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}

/// Shell-style glob matching without character classes.
enum Glob {
    /// True when `pattern` matches all of `text`.
    /// - Parameters:
    ///   - segments: when true, `*` and `?` do not match `/` and `**` matches across
    ///     segments (paths); when false, `*` matches anything (messages).
    /// - Complexity: O(|pattern| · |text|) (dynamic programming, no backtracking).
    static func matches(_ pattern: String, _ text: String, segments: Bool) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        // reach[j]: the first i pattern scalars can match the first j text scalars.
        var reach = [Bool](repeating: false, count: t.count + 1)
        reach[0] = true
        var i = 0
        while i < p.count {
            var next = [Bool](repeating: false, count: t.count + 1)
            if p[i] == "*" {
                let doubleStar = segments && i + 1 < p.count && p[i + 1] == "*"
                let crossesSlash = !segments || doubleStar
                var open = false
                for j in 0...t.count {
                    if reach[j] { open = true }
                    next[j] = open
                    if j < t.count && !crossesSlash && t[j] == "/" { open = false }
                }
                if doubleStar {
                    i += 1
                    // `**/` also matches no folder at all.
                    if i + 1 < p.count && p[i + 1] == "/" {
                        i += 1
                        var skip = next
                        for j in 0..<t.count where next[j] && t[j] == "/" { skip[j + 1] = true }
                        for j in 0...t.count where reach[j] { skip[j] = true }
                        next = skip
                    }
                }
            } else {
                for j in 0..<t.count where reach[j] {
                    if p[i] == t[j] || (p[i] == "?" && !(segments && t[j] == "/")) {
                        next[j + 1] = true
                    }
                }
            }
            reach = next
            i += 1
        }
        return reach[t.count]
    }
}
