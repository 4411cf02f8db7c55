// MARK: - Parsing the `taxonomy:` section

extension RuleSet {
    /// Keys of one mode under `taxonomy.modes`.
    static let modeKeys = [
        "description", "severity", "slice", "where", "min_train", "min_heldout",
    ]

    /// Parses `taxonomy:`. A `slice:` name is checked against the declared slices later, once
    /// every rule file is merged (`validateTaxonomy`), since another file may declare it.
    /// - Parameters:
    ///   - node: the section's value.
    ///   - source: the rule file's text, to place regex errors on the pattern's character.
    /// - Throws: `RulesError` with `file:line:col` for every mistake.
    static func parseTaxonomy(_ node: YAMLNode, source: String) throws(RulesError)
        -> TaxonomyRules
    {
        var out = TaxonomyRules()
        let parser = SliceParser(source: source)
        for mode in try namedEntries(node, section: "taxonomy", list: "modes") {
            out.modes.append(
                try parseMode(
                    name: mode.key.scalar ?? "", mode.value, keyMark: mode.key.mark,
                    parser: parser))
        }
        return out
    }

    private static func parseMode(
        name: String, _ node: YAMLNode, keyMark: YAMLMark, parser: SliceParser
    ) throws(RulesError) -> FailureMode {
        let base = "taxonomy.modes.\(name)"
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "_" || $0 == "-"
        }
        guard !name.isEmpty, allowed else {
            throw .invalidValue(
                keyMark, path: "taxonomy.modes",
                message: "mode name '\(name)' may use only letters, digits, '_' and '-'; rename it")
        }
        guard let pairs = node.pairs else { throw .notAMapping(node.mark, context: "'\(base)'") }
        var description: String?
        var severity = Severity.error
        var selector: FailureModeSelector?
        var selectorKey: String?
        var minTrain = 1
        var minHeldout = 1
        func value<T: OptionValue>(_ type: T.Type, _ node: YAMLNode, _ path: String)
            throws(RulesError) -> T
        {
            do { return try T(yaml: node) } catch {
                throw .invalidValue(error.mark, path: path, message: error.message)
            }
        }
        func count(_ node: YAMLNode, _ path: String) throws(RulesError) -> Int {
            let n = try value(Int.self, node, path)
            guard n >= 0 else {
                throw .invalidValue(
                    node.mark, path: path, message: "expected 0 or more, found \(n)")
            }
            return n
        }
        for pair in try uniquePairs(pairs, context: "'\(base)'") {
            let key = pair.key.scalar ?? ""
            let path = "\(base).\(key)"
            switch key {
            case "description": description = try value(String.self, pair.value, path)
            case "severity": severity = try value(Severity.self, pair.value, path)
            case "slice", "where":
                if let earlier = selectorKey {
                    throw .invalidValue(
                        pair.key.mark, path: path,
                        message:
                            "use one of '\(earlier)' and '\(key)', not both: a mode names a declared slice or writes its own predicate"
                    )
                }
                selectorKey = key
                if key == "slice" {
                    let slice = try value(String.self, pair.value, path)
                    guard !slice.isEmpty else {
                        throw .invalidValue(
                            pair.value.mark, path: path, message: "expected a slice name")
                    }
                    selector = .slice(slice, mark: pair.value.mark)
                } else {
                    selector = .predicate(try parser.predicate(pair.value, path: path))
                }
            case "min_train": minTrain = try count(pair.value, path)
            case "min_heldout": minHeldout = try count(pair.value, path)
            default:
                throw .unknownKey(
                    pair.key.mark, key: key, context: "key for failure mode '\(name)'",
                    suggestion: Suggestion.closest(to: key, in: modeKeys))
            }
        }
        guard let selector else {
            throw .invalidValue(
                keyMark, path: base,
                message:
                    "missing 'slice' or 'where': name a declared coverage slice or add the predicate that selects the mode's examples"
            )
        }
        return FailureMode(
            name: name, description: description, severity: severity, selector: selector,
            minTrain: minTrain, minHeldout: minHeldout, mark: keyMark)
    }

    /// Checks that every failure mode's `slice:` names a declared coverage slice, once the rule
    /// files are merged.
    /// - Throws: `RulesError.invalidValue` at the slice name, with the closest declared name.
    public func validateTaxonomy() throws(RulesError) {
        let declared = coverage.slices.map(\.name)
        for mode in taxonomy.modes {
            guard case .slice(let name, let mark) = mode.selector, !declared.contains(name)
            else { continue }
            var message = "no coverage slice '\(name)' is declared"
            if let near = Suggestion.closest(to: name, in: declared) {
                message += "; did you mean '\(near)'?"
            } else if declared.isEmpty {
                message +=
                    "; declare it under 'coverage.slices' or write the predicate with 'where'"
            } else {
                message += "; declared slices: \(declared.joined(separator: ", "))"
            }
            throw .invalidValue(
                mark, path: "taxonomy.modes.\(mode.name).slice", message: message)
        }
    }
}
