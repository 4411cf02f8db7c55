import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

@Test func issuesGetCodesAndHints() throws {
    let text = try fixture("MalformedRecordCheck", "issuesGetCodesAndHints.jsonl")
    let result = try outcome(MalformedRecordCheck.self, text)
    #expect(result.findings.map(\.code) == ["invalid_json", "not_an_object", "missing_field"])
    #expect(places(result.findings) == ["train.jsonl:3", "train.jsonl:4", "train.jsonl:5"])
    #expect(result.findings.allSatisfy { $0.hint != nil && $0.severity == .error })
    #expect(result.findings[0].hint == "fix the JSON on this line or remove the line")
    #expect(result.metrics["malformed_records"] == 3)
    #expect(result.metrics["share"] == 0.75)
}

@Test func fileWithoutUsableRecordsIsDatasetLevelError() throws {
    let result = try outcome(
        MalformedRecordCheck.self, "--- train.jsonl\n{oops\n--- test.jsonl\n{\"text\": \"a\"}")
    let datasetLevel = result.findings.filter { $0.location == nil }
    #expect(datasetLevel.map(\.code) == ["no_valid_records"])
    #expect(datasetLevel[0].message.contains("'train.jsonl'"))
}

@Test func cleanDataPasses() throws {
    let result = try outcome(MalformedRecordCheck.self, jsonl([("a", "x")]))
    #expect(result.findings.isEmpty)
    #expect(result.summary == "no malformed records")
}

@Test func issuesPastTheKeptOnesAreCountedInOneFinding() throws {
    let broken = InputFile.keptIssues + 500
    let text =
        (0..<broken).map { "{oops \($0)" }.joined(separator: "\n") + "\n"
        + #"{"text": "fine", "label": "a"}"#
    let result = try outcome(MalformedRecordCheck.self, text)
    #expect(result.findings.filter { $0.code == "invalid_json" }.count == InputFile.keptIssues)
    let more = try #require(result.findings.first { $0.code == "more_malformed" })
    #expect(
        more.message
            == "file 'train.jsonl' has 500 more malformed records than the first 10000 listed here "
            + "(10500 malformed records in all)"
    )
    #expect(more.severity == .error)
    #expect(more.location == DataLocation(path: "train.jsonl", split: "train"))
    #expect(more.weight == 500)
    #expect(result.findings.weightedCount == broken)
    #expect(result.metrics["malformed_records"] == Double(broken))
}

@Test func emptyFilesAreFindings() throws {
    let result = try outcome(
        MalformedRecordCheck.self,
        "--- train.jsonl\n" + #"{"text": "a", "label": "x"}"#
            + "\n--- test.jsonl\n\n--- val.jsonl\n\n \n")
    #expect(result.findings.map(\.code) == ["empty_file", "empty_file"])
    #expect(result.findings.allSatisfy { $0.severity == .error && $0.location == nil })
}
