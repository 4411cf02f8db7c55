import Foundation
import PreflightTestSupport
import Testing

/// Files nobody has looked at, as CI meets them: each one run through the real executable in
/// a child process must end with exit 1 (a finding) or 3 (unreadable), name the file — with
/// the line where there is one — and finish in seconds, never by a signal, within a bounded
/// memory (`peakMiBLimit`).
@Suite struct HostileInputTests {
    /// One hostile input: how to make it, and what the output must name.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var make: @Sendable (URL) throws -> Void
        var status: Int32
        var mentions: [String]
        /// What to audit, relative to the folder; nil: every file made.
        var inputs: [String]? = nil
        var options: [String] = []
        var description: String { name }
    }

    static func file(_ name: String, _ bytes: [UInt8]) -> @Sendable (URL) throws -> Void {
        { folder in try Data(bytes).write(to: folder.appendingPathComponent(name)) }
    }

    static func text(_ name: String, _ text: String) -> @Sendable (URL) throws -> Void {
        file(name, Array(text.utf8))
    }

    /// A folder input `data` filled by `fill`.
    static func folderInput(_ fill: @escaping @Sendable (URL) throws -> Void)
        -> @Sendable (URL) throws -> Void
    {
        { folder in
            let data = folder.appendingPathComponent("data")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            try fill(data)
        }
    }

    /// A symbolic link `name` in `folder` pointing at `target` (relative to the folder).
    static func link(_ folder: URL, _ name: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent(name).path, withDestinationPath: target)
    }

    static func repeated(_ part: String, _ count: Int) -> String {
        String(repeating: part, count: count)
    }

    static let record = #"{"text": "hello there", "label": "greeting"}"# + "\n"

    /// The most memory one audit of a hostile file may take. The files are at most a few MB:
    /// in a debug build most runs peak near 50 MiB (26 November); under AddressSanitizer
    /// (`scripts/sanitize.sh address`, shadow memory and quarantine) near 180 MiB, 1M-digit
    /// numbers at 505 MiB. Before the finding cap, 3 million copies of one line took 6.6 GB.
    static let peakMiBLimit = 1_024

    static let cases: [Case] =
        [
            Case(
                name: "deep.jsonl",
                make: text("deep.jsonl", #"{"text": "# + repeated("[", 100_000) + "\n"),
                status: 1, mentions: ["deep.jsonl:1", "nesting is deeper than"]),
            Case(
                name: "deep-objects.jsonl",
                make: text(
                    "deep-objects.jsonl",
                    repeated(#"{"a":"#, 50_000) + "1" + repeated("}", 50_000) + "\n" + record),
                status: 1, mentions: ["deep-objects.jsonl:1", "nesting is deeper than"]),
            Case(
                name: "deep.json", make: text("deep.json", repeated("[", 100_000)),
                status: 1, mentions: ["deep.json:1"]),
            Case(
                name: "deep.yaml",
                make: text("deep.yaml", "- text: " + repeated("[", 100_000) + "\n  label: a\n"),
                status: 1, mentions: ["deep.yaml:1"]),
            Case(
                name: "enormous numbers",
                make: text(
                    "numbers.jsonl",
                    #"{"text": "a", "label": "# + repeated("9", 1_000_000) + "}\n"
                        + #"{"text": "b", "label": 1e999999}"# + "\n" + #"{"text": "c", "n": -"#
                        + repeated("1", 500_000) + ".5e-99999999}\n"),
                status: 1, mentions: ["numbers.jsonl"]),
            Case(
                name: "NUL bytes",
                make: file(
                    "nul.jsonl",
                    Array((#"{"text": "a\u0000b", "label": "x"}"# + "\n").utf8)
                        + Array(repeated(record, 500).utf8)
                        + Array(#"{"text": "raw "#.utf8) + [0] + Array(#"", "label": "x"}"#.utf8)
                        + [0x0A]),
                status: 1, mentions: ["nul.jsonl:502", "control character"]),
            Case(
                name: "invalid UTF-8 and lone surrogates",
                make: file(
                    "utf8.jsonl",
                    Array(#"{"text": ""#.utf8) + [0xFF, 0xFE] + Array(#"", "label": "x"}"#.utf8)
                        + [0x0A] + Array((#"{"text": "\ud800", "label": "y"}"# + "\n").utf8)
                        + Array(#"{"text": ""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8) + [0x0A]),
                status: 1, mentions: ["utf8.jsonl:1", "utf8.jsonl:2", "utf8.jsonl:3", "surrogate"]),
            Case(
                name: "truncated JSONL",
                make: text("truncated.jsonl", record + #"{"text": "hel"#),
                status: 1, mentions: ["truncated.jsonl:2", "unterminated string"]),
            Case(
                name: "blank lines only", make: text("blank.jsonl", "\n \n\r\n"), status: 1,
                mentions: ["blank.jsonl", "has no records"]),
            Case(
                name: "CSV header only", make: text("header.csv", "text,label\r\n"), status: 1,
                mentions: ["header.csv", "has no records"]),
            Case(
                name: "a folder with a data file's name",
                make: { folder in
                    try FileManager.default.createDirectory(
                        at: folder.appendingPathComponent("folder.jsonl"),
                        withIntermediateDirectories: true)
                }, status: 3, mentions: ["folder.jsonl"]),
            Case(
                name: "a symlink loop inside a folder input",
                make: folderInput { data in
                    try link(data, "self", to: ".")
                    try link(data, "a.jsonl", to: "b.jsonl")
                    try link(data, "b.jsonl", to: "a.jsonl")
                }, status: 3, mentions: ["a.jsonl", "symbolic link loop"], inputs: ["data"]),
            Case(
                name: "a dangling symlink inside a folder input",
                make: folderInput { data in
                    try Data(record.utf8).write(to: data.appendingPathComponent("train.jsonl"))
                    try link(data, "test.jsonl", to: "gone.jsonl")
                }, status: 3, mentions: ["test.jsonl", "symbolic link to a missing file"],
                inputs: ["data"]),
            Case(
                name: "a folder named like a data file inside a folder input",
                make: folderInput { data in
                    try FileManager.default.createDirectory(
                        at: data.appendingPathComponent("more.jsonl"),
                        withIntermediateDirectories: true)
                    try Data(record.utf8).write(to: data.appendingPathComponent("train.jsonl"))
                }, status: 3, mentions: ["more.jsonl", "it is a folder"], inputs: ["data"]),
            Case(
                name: "CSV with an unterminated quote at the end",
                make: text("quote.csv", "text,label\nhello,x\n\"unterminated,y\n"),
                status: 1, mentions: ["quote.csv:3", "unterminated quoted field"]),
            Case(
                name: "gzip data named as text",
                make: file("packed.jsonl", gzipMember(Array(repeated(record, 20).utf8))),
                status: 3, mentions: ["packed.jsonl", "gzip"]),
            Case(
                name: "truncated gzip",
                make: { folder in
                    let packed = gzipMember(Array(repeated(record, 2_000).utf8))
                    try Data(packed.prefix(packed.count / 2)).write(
                        to: folder.appendingPathComponent("cut.jsonl.gz"))
                }, status: 3, mentions: ["cut.jsonl.gz", "truncated"]),
            Case(
                name: "binary data",
                make: file(
                    "binary.csv",
                    (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }),
                status: 3, mentions: ["binary.csv", "not a text data file"]),
            Case(
                name: "UTF-16 text",
                make: file(
                    "wide.jsonl",
                    [0xFF, 0xFE]
                        + Array(record.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
                status: 3, mentions: ["wide.jsonl", "UTF-16"]),
            Case(
                name: "a YAML alias bomb",
                make: text(
                    "bomb.yaml",
                    """
                    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
                    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
                    examples:
                      - text: *i
                        label: x

                    """),
                status: 1, mentions: ["bomb.yaml:11", "alias bomb"]),
            Case(
                name: "invalid YAML", make: text("tabs.yaml", "- text: a\n\tlabel: b\n"), status: 1,
                mentions: ["tabs.yaml:2", "tab character"]),
            Case(
                name: "a record over --max-record-size",
                make: text(
                    "long.jsonl",
                    record + #"{"text": ""# + repeated("a", 3_000_000) + #"", "label": "x"}"# + "\n"
                        + record),
                status: 1, mentions: ["long.jsonl:2", "above the limit of 1048576 bytes"],
                options: ["--max-record-size", "1M"]),
            Case(
                name: "a CSV quote bomb and a very wide row",
                make: text(
                    "wide.csv",
                    (0..<20_000).map { "c\($0)" }.joined(separator: ",") + "\n"
                        + repeated("1,", 19_999) + "1\n\"" + repeated("\"\"", 200_000) + "\"\n"),
                status: 1, mentions: ["wide.csv"]),
            Case(
                name: "CSV with classic Mac OS line endings (CR only)",
                make: text("mac.csv", "text,label\r\"a\",x\r\"b\",y\r"), status: 3,
                mentions: ["mac.csv", "bare carriage return", "save it with LF or CRLF"]),
            Case(
                name: "JSONL compressed twice",
                make: file("twice.jsonl.gz", gzipMember(gzipMember(Array(record.utf8)))),
                status: 3, mentions: ["twice.jsonl.gz", "gzip-compressed twice"]),
            Case(
                name: "one line repeated 100,000 times: a finding per record",
                make: text("copies.jsonl", repeated("{}\n", 100_000)), status: 1,
                mentions: [
                    "99,999 errors", "98999 more 'duplicate_input' errors in '",
                    "copies.jsonl' not listed one by one",
                ], options: ["--max-findings-per-code", "1000"]),
        ]
        + ["jsonl", "csv", "yaml", "json"].map { format in
            Case(
                name: "empty \(format)", make: text("empty.\(format)", ""), status: 1,
                mentions: ["empty.\(format)", "is empty (0 bytes)"])
        }

    @Test(arguments: cases)
    func endsCleanlyAndNamesTheFile(_ hostile: Case) throws {
        let binary = try #require(ProcessTests.binary, "the preflight executable was not built")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try hostile.make(folder)
        let before = try snapshot(folder)
        let inputs =
            try hostile.inputs
            ?? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let arguments =
            ["audit"] + inputs.map { folder.appendingPathComponent($0).path } + hostile.options

        let output = folder.appendingPathComponent("output.txt")
        let run = try ChildRun.run(binary, arguments, output: output, limit: 60)
        // The terminal report wraps long lines: read it with each wrap undone.
        let text = try String(contentsOf: output, encoding: .utf8).replacing(
            #/\n +/#, with: " ")
        #expect(!run.hung, "still running after 60 s")
        #expect(run.signal == nil, "ended by signal \(run.signal ?? 0)")
        #expect(run.exitCode == hostile.status, "\(text.prefix(2_000))")
        #expect(
            run.peakMiB < Self.peakMiBLimit,
            "peak memory \(run.peakMiB) MiB, limit \(Self.peakMiBLimit) MiB")
        for mention in hostile.mentions {
            #expect(text.contains(mention), "no '\(mention)' in: \(text.prefix(2_000))")
        }
        // Inputs are only read.
        try FileManager.default.removeItem(at: output)
        #expect(try snapshot(folder) == before)
    }

    /// Names, sizes and modification dates of everything in a folder (links not followed).
    private func snapshot(_ folder: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: folder.appendingPathComponent(name).path)
            out[name] =
                "\(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? 0) \(attributes[.type] ?? "")"
        }
        return out
    }
}
