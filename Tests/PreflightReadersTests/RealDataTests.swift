import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReaders

/// Reads the shared real datasets; skipped when `../shared/data` is absent.
@Suite struct RealDataTests {
    static let available = RepositoryPaths.sharedData("clinc150") != nil

    private func load(_ folder: String, _ file: String) throws -> InputFile {
        let url = try #require(RepositoryPaths.sharedData(folder)).appendingPathComponent(file)
        let dataset = try DatasetLoader.load([InputSpec(path: url.path)], options: LoadOptions())
        return try #require(dataset.files.first)
    }

    @Test(.enabled(if: available), arguments: [
        ("clinc150", "train.jsonl", 15100), ("clinc150", "validation.jsonl", 3100), ("clinc150", "test.jsonl", 5500),
        ("banking77", "train.jsonl", 10003), ("banking77", "test.jsonl", 3080),
        ("trec", "train.jsonl", 5452), ("trec", "test.jsonl", 500), ("trec", "train.csv", 5452),
        ("trec", "test.csv", 500), ("trec", "test.yaml", 500),
        ("sms_spam", "data.csv", 5574), ("sms_spam", "data.jsonl", 5574),
    ])
    func classificationCounts(folder: String, file: String, expected: Int) throws {
        let input = try load(folder, file)
        #expect(input.records.count == expected)
        #expect(input.issues.isEmpty, "\(input.issues.prefix(3))")
        #expect(input.schema.shape == .classification)
        #expect(input.schema.textFields == ["text"])
        #expect(input.schema.labelField == "label")
        #expect(input.schema.idField == "id")
    }
}
