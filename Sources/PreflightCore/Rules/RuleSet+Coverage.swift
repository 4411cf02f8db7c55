// MARK: - Parsing the `coverage:` section

extension RuleSet {
    /// Keys of one slice under `coverage.slices`.
    static let sliceKeys = [
        "description", "where", "min_count", "min_share", "splits", "per_label", "severity",
    ]
    /// Keys of a predicate mapping (several keys in one mapping means all of them).
    static let predicateKeys = [
        "all", "any", "not", "text", "regex", "keywords", "case_insensitive", "role", "field",
        "label", "length", "turns", "has_tool_call", "script",
    ]
    /// Keys of `text:`.
    static let textKeys = ["regex", "keywords", "case_insensitive", "field", "role"]

    /// The entries of a section holding one mapping of named entries (`coverage: slices:`,
    /// `taxonomy: modes:`), each key unique; an empty section or list has none.
    /// - Throws: `RulesError` for another key in the section (with a suggestion), a section
    ///   or list that is not a mapping, or a name given twice.
    static func namedEntries(_ node: YAMLNode, section: String, list: String)
        throws(RulesError) -> [YAMLPair]
    {
        if node.isNull { return [] }
        guard let pairs = node.pairs else { throw .notAMapping(node.mark, context: "'\(section)'") }
        var entries: [YAMLPair] = []
        for pair in try uniquePairs(pairs, context: "'\(section)'") {
            let key = pair.key.scalar ?? ""
            guard key == list else {
                throw .unknownKey(
                    pair.key.mark, key: key, context: "key for '\(section)'",
                    suggestion: Suggestion.closest(to: key, in: [list]))
            }
            if pair.value.isNull { continue }
            guard let listPairs = pair.value.pairs else {
                throw .notAMapping(pair.value.mark, context: "'\(section).\(list)'")
            }
            entries += try uniquePairs(listPairs, context: "'\(section).\(list)'")
        }
        return entries
    }

    /// Parses `coverage:`.
    /// - Parameters:
    ///   - node: the section's value.
    ///   - source: the rule file's text, to place regex errors on the pattern's character.
    /// - Throws: `RulesError` with `file:line:col` for every mistake.
    static func parseCoverage(_ node: YAMLNode, source: String) throws(RulesError)
        -> CoverageRules
    {
        var out = CoverageRules()
        let parser = SliceParser(source: source)
        for slice in try namedEntries(node, section: "coverage", list: "slices") {
            out.slices.append(
                try parser.slice(name: slice.key.scalar ?? "", slice.value, keyMark: slice.key.mark)
            )
        }
        return out
    }
}

/// Parses slices and predicates, with the rule file's text at hand for regex positions.
struct SliceParser {
    /// The rule file's lines, as Unicode scalars (libyaml columns count characters).
    let lines: [[Unicode.Scalar]]

    init(source: String) {
        lines = source.split(separator: "\n", omittingEmptySubsequences: false).map {
            Array($0.unicodeScalars)
        }
    }

    func slice(name: String, _ node: YAMLNode, keyMark: YAMLMark) throws(RulesError)
        -> SliceDefinition
    {
        let base = "coverage.slices.\(name)"
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "_" || $0 == "-"
        }
        guard !name.isEmpty, allowed else {
            throw .invalidValue(
                keyMark, path: "coverage.slices",
                message:
                    "slice name '\(name)' may use only letters, digits, '_' and '-'; rename it")
        }
        guard let pairs = node.pairs else {
            throw .notAMapping(node.mark, context: "'\(base)'")
        }
        var description: String?
        var predicate: SlicePredicate?
        var requirements = SliceRequirements()
        for pair in try RuleSet.uniquePairs(pairs, context: "'\(base)'") {
            let key = pair.key.scalar ?? ""
            let path = "\(base).\(key)"
            switch key {
            case "description": description = try value(String.self, pair.value, path)
            case "where": predicate = try self.predicate(pair.value, path: path)
            case "min_count":
                let n = try value(Int.self, pair.value, path)
                guard n >= 0 else {
                    throw .invalidValue(
                        pair.value.mark, path: path, message: "expected 0 or more, found \(n)")
                }
                requirements.minCount = n
            case "min_share":
                let share = try value(Double.self, pair.value, path)
                guard (0...1).contains(share) else {
                    throw .invalidValue(
                        pair.value.mark, path: path,
                        message: "expected a share between 0 and 1, found \(share)")
                }
                requirements.minShare = share
            case "splits":
                let names = try value([String].self, pair.value, path)
                guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
                    throw .invalidValue(
                        pair.value.mark, path: path,
                        message: "list at least one split (train, validation, test, regression)")
                }
                requirements.splits = names.map { SplitRole($0) }
            case "per_label": requirements.perLabel = try value(Bool.self, pair.value, path)
            case "severity": requirements.severity = try value(Severity.self, pair.value, path)
            default:
                throw .unknownKey(
                    pair.key.mark, key: key, context: "key for slice '\(name)'",
                    suggestion: Suggestion.closest(to: key, in: RuleSet.sliceKeys))
            }
        }
        guard let predicate else {
            throw .invalidValue(
                keyMark, path: base,
                message: "missing 'where': add the predicate that selects the slice's records")
        }
        return SliceDefinition(
            name: name, description: description, predicate: predicate,
            requirements: requirements, mark: keyMark)
    }

    // MARK: - Predicates

    func predicate(_ node: YAMLNode, path: String) throws(RulesError) -> SlicePredicate {
        guard let pairs = node.pairs else {
            throw .notAMapping(node.mark, context: "the predicate '\(path)'")
        }
        guard !pairs.isEmpty else {
            throw .invalidValue(
                node.mark, path: path,
                message:
                    "empty predicate; use one of \(RuleSet.predicateKeys.joined(separator: ", "))")
        }
        var parts: [SlicePredicate] = []
        var textPairs: [YAMLPair] = []
        for pair in try RuleSet.uniquePairs(pairs, context: "'\(path)'") {
            let key = pair.key.scalar ?? ""
            let sub = "\(path).\(key)"
            switch key {
            case "all", "any":
                guard let items = pair.value.items else {
                    throw .invalidValue(
                        pair.value.mark, path: sub,
                        message: "expected a list of predicates, found \(pair.value.kindName)")
                }
                guard !items.isEmpty else {
                    throw .invalidValue(
                        pair.value.mark, path: sub,
                        message: "'\(key)' needs at least one predicate")
                }
                var children: [SlicePredicate] = []
                for (i, item) in items.enumerated() {
                    children.append(try predicate(item, path: "\(sub)[\(i)]"))
                }
                parts.append(key == "all" ? .all(children) : .any(children))
            case "not":
                parts.append(.not(try predicate(pair.value, path: sub)))
            case "text":
                guard let textPairsOfText = pair.value.pairs else {
                    throw .invalidValue(
                        pair.value.mark, path: sub,
                        message:
                            "expected a mapping with 'regex' or 'keywords' (and optionally 'field', 'role', 'case_insensitive'), found \(pair.value.kindName)"
                    )
                }
                for inner in textPairsOfText {
                    let innerKey = inner.key.scalar ?? ""
                    guard RuleSet.textKeys.contains(innerKey) else {
                        throw .unknownKey(
                            inner.key.mark, key: innerKey, context: "key for '\(sub)'",
                            suggestion: Suggestion.closest(to: innerKey, in: RuleSet.textKeys))
                    }
                }
                parts.append(
                    try text(
                        try RuleSet.uniquePairs(textPairsOfText, context: "'\(sub)'"), path: sub,
                        mark: pair.value.mark))
            case "regex", "keywords", "case_insensitive", "role":
                textPairs.append(pair)
            case "field":
                if pair.value.scalar != nil {
                    textPairs.append(pair)
                } else {
                    parts.append(try field(pair.value, path: sub))
                }
            case "label":
                parts.append(.label(try labels(pair.value, path: sub)))
            case "length":
                let (min, max, unitNode) = try bounds(
                    pair.value, path: sub, extra: ["unit"])
                var unit = LengthUnit.words
                if let unitNode {
                    let s = unitNode.scalar ?? ""
                    guard let u = LengthUnit(rawValue: s) else {
                        throw .invalidValue(
                            unitNode.mark, path: "\(sub).unit",
                            message: choiceMessage(
                                s, LengthUnit.allCases.map(\.rawValue), unitNode))
                    }
                    unit = u
                }
                parts.append(.length(min: min, max: max, unit: unit))
            case "turns":
                let (min, max, _) = try bounds(pair.value, path: sub, extra: [])
                parts.append(.turns(min: min, max: max))
            case "has_tool_call":
                parts.append(.hasToolCall(try value(Bool.self, pair.value, sub)))
            case "script":
                parts.append(.script(try scripts(pair.value, path: sub)))
            default:
                throw .unknownKey(
                    pair.key.mark, key: key, context: "predicate for '\(path)'",
                    suggestion: Suggestion.closest(to: key, in: RuleSet.predicateKeys))
            }
        }
        if !textPairs.isEmpty {
            parts.append(try text(textPairs, path: path, mark: node.mark))
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    /// A text predicate from `regex` / `keywords` / `case_insensitive` / `field` / `role`.
    private func text(_ pairs: [YAMLPair], path: String, mark: YAMLMark) throws(RulesError)
        -> SlicePredicate
    {
        var caseInsensitive = false
        var target = SliceText.input
        var regexNode: YAMLNode?
        var keywords: [String]?
        var targetKey: String?
        for pair in pairs {
            let key = pair.key.scalar ?? ""
            let sub = "\(path).\(key)"
            switch key {
            case "case_insensitive": caseInsensitive = try value(Bool.self, pair.value, sub)
            case "regex":
                _ = try value(String.self, pair.value, sub)
                regexNode = pair.value
            case "keywords":
                let words = try value([String].self, pair.value, sub)
                let usable = words.filter {
                    !$0.unicodeScalars.allSatisfy(\.properties.isWhitespace)
                }
                guard !usable.isEmpty, usable.count == words.count else {
                    throw .invalidValue(
                        pair.value.mark, path: sub,
                        message: "list at least one keyword, none of them blank")
                }
                keywords = words
            case "field", "role":
                if let earlier = targetKey {
                    throw .invalidValue(
                        pair.key.mark, path: sub,
                        message: "use one of '\(earlier)' and '\(key)', not both")
                }
                targetKey = key
                let name = try value(String.self, pair.value, sub)
                guard !name.isEmpty else {
                    throw .invalidValue(pair.value.mark, path: sub, message: "expected a name")
                }
                target = key == "field" ? .field(name) : .role(name)
            default: break
            }
        }
        switch (regexNode, keywords) {
        case (let node?, nil):
            let pattern = node.scalar ?? ""
            do {
                return .text(
                    target, .regex(try ByteRegex(pattern, caseInsensitive: caseInsensitive)))
            } catch {
                throw .invalidValue(
                    patternMark(node, offset: error.offset), path: "\(path).regex",
                    message: error.description)
            }
        case (nil, let words?):
            return .text(target, .keywords(words, caseInsensitive: caseInsensitive))
        case (.some, .some):
            throw .invalidValue(
                mark, path: path,
                message: "use one of 'regex' and 'keywords' per predicate; combine them with 'any'")
        case (nil, nil):
            throw .invalidValue(
                mark, path: path, message: "a text predicate needs 'regex' or 'keywords'")
        }
    }

    private func field(_ node: YAMLNode, path: String) throws(RulesError) -> SlicePredicate {
        guard let pairs = node.pairs else {
            throw .notAMapping(node.mark, context: "'\(path)'")
        }
        let keys = ["name", "equals", "contains", "present"]
        var name: String?
        var test: FieldTest?
        for pair in try RuleSet.uniquePairs(pairs, context: "'\(path)'") {
            let key = pair.key.scalar ?? ""
            let sub = "\(path).\(key)"
            let parsed: FieldTest
            switch key {
            case "name":
                name = try value(String.self, pair.value, sub)
                continue
            case "equals": parsed = .equals(try value(String.self, pair.value, sub))
            case "contains": parsed = .contains(try value(String.self, pair.value, sub))
            case "present": parsed = .present(try value(Bool.self, pair.value, sub))
            default:
                throw .unknownKey(
                    pair.key.mark, key: key, context: "key for '\(path)'",
                    suggestion: Suggestion.closest(to: key, in: keys))
            }
            if test != nil {
                throw .invalidValue(
                    pair.key.mark, path: sub,
                    message: "use one of 'equals', 'contains' and 'present'")
            }
            test = parsed
        }
        guard let name, !name.isEmpty else {
            throw .invalidValue(node.mark, path: path, message: "missing 'name' of the field")
        }
        guard let test else {
            throw .invalidValue(
                node.mark, path: path, message: "add one of 'equals', 'contains' or 'present'")
        }
        return .field(name: name, test)
    }

    /// `label: {in: [a, b]}`, or the shorthands `label: a` and `label: [a, b]`.
    private func labels(_ node: YAMLNode, path: String) throws(RulesError) -> [String] {
        var list = node
        if let pairs = node.pairs {
            for pair in pairs where pair.key.scalar != "in" {
                let key = pair.key.scalar ?? ""
                throw .unknownKey(
                    pair.key.mark, key: key, context: "key for '\(path)'",
                    suggestion: Suggestion.closest(to: key, in: ["in"]))
            }
            guard let inNode = node["in"] else {
                throw .invalidValue(node.mark, path: path, message: "add 'in: [label, …]'")
            }
            list = inNode
        }
        let values: [String]
        if list.scalar != nil, !list.isNull {
            values = [list.scalar ?? ""]
        } else {
            values = try value([String].self, list, "\(path).in")
        }
        guard !values.isEmpty else {
            throw .invalidValue(list.mark, path: path, message: "list at least one label")
        }
        return values
    }

    /// `{min, max}` (one at least, 0 or more, min ≤ max) and the other allowed keys.
    private func bounds(_ node: YAMLNode, path: String, extra: [String]) throws(RulesError)
        -> (Int?, Int?, YAMLNode?)
    {
        guard let pairs = node.pairs else { throw .notAMapping(node.mark, context: "'\(path)'") }
        var min: Int?
        var max: Int?
        var other: YAMLNode?
        for pair in try RuleSet.uniquePairs(pairs, context: "'\(path)'") {
            let key = pair.key.scalar ?? ""
            let sub = "\(path).\(key)"
            switch key {
            case "min", "max":
                let n = try value(Int.self, pair.value, sub)
                guard n >= 0 else {
                    throw .invalidValue(
                        pair.value.mark, path: sub, message: "expected 0 or more, found \(n)")
                }
                if key == "min" { min = n } else { max = n }
            default:
                guard extra.contains(key) else {
                    throw .unknownKey(
                        pair.key.mark, key: key, context: "key for '\(path)'",
                        suggestion: Suggestion.closest(to: key, in: ["min", "max"] + extra))
                }
                other = pair.value
            }
        }
        if min == nil && max == nil {
            throw .invalidValue(node.mark, path: path, message: "add 'min', 'max' or both")
        }
        if let min, let max, min > max {
            throw .invalidValue(
                node["max"]?.mark ?? node.mark, path: "\(path).max",
                message: "'min' (\(min)) is above 'max' (\(max)); no record can match")
        }
        return (min, max, other)
    }

    private func scripts(_ node: YAMLNode, path: String) throws(RulesError) -> [TextScript] {
        let nodes = node.items ?? [node]
        guard !nodes.isEmpty else {
            throw .invalidValue(node.mark, path: path, message: "list at least one script")
        }
        var out: [TextScript] = []
        for item in nodes {
            let s = item.scalar ?? ""
            guard let script = TextScript(rawValue: s) else {
                throw .invalidValue(
                    item.mark, path: path,
                    message: choiceMessage(s, TextScript.allCases.map(\.rawValue), item))
            }
            out.append(script)
        }
        return out
    }

    // MARK: - Helpers

    private func choiceMessage(_ found: String, _ choices: [String], _ node: YAMLNode) -> String {
        var message =
            "expected one of \(choices.joined(separator: ", ")), found \(node.scalar.map { "'\($0)'" } ?? node.kindName)"
        if let near = Suggestion.closest(to: found, in: choices) {
            message += "; did you mean '\(near)'?"
        }
        return message
    }

    private func value<T: OptionValue>(_ type: T.Type, _ node: YAMLNode, _ path: String)
        throws(RulesError) -> T
    {
        do { return try T(yaml: node) } catch {
            throw .invalidValue(error.mark, path: path, message: error.message)
        }
    }

    /// The position in the rule file of the pattern's `offset`-th scalar: exact for patterns
    /// written on one line (plain, single- or double-quoted, escapes counted), else the
    /// pattern's start.
    func patternMark(_ node: YAMLNode, offset: Int) -> YAMLMark {
        var mark = node.mark
        guard node.mark.line - 1 < lines.count else { return mark }
        let line = lines[node.mark.line - 1]
        var i = node.mark.column - 1
        guard i >= 0, i < line.count else { return mark }
        let quote = line[i]
        switch quote {
        case "\"", "'":
            i += 1
            var remaining = offset
            while remaining > 0 {
                guard i < line.count else { return node.mark }
                let c = line[i]
                if c == quote && quote == "\"" { return node.mark }
                if quote == "'" && c == "'" {
                    guard i + 1 < line.count, line[i + 1] == "'" else { return node.mark }
                    i += 2
                } else if quote == "\"" && c == "\\" {
                    let next = i + 1 < line.count ? line[i + 1] : " "
                    i += next == "x" ? 4 : next == "u" ? 6 : next == "U" ? 10 : 2
                } else {
                    i += 1
                }
                remaining -= 1
            }
        case "|", ">":
            return mark
        default:
            i += offset
        }
        mark.column = i + 1
        return mark
    }
}
