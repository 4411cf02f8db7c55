import PreflightCore
import Testing

@testable import PreflightReaders

@Suite struct JSONArrayReaderTests {
    @Test func arrayOfObjects() throws {
        let file = try Fixture.read("JSONArrayReader", "array.json")
        #expect(file.recordSummary == ["2:1", "3:2", "6:4"])
        #expect(file.issueSummary == ["5:3:not_an_object"])
        #expect(file.records.map(\.id) == ["a", "b", "d"])
        #expect(file.format == .json)
    }

    @Test func examplesObject() throws {
        let file = try Fixture.read("JSONArrayReader", "examplesObject.json")
        #expect(file.recordSummary == ["2:1", "3:2"])
        #expect(file.issues.isEmpty)
    }

    @Test func wrongTopLevel() throws {
        let file = try Fixture.read("JSONArrayReader", "wrongTopLevel.json")
        #expect(file.records.isEmpty)
        #expect(file.issueSummary == ["1:-:invalid_json"])
        #expect(
            file.issues[0].message
                == "expected a top-level array of objects or an object with an 'examples' array, found an object without 'examples'"
        )
        let scalar = try Fixture.read(text: "42", name: "x.json")
        #expect(scalar.issues.first?.message.hasSuffix("found a number") == true)
    }

    @Test func syntaxErrorStopsAndKeepsEarlierRecords() throws {
        let file = try Fixture.read("JSONArrayReader", "syntaxError.json")
        #expect(file.recordSummary == ["2:1"])
        #expect(file.issueSummary == ["3:2:invalid_json"])
        #expect(
            file.issues[0].message
                == "invalid JSON at line 3, column 17: expected ',' or '}' after a value")
    }

    // MARK: - Hostile input

    static func readJSON(_ text: String) throws -> InputFile {
        try Fixture.read(text: text, name: "train.json")
    }

    /// The error of an array never closed used to carry the ordinal of the last record, which
    /// was read fine: the same record counted as both read and malformed.
    @Test func unclosedArrayIsNotAboutTheLastRecord() throws {
        let file = try Self.readJSON("[\n{\"text\": \"a\"},\n{\"text\": \"b\"}\n")
        #expect(file.recordSummary == ["2:1", "3:2"])
        #expect(file.issueSummary == ["4:-:invalid_json"])
        #expect(
            file.issues[0].message
                == "invalid JSON at line 4, column 1: expected ',' or ']' after a value")
    }

    /// A trailing comma used to count as a third, malformed record.
    @Test func trailingCommaIsAFileLevelIssue() throws {
        let file = try Self.readJSON("[\n{\"text\": \"a\"},\n{\"text\": \"b\"},\n]\n")
        #expect(file.recordSummary == ["2:1", "3:2"])
        #expect(file.issueSummary == ["4:-:invalid_json"])
        #expect(
            file.issues[0].message == "invalid JSON at line 4, column 1: trailing comma before ']'")
    }

    @Test func nonObjectElementOnLine5() throws {
        let file = try Self.readJSON(
            "[\n{\"text\": \"a\"},\n{\"text\": \"b\"},\n{\"text\": \"c\"},\n42,\n{\"text\": \"d\"}\n]"
        )
        #expect(file.recordSummary == ["2:1", "3:2", "4:3", "6:5"])
        #expect(file.issueSummary == ["5:4:not_an_object"])
    }

    @Test func deepNestingIsAnIssueNotACrash() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let file = try Self.readJSON("[{\"text\": \"a\"}, \(deep)]")
        #expect(file.recordSummary == ["1:1"])
        #expect(file.issues.first?.message.hasSuffix("nesting is deeper than 128 levels") == true)
    }

    @Test func topLevelStringAndEmptyInput() throws {
        #expect(
            try Self.readJSON("\"hello\"").issues.first?.message.hasSuffix("found a string") == true
        )
        #expect(try Self.readJSON("  \n").issues.isEmpty)
    }
}
