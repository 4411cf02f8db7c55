/// A check with its options decoded and its rule settings applied, ready to run.
public struct ConfiguredCheck: Sendable {
    public let descriptor: CheckDescriptor
    public let enabled: Bool
    /// True for an `OptInCheck`: off unless the rules enable it.
    public let isOptIn: Bool
    /// The configured severity (the descriptor's default unless the rules set one).
    public let severity: Severity
    /// The decoded options, re-encoded, for `rules --effective`.
    public let effectiveOptions: [(key: String, doc: String, value: YAMLValue)]
    /// Set when the rules named the check by a former id.
    public let aliasUsed: String?
    private let body: @Sendable (CheckInput) throws -> CheckOutcome
    private let explainBody: (@Sendable (CheckInput) throws -> CheckExplanation)?

    /// Runs the check.
    public func run(_ input: CheckInput) throws -> CheckOutcome { try body(input) }

    /// Whether the check conforms to `ExplainableCheck`.
    public var isExplainable: Bool { explainBody != nil }

    /// The check's explanation with its configured options, or nil when it has none.
    /// - Throws: `CheckError` when the check cannot run at all.
    public func explain(_ input: CheckInput) throws -> CheckExplanation? {
        try explainBody?(input)
    }

    /// Applies the configured severity to a finding the check emitted.
    ///
    /// A finding at the check's default severity takes the configured severity; a finding
    /// at another level keeps it unless it is above the configured one, which caps it.
    /// So `severity: warning` turns a check's errors into warnings, and `severity: error`
    /// on a warning-level check raises its warnings but leaves its infos alone.
    public func adjust(_ severity: Severity) -> Severity {
        if severity == descriptor.defaultSeverity { return self.severity }
        return min(severity, self.severity)
    }

    init<C: Check>(_ type: C.Type, rules: CheckRules?, aliasUsed: String?) throws(RulesError) {
        var options = C.Options()
        let fields = C.Options.fields
        let id = C.descriptor.id.rawValue
        for pair in rules?.options ?? [] {
            let key = pair.key.scalar ?? ""
            guard let field = fields.first(where: { $0.key == key }) else {
                throw .unknownKey(
                    pair.key.mark, key: key, context: "option for check '\(id)'",
                    suggestion: Suggestion.closest(
                        to: key, in: fields.map(\.key) + ["enabled", "severity"]))
            }
            do { try field.decode(pair.value, into: &options) } catch {
                throw .invalidValue(error.mark, path: "checks.\(id).\(key)", message: error.message)
            }
        }
        do { try options.validate() } catch {
            let node = rules?.options.first { $0.key.scalar == error.key }
            throw .invalidValue(
                node?.value.mark ?? rules?.mark ?? YAMLMark(file: "(defaults)", line: 1, column: 1),
                path: "checks.\(id).\(error.key)", message: error.message)
        }
        descriptor = C.descriptor
        isOptIn = C.self is any OptInCheck.Type
        enabled = rules?.enabled ?? !isOptIn
        severity = rules?.severity ?? C.descriptor.defaultSeverity
        effectiveOptions = fields.map { ($0.key, $0.doc, $0.value(in: options)) }
        self.aliasUsed = aliasUsed
        let check = C(options: options)
        body = { input in try check.run(input) }
        if let explainable = check as? any ExplainableCheck {
            explainBody = { input in try explainable.explain(input) }
        } else {
            explainBody = nil
        }
    }
}

extension Check {
    /// Decodes this check's rules into a runnable check.
    static func configured(rules: CheckRules?, aliasUsed: String?) throws(RulesError)
        -> ConfiguredCheck
    {
        try ConfiguredCheck(Self.self, rules: rules, aliasUsed: aliasUsed)
    }
}
