import PreflightCore
import Testing

@testable import PreflightReaders

/// Fields named by the rules or flags are binding: a mapped field that occurs in no record
/// is an `IngestError.mappedFieldNotFound`, never a silent fallback to detection.
@Suite struct MappedFieldTests {
    static let banking = """
        {"id": "1", "text": "card lost", "label": "lost_card"}
        {"id": "2", "text": "top up failed", "label": "top_up_failed"}
        """

    static func read(_ text: String, name: String = "train.jsonl", _ rules: DatasetRules) throws
        -> InputFile
    {
        try Fixture.read(text: text, name: name, options: LoadOptions(dataset: rules))
    }

    @Test func labelFieldInNoRecordIsAnError() {
        let expected = IngestError.mappedFieldNotFound(
            path: "train.jsonl", setting: "label_field", field: "intent",
            available: ["id", "label", "text"],
            suggestion: "label")
        #expect(throws: expected) {
            try Self.read(Self.banking, DatasetRules(labelField: "intent"))
        }
        #expect(
            expected.description == """
                'train.jsonl': label_field 'intent' does not occur in any record; fields found: id, label, text; \
                did you mean 'label'? (fix dataset.label_field in the rules or --label-field)
                """)
        #expect(expected.isUsageError)
        #expect(!IngestError.notFound(path: "x").isUsageError)
    }

    @Test func textFieldInNoRecordIsAnError() {
        #expect(
            throws: IngestError.mappedFieldNotFound(
                path: "train.jsonl", setting: "text_fields", field: "body",
                available: ["id", "label", "text"],
                suggestion: "text")
        ) { try Self.read(Self.banking, DatasetRules(textFields: ["text", "body"])) }
    }

    @Test func idFieldTypoSuggestsByEditDistance() {
        let error = #expect(throws: IngestError.self) {
            try Self.read(Self.banking, DatasetRules(idField: "idd"))
        }
        #expect(
            error
                == .mappedFieldNotFound(
                    path: "train.jsonl", setting: "id_field", field: "idd",
                    available: ["id", "label", "text"], suggestion: "id"))
        #expect(
            error?.description.contains("(fix dataset.id_field in the rules or --id-field)") == true
        )
    }

    @Test func noSuggestionWhenNothingIsClose() {
        let error = #expect(throws: IngestError.self) {
            try Self.read(#"{"alpha": "a", "beta": "b"}"#, DatasetRules(labelField: "intent"))
        }
        #expect(
            error
                == .mappedFieldNotFound(
                    path: "train.jsonl", setting: "label_field", field: "intent",
                    available: ["alpha", "beta"], suggestion: nil))
        #expect(error?.description.contains("did you mean") == false)
    }

    @Test func availableFieldsAreCapped() throws {
        let fields = (1...14).map { "\"f\(String(format: "%02d", $0))\": \"v\"" }.joined(
            separator: ", ")
        let error = #expect(throws: IngestError.self) {
            try Self.read("{\(fields)}", DatasetRules(labelField: "intent"))
        }
        guard case .mappedFieldNotFound(_, _, _, let available, _)? = error else {
            Issue.record("expected mappedFieldNotFound, got \(String(describing: error))")
            return
        }
        #expect(available.count == IngestError.availableLimit + 1)
        let message = try #require(error?.description)
        #expect(
            message.contains(
                "fields found: f01, f02, f03, f04, f05, f06, f07, f08, f09, f10, … (fix"))
    }

    @Test func csvHeaderNamesAreTheFields() {
        #expect(
            throws: IngestError.mappedFieldNotFound(
                path: "data/train.csv", setting: "label_field", field: "intent",
                available: ["label", "text"],
                suggestion: "label")
        ) {
            try Self.read(
                "text,label\nhello,greet\n", name: "data/train.csv",
                DatasetRules(labelField: "intent"))
        }
    }

    /// Present in some records: binding, so the others are `missing_field` issues, and the
    /// shape is classification even though most records have no label.
    @Test func fieldInSomeRecordsKeepsMissingFieldIssues() throws {
        let file = try Self.read(
            """
            {"text": "a"}
            {"text": "b", "intent": "x"}
            {"text": "c"}
            """, DatasetRules(labelField: "intent"))
        #expect(file.schema.shape == .classification)
        #expect(file.schema.labelField == "intent")
        #expect(file.records.map(\.line) == [2])
        #expect(file.issueSummary == ["1:1:missing_field", "3:3:missing_field"])
        #expect(file.issues.allSatisfy { $0.field == "intent" })
    }

    /// Without a label field every record is text; naming one makes the shape labelled.
    @Test func labelFieldImpliesClassificationUnlessShapeIsGiven() throws {
        let text = #"{"text": "a", "tag": "x"}"#
        #expect(try Self.read(text, DatasetRules()).schema.shape == .text)
        #expect(
            try Self.read(text, DatasetRules(labelField: "tag")).schema.shape == .classification)
        #expect(
            try Self.read(text, DatasetRules(shape: .text, labelField: "tag")).schema.shape == .text
        )
    }

    @Test func fileWithoutRecordsIsNotChecked() throws {
        let rules = DatasetRules(textFields: ["body"], labelField: "intent", idField: "key")
        #expect(try Self.read("", rules).records.isEmpty)
        let broken = try Self.read("{not json\n", rules)
        #expect(broken.issueSummary == ["1:1:invalid_json"])
    }
}
