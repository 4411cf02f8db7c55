import Foundation
import PreflightCore
import PreflightReaders
import PreflightTestSupport
import Testing

/// Fixture access for the readers tests: `Fixtures/<Reader>/<name>`.
enum Fixture {
    static let root = RepositoryPaths.tests("PreflightReadersTests").appendingPathComponent(
        "Fixtures")

    /// The path of a fixture; the file must exist.
    static func path(_ reader: String, _ name: String) -> String {
        let path = root.appendingPathComponent(reader).appendingPathComponent(name).path
        precondition(
            FileManager.default.fileExists(atPath: path), "missing fixture \(reader)/\(name)")
        return path
    }

    /// The bytes of a fixture.
    static func bytes(_ reader: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(reader, name))))
    }

    /// Reads a fixture file through the loader.
    static func read(_ reader: String, _ name: String, options: LoadOptions = LoadOptions()) throws
        -> InputFile
    {
        let dataset = try DatasetLoader.load(
            [InputSpec(path: path(reader, name))], options: options)
        return try #require(dataset.files.first)
    }

    /// Reads in-memory text as a file named `name`.
    static func read(
        text: String, name: String = "train.jsonl", format: InputFormat? = nil,
        options: LoadOptions = LoadOptions()
    ) throws -> InputFile {
        try DatasetLoader.read(
            bytes: Array(text.utf8), path: name, split: .train, splitSource: "test", format: format,
            options: options)
    }
}

extension InputFile {
    /// (line, ordinal, code) of every issue, for compact assertions.
    var issueSummary: [String] {
        issues.map { "\($0.line):\($0.ordinal.map(String.init) ?? "-"):\($0.code)" }
    }
    /// (line, ordinal) of every record.
    var recordSummary: [String] { records.map { "\($0.line):\($0.ordinal)" } }
}
