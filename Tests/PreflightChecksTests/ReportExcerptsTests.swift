import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

/// A report naming records of `dataset` by hand.
private func report(_ findings: [Finding]) -> AuditReport {
    AuditReport(
        metadata: ReportMetadata(), verdict: Verdict(findings: findings), failOn: .error,
        inputs: [], checks: [], statistics: [], findings: findings.sorted(by: Finding.reportOrder))
}

private func at(_ path: String, _ record: Int) -> DataLocation {
    DataLocation(path: path, split: "train", line: record, record: record)
}

private func finding(_ check: CheckID, _ location: DataLocation, related: [DataLocation] = [])
    -> Finding
{
    Finding(
        checkID: check, code: "c", severity: .warning, message: "m", location: location,
        related: related)
}

@Test func excerptsMaskPersonalDataAndKeepTheRest() {
    let dataset = FixtureDataset.make([
        (
            "train.jsonl", .train,
            jsonl([
                ("write to jane.doe@gmail.com or call +44 20 7946 0958 today", "a"),
                ("plain text", "b"), ("café 日本語", "a"),
            ])
        )
    ])
    let excerpts = ReportExcerpts.collect(
        for: report([
            finding("exact_duplicates", at("train.jsonl", 3), related: [at("train.jsonl", 1)])
        ]),
        dataset: dataset)
    #expect(
        excerpts == [
            RecordExcerptKey(path: "train.jsonl", record: 1):
                "write to j***@g***.com or call +** ** **** **58 today",
            RecordExcerptKey(path: "train.jsonl", record: 3): "café 日本語",
        ])
}

@Test func excerptsAreTruncatedAfterMasking() {
    let long = String(repeating: "word ", count: 100) + "end"
    let email = String(repeating: "x", count: 236) + " jane.doe@gmail.com tail"
    let dataset = FixtureDataset.make([
        ("train.jsonl", .train, jsonl([(long, "a"), (email, "b")]))
    ])
    let excerpts = ReportExcerpts.collect(
        for: report([finding("pii", at("train.jsonl", 1)), finding("pii", at("train.jsonl", 2))]),
        dataset: dataset)
    let first = excerpts[RecordExcerptKey(path: "train.jsonl", record: 1)]
    #expect(first == String(long.prefix(ReportExcerpts.defaultLength)) + "…")
    // The cut falls inside the address: its masked form is cut, never the address itself.
    let second = excerpts[RecordExcerptKey(path: "train.jsonl", record: 2)] ?? ""
    #expect(second.hasSuffix(" j**…"))
    #expect(!second.contains("jane"))
    #expect(second.count == ReportExcerpts.defaultLength + 1)
}

@Test func excerptsCoverTheShownFindingsOnly() {
    let rows = (0..<40).map { ("text \($0)", "a") }
    let dataset = FixtureDataset.make([
        ("train.jsonl", .train, jsonl(rows)),
        ("validation.jsonl", .validation, jsonl([("v", "a")])),
    ])
    var findings = (1...40).map { finding("exact_duplicates", at("train.jsonl", $0)) }
    // A record the dataset does not hold (malformed) and a dataset-level finding.
    findings.append(finding("split_leakage", at("validation.jsonl", 7)))
    findings.append(Finding(checkID: "volume", code: "c", severity: .info, message: "m"))
    let excerpts = ReportExcerpts.collect(for: report(findings), dataset: dataset)
    #expect(excerpts.count == AuditReport.detailedFindingsPerCheck)
    #expect(excerpts[RecordExcerptKey(path: "train.jsonl", record: 25)] == "text 24")
    #expect(excerpts[RecordExcerptKey(path: "train.jsonl", record: 26)] == nil)
}
