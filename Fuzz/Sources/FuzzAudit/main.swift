import Foundation
// FuzzAudit: the whole audit on a fuzzed dataset — reading, every built-in check (the opt-in
// label-noise checks, declared coverage slices and a failure taxonomy included), the finding
// cap, and every report format, read back from JSON as a baseline would be.
//
// Input: an optional first line `#FORMAT` (jsonl, csv, tsv, yaml, json; default jsonl) names
// the training file's format; the rest up to a line `---` is the training file, the rest after
// it a test file of the same format (so cross-split checks run).
import FuzzSupport
import PreflightChecks
import PreflightCore
import PreflightReaders
import PreflightReporters

/// Rules that switch on what the default rules leave off.
let rules = """
    version: 1
    checks:
      label_issues: {enabled: true, folds: 2}
      class_confusion: true
    coverage:
      slices:
        questions: {where: {regex: "\\\\?\\\\s*$"}, min_count: 1}
        long: {where: {length: {min: 20, unit: words}}, min_share: 0.01}
        tools: {where: {has_tool_call: true}, min_count: 1}
    taxonomy:
      modes:
        asks: {slice: questions, min_train: 1}
    """

/// The file of one part of the input, or nil when it is not one at all.
func read(_ bytes: ArraySlice<UInt8>, path: String, split: SplitRole) -> InputFile? {
    try? DatasetLoader.read(
        bytes: Array(bytes), path: path, split: split, splitSource: "fuzz", format: nil,
        options: LoadOptions(maxRecordBytes: 1 << 20))
}

@_cdecl("FuzzAudit_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    // Set up before libFuzzer starts: allocations made while an input runs and kept for
    // good (lazy globals) would count as that input's leaks.
    let parsedRules: RuleSet
    let configured: [ConfiguredCheck]
    do {
        parsedRules = try RuleSet.parse(rules, name: "fuzz.yaml")
        configured = try Auditor.configure(parsedRules, registry: BuiltInChecks.all)
    } catch {
        fatalError("the fuzz rules do not parse: \(error)")
    }
    return runFuzzer(argc, argv) { bytes in
        var body = bytes[...]
        var ext = "jsonl"
        if body.first == UInt8(ascii: "#"), let end = body.firstIndex(of: 10) {
            let name = String(
                decoding: body[body.index(after: body.startIndex)..<end], as: UTF8.self)
            if ["jsonl", "csv", "tsv", "yaml", "json"].contains(name) { ext = name }
            body = body[body.index(after: end)...]
        }
        let separator: [UInt8] = Array("\n---\n".utf8)
        var trainPart = body
        var testPart: ArraySlice<UInt8>?
        if let cut = body.firstRange(of: separator) {
            trainPart = body[..<cut.lowerBound]
            testPart = body[cut.upperBound...]
        }
        var files: [InputFile] = []
        if let train = read(trainPart, path: "train.\(ext)", split: .train) { files.append(train) }
        if let testPart, let test = read(testPart, path: "test.\(ext)", split: .test) {
            files.append(test)
        }
        guard !files.isEmpty else { return }
        let dataset = Dataset(files: files)
        // A small cap, so the summaries of unlisted findings are fuzzed too.
        guard
            var report = try? Auditor.run(
                AuditRequest(
                    dataset: dataset, checks: configured, failOn: .warning,
                    metadata: ReportMetadata(), coverage: parsedRules.coverage,
                    taxonomy: parsedRules.taxonomy, findingLimit: 3))
        else { return }
        report.excerpts = ReportExcerpts.collect(for: report, dataset: dataset)
        let reporters: [any Reporter] = [
            JSONReporter(), TextReporter(color: true), HTMLReporter(), SARIFReporter(),
            JUnitReporter(), MarkdownReporter(maxLength: 8_000), GitHubReporter(),
        ]
        // Every format renders every report: a reporter that throws is a finding.
        var json = Data()
        for reporter in reporters {
            do {
                let data = try reporter.render(report)
                if reporter is JSONReporter { json = data }
            } catch {
                fatalError("\(type(of: reporter)) failed: \(error)")
            }
        }
        // Read back as a baseline is; every finding must pair with itself, unchanged.
        guard let back = try? JSONReportReader.read(json, path: "report.json") else {
            fatalError("the JSON report does not read back")
        }
        let comparison = FindingComparison(baseline: back.findings, current: report.findings)
        if !comparison.fixed.isEmpty || comparison.changes.contains(where: { $0 != .unchanged }) {
            fatalError("a report read back does not pair with itself")
        }
    }
}
