import Foundation

/// The rule-file settings of one check, as written (options decoded later, per check).
public struct CheckRules: Sendable, Equatable {
    /// Where the check's key was written (the last file that mentioned it).
    public var mark: YAMLMark
    public var enabled: Bool?
    public var severity: Severity?
    /// The remaining keys, in file order, later files overriding key by key.
    public var options: [YAMLPair]

    public init(
        mark: YAMLMark, enabled: Bool? = nil, severity: Severity? = nil, options: [YAMLPair] = []
    ) {
        self.mark = mark
        self.enabled = enabled
        self.severity = severity
        self.options = options
    }
}

/// How records are read: shape and field mapping. Nil means "detect".
public struct DatasetRules: Sendable, Equatable {
    public var shape: Shape?
    public var textFields: [String]?
    public var labelField: String?
    public var idField: String?
    public init(
        shape: Shape? = nil, textFields: [String]? = nil, labelField: String? = nil,
        idField: String? = nil
    ) {
        self.shape = shape
        self.textFields = textFields
        self.labelField = labelField
        self.idField = idField
    }
}

/// Merged rule files: dataset mapping, per-check settings, coverage slices and the failure
/// taxonomy.
///
/// Files merge left to right, key by key: a later file's `checks.x.threshold` replaces an
/// earlier one's and leaves the check's other keys alone. Coverage slices and failure modes
/// merge by name (see `CoverageRules.merging`, `TaxonomyRules.merging`).
public struct RuleSet: Sendable, Equatable {
    /// The highest rule-file version this build reads.
    public static let supportedVersion = 1

    /// Names of the merged files and profiles, in order.
    public var sources: [String] = []
    public var dataset = DatasetRules()
    /// Check settings by the id (or alias) written in the file.
    public var checks: [String: CheckRules] = [:]
    /// The ids in the order they were first written, for stable output.
    public var checkOrder: [String] = []
    /// The exact text of every merged file, in order, for the rules digest.
    public var texts: [String] = []
    /// Declared coverage slices (`coverage:`), merged by name.
    public var coverage = CoverageRules()
    /// Declared failure modes (`taxonomy:`), merged by name.
    public var taxonomy = TaxonomyRules()

    public init() {}

    /// Parses one rule file.
    /// - Parameters:
    ///   - text: the YAML text.
    ///   - name: the file name used in diagnostics.
    /// - Throws: `RulesError` with `file:line:col` for every mistake.
    public static func parse(_ text: String, name: String) throws(RulesError) -> RuleSet {
        let root: YAMLNode
        do { root = try YAMLNode.parse(text, file: name) } catch {
            throw .syntax(error.mark, problem: error.problem)
        }
        guard let pairs = root.pairs else { throw .notAMapping(root.mark, context: "a rule file") }
        var rules = RuleSet()
        rules.sources = [name]
        rules.texts = [text]
        var sawVersion = false
        for pair in try uniquePairs(pairs, context: "the rule file") {
            let key = pair.key.scalar ?? ""
            switch key {
            case "version":
                sawVersion = true
                guard let s = pair.value.scalar, let v = Int(s), v >= 1 else {
                    throw .invalidValue(
                        pair.value.mark, path: "version",
                        message: "expected a positive integer, found \(pair.value.quotedScalar)")
                }
                if v > supportedVersion {
                    throw .unsupportedVersion(
                        pair.value.mark, found: s, supported: supportedVersion)
                }
            case "dataset":
                rules.dataset = try parseDataset(pair.value)
            case "coverage":
                rules.coverage = try parseCoverage(pair.value, source: text)
            case "taxonomy":
                rules.taxonomy = try parseTaxonomy(pair.value, source: text)
            case "checks":
                guard let checkPairs = pair.value.pairs else {
                    if pair.value.isNull { continue }
                    throw .notAMapping(pair.value.mark, context: "'checks'")
                }
                for check in try uniquePairs(checkPairs, context: "'checks'") {
                    let id = check.key.scalar ?? ""
                    rules.checks[id] = try parseCheck(id: id, check.value, keyMark: check.key.mark)
                    rules.checkOrder.append(id)
                }
            default:
                throw .unknownKey(
                    pair.key.mark, key: key, context: "top-level key",
                    suggestion: Suggestion.closest(
                        to: key, in: ["version", "dataset", "checks", "coverage", "taxonomy"]))
            }
        }
        if !sawVersion { throw .missingVersion(file: name) }
        return rules
    }

    /// Merges `other` over `self`, key by key.
    public func merging(_ other: RuleSet) -> RuleSet {
        var out = self
        out.sources += other.sources
        out.texts += other.texts
        out.dataset.shape = other.dataset.shape ?? dataset.shape
        out.dataset.textFields = other.dataset.textFields ?? dataset.textFields
        out.dataset.labelField = other.dataset.labelField ?? dataset.labelField
        out.dataset.idField = other.dataset.idField ?? dataset.idField
        out.coverage = coverage.merging(other.coverage)
        out.taxonomy = taxonomy.merging(other.taxonomy)
        for id in other.checkOrder {
            guard let incoming = other.checks[id] else { continue }
            guard var existing = out.checks[id] else {
                out.checks[id] = incoming
                out.checkOrder.append(id)
                continue
            }
            existing.mark = incoming.mark
            existing.enabled = incoming.enabled ?? existing.enabled
            existing.severity = incoming.severity ?? existing.severity
            for pair in incoming.options {
                if let i = existing.options.firstIndex(where: { $0.key.scalar == pair.key.scalar })
                {
                    existing.options[i] = pair
                } else {
                    existing.options.append(pair)
                }
            }
            out.checks[id] = existing
        }
        return out
    }

    /// A digest of the merged inputs, for reports.
    public var digest: String { SHA256.hex(of: Array(texts.joined(separator: "\u{0}").utf8)) }

    // MARK: - Parsing pieces

    static func uniquePairs(_ pairs: [YAMLPair], context: String) throws(RulesError)
        -> [YAMLPair]
    {
        var seen = Set<String>()
        for pair in pairs {
            guard let key = pair.key.scalar else {
                throw .invalidValue(
                    pair.key.mark, path: context,
                    message: "keys must be plain names, found a \(pair.key.kindName)")
            }
            if !seen.insert(key).inserted {
                throw .duplicateKey(pair.key.mark, key: key, context: context)
            }
        }
        return pairs
    }

    static let datasetKeys = ["shape", "text_fields", "label_field", "id_field"]

    private static func parseDataset(_ node: YAMLNode) throws(RulesError) -> DatasetRules {
        if node.isNull { return DatasetRules() }
        guard let pairs = node.pairs else { throw .notAMapping(node.mark, context: "'dataset'") }
        var rules = DatasetRules()
        for pair in try uniquePairs(pairs, context: "'dataset'") {
            let key = pair.key.scalar ?? ""
            let path = "dataset.\(key)"
            do {
                switch key {
                case "shape":
                    let s = try String(yaml: pair.value)
                    if s == "auto" {
                        rules.shape = nil
                        continue
                    }
                    guard let shape = Shape(rawValue: s), shape != .unknown else {
                        let choices =
                            ["auto"] + Shape.allCases.filter { $0 != .unknown }.map(\.rawValue)
                        var message =
                            "expected one of \(choices.joined(separator: ", ")), found '\(s)'"
                        if let near = Suggestion.closest(to: s, in: choices) {
                            message += "; did you mean '\(near)'?"
                        }
                        throw OptionValueError(pair.value.mark, message)
                    }
                    rules.shape = shape
                case "text_fields":
                    let fields = try [String](yaml: pair.value)
                    if fields.isEmpty {
                        throw OptionValueError(pair.value.mark, "list at least one field")
                    }
                    rules.textFields = fields
                case "label_field": rules.labelField = try String(yaml: pair.value)
                case "id_field": rules.idField = try String(yaml: pair.value)
                default:
                    throw RulesError.unknownKey(
                        pair.key.mark, key: key, context: "dataset key",
                        suggestion: Suggestion.closest(to: key, in: datasetKeys))
                }
            } catch let error as OptionValueError {
                throw .invalidValue(error.mark, path: path, message: error.message)
            } catch let error as RulesError {
                throw error
            } catch {
                throw .invalidValue(pair.value.mark, path: path, message: "\(error)")
            }
        }
        return rules
    }

    private static func parseCheck(id: String, _ node: YAMLNode, keyMark: YAMLMark)
        throws(RulesError) -> CheckRules
    {
        var rules = CheckRules(mark: keyMark)
        if node.isNull { return rules }
        // `checks: { pii: false }` is shorthand for `enabled: false`.
        if let flag = try? Bool(yaml: node) {
            rules.enabled = flag
            return rules
        }
        guard let pairs = node.pairs else {
            throw .notAMapping(node.mark, context: "'checks.\(id)' (or true/false)")
        }
        for pair in try uniquePairs(pairs, context: "'checks.\(id)'") {
            let key = pair.key.scalar ?? ""
            do {
                switch key {
                case "enabled": rules.enabled = try Bool(yaml: pair.value)
                case "severity": rules.severity = try Severity(yaml: pair.value)
                default: rules.options.append(pair)
                }
            } catch {
                throw .invalidValue(error.mark, path: "checks.\(id).\(key)", message: error.message)
            }
        }
        return rules
    }
}
