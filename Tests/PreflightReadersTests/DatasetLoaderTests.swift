import Foundation
import PreflightCore
import PreflightReaders
import Testing

@Suite struct DatasetLoaderTests {
    @Test func folderRoleInference() throws {
        let folder = Fixture.path("DatasetLoader", "folderRoles")
        let dataset = try DatasetLoader.load([InputSpec(path: folder)], options: LoadOptions())
        let names = dataset.files.map { String($0.path.split(separator: "/").last ?? "") }
        // Sorted by name; hidden files and unknown extensions skipped.
        #expect(
            names == [
                "Dev.tsv", "data.jsonl", "eval.json", "test.yaml", "train.jsonl", "validation.csv",
            ])
        #expect(
            dataset.files.map(\.split) == [
                .validation, .train, .regression, .test, .train, .validation,
            ])
        #expect(
            dataset.files.map(\.splitSource) == [
                "file name 'dev*'", "default (file name names no split)", "file name 'eval*'",
                "file name 'test*'",
                "file name 'train*'", "file name 'val*'",
            ])
        #expect(dataset.files.allSatisfy { $0.records.count == 1 && $0.issues.isEmpty })
        #expect(dataset.files[0].path == folder + "/Dev.tsv")
        #expect(dataset.files.map(\.format) == [.tsv, .jsonl, .json, .yaml, .jsonl, .csv])
    }

    @Test func flagRoleWins() throws {
        let path = Fixture.path("DatasetLoader", "folderRoles") + "/train.jsonl"
        let dataset = try DatasetLoader.load(
            [InputSpec(path: path, split: .test)], options: LoadOptions())
        #expect(dataset.files.first?.split == .test)
        #expect(dataset.files.first?.splitSource == "--test flag")
        let custom = try DatasetLoader.load(
            [InputSpec(path: path, split: SplitRole("holdout"), splitSource: "--split holdout=…")],
            options: LoadOptions())
        #expect(custom.files.first?.splitSource == "--split holdout=…")
    }

    @Test func hashAndSize() throws {
        let path = Fixture.path("DatasetLoader", "folderRoles") + "/train.jsonl"
        let file = try #require(
            try DatasetLoader.load([InputSpec(path: path)], options: LoadOptions()).files.first)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(file.sha256 == SHA256.hex(of: bytes))
        #expect(file.byteCount == bytes.count)
        #expect(file.compression == nil)
    }

    @Test func missingPath() {
        #expect(throws: IngestError.notFound(path: "no/such/file.jsonl")) {
            try DatasetLoader.load([InputSpec(path: "no/such/file.jsonl")], options: LoadOptions())
        }
        #expect(IngestError.notFound(path: "x").description.contains("'x' was not found"))
    }

    @Test func notText() {
        let error = #expect(throws: IngestError.self) {
            try Fixture.read("DatasetLoader", "notText.jsonl")
        }
        guard case .notText(_, let reason)? = error else {
            Issue.record("expected notText, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("NUL"))
    }

    @Test(arguments: [
        ("train.csv", "text,label\r\"a\",x\r\"b\",y\r", true),
        ("train.tsv", "text\tlabel\ra\tx\r", true),
        ("train.jsonl", "{\"text\": \"a\"}\r{\"text\": \"b\"}", true),
        ("train.csv", "text,label\r\na,x\r\n", false),  // CRLF
        ("train.jsonl", "{\"text\": \"a\"}\r", false),  // one line, a final CR
        ("train.yaml", "- text: a\r- text: b\r", false),  // YAML breaks lines at CR
    ])
    func bareCarriageReturns(path: String, text: String, refused: Bool) throws {
        let read = {
            try DatasetLoader.read(
                bytes: Array(text.utf8), path: path, split: .train, splitSource: "test",
                format: nil, options: LoadOptions())
        }
        if refused {
            #expect(throws: IngestError.bareCarriageReturns(path: path)) { try read() }
        } else {
            #expect(try read().records.count >= 1)
        }
    }

    @Test func unknownExtension() {
        let path = Fixture.path("DatasetLoader", "unknownExtension.txt")
        #expect(throws: IngestError.unknownExtension(path: path)) {
            try DatasetLoader.load([InputSpec(path: path)], options: LoadOptions())
        }
        // No CLI flag forces an input format (`--format` chooses the audit's stdout format),
        // so the message offers only the rename.
        let message = IngestError.unknownExtension(path: "a.txt").description
        #expect(message.contains("rename it to .jsonl"))
        #expect(!message.contains("--format"))
        // A format flag overrides the extension.
        #expect(throws: Never.self) {
            try DatasetLoader.load([InputSpec(path: path, format: .csv)], options: LoadOptions())
        }
    }

    @Test func sameFileTwice() {
        let folder = Fixture.path("DatasetLoader", "folderRoles")
        #expect(
            throws: IngestError.duplicateInput(
                path: folder + "/train.jsonl", firstGivenAs: folder + "/train.jsonl")
        ) {
            try DatasetLoader.load(
                [InputSpec(path: folder), InputSpec(path: folder + "/train.jsonl")],
                options: LoadOptions())
        }
    }

    @Test func folderWithoutDataFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("x".utf8).write(to: dir.appendingPathComponent("readme.md"))
        #expect(throws: IngestError.noRecognisableFiles(path: dir.path)) {
            try DatasetLoader.load([InputSpec(path: dir.path)], options: LoadOptions())
        }
    }

    @Test func symlinkLoopIsAnErrorNamingIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-links-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("{\"text\": \"a\"}\n".utf8).write(to: dir.appendingPathComponent("train.jsonl"))
        try FileManager.default.createSymbolicLink(
            atPath: dir.path + "/loop.jsonl", withDestinationPath: dir.path + "/loop.jsonl")
        try FileManager.default.createSymbolicLink(
            atPath: dir.path + "/test.jsonl", withDestinationPath: dir.path + "/train.jsonl")
        // test.jsonl is the same file as train.jsonl: named twice.
        #expect(throws: IngestError.self) {
            try DatasetLoader.load([InputSpec(path: dir.path)], options: LoadOptions())
        }
        try FileManager.default.removeItem(atPath: dir.path + "/test.jsonl")
        // A member named like a data file that cannot be read is never skipped silently.
        #expect(
            throws: IngestError.readFailed(
                path: dir.path + "/loop.jsonl",
                detail: "it is a symbolic link loop; remove it or point it at a file")
        ) {
            try DatasetLoader.load([InputSpec(path: dir.path)], options: LoadOptions())
        }
        try FileManager.default.removeItem(atPath: dir.path + "/loop.jsonl")
        let dataset = try DatasetLoader.load([InputSpec(path: dir.path)], options: LoadOptions())
        #expect(dataset.files.count == 1)
    }

    /// A file of broken lines keeps the first `InputFile.keptIssues` issues in file order and
    /// counts the rest, whichever reader or stage found them (parse errors and projection
    /// errors interleaved; JSONL's parallel units merged).
    @Test(arguments: ["jsonl", "csv"])
    func manyIssuesKeepTheFirstAndCountTheRest(format: String) throws {
        let total = InputFile.keptIssues + 2_345
        var lines: [String] = []
        for i in 0..<total {
            if format == "jsonl" {
                lines.append(i % 2 == 0 ? "x\(i)" : #"{"text": " ", "label": "a"}"#)  // bad / empty
            } else {
                lines.append(i % 2 == 0 ? "a,b,c" : " ,a")  // ragged / empty text
            }
        }
        lines.append(format == "jsonl" ? #"{"text": "fine", "label": "a"}"# : "fine,a")
        let header = format == "csv" ? "text,label\n" : ""
        let file = try Fixture.read(
            text: header + lines.joined(separator: "\n") + "\n", name: "train.\(format)")
        #expect(file.records.count == 1)
        #expect(file.issues.count == InputFile.keptIssues)
        #expect(file.omittedIssues == total - InputFile.keptIssues)
        #expect(file.malformedCount == total)
        let firstLine = format == "csv" ? 2 : 1
        #expect(file.issues.map(\.line) == Array(firstLine..<(firstLine + InputFile.keptIssues)))
    }

    @Test func emptyFile() throws {
        let file = try Fixture.read("DatasetLoader", "emptyFile.jsonl")
        #expect(file.records.isEmpty && file.issues.isEmpty)
        #expect(file.schema.shape == .unknown)
    }

    @Test func sniffing() throws {
        let options = LoadOptions()
        let jsonl = try DatasetLoader.read(
            bytes: Array("  {\"text\": \"a\"}\n".utf8), path: "-", split: .train,
            splitSource: "default", format: nil, options: options)
        #expect(jsonl.format == .jsonl)
        let json = try DatasetLoader.read(
            bytes: Array("[{\"text\": \"a\"}]".utf8), path: "-", split: .train,
            splitSource: "default", format: nil, options: options)
        #expect(json.format == .json && json.records.count == 1)
        let csv = try DatasetLoader.read(
            bytes: Array("text,label\na,b\n".utf8), path: "-", split: .train,
            splitSource: "default", format: nil, options: options)
        #expect(csv.format == .csv && csv.records.first?.label?.text == "b")
    }

    @Test func progressIsReported() throws {
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var reports: [LoadProgress] = []
        }
        let box = Box()
        let path = Fixture.path("DatasetLoader", "folderRoles") + "/train.jsonl"
        _ = try DatasetLoader.load(
            [InputSpec(path: path)],
            options: LoadOptions(progress: { p in
                box.lock.lock()
                box.reports.append(p)
                box.lock.unlock()
            }))
        #expect(box.reports.last == LoadProgress(path: path, bytesRead: 28, totalBytes: 28))
    }

    // MARK: - Hostile input

    static func read(_ bytes: [UInt8], name: String = "train.jsonl") throws -> InputFile {
        try DatasetLoader.read(
            bytes: bytes, path: name, split: .train, splitSource: "test", format: nil,
            options: LoadOptions())
    }

    /// UTF-16 used to be reported only as "NUL bytes near the start", and not at all when its
    /// text had no NUL bytes (CJK); the byte order mark names the encoding.
    static let byteOrderMarks: [([UInt8], String)] = {
        let le: [UInt8] = "{\"text\": \"a\"}\n".utf16.flatMap {
            [UInt8($0 & 0xFF), UInt8($0 >> 8)]
        }
        let be: [UInt8] = "日本語".utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        return [
            ([0xFF, 0xFE] + le, "UTF-16LE"), ([0xFE, 0xFF] + be, "UTF-16BE"),
            ([0xFF, 0xFE, 0, 0, 0x7B, 0, 0, 0], "UTF-32LE"),
        ]
    }()

    @Test(arguments: byteOrderMarks)
    func unicodeByteOrderMarkIsNotText(bytes: [UInt8], encoding: String) {
        #expect(
            throws: IngestError.notText(
                path: "train.jsonl",
                reason:
                    "it is \(encoding) text (it starts with a byte order mark); save it as UTF-8")
        ) { try Self.read(bytes) }
    }

    /// NUL bytes after the first 8 KiB are record problems, not a binary file; the records
    /// after them are read.
    @Test func nulBytesAfterTheProbeAreRecordIssues() throws {
        let good = "{\"text\": \"hello\", \"label\": \"a\"}\n"
        var bytes = Array(String(repeating: good, count: 300).utf8)
        #expect(bytes.count > 8 << 10)  // past the binary-content probe
        bytes +=
            Array("{\"text\": \"a".utf8) + [0] + Array("b\"}\n".utf8) + [0, 0, 0x0A]
            + Array(good.utf8)
        let file = try Self.read(bytes)
        #expect(file.records.count == 301)
        #expect(file.issueSummary == ["301:301:invalid_json", "302:302:invalid_json"])
        #expect(file.issues[0].message.contains("control character U+0000"))
    }

    @Test func whitespaceOnlyFileHasNoRecords() throws {
        let file = try Self.read(Array("  \n\t\n \r\n".utf8))
        #expect(file.records.isEmpty && file.issues.isEmpty)
        #expect(file.schema.shape == .unknown)
    }

    @Test func gzipChecks() throws {
        #expect(
            throws: IngestError.corruptGzip(
                path: "train.jsonl.gz", detail: "it does not start with the gzip signature")
        ) {
            try Self.read(Array("{}\n".utf8), name: "train.jsonl.gz")
        }
        let gzipped: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]
        #expect(throws: IngestError.self) { try Self.read(gzipped, name: "train.jsonl") }
        // A gzip header with no compressed stream: truncated.
        #expect(throws: IngestError.self) { try Self.read(gzipped, name: "train.jsonl.gz") }
    }

    @Test func pathWithSpacesAndNonASCII() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight ü \(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/trâin ñ.jsonl"
        try Data("{\"text\": \"a\", \"label\": \"x\"}\n".utf8).write(to: URL(fileURLWithPath: path))
        let file = try #require(
            try DatasetLoader.load([InputSpec(path: path)], options: LoadOptions()).files.first)
        #expect(file.path == path)
        #expect(file.split == .train)
        #expect(file.records.count == 1)
    }

    /// A folder's FIFO is an error, not read (reading it would block) and not skipped.
    @Test func folderRefusesAFifo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("{\"text\": \"a\"}\n".utf8).write(to: dir.appendingPathComponent("train.jsonl"))
        #expect(mkfifo(dir.path + "/fifo.jsonl", 0o600) == 0)
        #expect(
            throws: IngestError.readFailed(
                path: dir.path + "/fifo.jsonl",
                detail: "it is a special file (a pipe, socket or device), not a data file; "
                    + "give it as an input of its own to read it")
        ) {
            try DatasetLoader.load([InputSpec(path: dir.path)], options: LoadOptions())
        }
    }
}
