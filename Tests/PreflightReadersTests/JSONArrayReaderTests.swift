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
        #expect(file.issues[0].message
            == "expected a top-level array of objects or an object with an 'examples' array, found an object without 'examples'")
        let scalar = try Fixture.read(text: "42", name: "x.json")
        #expect(scalar.issues.first?.message.hasSuffix("found a number") == true)
    }

    @Test func syntaxErrorStopsAndKeepsEarlierRecords() throws {
        let file = try Fixture.read("JSONArrayReader", "syntaxError.json")
        #expect(file.recordSummary == ["2:1"])
        #expect(file.issueSummary == ["3:2:invalid_json"])
        #expect(file.issues[0].message == "invalid JSON at line 3, column 17: expected ',' or '}' after a value")
    }
}
