import ArgumentParser
import Foundation
import PreflightChecks
import PreflightCore

/// Flags that choose rules: profiles, rule files and field overrides.
struct RulesOptions: ParsableArguments {
    @Option(
        name: .customLong("profile"),
        help: ArgumentHelp(
            "A built-in profile (a file of rules/, embedded in the binary); repeatable, merged in order.",
            valueName: "NAME"))
    var profiles: [String] = []

    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp(
            "A YAML rule file; repeatable, merged left to right after the profiles, key by key.",
            valueName: "FILE"))
    var ruleFiles: [String] = []

    @Option(
        name: .customLong("text-field"),
        help: ArgumentHelp(
            "The field holding the input text (repeat to join several); overrides the rules.",
            valueName: "NAME"))
    var textFields: [String] = []

    @Option(
        name: .customLong("label-field"),
        help: ArgumentHelp(
            "The field holding the class label; overrides the rules.", valueName: "NAME"))
    var labelField: String?

    @Option(
        name: .customLong("id-field"),
        help: ArgumentHelp(
            "The field holding each record's id; overrides the rules.", valueName: "NAME"))
    var idField: String?

    @Option(
        name: .customLong("shape"),
        help: ArgumentHelp(
            "The shape of every input instead of detecting it.", valueName: "SHAPE"))
    var shape: Shape?

    /// Loads and merges profiles and rule files, then applies the field flags.
    /// - Throws: `RulesError` (the command exits 2).
    func ruleSet() throws(RulesError) -> RuleSet {
        var rules = RuleSet()
        for name in profiles { rules = rules.merging(try BuiltInProfiles.load(named: name)) }
        for path in ruleFiles {
            rules = rules.merging(try RuleSet.parse(try Self.readText(path), name: path))
        }
        if !textFields.isEmpty { rules.dataset.textFields = textFields }
        if let labelField { rules.dataset.labelField = labelField }
        if let idField { rules.dataset.idField = idField }
        if let shape { rules.dataset.shape = shape }
        return rules
    }

    /// Loads the rules and decodes every check's options, reporting mistakes on stderr.
    /// - Throws: `CommandExit.usage` after printing the rule-file error.
    func configuredChecks(console: Console) throws -> (RuleSet, [ConfiguredCheck]) {
        do {
            let rules = try ruleSet()
            let checks = try Auditor.configure(rules, registry: BuiltInChecks.all)
            for check in checks {
                if let alias = check.aliasUsed {
                    console.err(
                        "warning: check '\(alias)' is now called '\(check.descriptor.id)'; rename it in your rules"
                    )
                }
            }
            return (rules, checks)
        } catch {
            console.err(error.description)
            throw CommandExit.usage
        }
    }

    /// Why `readText` refuses a file that was read but is not text.
    static let notUTF8 = "the file is not UTF-8 text"

    /// The contents of a rule-like file (rule file, suppression file) as UTF-8 text.
    /// - Throws: `RulesError.cannotRead` with the I/O reason, or with `notUTF8`.
    static func readText(_ path: String) throws(RulesError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .cannotRead(path: path, reason: reason(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .cannotRead(path: path, reason: notUTF8)
        }
        return text
    }

    /// A readable reason from a Foundation file error.
    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return ns.localizedDescription
    }
}

extension Shape: ExpressibleByArgument {
    public static var allValueStrings: [String] {
        allCases.filter { $0 != .unknown }.map(\.rawValue)
    }
}

extension Severity: ExpressibleByArgument {}
