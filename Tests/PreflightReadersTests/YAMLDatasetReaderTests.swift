import PreflightCore
import Testing

@testable import PreflightReaders

@Suite struct YAMLDatasetReaderTests {
    @Test func sequenceOfMappings() throws {
        let file = try Fixture.read("YAMLDatasetReader", "sequence.yaml")
        #expect(file.recordSummary == ["2:1", "5:2", "9:4"])
        #expect(file.issueSummary == ["8:3:not_an_object"])
        let third = file.records[2].value
        #expect(third["id"] == .number("4"))
        #expect(third["text"] == .number("3.5"))
        #expect(third["flag"] == .bool(true))
        #expect(third["none"] == .null)
        #expect(third["empty"] == .null)
        #expect(third["quoted"] == .string("true"))
        #expect(file.records[1].value["text"] == .string("42"))
        #expect(file.records[1].label == LabelValue(text: "7", isNumeric: true))
        #expect(file.records[2].input == "3.5")
    }

    @Test func examplesKey() throws {
        let file = try Fixture.read("YAMLDatasetReader", "examplesKey.yaml")
        #expect(file.recordSummary == ["4:1", "6:2"])
        #expect(file.issues.isEmpty)
        #expect(file.records.map(\.input) == ["a", "b"])
    }

    @Test func multiDocument() throws {
        let file = try Fixture.read("YAMLDatasetReader", "multiDocument.yaml")
        #expect(file.recordSummary == ["2:1", "5:2", "9:3"])
        #expect(file.records.map(\.input) == ["first", "second", "third"])
    }

    @Test func syntaxErrorKeepsEarlierRecords() throws {
        let file = try Fixture.read("YAMLDatasetReader", "syntaxError.yaml")
        #expect(file.recordSummary == ["1:1", "3:2"])
        #expect(file.issues.count == 1)
        let issue = try #require(file.issues.first)
        #expect(issue.code == "invalid_yaml")
        #expect(issue.line == 6)
        #expect(issue.ordinal == 3)
        #expect(
            issue.message.hasPrefix(
                "invalid YAML at line 6, column 8: did not find expected ',' or ']' (while parsing a flow sequence)"
            ))
    }

    @Test func aliasBombIsBounded() throws {
        let file = try Fixture.read(
            "YAMLDatasetReader", "aliasBomb.yaml", options: LoadOptions(maxRecordBytes: 1 << 20))
        #expect(file.recordSummary == ["1:1", "14:3"])
        #expect(file.issueSummary == ["3:2:record_too_large"])
    }

    @Test func aliasesExpand() throws {
        let file = try Fixture.read("YAMLDatasetReader", "aliases.yaml")
        #expect(file.records.count == 2)
        #expect(file.records[1].value["meta"] == file.records[0].value)
    }

    @Test func scalarDocumentIsAnIssue() throws {
        let file = try Fixture.read(text: "just text\n", name: "train.yaml")
        #expect(file.issueSummary == ["1:1:invalid_yaml"])
    }

    @Test func plainScalarResolution() {
        #expect(YAMLDatasetReader.resolvePlain("~") == .null)
        #expect(YAMLDatasetReader.resolvePlain("False") == .bool(false))
        #expect(YAMLDatasetReader.resolvePlain("-12") == .number("-12"))
        #expect(YAMLDatasetReader.resolvePlain("1e3") == .number("1e3"))
        #expect(YAMLDatasetReader.resolvePlain("0x1F") == .number("0x1F"))
        #expect(YAMLDatasetReader.resolvePlain(".5") == .number(".5"))
        #expect(YAMLDatasetReader.resolvePlain("1.2.3") == .string("1.2.3"))
        #expect(YAMLDatasetReader.resolvePlain("yes") == .string("yes"))
        #expect(YAMLDatasetReader.resolvePlain("-") == .string("-"))
    }

    // MARK: - Hostile input

    static func readYAML(_ text: String, options: LoadOptions = LoadOptions()) throws -> InputFile {
        try Fixture.read(text: text, name: "train.yaml", options: options)
    }

    enum Deep: String, CaseIterable {
        case sequences, mappings, unclosed
        var text: String {
            switch self {
            case .sequences:
                String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            case .mappings:
                String(repeating: "{a: ", count: 100_000) + "1"
                    + String(repeating: "}", count: 100_000)
            case .unclosed: String(repeating: "[", count: 100_000)
            }
        }
    }

    /// 100,000 nested flow collections used to crash (stack overflow freeing the value) after
    /// 15 s in libyaml; now the record is an issue, found at once, and the next one is read.
    @Test(arguments: Deep.allCases)
    func deepNestingIsBounded(deep: Deep) throws {
        let file = try Self.readYAML(
            "- text: a\n  label: x\n- text: deep\n  label: x\n  nested: \(deep.text)\n- text: c\n  label: y\n"
        )
        #expect(file.recordSummary == ["1:1", "6:3"])
        #expect(file.issueSummary == ["5:2:invalid_yaml"])
        let message = try #require(file.issues.first?.message)
        #expect(message.hasPrefix("invalid YAML at line 5, column "))
        #expect(message.hasSuffix(": nesting is deeper than 128 levels"))
    }

    /// Aliases nest values without nesting the text: the depth bound covers them too.
    @Test func deepNestingThroughAliases() throws {
        var text = "- text: a\n  label: x\n- text: chain\n  label: x\n  l0: &l0 [1]\n"
        for i in 1...200 { text += "  l\(i): &l\(i) [*l\(i - 1)]\n" }
        text += "- text: c\n  label: y\n"
        let file = try Self.readYAML(text)
        #expect(file.recordSummary == ["1:1", "206:3"])
        // The issue is at the line where the nesting passes the limit.
        #expect(file.issueSummary == ["133:2:invalid_yaml"])
        #expect(
            file.issues.first?.message
                == "invalid YAML at line 133: nesting is deeper than 128 levels (through aliases)")
    }

    /// A 10-level tree of anchors (1,024 leaves) is fine: aliases share storage.
    @Test func anchorTreeExpands() throws {
        var text = "- text: tree\n  label: x\n  l0: &l0 {text: leaf}\n"
        for i in 1...10 { text += "  l\(i): &l\(i) {left: *l\(i - 1), right: *l\(i - 1)}\n" }
        let file = try Self.readYAML(text + "- text: after\n  label: y\n")
        #expect(file.recordSummary == ["1:1", "14:2"])
        #expect(file.issues.isEmpty)
    }

    /// After a syntax error, reading resumes at the next item of the record list.
    @Test func syntaxErrorResumesAtNextRecord() throws {
        let file = try Self.readYAML(
            """
            - text: a
              label: x
            - text: b
              label: y
            - text: c
              label: z
            - text: [oops
              label: q
            - text: e
              label: w
            """)
        #expect(file.recordSummary == ["1:1", "3:2", "5:3", "9:5"])
        #expect(file.issueSummary == ["8:4:invalid_yaml"])
        #expect(file.records.last?.input == "e")
    }

    @Test func syntaxErrorResumesInExamplesList() throws {
        let file = try Self.readYAML(
            """
            name: demo
            examples:
              - text: a
                label: x
              - text: [unclosed
                label: q
              - text: c
                label: y
            """)
        #expect(file.records.map(\.input) == ["a", "c"])
        #expect(file.recordSummary == ["3:1", "7:3"])
        #expect(file.issues.map(\.ordinal) == [2])
    }

    @Test func syntaxErrorResumesAtNextDocument() throws {
        let file = try Self.readYAML(
            "text: a\nlabel: x\n---\ntext: [b\nlabel: y\n---\ntext: c\nlabel: z\n")
        #expect(file.records.map(\.input) == ["a", "c"])
        #expect(file.records.map(\.ordinal) == [1, 3])
        #expect(file.issues.map(\.ordinal) == [2])
        #expect(file.records.last?.line == 7)
    }

    @Test func tabIndentationIsAnIssueAndLaterRecordsAreRead() throws {
        let file = try Self.readYAML("- text: a\n\tlabel: x\n- text: b\n  label: y\n")
        #expect(file.issueSummary == ["2:1:invalid_yaml"])
        #expect(file.issues.first?.message.contains("tab") == true)
        #expect(file.recordSummary == ["3:2"])
    }

    /// A mapping that is not a record list and has no `examples` is one record (a
    /// one-document stream); it is read, not rejected.
    @Test func mappingWithoutExamplesIsOneRecord() throws {
        let file = try Self.readYAML("name: x\nitems:\n  - text: a\n    label: b\n")
        #expect(file.recordSummary == ["1:1"])
        #expect(file.schema.shape == .unknown)
    }
}
