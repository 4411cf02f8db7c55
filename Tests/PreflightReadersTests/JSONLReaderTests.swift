import PreflightCore
import Testing

@testable import PreflightReaders

@Suite struct JSONLReaderTests {
    @Test func mixedProblems() throws {
        let file = try Fixture.read("JSONLReader", "mixedProblems.jsonl")
        // Blank lines 4 and 9 are not records and take no ordinal.
        #expect(file.recordSummary == ["1:1", "2:2", "10:8"])
        #expect(
            file.issueSummary == [
                "3:3:invalid_json", "5:4:invalid_utf8", "6:5:not_an_object", "7:6:invalid_json",
                "8:7:invalid_utf8",
            ])
        #expect(
            file.issues[0].message == "invalid JSON at column 28: expected ',' or '}' after a value"
        )
        #expect(
            file.issues[1].message == "invalid UTF-8 at column 24: byte 0xFF is not valid UTF-8")
        #expect(file.issues[2].message == "expected a JSON object, found an array")
        #expect(
            file.issues[3].message == "invalid JSON at column 38: unexpected data after the value")
        #expect(file.issues[4].message.contains("lone surrogate"))
        #expect(file.records[0].input == "first")
        #expect(file.records[1].input == "café é 😀")
        #expect(file.records[2].label == LabelValue(text: "3", isNumeric: true))
        #expect(file.records[2].id == "10")
    }

    @Test func depthLimit() throws {
        let file = try Fixture.read("JSONLReader", "depthLimit.jsonl")
        #expect(file.issueSummary == ["1:1:invalid_json"])
        #expect(file.issues[0].message.contains("nesting is deeper than 128 levels"))
        #expect(file.recordSummary == ["2:2"])
    }

    @Test func recordTooLarge() throws {
        let text =
            #"{"text": "short", "label": "a"}"# + "\n"
            + #"{"text": "\#(String(repeating: "x", count: 200))", "label": "a"}"# + "\n"
        let file = try Fixture.read(text: text, options: LoadOptions(maxRecordBytes: 100))
        #expect(file.recordSummary == ["1:1"])
        #expect(file.issueSummary == ["2:2:record_too_large"])
    }

    /// Chunk boundaries anywhere give the same records, lines and ordinals.
    @Test(arguments: [1, 7, 64, 1000])
    func chunkBoundaries(chunkSize: Int) throws {
        var text = ""
        for i in 1...300 {
            text +=
                i % 7 == 0
                ? "\n" : #"{"id": \#(i), "text": "row \#(i)"}"# + (i % 5 == 0 ? "\r\n" : "\n")
        }
        let bytes = Array(text.utf8)
        let whole = JSONLReader.read(bytes, maxRecordBytes: 1 << 20)
        var reader = JSONLReader(maxRecordBytes: 1 << 20)
        var offset = 0
        while offset < bytes.count {
            reader.consume(Array(bytes[offset..<min(bytes.count, offset + chunkSize)]))
            offset += chunkSize
        }
        let chunked = reader.finish()
        #expect(chunked.values.map(\.line) == whole.values.map(\.line))
        #expect(chunked.values.map(\.ordinal) == whole.values.map(\.ordinal))
        #expect(chunked.values.map(\.value) == whole.values.map(\.value))
        #expect(whole.values.count == 300 - 42)
        #expect(whole.values.last?.line == 300)
    }

    /// An over-long line split over chunks is skipped without being buffered.
    @Test func overlongLineAcrossChunks() {
        var reader = JSONLReader(maxRecordBytes: 10)
        reader.consume(
            Array(#"{"a": 1}"#.utf8) + [0x0A]
                + Array(repeating: 0x61, count: JSONLReader.batchBytes))
        reader.consume(Array(repeating: 0x61, count: 100) + [0x0A] + Array(#"{"b": 2}"#.utf8))
        let out = reader.finish()
        #expect(out.values.map(\.line) == [1, 3])
        #expect(out.values.map(\.ordinal) == [1, 3])
        #expect(out.issues.map(\.code) == ["record_too_large"])
        #expect(out.issues.first?.line == 2)
    }

    @Test func emptyAndBlankFiles() throws {
        #expect(try Fixture.read(text: "").records.isEmpty)
        let blank = try Fixture.read(text: "\n  \n\r\n")
        #expect(blank.records.isEmpty && blank.issues.isEmpty)
    }
}
