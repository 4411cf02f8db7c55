import Foundation
import Testing

@testable import PreflightCore

/// The `taxonomy:` section: modes, defaults, merging, the check that `slice:` names a
/// declared slice, and every mistake with its `file:line:col`.
struct TaxonomyRulesTests {
    static func parse(_ text: String) throws -> RuleSet {
        try RuleSet.parse("version: 1\n" + text, name: "r.yaml")
    }

    /// The message of the first error parsing (and validating) `text`, or "no error".
    static func error(_ text: String) -> String {
        do throws(RulesError) {
            let rules = try RuleSet.parse("version: 1\n" + text, name: "r.yaml")
            try rules.validateTaxonomy()
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func modesParseWithDefaults() throws {
        let rules = try Self.parse(
            """
            coverage:
              slices:
                refund_requests: {where: {keywords: [refund]}}
            taxonomy:
              modes:
                wrong_refund_policy:
                  description: promises refunds outside the 30-day window
                  severity: warning
                  slice: refund_requests
                  min_train: 20
                  min_heldout: 5
                inline:
                  where: {text: {keywords: [refund], case_insensitive: true}}
            """)
        try rules.validateTaxonomy()
        let modes = rules.taxonomy.modes
        #expect(modes.map(\.name) == ["wrong_refund_policy", "inline"])
        #expect(modes[0].description == "promises refunds outside the 30-day window")
        #expect(modes[0].severity == .warning)
        #expect(modes[0].minTrain == 20)
        #expect(modes[0].minHeldout == 5)
        #expect(modes[0].selector == .slice("refund_requests", mark: modes[0].selectorMark))
        #expect(modes[0].mark == YAMLMark(file: "r.yaml", line: 7, column: 5))
        #expect(modes[1].severity == .error)
        #expect(modes[1].minTrain == 1)
        #expect(modes[1].minHeldout == 1)
        #expect(
            modes[1].selector
                == .predicate(.text(.input, .keywords(["refund"], caseInsensitive: true))))
        #expect(rules.taxonomy.inlineSlices.map(\.name) == ["taxonomy:inline"])
    }

    @Test func emptySectionsDeclareNothing() throws {
        #expect(try !Self.parse("taxonomy:\n").taxonomy.isDeclared)
        #expect(try !Self.parse("taxonomy:\n  modes:\n").taxonomy.isDeclared)
    }

    @Test func rulesMergeModesByName() throws {
        let a = try Self.parse(
            """
            taxonomy:
              modes:
                a: {where: {keywords: [x]}, min_train: 3}
                b: {where: {keywords: [y]}}
            """)
        let b = try Self.parse(
            """
            taxonomy:
              modes:
                a: {where: {keywords: [z]}}
                c: {where: {keywords: [w]}}
            """)
        let merged = a.merging(b).taxonomy.modes
        #expect(merged.map(\.name) == ["a", "b", "c"])
        #expect(merged[0].minTrain == 1, "a later mode replaces the earlier one as a whole")
    }

    /// A slice declared in another rule file is found once the files are merged.
    @Test func sliceMayBeDeclaredInAnotherFile() throws {
        let slices = try Self.parse("coverage:\n  slices:\n    s: {where: {keywords: [x]}}\n")
        let modes = try Self.parse("taxonomy:\n  modes:\n    m: {slice: s}\n")
        #expect(throws: RulesError.self) { try modes.validateTaxonomy() }
        try slices.merging(modes).validateTaxonomy()
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var text: String
        var message: String
        var testDescription: String { message }
    }

    static let bad: [Bad] = [
        Bad(
            text: "taxonomy: [a]\n",
            message: "r.yaml:2:11: error: 'taxonomy' must be a mapping of keys to values"),
        Bad(
            text: "taxonomy:\n  mode:\n",
            message: "r.yaml:3:3: error: unknown key 'mode' for 'taxonomy'; did you mean 'modes'?"),
        Bad(
            text: "taxonomy:\n  modes: [a]\n",
            message: "r.yaml:3:10: error: 'taxonomy.modes' must be a mapping of keys to values"),
        Bad(
            text: "taxonomy:\n  modes:\n    m: {where: {keywords: [x]}, min_trian: 2}\n",
            message:
                "r.yaml:4:33: error: unknown key 'min_trian' for failure mode 'm'; did you mean 'min_train'?"
        ),
        Bad(
            text: "taxonomy:\n  modes:\n    m: {description: x}\n",
            message:
                "r.yaml:4:5: error: invalid value for 'taxonomy.modes.m': missing 'slice' or 'where': name a declared coverage slice or add the predicate that selects the mode's examples"
        ),
        Bad(
            text:
                "coverage: {slices: {s: {where: {keywords: [x]}}}}\ntaxonomy:\n  modes:\n    m: {slice: s, where: {keywords: [x]}}\n",
            message:
                "r.yaml:5:19: error: invalid value for 'taxonomy.modes.m.where': use one of 'slice' and 'where', not both: a mode names a declared slice or writes its own predicate"
        ),
        Bad(
            text: "taxonomy:\n  modes:\n    m: {where: {keywords: [x]}, min_heldout: -1}\n",
            message:
                "r.yaml:4:46: error: invalid value for 'taxonomy.modes.m.min_heldout': expected 0 or more, found -1"
        ),
        Bad(
            text: "taxonomy:\n  modes:\n    m: {where: {keywords: [x]}, min_train: -3}\n",
            message:
                "r.yaml:4:44: error: invalid value for 'taxonomy.modes.m.min_train': expected 0 or more, found -3"
        ),
        Bad(
            text: "taxonomy:\n  modes:\n    m: {where: {keywords: [x]}, severity: fatal}\n",
            message:
                "r.yaml:4:43: error: invalid value for 'taxonomy.modes.m.severity': expected one of info, warning, error, found 'fatal'"
        ),
        Bad(
            text: "taxonomy:\n  modes:\n    m: {where: {keyword: [x]}}\n",
            message:
                "r.yaml:4:17: error: unknown predicate 'keyword' for 'taxonomy.modes.m.where'; did you mean 'keywords'?"
        ),
        Bad(
            text: "taxonomy:\n  modes:\n    m: {where: {regex: \"(a\"}}\n",
            message: "regex"),
        Bad(
            text: "taxonomy:\n  modes:\n    \"a b\": {where: {keywords: [x]}}\n",
            message:
                "r.yaml:4:5: error: invalid value for 'taxonomy.modes': mode name 'a b' may use only letters, digits, '_' and '-'; rename it"
        ),
        Bad(
            text:
                "coverage: {slices: {refund_requests: {where: {keywords: [x]}}}}\ntaxonomy:\n  modes:\n    m: {slice: refund_request}\n",
            message:
                "r.yaml:5:16: error: invalid value for 'taxonomy.modes.m.slice': no coverage slice 'refund_request' is declared; did you mean 'refund_requests'?"
        ),
        Bad(
            text: "taxonomy:\n  modes:\n    m: {slice: refunds}\n",
            message:
                "r.yaml:4:16: error: invalid value for 'taxonomy.modes.m.slice': no coverage slice 'refunds' is declared; declare it under 'coverage.slices' or write the predicate with 'where'"
        ),
        Bad(
            text:
                "coverage: {slices: {alpha: {where: {keywords: [x]}}}}\ntaxonomy:\n  modes:\n    m: {slice: zzzzzzzz}\n",
            message:
                "r.yaml:5:16: error: invalid value for 'taxonomy.modes.m.slice': no coverage slice 'zzzzzzzz' is declared; declared slices: alpha"
        ),
        Bad(
            text:
                "taxonomy:\n  modes:\n    m: {where: {keywords: [x]}}\n    m: {where: {keywords: [y]}}\n",
            message: "r.yaml:5:5: error: 'm' appears twice in 'taxonomy.modes'; keep one"),
        Bad(
            text: "taxonomi:\n",
            message: "r.yaml:2:1: error: unknown top-level key 'taxonomi'; did you mean 'taxonomy'?"
        ),
    ]

    @Test(arguments: bad) func mistakesAreRuleErrorsWithPositions(_ bad: Bad) {
        let message = Self.error(bad.text)
        if bad.message == "regex" {
            #expect(message.hasPrefix("r.yaml:4:"))
            #expect(message.contains("'taxonomy.modes.m.where.regex'"))
        } else {
            #expect(message == bad.message)
        }
    }

    /// The auditor validates the taxonomy before any check runs.
    @Test func configureRejectsAnUndeclaredSlice() throws {
        let rules = try Self.parse("taxonomy:\n  modes:\n    m: {slice: nope}\n")
        #expect(throws: RulesError.self) { try Auditor.configure(rules, registry: []) }
    }

    @Test func effectiveRulesRoundTrip() throws {
        let rules = try Self.parse(
            """
            coverage: {slices: {s: {where: {keywords: [x]}}}}
            taxonomy:
              modes:
                a: {description: "d: e", slice: s, min_train: 2, min_heldout: 0, severity: info}
                b: {where: {any: [{keywords: [y]}, {regex: "z+"}]}}
            """)
        let text = RuleFileWriter.render(
            checks: [], dataset: DatasetRules(), header: [], coverage: rules.coverage,
            taxonomy: rules.taxonomy)
        let reparsed = try RuleSet.parse(text, name: "r.yaml")
        #expect(reparsed.taxonomy.modes.map(\.name) == ["a", "b"])
        #expect(reparsed.taxonomy.modes[0].description == "d: e")
        #expect(reparsed.taxonomy.modes[0].minHeldout == 0)
        #expect(reparsed.taxonomy.modes[0].severity == .info)
        #expect(reparsed.taxonomy.modes[1].selector == rules.taxonomy.modes[1].selector)
        let none = RuleFileWriter.render(checks: [], dataset: DatasetRules(), header: [])
        #expect(none.contains("# taxonomy:"))
    }
}

extension FailureMode {
    /// The mark of a `slice:` selector's name.
    fileprivate var selectorMark: YAMLMark {
        if case .slice(_, let mark) = selector { return mark }
        return self.mark
    }
}
