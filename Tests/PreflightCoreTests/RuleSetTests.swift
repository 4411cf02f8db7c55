import Testing

@testable import PreflightCore

struct RuleSetTests {
    @Test func parsesDatasetAndChecks() throws {
        let parsed = try rules(
            """
            version: 1
            dataset:
              shape: classification
              text_fields: [question, context]
              label_field: intent
              id_field: uid
            checks:
              scripted:
                severity: error
                emit: [info, warning]
                skip: ""
              opt_in: { enabled: true }
              all_kinds:
            """)
        #expect(
            parsed.dataset
                == DatasetRules(
                    shape: .classification, textFields: ["question", "context"],
                    labelField: "intent", idField: "uid"))
        #expect(parsed.checkOrder == ["scripted", "opt_in", "all_kinds"])
        let scripted = try #require(parsed.checks["scripted"])
        #expect(scripted.severity == .error)
        #expect(scripted.enabled == nil)
        #expect(scripted.options.map { $0.key.scalar } == ["emit", "skip"])
        #expect(scripted.mark.description == "test.yaml:8:3")
        #expect(parsed.checks["opt_in"]?.enabled == true)
        #expect(
            parsed.checks["all_kinds"]
                == CheckRules(mark: YAMLMark(file: "test.yaml", line: 13, column: 3)))
        #expect(parsed.sources == ["test.yaml"])
    }

    @Test func datasetShapeAutoMeansDetect() throws {
        #expect(try rules("version: 1\ndataset:\n  shape: auto\n").dataset.shape == nil)
        #expect(try rules("version: 1\ndataset:\n").dataset == DatasetRules())
        #expect(
            try rules("version: 1\ndataset:\n  shape: prompt_completion\n").dataset.shape
                == .promptCompletion)
    }

    @Test func datasetErrors() {
        func message(_ text: String) -> String? {
            rulesError { () throws(RulesError) in _ = try RuleSet.parse(text, name: "d.yaml") }
        }
        #expect(
            message("version: 1\ndataset:\n  shape: unknown\n")?.contains(
                "expected one of auto, classification") == true)
        #expect(
            message("version: 1\ndataset:\n  text_fields: []\n")
                == "d.yaml:3:16: error: invalid value for 'dataset.text_fields': list at least one field"
        )
        #expect(
            message("version: 1\ndataset:\n  text_fields: text\n")
                == "d.yaml:3:16: error: invalid value for 'dataset.text_fields': expected a list, found string"
        )
        #expect(
            message("version: 1\ndataset:\n  label_field: [a]\n")
                == "d.yaml:3:16: error: invalid value for 'dataset.label_field': expected a string, found list"
        )
        #expect(
            message("version: 1\ndataset: [a]\n")
                == "d.yaml:2:10: error: 'dataset' must be a mapping of keys to values")
    }

    @Test func enabledShorthand() throws {
        let parsed = try rules(
            "version: 1\nchecks:\n  scripted: false\n  opt_in: true\n  all_kinds: ~\n")
        #expect(parsed.checks["scripted"]?.enabled == false)
        #expect(parsed.checks["opt_in"]?.enabled == true)
        #expect(parsed.checks["all_kinds"]?.enabled == nil)
        #expect(parsed.checks["scripted"]?.mark.description == "test.yaml:3:3")
    }

    @Test func booleansAreOnlyTrueAndFalse() {
        for word in ["yes", "no", "on", "off", "True", "\"true\"", "1"] {
            let message = rulesError { () throws(RulesError) in
                _ = try RuleSet.parse(
                    "version: 1\nchecks:\n  pii:\n    enabled: \(word)\n", name: "b.yaml")
            }
            #expect(
                message?.hasPrefix(
                    "b.yaml:4:14: error: invalid value for 'checks.pii.enabled': expected true or false, found"
                ) == true, "\(word)")
        }
        let shorthand = rulesError { () throws(RulesError) in
            _ = try RuleSet.parse("version: 1\nchecks:\n  pii: yes\n", name: "b.yaml")
        }
        #expect(
            shorthand
                == "b.yaml:3:8: error: 'checks.pii' (or true/false) must be a mapping of keys to values"
        )
    }

    @Test func versionErrors() {
        func message(_ text: String) -> String? {
            rulesError { () throws(RulesError) in _ = try RuleSet.parse(text, name: "v.yaml") }
        }
        #expect(
            message("version: 0\n")
                == "v.yaml:1:10: error: invalid value for 'version': expected a positive integer, found '0'"
        )
        #expect(
            message("version: one\n")
                == "v.yaml:1:10: error: invalid value for 'version': expected a positive integer, found 'one'"
        )
        #expect(
            message("version: [1]\n")
                == "v.yaml:1:10: error: invalid value for 'version': expected a positive integer, found list"
        )
        #expect(
            message("") == "v.yaml: error: missing 'version'; add 'version: 1' as the first line")
        #expect(message("version: 1\n") == nil)
        #expect(message("version: 1\nchecks:\n") == nil)
    }

    @Test func nonScalarKeysAreRejected() {
        let message = rulesError { () throws(RulesError) in
            _ = try RuleSet.parse("version: 1\n[a]: 1\n", name: "k.yaml")
        }
        #expect(
            message
                == "k.yaml:2:1: error: invalid value for 'the rule file': keys must be plain names, found a list"
        )
    }

    @Test func mergeIsKeyByKeyLaterFileWins() throws {
        let base = try rules(
            """
            version: 1
            dataset:
              label_field: intent
              text_fields: [text]
            checks:
              scripted:
                severity: error
                emit: [info]
                skip: base
              all_kinds: { limit: 3 }
            """, name: "base.yaml")
        let over = try rules(
            """
            version: 1
            dataset:
              text_fields: [question]
            checks:
              opt_in: true
              scripted:
                skip: over
                lines: [4]
                enabled: false
            """, name: "over.yaml")
        let merged = base.merging(over)
        #expect(merged.sources == ["base.yaml", "over.yaml"])
        #expect(merged.texts == base.texts + over.texts)
        #expect(merged.dataset == DatasetRules(textFields: ["question"], labelField: "intent"))
        #expect(merged.checkOrder == ["scripted", "all_kinds", "opt_in"])
        let scripted = try #require(merged.checks["scripted"])
        #expect(scripted.severity == .error)  // kept from base
        #expect(scripted.enabled == false)  // from over
        #expect(scripted.options.map { $0.key.scalar } == ["emit", "skip", "lines"])
        #expect(
            scripted.options.map { $0.value.mark.file } == ["base.yaml", "over.yaml", "over.yaml"])
        #expect(scripted.options[1].value.scalar == "over")
        #expect(scripted.mark.file == "over.yaml")
        #expect(merged.checks["all_kinds"] == base.checks["all_kinds"])
        #expect(merged.checks["opt_in"]?.enabled == true)

        // The merged settings configure as one file would.
        let configured = try Auditor.configure(merged, registry: TestRegistry.checks)
        let all = try check("all_kinds", in: configured)
        #expect(all.effectiveOptions.first { $0.key == "limit" }?.value == .scalar("3"))
        #expect(try check("scripted", in: configured).enabled == false)
        #expect(try check("opt_in", in: configured).enabled)
    }

    @Test func mergingEmptyChangesNothingButSources() throws {
        let base = try rules("version: 1\nchecks:\n  scripted: { severity: info }\n")
        var empty = RuleSet()
        empty.sources = ["empty"]
        let merged = base.merging(empty)
        #expect(merged.checks == base.checks)
        #expect(merged.dataset == base.dataset)
        #expect(merged.sources == ["test.yaml", "empty"])
    }

    @Test func digestDependsOnEveryText() throws {
        let a = try rules("version: 1\n")
        let b = try rules("version: 1 # changed\n")
        #expect(a.digest != b.digest)
        #expect(a.digest == (try rules("version: 1\n")).digest)
        #expect(a.merging(b).digest != b.merging(a).digest)
        #expect(a.digest.count == 64)
    }
}
