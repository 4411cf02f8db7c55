import Foundation
import PreflightCore

/// The one hand-built report every golden renders.
///
/// It covers every severity and check status, findings with and without a location (and a
/// location with a record but no line), related records (one, and more than are shown),
/// hints and a finding without one, non-ASCII text ("café", "日本語"), `< & " , \n` in
/// messages and paths, a gzip input, whole-number, fractional, huge and infinite metrics,
/// more findings than the text report lists, and a summary of findings not listed one by one. Checks carry tables with every kind of cell
/// (non-ASCII and `< & " ' , \n` in text, empty, non-finite and tiny numbers), one longer than
/// the text report shows and one wider than its line; the readiness section has one
/// prerequisite per status. Record excerpts (shown by the HTML report only) carry markup,
/// attribute and CDATA breakers, `' & <b>`, non-ASCII text and a line break.
enum CanonicalReport {
    static let train = "data/train.jsonl"
    static let validation = "data/日本語/validation.jsonl.gz"
    static let regression = #"data/regression "v2", <a&b>.csv"#

    static var report: AuditReport {
        let findings = makeFindings().sorted(by: Finding.reportOrder)
        let checks = checks(findings)
        return AuditReport(
            metadata: ReportMetadata(
                toolName: "preflight", toolVersion: "0.1.0",
                rulesDigest: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                rulesSources: ["rules/default.yaml", "rules/team café.yaml"],
                generatedAt: "2025-01-15T09:30:00Z"),
            verdict: Verdict(findings: findings), failOn: .error,
            inputs: inputs, checks: checks, statistics: statistics, findings: findings,
            readiness: PrerequisiteStatus.assess(
                checks: checks, findings: findings, failOn: .error),
            excerpts: excerpts)
    }

    /// Hostile text that must reach a page only as text.
    static let hostile = [
        "<script>alert(1)</script>", #"" onmouseover="alert(1)"#, "]]>", "' & <b>",
    ]

    /// Excerpts of records the findings name (and one that no finding names).
    static var excerpts: [RecordExcerptKey: String] {
        [
            RecordExcerptKey(path: train, record: 205):
                "<script>alert(1)</script> please refund my order",
            RecordExcerptKey(path: train, record: 3): #"" onmouseover="alert(1) refund my order"#,
            RecordExcerptKey(path: validation, record: 12): "café order ]]> never arrived",
            RecordExcerptKey(path: train, record: 17): "' & <b> café order never arrived",
            RecordExcerptKey(path: train, record: 733): "日本語のテキスト\nsecond line 😀",
            RecordExcerptKey(path: train, record: 140):
                String(repeating: "a long ticket text ", count: 12) + "…",
            RecordExcerptKey(path: regression, record: 2): "<b>bold</b> & \"quoted\", commas",
            RecordExcerptKey(path: train, record: 9_999): "not named by any finding",
        ]
    }

    /// The canonical report with the tables the HTML report draws as charts: the length
    /// histogram of `volume`, a `coverage` check with its slice × split table, and the
    /// leakage matrix of `split_leakage`. Only the HTML golden uses it, so the other formats'
    /// goldens stay as they were.
    static var reportWithCharts: AuditReport {
        var report = self.report
        for i in report.checks.indices {
            switch report.checks[i].id {
            case "volume": report.checks[i].tables.insert(lengthHistogram, at: 0)
            case "split_leakage": report.checks[i].tables.insert(leakageMatrix, at: 0)
            default: break
            }
        }
        let coverage = CheckSummary(
            id: "coverage", title: "Coverage", category: .coverage, status: .pass,
            severity: .error, summary: "2 slices measured across 3 splits", metrics: [:],
            counts: [:], tables: [coverageTable],
            purpose: "Measures declared and automatic slices per split.")
        let at = (report.checks.firstIndex { $0.id == "failure_taxonomy" }) ?? report.checks.count
        report.checks.insert(coverage, at: at)
        return report
    }

    static var lengthHistogram: ReportTable {
        let bins = ["0–4", "5–9", "10–19", "20–49", "50–99", "100–199", "200–499", "500+"]
        let counts = [
            [10, 150, 400, 380, 160, 70, 28, 2], [1, 20, 50, 50, 20, 7, 2, 0],
            [0, 5, 14, 12, 6, 2, 1, 0],
        ]
        return ReportTable(
            id: "length_histogram", title: "Input length per split (records by words)",
            columns: ["words", "train", "validation", "regression"],
            rows: bins.indices.map { b in [.text(bins[b])] + counts.map { .count($0[b]) } })
    }

    static var leakageMatrix: ReportTable {
        ReportTable(
            id: "leakage_matrix", title: "Held-out records that also occur elsewhere (records)",
            columns: [
                "held-out split", "records", "train (exact)", "train (near)", "validation",
                "regression",
            ],
            rows: [
                [.text("validation"), .count(150), .count(1), .count(3), .empty, .empty],
                [.text("regression"), .count(40), .count(0), .count(0), .count(2), .empty],
            ])
    }

    static var coverageTable: ReportTable {
        ReportTable(
            id: "coverage_by_split", title: "Slice coverage per split (records)",
            columns: [
                "slice", "kind", "train", "train share", "validation", "validation share",
                "regression", "regression share",
            ],
            rows: [
                [
                    .text("refund <requests> & \"returns\""), .text("declared"), .count(300),
                    .share(0.25), .count(30), .share(0.2), .count(0), .share(0),
                ],
                [
                    .text("日本語"), .text("automatic"), .count(20), .share(0.0167), .count(0),
                    .share(0), .count(5), .share(0.125),
                ],
            ])
    }

    // MARK: - Inputs and statistics

    static var inputs: [InputSummary] {
        [
            input(
                train, split: .train, source: "file name 'train*'", format: .jsonl,
                records: 1_200, malformed: 2, bytes: 183_204, hash: "1"),
            input(
                validation, split: .validation, source: "--validation flag", format: .jsonl,
                compression: "gzip", records: 150, malformed: 0, bytes: 9_817, hash: "2"),
            input(
                regression, split: .regression, source: "file name 'regression*'",
                format: .csv, schemaSource: "rules", records: 40, malformed: 0, bytes: 2_048,
                hash: "3"),
        ]
    }

    private static func input(
        _ path: String, split: SplitRole, source: String, format: InputFormat,
        compression: String? = nil, schemaSource: String = "detected", records: Int,
        malformed: Int, bytes: Int, hash: String
    ) -> InputSummary {
        let file = InputFile(
            path: path, split: split, splitSource: source, format: format,
            compression: compression,
            schema: DatasetSchema(
                shape: .classification, textFields: ["text"], labelField: "label",
                idField: "id", source: schemaSource),
            sha256: String(repeating: hash, count: 64), byteCount: bytes, records: [],
            issues: [])
        var summary = InputSummary(file)
        summary.records = records
        summary.malformed = malformed
        return summary
    }

    static var statistics: [SplitStatistics] {
        [
            SplitStatistics(
                split: "train", files: 1, records: 1_200, malformed: 2,
                labels: [("billing", 700), ("café", 480), ("日本語", 20)]),
            SplitStatistics(
                split: "validation", files: 1, records: 150, malformed: 0,
                labels: [("billing", 90), ("café", 60)]),
            SplitStatistics(
                split: "regression", files: 1, records: 40, malformed: 0,
                labels: [("billing", 20), ("café", 15), ("日本語", 5)]),
        ]
    }

    // MARK: - Checks

    /// Registry-ordered check rows; counts are derived from `findings`.
    ///
    /// Prerequisites give one readiness status each: enough examples and held-out sets not
    /// met (errors), representative and failure taxonomy at risk (warnings), consistent
    /// targets met (token_budget ran clean; chat_format was skipped), clear task boundaries
    /// not checked (no check bears on it).
    static func checks(_ findings: [Finding]) -> [CheckSummary] {
        let prerequisites: [CheckID: [Prerequisite]] = [
            "malformed_record": [.enoughExamples], "volume": [.enoughExamples, .heldOutSets],
            "class_balance": [.representative], "exact_duplicates": [.enoughExamples],
            "split_leakage": [.heldOutSets], "label_issues": [.enoughExamples],
            "failure_taxonomy": [.failureTaxonomy], "chat_format": [.consistentTargets],
            "token_budget": [.consistentTargets], "pii": [.enoughExamples],
            "text_quality": [.enoughExamples],
        ]
        let tables: [CheckID: [ReportTable]] = [
            "class_balance": [labelsTable], "token_budget": [lengthTable],
            "split_leakage": [wideTable],
        ]
        // What each check flags (`CheckDescriptor.summary`); chat_format has none, so reporters
        // that list rules fall back to its title.
        let purposes: [CheckID: String] = [
            "malformed_record": "Flags records that cannot be parsed or lack a required field.",
            "volume": "Flags splits with fewer records than the profile requires.",
            "class_balance": "Flags skewed class distributions and classes with too few records.",
            "exact_duplicates": "Flags records that repeat an earlier record after normalization.",
            "split_leakage": "Flags held-out records that also occur in training.",
            "label_issues": "Flags training records whose label a model confidently disputes.",
            "failure_taxonomy": "Requires every declared failure mode to have examples.",
            "token_budget": "Counts tokens and flags examples longer than the context.",
            "pii": "Flags records containing e-mail addresses & other <personal> data.",
            "text_quality": "Flags encoding damage, markup remnants and boilerplate.",
        ]
        func row(
            _ id: CheckID, _ title: String, _ category: CheckCategory, _ status: CheckStatus,
            _ severity: Severity, _ summary: String, _ metrics: [String: Double] = [:]
        ) -> CheckSummary {
            let counts = findings.filter { $0.checkID == id }.severityCounts
            return CheckSummary(
                id: id, title: title, category: category, status: status, severity: severity,
                summary: summary, metrics: metrics, counts: counts, tables: tables[id] ?? [],
                prerequisites: prerequisites[id] ?? [], purpose: purposes[id] ?? "")
        }
        return [
            row(
                "malformed_record", "Malformed records", .integrity, .fail, .error,
                "2 malformed records (0.2%), above max 0",
                ["malformed_records": 2, "share": 0.00166]),
            row(
                "volume", "Volume", .volume, .pass, .error,
                "1,200 training records, minimum 500", ["train_records": 1_200, "min": 500]),
            row(
                "class_balance", "Class balance", .distribution, .warn, .warning,
                "max/min ratio 35 above warning_ratio 5 in 'train'",
                ["max_min_ratio": 35, "entropy": 1.0876, "validation_ratio": .infinity]),
            row(
                "exact_duplicates", "Exact duplicates", .duplicates, .fail, .error,
                "9 duplicate records (0.8%)", ["duplicate_records": 9, "share": 0.0075]),
            row(
                "split_leakage", "Split leakage", .leakage, .fail, .error,
                "1 held-out record copies a training record", ["leaked_records": 1]),
            row(
                "label_issues", "Likely label errors", .labels, .warn, .warning,
                "4 records likely mislabeled (0.3%)", ["flagged": 4, "threshold": 0.9]),
            row(
                "failure_taxonomy", "Failure taxonomy", .coverage, .warn, .warning,
                "no failure taxonomy declared"),
            row(
                "chat_format", "Chat format", .format, .skipped, .error,
                "skipped: no chat inputs (every input is classification)"),
            row(
                "token_budget", "Token budget", .format, .pass, .error,
                "longest example 812 tokens, limit 4,096",
                ["max_tokens": 812, "mean_tokens": 37.25, "budget_tokens": 1e16]),
            row(
                "pii", "Personal data", .content, .pass, .info,
                "2 records contain e-mail addresses", ["records": 2]),
            row(
                "text_quality", "Text quality", .content, .pass, .info,
                "1 record contains markup"),
        ]
    }

    // MARK: - Tables

    /// Every kind of cell, non-ASCII and `< & " ' , \n` in text and headers.
    static var labelsTable: ReportTable {
        ReportTable(
            id: "labels_by_split", title: "Labels per split (records, share, divergence)",
            columns: ["label", "train", "share", "validation", "JS divergence", "comment"],
            rows: [
                [
                    .text("billing"), .count(700), .share(0.5833), .count(90), .number(0.012345),
                    .text("plain"),
                ],
                [
                    .text("café"), .count(480), .share(0.4), .count(60), .number(1.5e-5),
                    .text("non-ASCII: 日本語 text"),
                ],
                [
                    .text("日本語"), .count(20), .share(0.016666666666666666), .empty,
                    .number(.infinity), .empty,
                ],
                [
                    .text(#"<b> & "quoted", 'single'"# + "\nnext line"), .count(12_345),
                    .share(1), .count(0), .number(123_456.789), .text("escapes < & \" ' , \n"),
                ],
            ],
            note: #"shares are of 'train'; "JS divergence" compares with validation <&>"#)
    }

    /// Longer than the text report shows; no note.
    static var lengthTable: ReportTable {
        ReportTable(
            id: "length_buckets", title: "Tokens per example",
            columns: ["bucket", "records", "share"],
            rows: (0..<30).map { i in
                [
                    .text("\(i * 32)–\(i * 32 + 31) tokens"), .count(40 - i),
                    .share(Double(40 - i) / 1_200),
                ]
            })
    }

    /// Wider than the text report's line.
    static var wideTable: ReportTable {
        let columns = ["held-out record"] + (1...9).map { "training neighbour \($0)" }
        return ReportTable(
            id: "nearest_training_records", title: "Nearest training records per leaked record",
            columns: columns,
            rows: [
                [.text("data/日本語/validation.jsonl.gz:12 (café order, a long description)")]
                    + (1...9).map { .text("data/train.jsonl:\(17 * $0) similarity 0.9\($0)") }
            ],
            note: "neighbours are ordered by Jaccard similarity of word sets")
    }

    // MARK: - Findings

    private static func at(
        _ path: String, _ split: String, line: Int?, record: Int, id: String? = nil,
        field: String? = nil
    ) -> DataLocation {
        DataLocation(path: path, split: split, line: line, record: record, id: id, field: field)
    }

    static func makeFindings() -> [Finding] {
        var findings: [Finding] = [
            Finding(
                checkID: "malformed_record", code: "invalid_json", severity: .error,
                message: "line is not valid JSON: unexpected ',' at column 18",
                hint: "fix the JSON syntax or remove the line",
                location: at(train, "train", line: 57, record: 57)),
            Finding(
                checkID: "malformed_record", code: "missing_field", severity: .error,
                message: "record has no 'label' field",
                hint: "add the 'label' field or set dataset.label_field in the rules",
                location: at(train, "train", line: 1_031, record: 1_030, id: "train/1030")),
            Finding(
                checkID: "split_leakage", code: "exact_copy", severity: .error,
                message: "validation record repeats training record 'train/17' (café order)",
                hint: "remove the record from one of the two splits",
                location: at(validation, "validation", line: 12, record: 12, id: "val/11"),
                related: [at(train, "train", line: 17, record: 17, id: "train/17")]),
            Finding(
                checkID: "class_balance", code: "imbalanced", severity: .warning,
                message: "label '日本語' has 20 records (1.7%), below min_share 5% in 'train'",
                hint: "collect more '日本語' examples or merge the class",
                metrics: ["records": 20, "share": 0.016666666666666666]),
            Finding(
                checkID: "failure_taxonomy", code: "not_declared", severity: .warning,
                message: "no failure taxonomy declared in the rules",
                hint: "list the failure modes that matter under 'taxonomy:' in the rule file"),
            Finding(
                checkID: "pii", code: "email", severity: .info,
                message: "text contains an e-mail address",
                location: at(train, "train", line: 88, record: 88, field: "text")),
            Finding(
                checkID: "pii", code: "email", severity: .info,
                message: "text contains an e-mail address",
                location: at(regression, "regression", line: nil, record: 7, field: "text")),
            Finding(
                checkID: "text_quality", code: "markup", severity: .info,
                message: #"text contains markup '<b>' & quotes "x", commas"#
                    + "\nand a line break",
                hint: "strip markup unless the model should produce it",
                location: at(
                    regression, "regression", line: 3, record: 2, id: "r-2",
                    field: "text"),
                metrics: ["markup_tags": 1]),
        ]
        let flagged = [
            (140, "billing", "café"), (402, "café", "billing"),
            (733, "日本語", "billing"), (960, "billing", "café"),
        ]
        for (line, given, predicted) in flagged {
            findings.append(
                Finding(
                    checkID: "label_issues", code: "likely_mislabeled", severity: .warning,
                    message: "label '\(given)' looks wrong; the model predicts '\(predicted)' "
                        + "with confidence 0.94, above threshold 0.9",
                    hint: "review the label",
                    location: at(train, "train", line: line, record: line, id: "train/\(line)"),
                    related: line == 733
                        ? [17, 29, 301, 388].map { at(train, "train", line: $0, record: $0) }
                        : [],
                    metrics: ["confidence": 0.94]))
        }
        for (index, line) in [205, 310, 311, 480, 512, 640, 777, 901, 1_150].enumerated() {
            findings.append(
                Finding(
                    checkID: "exact_duplicates", code: "duplicate_input", severity: .error,
                    message: "input repeats an earlier record after normalization",
                    hint: index == 0 ? nil : "remove the later copy",
                    location: at(train, "train", line: line, record: line),
                    related: [at(train, "train", line: 3 + index, record: 3 + index)]))
        }
        // Findings not listed one by one, counted in one (`FindingLimit`).
        findings.append(
            FindingLimit.summary(
                checkID: "exact_duplicates", code: "duplicate_input", severity: .warning,
                file: at(regression, "regression", line: 1, record: 1), count: 1_234,
                limit: 100_000))
        return findings
    }
}
