/// Renders rule files: `preflight rules --defaults` (which `rules/default.yaml` must equal)
/// and `preflight rules --effective`.
///
/// The output is deterministic (same input, same bytes) and reads back with
/// `RuleSet.parse` to the same effective options. Scalars are written plain unless YAML
/// (or this project's reader) would misread them; then they are double-quoted.
public enum RuleFileWriter {
    /// Renders a complete rule file.
    ///
    /// Layout: the header as `#` comments, `version`, the `dataset:` section (unset fields
    /// as commented-out examples, `shape: auto` when the shape is detected), then `checks:`
    /// with one block per check in the given (registry) order: the check's summary as a
    /// comment, `enabled`, `severity`, and every option preceded by its doc comment.
    /// - Parameters:
    ///   - checks: configured checks, in registry order.
    ///   - dataset: the dataset section to write.
    ///   - header: comment lines for the top of the file, without the leading `#`.
    /// - Returns: the YAML text, ending with a newline.
    ///   - coverage: the declared slices; none renders a commented example.
    ///   - taxonomy: the failure modes; none renders a commented example.
    public static func render(
        checks: [ConfiguredCheck], dataset: DatasetRules, header: [String],
        coverage: CoverageRules = CoverageRules(), taxonomy: TaxonomyRules = TaxonomyRules()
    ) -> String {
        var out = Output()
        for line in header { out.comment(line, indent: 0) }
        out.line("version: \(RuleSet.supportedVersion)", indent: 0)
        out.blank()
        renderDataset(dataset, into: &out)
        out.blank()
        renderCoverage(coverage, into: &out)
        out.blank()
        renderTaxonomy(taxonomy, into: &out)
        out.blank()
        if checks.isEmpty {
            out.line("checks: {}", indent: 0)
            return out.text
        }
        out.comment(
            "Every check takes 'enabled' (true or false) and 'severity' (info, warning, error);",
            indent: 0)
        out.comment("'<id>: false' is shorthand for 'enabled: false'.", indent: 0)
        out.line("checks:", indent: 0)
        for (i, check) in checks.enumerated() {
            if i > 0 { out.blank() }
            let d = check.descriptor
            out.comment(d.summary, indent: 1)
            out.line("\(key(d.id.rawValue)):", indent: 1)
            out.line("enabled: \(check.enabled)", indent: 2)
            out.line("severity: \(check.severity.rawValue)", indent: 2)
            for option in check.effectiveOptions {
                out.comment(option.doc, indent: 2)
                renderEntry(key: option.key, value: option.value, indent: 2, into: &out)
            }
        }
        return out.text
    }

    // MARK: - Sections

    private static func renderDataset(_ dataset: DatasetRules, into out: inout Output) {
        out.line("dataset:", indent: 0)
        let shapes = Shape.allCases.filter { $0 != .unknown }.map(\.rawValue)
        out.comment(
            "auto (detect from the records) or one of: \(shapes.joined(separator: ", ")).",
            indent: 1)
        let shape = dataset.shape.flatMap { $0 == .unknown ? nil : $0 }
        out.line("shape: \(shape?.rawValue ?? "auto")", indent: 1)

        out.comment("Fields joined to form a classification input; unset: detected.", indent: 1)
        if let fields = dataset.textFields, !fields.isEmpty {
            renderEntry(key: "text_fields", value: .list(fields), indent: 1, into: &out)
        } else {
            out.comment("text_fields: [text]", indent: 1)
        }
        out.comment("The class label field; unset: detected.", indent: 1)
        if let label = dataset.labelField {
            renderEntry(key: "label_field", value: .scalar(label), indent: 1, into: &out)
        } else {
            out.comment("label_field: label", indent: 1)
        }
        out.comment("The record id field used in locations; unset: detected.", indent: 1)
        if let id = dataset.idField {
            renderEntry(key: "id_field", value: .scalar(id), indent: 1, into: &out)
        } else {
            out.comment("id_field: id", indent: 1)
        }
    }

    private static func renderCoverage(_ coverage: CoverageRules, into out: inout Output) {
        out.comment(
            "Declared slices, checked by 'coverage' (README: Coverage); merged by name across files.",
            indent: 0)
        guard !coverage.slices.isEmpty else {
            out.comment("coverage:", indent: 0)
            out.comment("  slices:", indent: 0)
            out.comment("    refund_requests:", indent: 0)
            out.comment(
                "      where: {keywords: [refund, money back], case_insensitive: true}", indent: 0)
            out.comment("      min_count: 20", indent: 0)
            out.comment("      min_share: 0.02", indent: 0)
            out.comment("      splits: [train, test]", indent: 0)
            return
        }
        out.line("coverage:", indent: 0)
        out.line("slices:", indent: 1)
        for slice in coverage.slices {
            out.line("\(key(slice.name)):", indent: 2)
            if let d = slice.description { out.line("description: \(scalar(d))", indent: 3) }
            out.line("where: \(flow(slice.predicate))", indent: 3)
            let r = slice.requirements
            if let n = r.minCount { out.line("min_count: \(n)", indent: 3) }
            if let v = r.minShare, case .scalar(let text) = v.yamlValue {
                out.line("min_share: \(text)", indent: 3)
            }
            if let splits = r.splits {
                out.line("splits: \(flowList(splits.map(\.rawValue)))", indent: 3)
            }
            if r.perLabel { out.line("per_label: true", indent: 3) }
            if let severity = r.severity { out.line("severity: \(severity.rawValue)", indent: 3) }
        }
    }

    private static func renderTaxonomy(_ taxonomy: TaxonomyRules, into out: inout Output) {
        out.comment(
            "Failure modes, checked by 'failure_taxonomy' (README: Failure taxonomy); merged by name.",
            indent: 0)
        guard taxonomy.isDeclared else {
            out.comment("taxonomy:", indent: 0)
            out.comment("  modes:", indent: 0)
            out.comment("    wrong_refund_policy:", indent: 0)
            out.comment(
                "      description: the model promises refunds outside the 30-day window",
                indent: 0)
            out.comment(
                "      slice: refund_requests   # or where: {…} as in coverage slices", indent: 0)
            out.comment("      min_train: 20", indent: 0)
            out.comment("      min_heldout: 5", indent: 0)
            return
        }
        out.line("taxonomy:", indent: 0)
        out.line("modes:", indent: 1)
        for mode in taxonomy.modes {
            out.line("\(key(mode.name)):", indent: 2)
            if let d = mode.description { out.line("description: \(scalar(d))", indent: 3) }
            out.line("severity: \(mode.severity.rawValue)", indent: 3)
            switch mode.selector {
            case .slice(let name, _): out.line("slice: \(scalar(name))", indent: 3)
            case .predicate(let predicate): out.line("where: \(flow(predicate))", indent: 3)
            }
            out.line("min_train: \(mode.minTrain)", indent: 3)
            out.line("min_heldout: \(mode.minHeldout)", indent: 3)
        }
    }

    /// A predicate in flow style, as `RuleSet.parse` reads it back.
    static func flow(_ predicate: SlicePredicate) -> String {
        func bounds(_ min: Int?, _ max: Int?) -> [String] {
            (min.map { ["min: \($0)"] } ?? []) + (max.map { ["max: \($0)"] } ?? [])
        }
        switch predicate {
        case .all(let ps): return "{all: [" + ps.map(flow).joined(separator: ", ") + "]}"
        case .any(let ps): return "{any: [" + ps.map(flow).joined(separator: ", ") + "]}"
        case .not(let p): return "{not: \(flow(p))}"
        case .text(let target, let match):
            var parts: [String] = []
            switch target {
            case .input: break
            case .field(let name): parts.append("field: \(scalar(name))")
            case .role(let role): parts.append("role: \(scalar(role))")
            }
            let ci: Bool
            switch match {
            case .regex(let regex):
                parts.append("regex: \(doubleQuoted(regex.pattern))")
                ci = regex.caseInsensitive
            case .keywords(let words, let caseInsensitive):
                parts.append("keywords: \(flowList(words))")
                ci = caseInsensitive
            }
            if ci { parts.append("case_insensitive: true") }
            return "{text: {" + parts.joined(separator: ", ") + "}}"
        case .label(let labels): return "{label: {in: \(flowList(labels))}}"
        case .length(let min, let max, let unit):
            return "{length: {"
                + (bounds(min, max) + ["unit: \(unit.rawValue)"])
                .joined(separator: ", ") + "}}"
        case .turns(let min, let max):
            return "{turns: {" + bounds(min, max).joined(separator: ", ") + "}}"
        case .hasToolCall(let flag): return "{has_tool_call: \(flag)}"
        case .field(let name, let test):
            let t: String
            switch test {
            case .equals(let v): t = "equals: \(doubleQuoted(v))"
            case .contains(let v): t = "contains: \(doubleQuoted(v))"
            case .present(let flag): t = "present: \(flag)"
            }
            return "{field: {name: \(scalar(name)), \(t)}}"
        case .script(let scripts): return "{script: \(flowList(scripts.map(\.rawValue)))}"
        }
    }

    private static func renderEntry(
        key name: String, value: YAMLValue, indent: Int, into out: inout Output
    ) {
        switch value {
        case .scalar(let s):
            out.line("\(key(name)): \(scalar(s))", indent: indent)
        case .list(let items):
            out.line("\(key(name)): \(flowList(items))", indent: indent)
        case .map(let pairs):
            if pairs.isEmpty {
                out.line("\(key(name)): {}", indent: indent)
                return
            }
            out.line("\(key(name)):", indent: indent)
            for (k, v) in pairs { renderEntry(key: k, value: v, indent: indent + 1, into: &out) }
        }
    }

    // MARK: - Scalars

    /// A list in flow style, `[a, b]`, each item quoted when needed.
    static func flowList(_ items: [String]) -> String {
        "[" + items.map(scalar).joined(separator: ", ") + "]"
    }

    /// A mapping key: plain when safe, else double-quoted.
    static func key(_ s: String) -> String { scalar(s) }

    /// A scalar written so that it reads back as the same text.
    ///
    /// `YAMLValue.scalar` does not say which type produced it, so the canonical spellings
    /// of `Bool`, `Int` and `Double` values (`true`, `-3`, `0.25`, `1e-05`) stay plain: a
    /// typed option needs them plain, and a string option reads a plain scalar as the same
    /// text. Every other scalar that YAML would read as a boolean, null or number
    /// (`yes`, `~`, `007`, `1_000`, `.inf`), or that would not survive as plain text, is
    /// double-quoted.
    static func scalar(_ s: String) -> String {
        if isCanonicalLiteral(s) { return s }
        return needsQuotes(s) ? doubleQuoted(s) : s
    }

    /// True for the exact text `Bool`, `Int` or `Double` option values render as.
    static func isCanonicalLiteral(_ s: String) -> Bool {
        if s == "true" || s == "false" { return true }
        if let i = Int(s), String(i) == s { return true }
        if let d = Double(s), d.isFinite, d.yamlValue == .scalar(s) { return true }
        return false
    }

    private static let reservedWords: Set<String> = [
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
        "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
        "y", "Y", "n", "N",
    ]

    /// Characters that start YAML syntax when they begin a plain scalar.
    private static let leadingIndicators = Set("-?:,[]{}#&*!|>'\"%@`")
    /// Characters that end or split a plain scalar inside a flow list.
    private static let flowIndicators = Set(",[]{}")

    private static func needsQuotes(_ s: String) -> Bool {
        if reservedWords.contains(s) { return true }
        if looksNumeric(s) { return true }
        guard let first = s.first, let last = s.last else { return true }
        if leadingIndicators.contains(first) { return true }
        if first == " " || last == " " || last == ":" { return true }
        if s.contains(": ") || s.contains(" #") || s.contains(where: flowIndicators.contains) {
            return true
        }
        return s.unicodeScalars.contains(where: needsEscape)
    }

    /// Numbers in any YAML 1.1 or 1.2 spelling, which other tools would read as numbers.
    private static func looksNumeric(_ s: String) -> Bool {
        let bare = s.replacingOccurrences(of: "_", with: "")
        if Double(bare) != nil { return true }
        let lower = bare.lowercased()
        if [".inf", "-.inf", "+.inf", ".nan"].contains(lower) { return true }
        let unsigned =
            lower.hasPrefix("-") || lower.hasPrefix("+") ? String(lower.dropFirst()) : lower
        for prefix in ["0x", "0o", "0b"] where unsigned.hasPrefix(prefix) && unsigned.count > 2 {
            return true
        }
        // Sexagesimal (YAML 1.1): 1:30
        if unsigned.contains(":"), unsigned.allSatisfy({ $0.isNumber || $0 == ":" || $0 == "." }),
            unsigned.first?.isNumber == true
        {
            return true
        }
        return false
    }

    private static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029, 0xFEFF: true
        default: false
        }
    }

    /// `"…"` with YAML double-quote escapes.
    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if needsEscape(u) {
                    let hex = String(u.value, radix: 16, uppercase: true)
                    out +=
                        u.value <= 0xFF
                        ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                        : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    // MARK: - Output

    private struct Output {
        var text = ""
        mutating func line(_ s: String, indent: Int) {
            text += String(repeating: "  ", count: indent) + s + "\n"
        }
        mutating func comment(_ s: String, indent: Int) {
            // A doc with line breaks stays a comment on every line.
            for part in s.split(separator: "\n", omittingEmptySubsequences: false) {
                line(part.isEmpty ? "#" : "# " + part, indent: indent)
            }
        }
        mutating func blank() { text += "\n" }
    }
}
