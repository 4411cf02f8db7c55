import PreflightCore
import PreflightReaders
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
