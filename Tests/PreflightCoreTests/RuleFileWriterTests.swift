import Testing

@testable import PreflightCore

struct RuleFileWriterTests {
    /// Renders, parses and configures again.
    func roundTrip(_ checks: [ConfiguredCheck], dataset: DatasetRules = DatasetRules()) throws -> (
        text: String, rules: RuleSet, checks: [ConfiguredCheck]
    ) {
        let text = RuleFileWriter.render(checks: checks, dataset: dataset, header: ["Test header."])
        let parsed: RuleSet
        do { parsed = try RuleSet.parse(text, name: "rendered.yaml") } catch {
            Issue.record("rendered rules do not parse: \(error)\n\(text)")
            throw error
        }
        return (text, parsed, try Auditor.configure(parsed, registry: TestRegistry.checks))
    }

    func expectSameConfiguration(
        _ a: [ConfiguredCheck], _ b: [ConfiguredCheck],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(a.map(\.descriptor.id) == b.map(\.descriptor.id), sourceLocation: sourceLocation)
        #expect(a.map(\.enabled) == b.map(\.enabled), sourceLocation: sourceLocation)
        #expect(a.map(\.severity) == b.map(\.severity), sourceLocation: sourceLocation)
        for (x, y) in zip(a, b) {
            #expect(
                x.effectiveOptions.map(\.key) == y.effectiveOptions.map(\.key),
                sourceLocation: sourceLocation)
            #expect(
                x.effectiveOptions.map(\.value) == y.effectiveOptions.map(\.value),
                sourceLocation: sourceLocation)
        }
    }

    @Test func defaultsRoundTrip() throws {
        let defaults = try configure("version: 1\n")
        let result = try roundTrip(defaults)
        expectSameConfiguration(defaults, result.checks)
        // The output is a fixed point.
        #expect(
            RuleFileWriter.render(
                checks: result.checks, dataset: result.rules.dataset, header: ["Test header."])
                == result.text)
    }

    @Test func everyOptionKindRoundTrips() throws {
        let original = try configure(
            #"""
            version: 1
            checks:
              all_kinds:
                enabled: false
                severity: info
                strict: true
                limit: 12
                threshold: 1.0e-5
                warning_ratio: -0.1
                error_ratio: 12345678901234567
                field: " padded "
                fields: ["", "true", "null", "~", "007", "1_000", "a, b", "[x]", "#tag", "- item", "key: value", "tab\there", "line\nbreak", "quote\" and \\", "ünïcode 👋", "yes", "0x1F", ".inf", "1:30", "plain words"]
                mode: thorough
                modes: [paranoid, fast, paranoid]
                slices:
                  "odd: name": { match: ["a, b", c], min_count: 3 }
                  empty: { match: [], min_count: 0 }
              scripted:
                severity: error
                emit: [error, info]
                lines: [7, 8]
                dataset_level: "warning"
                skip: "true"
              opt_in: true
            """#)
        let result = try roundTrip(original)
        expectSameConfiguration(original, result.checks)
        let all = try check("all_kinds", in: result.checks)
        #expect(
            all.effectiveOptions.first { $0.key == "fields" }?.value
                == .list([
                    "", "true", "null", "~", "007", "1_000", "a, b", "[x]", "#tag", "- item",
                    "key: value", "tab\there",
                    "line\nbreak", "quote\" and \\", "ünïcode 👋", "yes", "0x1F", ".inf", "1:30",
                    "plain words",
                ]))
    }

    @Test(arguments: [
        "", "true", "false", "null", "~", "yes", "No", "0", "-3", "2.5", "1e-05", "007", "1_000",
        "+1",
        ".5", "1.50", "0x1F", ".inf", "-.Inf", ".NaN", "1:30", " lead", "trail ", "a: b", "a:",
        "a #b",
        "a#b", "#x", "- x", "-", "?", "? x", "[x]", "{x}", "a,b", "&a", "*a", "!tag", "|", ">",
        "'q'",
        "\"q\"", "%x", "@x", "`x`", "tab\tx", "nl\nx", "cr\rx", "nul\u{0}x", "bell\u{7}",
        "del\u{7F}",
        "nel\u{85}x", "ls\u{2028}x", "bom\u{FEFF}", "back\\slash", "ünïcode", "emoji 👋",
        "plain words",
        "snake_case", "a-b", "a.b", "a/b", "...", "---", "=", "<<",
    ])
    func scalarsReadBackAsTheSameText(text: String) throws {
        let written = RuleFileWriter.scalar(text)
        let root = try YAMLNode.parse("k: \(written)\nl: [\(written), x]\n", file: "s.yaml")
        #expect(root["k"]?.scalar == text, "written as \(written)")
        #expect(
            root["k"]?.isNull == false || RuleFileWriter.isCanonicalLiteral(text),
            "written as \(written)")
        #expect(root["l"]?.items?.map(\.scalar) == [text, "x"], "written as \(written)")
    }

    @Test(arguments: [
        ("plain", "plain"), ("true", "true"), ("-3", "-3"), ("0.25", "0.25"), ("1e-05", "1e-05"),
        ("", "\"\""), ("null", "\"null\""), ("~", "\"~\""), ("yes", "\"yes\""), ("007", "\"007\""),
        ("1.50", "\"1.50\""), ("a: b", "\"a: b\""), ("- x", "\"- x\""), ("#x", "\"#x\""),
        (" x", "\" x\""),
        ("a, b", "\"a, b\""), ("\"q\\", "\"\\\"q\\\\\""), ("q\"\\", "q\"\\"), ("l\nb", "\"l\\nb\""),
        ("\u{7}", "\"\\x07\""),
        ("\u{2028}", "\"\\u2028\""), ("ü", "ü"),
    ])
    func scalarSpelling(text: String, written: String) {
        #expect(RuleFileWriter.scalar(text) == written)
    }

    @Test func datasetRoundTrips() throws {
        for dataset in [
            DatasetRules(),
            DatasetRules(shape: .chat),
            DatasetRules(
                shape: .classification, textFields: ["question", "a: b"], labelField: "intent",
                idField: "true"),
            DatasetRules(textFields: ["text"], idField: "007"),
        ] {
            let result = try roundTrip([], dataset: dataset)
            #expect(result.rules.dataset == dataset, "\(result.text)")
        }
    }

    @Test func exactLayout() throws {
        let checks = try configure(
            "version: 1\nchecks:\n  scripted: { severity: error, emit: [warning] }\n")
        let text = RuleFileWriter.render(
            checks: [checks[1], checks[2]], dataset: DatasetRules(labelField: "intent"),
            header: ["Generated.", "", "Edit me."])
        #expect(
            text == """
                # Generated.
                #
                # Edit me.
                version: 1

                dataset:
                  # auto (detect from the records) or one of: classification, chat, sharegpt, prompt_completion, instruction, preference, text.
                  shape: auto
                  # Fields joined to form a classification input; unset: detected.
                  # text_fields: [text]
                  # The class label field; unset: detected.
                  label_field: intent
                  # The record id field used in locations; unset: detected.
                  # id_field: id

                # Declared slices, checked by 'coverage' (README: Coverage); merged by name across files.
                # coverage:
                #   slices:
                #     refund_requests:
                #       where: {keywords: [refund, money back], case_insensitive: true}
                #       min_count: 20
                #       min_share: 0.02
                #       splits: [train, test]

                # Failure modes, checked by 'failure_taxonomy' (README: Failure taxonomy); merged by name.
                # taxonomy:
                #   modes:
                #     wrong_refund_policy:
                #       description: the model promises refunds outside the 30-day window
                #       slice: refund_requests   # or where: {…} as in coverage slices
                #       min_train: 20
                #       min_heldout: 5

                # Every check takes 'enabled' (true or false) and 'severity' (info, warning, error);
                # '<id>: false' is shorthand for 'enabled: false'.
                checks:
                  # Reports what its options say.
                  scripted:
                    enabled: true
                    severity: error
                    # Severities of the findings to emit.
                    emit: [warning]
                    # Lines of the emitted findings.
                    lines: []
                    # Severity of one dataset-level finding.
                    dataset_level: ""
                    # Skip with this reason.
                    skip: ""

                  # Runs only when a rule file enables it.
                  opt_in:
                    enabled: false
                    severity: error
                    # Severities of the findings to emit.
                    emit: []
                    # Lines of the emitted findings.
                    lines: []
                    # Severity of one dataset-level finding.
                    dataset_level: ""
                    # Skip with this reason.
                    skip: ""

                """)
    }

    @Test func nestedMapsAreBlockStyle() throws {
        let checks = try configure("version: 1\n")
        let text = RuleFileWriter.render(checks: [checks[0]], dataset: DatasetRules(), header: [])
        #expect(
            text.contains(
                """
                    # Named slices of the data.
                    slices:
                      greeting:
                        match: [hi, hello]
                        min_count: 2

                """))
        #expect(text.hasPrefix("version: 1\n"))
    }

    @Test func noChecksIsAnEmptyMapping() throws {
        let text = RuleFileWriter.render(checks: [], dataset: DatasetRules(), header: [])
        #expect(text.hasSuffix("\nchecks: {}\n"))
        let parsed = try RuleSet.parse(text, name: "empty.yaml")
        #expect(parsed.checks.isEmpty)
    }

    @Test func renderingIsDeterministic() throws {
        let a = RuleFileWriter.render(
            checks: try configure("version: 1\n"), dataset: DatasetRules(), header: ["x"])
        let b = RuleFileWriter.render(
            checks: try configure("version: 1\n"), dataset: DatasetRules(), header: ["x"])
        #expect(Array(a.utf8) == Array(b.utf8))
    }
}
