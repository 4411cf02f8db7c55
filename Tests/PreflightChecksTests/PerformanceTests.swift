import Foundation
import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

extension Tag {
    /// Large generated inputs; off the PR path (set `PREFLIGHT_PERF=1`, build in release).
    @Tag static var performance: Self
}

/// The seven checks on 1,000,000 generated classification records of ~250 bytes, built in
/// memory (reading excluded). Run with
/// `PREFLIGHT_PERF=1 swift test -c release --filter PerformanceTests`.
@Test(
    .tags(.performance), .enabled(if: ProcessInfo.processInfo.environment["PREFLIGHT_PERF"] == "1"))
func sevenChecksOnOneMillionRecords() throws {
    let n = 1_000_000
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
    ]
    /// ~250 bytes of words determined by `key`; equal keys give equal texts.
    func text(_ key: Int) -> String {
        var state = UInt64(key) &* 0x9E37_79B9_7F4A_7C15 | 1
        var text = key % 1000 == 0 ? "Ünïcödé " : ""
        text.reserveCapacity(260)
        while text.utf8.count < 245 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text += words[Int(state >> 59) % words.count]
            text += (state >> 40) & 7 == 0 ? "  " : " "
        }
        return text + String(key)
    }
    var files: [InputFile] = []
    for (s, (split, count)) in [
        (SplitRole.train, n * 8 / 10), (.validation, n / 10), (.test, n / 10),
    ].enumerated() {
        var records: [Record] = []
        records.reserveCapacity(count)
        for i in 0..<count {
            // 2% copies within the split, 1% of held-out records copied from train.
            let key = i % 50 == 49 ? s * n + i / 2 : (s > 0 && i % 100 == 1) ? i : s * n + i
            let label = LabelValue(text: "intent_\(key % 150)")
            records.append(
                Record(
                    line: i + 1, ordinal: i + 1, input: text(key), example: text(key), label: label,
                    value: .null))
        }
        files.append(
            InputFile(
                path: "\(split).jsonl", split: split, splitSource: "generated", format: .jsonl,
                schema: DatasetSchema(
                    shape: .classification, textFields: ["text"], labelField: "label"),
                sha256: "", byteCount: 0, records: records, issues: []))
    }
    let dataset = Dataset(files: files)
    let checks = try Auditor.configure(RuleSet(), registry: BuiltInChecks.all)
    let clock = ContinuousClock()
    let index = DatasetIndex(dataset: dataset)
    var lines: [String] = []
    var findings = 0
    let total = try clock.measure {
        for check in checks {
            let start = clock.now
            let outcome = try check.run(CheckInput(dataset: dataset, index: index))
            findings += outcome.findings.count
            lines.append("\(check.descriptor.id): \(clock.now - start) — \(outcome.summary)")
        }
    }
    print(lines.joined(separator: "\n"))
    print("seven checks on \(n) records: \(total), \(findings) findings")
    #expect(findings > 0)
}
