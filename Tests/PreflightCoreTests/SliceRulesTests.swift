import Foundation
import Testing

@testable import PreflightCore

/// The `coverage:` section: every predicate, requirements, merging, and every mistake with
/// its `file:line:col`.
struct SliceRulesTests {
    static func slices(_ body: String) throws -> [SliceDefinition] {
        try RuleSet.parse("version: 1\ncoverage:\n  slices:\n" + body, name: "r.yaml").coverage
            .slices
    }

    static func error(_ body: String) -> String {
        do {
            _ = try RuleSet.parse("version: 1\ncoverage:\n  slices:\n" + body, name: "r.yaml")
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func everyPredicateParses() throws {
        let parsed = try Self.slices(
            """
                refunds:
                  description: money back
                  where:
                    any:
                      - text: {regex: "\\\\b(refund|chargeback)\\\\b", case_insensitive: true}
                      - text: {keywords: [refund, money back], case_insensitive: true}
                  min_count: 20
                  min_share: 0.02
                  splits: [train, test]
                  per_label: true
                  severity: warning
                long: {where: {length: {min: 200, unit: words}}}
                short: {where: {length: {max: 10, unit: chars}}}
                approx: {where: {length: {min: 5, max: 9, unit: tokens}}}
                cyrillic: {where: {script: cyrillic}}
                scripts: {where: {script: [greek, cjk]}}
                multi: {where: {turns: {min: 4}}}
                tools: {where: {has_tool_call: true}}
                billing: {where: {label: {in: [billing, "Billing "]}}}
                one_label: {where: {label: refund}}
                urgent: {where: {field: {name: tags, contains: urgent}}}
                prio: {where: {field: {name: priority, equals: "1"}}}
                has_tags: {where: {field: {name: tags, present: false}}}
                apology: {where: {role: assistant, regex: "sorry|apolog", case_insensitive: true}}
                subject: {where: {text: {field: subject, keywords: [invoice]}}}
                combined: {where: {all: [{not: {has_tool_call: true}}, {script: latin}]}}
                implicit_all: {where: {script: latin, turns: {max: 2}}}
            """)
        #expect(parsed.map(\.name).count == 17)
        let refunds = parsed[0]
        #expect(refunds.description == "money back")
        #expect(
            refunds.predicate
                == .any([
                    .text(
                        .input,
                        .regex(try ByteRegex("\\b(refund|chargeback)\\b", caseInsensitive: true))),
                    .text(.input, .keywords(["refund", "money back"], caseInsensitive: true)),
                ]))
        #expect(
            refunds.requirements
                == SliceRequirements(
                    minCount: 20, minShare: 0.02, splits: [.train, .test], perLabel: true,
                    severity: .warning))
        #expect(refunds.mark == YAMLMark(file: "r.yaml", line: 4, column: 5))
        let byName = Dictionary(uniqueKeysWithValues: parsed.map { ($0.name, $0.predicate) })
        #expect(byName["long"] == .length(min: 200, max: nil, unit: .words))
        #expect(byName["short"] == .length(min: nil, max: 10, unit: .chars))
        #expect(byName["approx"] == .length(min: 5, max: 9, unit: .tokens))
        #expect(byName["cyrillic"] == .script([.cyrillic]))
        #expect(byName["scripts"] == .script([.greek, .cjk]))
        #expect(byName["multi"] == .turns(min: 4, max: nil))
        #expect(byName["tools"] == .hasToolCall(true))
        #expect(byName["billing"] == .label(["billing", "Billing "]))
        #expect(byName["one_label"] == .label(["refund"]))
        #expect(byName["urgent"] == .field(name: "tags", .contains("urgent")))
        #expect(byName["prio"] == .field(name: "priority", .equals("1")))
        #expect(byName["has_tags"] == .field(name: "tags", .present(false)))
        #expect(
            byName["apology"]
                == .text(
                    .role("assistant"), .regex(try ByteRegex("sorry|apolog", caseInsensitive: true))
                ))
        #expect(
            byName["subject"]
                == .text(.field("subject"), .keywords(["invoice"], caseInsensitive: false)))
        #expect(byName["combined"] == .all([.not(.hasToolCall(true)), .script([.latin])]))
        #expect(byName["implicit_all"] == .all([.script([.latin]), .turns(min: nil, max: 2)]))
        #expect(parsed[1].requirements == SliceRequirements())
    }

    @Test func emptyCoverageSectionsAreFine() throws {
        #expect(try RuleSet.parse("version: 1\ncoverage:\n", name: "r").coverage.slices.isEmpty)
        #expect(
            try RuleSet.parse("version: 1\ncoverage:\n  slices:\n", name: "r").coverage.slices
                .isEmpty)
    }

    @Test func slicesMergeByNameLaterWins() throws {
        let a = try RuleSet.parse(
            """
            version: 1
            coverage:
              slices:
                x: {where: {script: latin}, min_count: 1}
                y: {where: {script: greek}}
            """, name: "a.yaml")
        let b = try RuleSet.parse(
            """
            version: 1
            coverage:
              slices:
                z: {where: {script: thai}}
                x: {where: {script: cyrillic}}
            """, name: "b.yaml")
        let merged = a.merging(b).coverage.slices
        #expect(merged.map(\.name) == ["x", "y", "z"])
        #expect(merged[0].predicate == .script([.cyrillic]))
        #expect(merged[0].requirements.minCount == nil)
        #expect(merged[0].mark.file == "b.yaml")
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var body: String
        var message: String
        var testDescription: String { message }
    }

    static let bad: [Bad] = [
        Bad(
            body: "    x: {where: {scirpt: latin}}\n",
            message:
                "r.yaml:4:17: error: unknown predicate 'scirpt' for 'coverage.slices.x.where'; did you mean 'script'?"
        ),
        Bad(
            body: "    x: {wher: {script: latin}}\n",
            message: "r.yaml:4:9: error: unknown key 'wher' for slice 'x'; did you mean 'where'?"),
        Bad(
            body: "    x: {min_count: 3}\n",
            message:
                "r.yaml:4:5: error: invalid value for 'coverage.slices.x': missing 'where': add the predicate that selects the slice's records"
        ),
        Bad(
            body: "    x: {where: {script: latin}, min_count: many}\n",
            message:
                "r.yaml:4:44: error: invalid value for 'coverage.slices.x.min_count': expected an integer, found string 'many'"
        ),
        Bad(
            body: "    x: {where: {script: latin}, min_share: 1.5}\n",
            message:
                "r.yaml:4:44: error: invalid value for 'coverage.slices.x.min_share': expected a share between 0 and 1, found 1.5"
        ),
        Bad(
            body: "    x: {where: {length: {min: 9, max: 3}}}\n",
            message:
                "r.yaml:4:39: error: invalid value for 'coverage.slices.x.where.length.max': 'min' (9) is above 'max' (3); no record can match"
        ),
        Bad(
            body: "    x: {where: {any: []}}\n",
            message:
                "r.yaml:4:22: error: invalid value for 'coverage.slices.x.where.any': 'any' needs at least one predicate"
        ),
        Bad(
            body: "    x: {where: {all: []}}\n",
            message:
                "r.yaml:4:22: error: invalid value for 'coverage.slices.x.where.all': 'all' needs at least one predicate"
        ),
        Bad(
            body: "    x: {where: {script: latin}}\n    x: {where: {script: greek}}\n",
            message: "r.yaml:5:5: error: 'x' appears twice in 'coverage.slices'; keep one"),
        Bad(
            body: "    x: {where: {script: latn}}\n",
            message:
                "r.yaml:4:25: error: invalid value for 'coverage.slices.x.where.script': expected one of latin, cyrillic, greek, armenian, georgian, hebrew, arabic, devanagari, bengali, tamil, thai, hangul, cjk, other, found 'latn'; did you mean 'latin'?"
        ),
        Bad(
            body: "    x: {where: {has_tool_call: yes}}\n",
            message:
                "r.yaml:4:32: error: invalid value for 'coverage.slices.x.where.has_tool_call': expected true or false, found string 'yes'"
        ),
        Bad(
            body: "    x: {where: {length: {min: 3, unit: lines}}}\n",
            message:
                "r.yaml:4:40: error: invalid value for 'coverage.slices.x.where.length.unit': expected one of chars, words, tokens, found 'lines'"
        ),
        Bad(
            body: "    x: {where: {text: {regex: a, keywords: [b]}}}\n",
            message:
                "r.yaml:4:23: error: invalid value for 'coverage.slices.x.where.text': use one of 'regex' and 'keywords' per predicate; combine them with 'any'"
        ),
        Bad(
            body: "    x: {where: {case_insensitive: true}}\n",
            message:
                "r.yaml:4:16: error: invalid value for 'coverage.slices.x.where': a text predicate needs 'regex' or 'keywords'"
        ),
        Bad(
            body: "    x: {where: {text: {regx: a}}}\n",
            message:
                "r.yaml:4:24: error: unknown key 'regx' for 'coverage.slices.x.where.text'; did you mean 'regex'?"
        ),
        Bad(
            body: "    x: {where: {field: {name: tags, equals: a, present: true}}}\n",
            message:
                "r.yaml:4:48: error: invalid value for 'coverage.slices.x.where.field.present': use one of 'equals', 'contains' and 'present'"
        ),
        Bad(
            body: "    x: {where: {field: {equals: a}}}\n",
            message:
                "r.yaml:4:24: error: invalid value for 'coverage.slices.x.where.field': missing 'name' of the field"
        ),
        Bad(
            body: "    x: {where: {turns: {}}}\n",
            message:
                "r.yaml:4:24: error: invalid value for 'coverage.slices.x.where.turns': add 'min', 'max' or both"
        ),
        Bad(
            body: "    x: {where: {}}\n",
            message:
                "r.yaml:4:16: error: invalid value for 'coverage.slices.x.where': empty predicate; use one of all, any, not, text, regex, keywords, case_insensitive, role, field, label, length, turns, has_tool_call, script"
        ),
        Bad(
            body: "    x: {where: {keywords: [a, \" \"]}}\n",
            message:
                "r.yaml:4:27: error: invalid value for 'coverage.slices.x.where.keywords': list at least one keyword, none of them blank"
        ),
        Bad(
            body: "    \"a b\": {where: {script: latin}}\n",
            message:
                "r.yaml:4:5: error: invalid value for 'coverage.slices': slice name 'a b' may use only letters, digits, '_' and '-'; rename it"
        ),
        Bad(
            body: "    x: {where: {script: latin}, splits: []}\n",
            message:
                "r.yaml:4:41: error: invalid value for 'coverage.slices.x.splits': list at least one split (train, validation, test, regression)"
        ),
        Bad(
            body: "    x: {where: {not: [a]}}\n",
            message:
                "r.yaml:4:22: error: the predicate 'coverage.slices.x.where.not' must be a mapping of keys to values"
        ),
    ]

    @Test(arguments: bad) func mistakesAreRuleErrorsWithPositions(_ bad: Bad) {
        #expect(Self.error(bad.body) == bad.message)
    }

    @Test func unknownCoverageKeyHasSuggestion() {
        let message: String
        do {
            _ = try RuleSet.parse("version: 1\ncoverage:\n  slice:\n", name: "r.yaml")
            message = "no error"
        } catch { message = error.description }
        #expect(
            message
                == "r.yaml:3:3: error: unknown key 'slice' for 'coverage'; did you mean 'slices'?")
    }

    @Test func coverageIsSuggestedForTopLevelTypos() {
        let message: String
        do {
            _ = try RuleSet.parse("version: 1\ncoverag:\n", name: "r.yaml")
            message = "no error"
        } catch { message = error.description }
        #expect(
            message
                == "r.yaml:2:1: error: unknown top-level key 'coverag'; did you mean 'coverage'?")
    }

    @Test func badRegexIsAnErrorAtThePattern() {
        let message = Self.error("    x: {where: {regex: \"(unclosed\"}}\n")
        #expect(message.hasPrefix("r.yaml:4:"))
        #expect(message.contains("'coverage.slices.x.where.regex'"))
        #expect(message.contains("of the pattern"))
    }

    /// Offsets in the pattern map to columns through the quoting of the scalar.
    @Test func patternOffsetsMapToColumns() throws {
        let source = """
            version: 1
            coverage:
              slices:
                a: {where: {regex: "\\\\b(x"}}
                b: {where: {regex: 'it''s (x'}}
                c: {where: {regex: plain(x}}
            """
        let root = try YAMLNode.parse(source, file: "r.yaml")
        let slices = root["coverage"]!["slices"]!
        func mark(_ name: String, _ offset: Int) -> Int {
            let node = slices[name]!["where"]!["regex"]!
            return SliceParser(source: source).patternMark(node, offset: offset).column
        }
        // a: `"\\b(x"` starts at column 24; pattern `\b(x`: '(' is offset 2, written at 28.
        #expect(mark("a", 2) == 28)
        // b: `'it''s (x'`: '(' is offset 5 in `it's (x`, written at column 31.
        #expect(mark("b", 5) == 31)
        // c: plain, 1:1.
        #expect(mark("c", 5) == 29)
    }
}

/// `rules --effective` writes the slices back so that they read as the same slices.
@Test func effectiveRulesRoundTripSlices() throws {
    let source = """
        version: 1
        coverage:
          slices:
            a:
              description: "it's: tricky"
              where:
                any:
                  - {regex: "\\\\b(x|y)\\\\b \\"q\\"", case_insensitive: true}
                  - {text: {role: assistant, keywords: ["a, b", "yes"]}}
                  - {not: {field: {name: tags, contains: "007"}}}
                  - {all: [{length: {min: 2, unit: tokens}}, {turns: {max: 3}}]}
                  - {label: {in: ["Billing ", "true"]}}
                  - {field: {name: "n", present: true}}
                  - {field: {name: p, equals: "1.0"}}
                  - {has_tool_call: false}
                  - {script: [cjk, latin]}
                  - {text: {field: subject, regex: "^re:"}}
              min_count: 3
              min_share: 0.25
              splits: [train, regression]
              per_label: true
              severity: warning
            b: {where: {length: {max: 9, unit: chars}}}
        """
    let rules = try RuleSet.parse(source, name: "a.yaml")
    let text = RuleFileWriter.render(
        checks: [], dataset: DatasetRules(), header: [], coverage: rules.coverage)
    let back = try RuleSet.parse(text, name: "b.yaml")
    func strip(_ s: [SliceDefinition]) -> [String] {
        s.map { "\($0.name)|\($0.description ?? "")|\($0.predicate)|\($0.requirements)" }
    }
    #expect(strip(back.coverage.slices) == strip(rules.coverage.slices))
    let none = RuleFileWriter.render(checks: [], dataset: DatasetRules(), header: [])
    #expect(try RuleSet.parse(none, name: "c.yaml").coverage.slices.isEmpty)
    #expect(none.contains("# coverage:"))
}
