import PreflightCore
import PreflightReaders
import PreflightTestSupport
import Testing

@Suite struct GzipSourceTests {
    @Test func roundTrip() throws {
        let file = try Fixture.read("GzipSource", "roundTrip.jsonl.gz")
        #expect(file.compression == "gzip")
        #expect(file.format == .jsonl)
        #expect(file.records.map(\.input) == ["zipped one", "zipped two"])
        #expect(file.byteCount == 66)
        #expect(
            file.sha256 == SHA256.hex(of: try Fixture.bytes("GzipSource", "roundTrip.jsonl.gz")))
    }

    @Test func concatenatedMembers() throws {
        let member = try Fixture.bytes("GzipSource", "roundTrip.jsonl.gz")
        let file = try DatasetLoader.read(
            bytes: member + member, path: "train.jsonl.gz", split: .train, splitSource: "test",
            format: nil,
            options: LoadOptions())
        #expect(file.records.count == 4)
        #expect(file.recordSummary.last == "4:4")
    }

    /// Output chunks start small and double up to `outputChunk`: a file of several MiB crosses
    /// every chunk size and must come out byte for byte, records split across chunks included.
    @Test func largeFileAcrossGrowingChunks() throws {
        var text = ""
        var expected: [String] = []
        for i in 0..<60_000 {
            let line = "record \(i) " + String(repeating: "x", count: i % 97)
            expected.append(line)
            text += #"{"text": ""# + line + #"", "label": "l"}"# + "\n"
        }
        #expect(text.utf8.count > 4 << 20)
        let packed = gzipMember(Array(text.utf8))
        let file = try DatasetLoader.read(
            bytes: packed, path: "train.jsonl.gz", split: .train,
            splitSource: "test", format: nil, options: LoadOptions())
        #expect(file.malformedCount == 0)
        #expect(file.records.map { String($0.input) } == expected)
        #expect(file.byteCount == packed.count)
    }

    @Test func truncated() throws {
        #expect(throws: IngestError.self) { try Fixture.read("GzipSource", "truncated.jsonl.gz") }
        do {
            _ = try Fixture.read("GzipSource", "truncated.jsonl.gz")
        } catch let error as IngestError {
            guard case .corruptGzip = error else {
                Issue.record("expected corruptGzip, got \(error)")
                return
            }
            #expect(error.description.contains("truncated"))
        }
    }

    @Test func notGzipData() throws {
        let error = #expect(throws: IngestError.self) {
            try DatasetLoader.read(
                bytes: Array("{}\n".utf8), path: "x.jsonl.gz", split: .train, splitSource: "test",
                format: nil,
                options: LoadOptions())
        }
        #expect(error?.description.contains("gzip signature") == true)
    }

    @Test func gzipWithoutSuffixIsNotText() throws {
        let error = #expect(throws: IngestError.self) {
            try Fixture.read("GzipSource", "gzipWithoutSuffix.jsonl")
        }
        guard case .notText(_, let reason)? = error else {
            Issue.record("expected notText, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(".gz"))
    }
}
