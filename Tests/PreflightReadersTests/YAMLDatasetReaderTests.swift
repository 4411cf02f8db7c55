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
        #expect(issue.message.hasPrefix("invalid YAML at line 6, column 8: did not find expected ',' or ']' (while parsing a flow sequence)"))
    }

    @Test func aliasBombIsBounded() throws {
        let file = try Fixture.read("YAMLDatasetReader", "aliasBomb.yaml", options: LoadOptions(maxRecordBytes: 1 << 20))
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
}
