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

    @Test(
        .enabled(if: available),
        arguments: [
            ("clinc150", "train.jsonl", 15100), ("clinc150", "validation.jsonl", 3100),
            ("clinc150", "test.jsonl", 5500),
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

extension RealDataTests {
    private func triples(_ file: InputFile) -> [String] {
        file.records.map { "\($0.id ?? "-")\u{1F}\($0.input)\u{1F}\($0.label?.text ?? "-")" }
    }

    @Test(.enabled(if: available)) func trecFormatsAgree() throws {
        let jsonl = try load("trec", "test.jsonl")
        let csv = try load("trec", "test.csv")
        let yaml = try load("trec", "test.yaml")
        #expect(triples(jsonl) == triples(csv))
        #expect(triples(jsonl) == triples(yaml))
        #expect(triples(try load("trec", "train.jsonl")) == triples(try load("trec", "train.csv")))
        // The one Latin-1 byte of the original was decoded to 'ð'.
        #expect(try load("trec", "train.jsonl").records.contains { $0.input.contains("ð") })
    }

    @Test(.enabled(if: available)) func smsSpamFormatsAgree() throws {
        #expect(
            triples(try load("sms_spam", "data.csv")) == triples(try load("sms_spam", "data.jsonl"))
        )
    }

    @Test(.enabled(if: available)) func chatShapes() throws {
        let toy = try load("openai_toy_chat", "train.jsonl")
        #expect(toy.schema.shape == .chat)
        #expect(toy.records.count == 5)
        let toyYAML = try load("openai_toy_chat", "train.yaml")
        #expect(toyYAML.records.map(\.example) == toy.records.map(\.example))
        let sharegpt = try load("fastchat_identity", "train.sharegpt.jsonl")
        #expect(sharegpt.schema.shape == .sharegpt)
        #expect(sharegpt.records.count == 500)
        let chat = try load("fastchat_identity", "train.jsonl")
        #expect(chat.schema.shape == .chat)
        #expect(chat.records.count == 500)
        #expect(
            try load("fastchat_identity", "train.yaml").records.map(\.example)
                == chat.records.map(\.example))
    }

    @Test(.enabled(if: available)) func folderOfRealData() throws {
        let folder = try #require(RepositoryPaths.sharedData("clinc150"))
        let dataset = try DatasetLoader.load([InputSpec(path: folder.path)], options: LoadOptions())
        #expect(dataset.files.map(\.split) == [.test, .train, .train, .validation])
        #expect(dataset.recordCount(in: .train) == 15100 + 10625)
    }
}
