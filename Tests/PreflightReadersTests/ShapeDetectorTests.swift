import PreflightCore
import Testing

@testable import PreflightReaders

@Suite struct ShapeDetectorTests {
    @Test(arguments: [
        ("chat.jsonl", Shape.chat), ("sharegpt.jsonl", .sharegpt),
        ("preference.jsonl", .preference),
        ("promptCompletion.jsonl", .promptCompletion), ("instruction.jsonl", .instruction),
        ("classification.jsonl", .classification), ("text.jsonl", .text),
        ("unknown.jsonl", .unknown),
    ])
    func detectsShape(fixture: String, shape: Shape) throws {
        let file = try Fixture.read("ShapeDetector", fixture)
        #expect(file.schema.shape == shape)
        #expect(file.schema.source == "detected")
        #expect(file.issues.isEmpty)
        #expect(file.records.count == 1)
    }

    @Test func classificationFields() throws {
        let file = try Fixture.read("ShapeDetector", "classification.jsonl")
        #expect(file.schema.textFields == ["sentence"])
        #expect(file.schema.labelField == "sentiment")
        #expect(file.schema.idField == "uid")
    }

    @Test func overridesFromRules() throws {
        let rules = DatasetRules(
            shape: .classification, textFields: ["title", "body"], labelField: "tag", idField: "key"
        )
        let file = try Fixture.read(
            "ShapeDetector", "overrides.jsonl", options: LoadOptions(dataset: rules))
        #expect(
            file.schema
                == DatasetSchema(
                    shape: .classification, textFields: ["title", "body"], labelField: "tag",
                    idField: "key", source: "rules"))
        let record = try #require(file.records.first)
        #expect(record.input == "a title\nsome text")
        #expect(record.label == LabelValue(text: "x"))
        #expect(record.id == "k1")
    }

    @Test func labelFieldOverrideAloneDetectsClassification() throws {
        let file = try Fixture.read(
            "ShapeDetector", "overrides.jsonl",
            options: LoadOptions(dataset: DatasetRules(textFields: ["body"], labelField: "tag")))
        #expect(file.schema.shape == .classification)
        #expect(file.schema.source == "rules")
    }

    @Test func majorityWins() {
        let chat = DataValue.object([DataField("messages", .array([]))])
        let cls = DataValue.object([
            DataField("text", .string("a")), DataField("label", .string("x")),
        ])
        let values = [cls, chat, cls].enumerated().map {
            ParsedValue(line: $0.offset + 1, ordinal: $0.offset + 1, value: $0.element)
        }
        #expect(ShapeDetector.detect(values[...], rules: DatasetRules()).shape == .classification)
        #expect(ShapeDetector.detect([][...], rules: DatasetRules()).shape == .unknown)
    }
}
