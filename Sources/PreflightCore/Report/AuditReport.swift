import Foundation

/// The readiness verdict of an audit.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    /// No finding at warning or above.
    case ready
    /// Only warnings (and infos).
    case readyWithWarnings = "ready_with_warnings"
    /// At least one error.
    case notReady = "not_ready"

    /// The verdict for a set of findings.
    public init(findings: [Finding]) {
        let worst = findings.map(\.severity).max()
        switch worst {
        case .error: self = .notReady
        case .warning: self = .readyWithWarnings
        case .info, nil: self = .ready
        }
    }

    /// "ready", "ready with warnings", "not ready".
    public var phrase: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// How a check came out.
public enum CheckStatus: String, Sendable, Codable, CaseIterable {
    case pass, warn, fail, skipped
}

/// One row of the report's check table.
public struct CheckSummary: Sendable, Equatable {
    public var id: CheckID
    public var title: String
    public var category: CheckCategory
    public var status: CheckStatus
    /// The severity configured for the check.
    public var severity: Severity
    /// What this run of the check found, or why it was skipped.
    public var summary: String
    /// What the check flags in general (`CheckDescriptor.summary`), for rule catalogs such as
    /// SARIF's `tool.driver.rules`; empty in reports built by hand without it.
    public var purpose: String
    public var metrics: [String: Double]
    /// Findings per severity.
    public var counts: [Severity: Int]
    /// The check's tables (`CheckOutcome.tables`), in its order.
    public var tables: [ReportTable]
    /// The readiness prerequisites its findings bear on (`CheckDescriptor.prerequisites`).
    public var prerequisites: [Prerequisite]
    /// Finding codes bearing on other prerequisites (`CheckDescriptor.codePrerequisites`).
    /// Not in the JSON report (the readiness section already attributes the findings).
    public var codePrerequisites: [String: [Prerequisite]]

    public init(
        id: CheckID, title: String, category: CheckCategory, status: CheckStatus,
        severity: Severity, summary: String, metrics: [String: Double], counts: [Severity: Int],
        tables: [ReportTable] = [], prerequisites: [Prerequisite] = [],
        codePrerequisites: [String: [Prerequisite]] = [:], purpose: String = ""
    ) {
        self.purpose = purpose
        self.tables = tables
        self.prerequisites = prerequisites
        self.codePrerequisites = codePrerequisites
        self.id = id
        self.title = title
        self.category = category
        self.status = status
        self.severity = severity
        self.summary = summary
        self.metrics = metrics
        self.counts = counts
    }
}

/// One input file as the report describes it.
public struct InputSummary: Sendable, Equatable {
    public var path: String
    public var split: String
    public var splitSource: String
    public var format: InputFormat
    public var compression: String?
    public var shape: Shape
    public var shapeSource: String
    public var textFields: [String]
    public var labelField: String?
    public var records: Int
    public var malformed: Int
    public var bytes: Int
    public var sha256: String

    /// An input summary from its parts, e.g. as read back from a JSON report.
    public init(
        path: String, split: String, splitSource: String, format: InputFormat,
        compression: String?, shape: Shape, shapeSource: String, textFields: [String],
        labelField: String?, records: Int, malformed: Int, bytes: Int, sha256: String
    ) {
        self.path = path
        self.split = split
        self.splitSource = splitSource
        self.format = format
        self.compression = compression
        self.shape = shape
        self.shapeSource = shapeSource
        self.textFields = textFields
        self.labelField = labelField
        self.records = records
        self.malformed = malformed
        self.bytes = bytes
        self.sha256 = sha256
    }

    /// The summary of an input file as read.
    public init(_ file: InputFile) {
        path = file.path
        split = file.split.rawValue
        splitSource = file.splitSource
        format = file.format
        compression = file.compression
        shape = file.schema.shape
        shapeSource = file.schema.source
        textFields = file.schema.textFields
        labelField = file.schema.labelField
        records = file.records.count
        malformed = file.malformedCount
        bytes = file.byteCount
        sha256 = file.sha256
    }
}

/// Counts for one split.
public struct SplitStatistics: Sendable, Equatable {
    public var split: String
    public var files: Int
    public var records: Int
    public var malformed: Int
    /// Records per label, sorted by label; empty when the split has no labels.
    public var labels: [(label: String, count: Int)]
    /// The number of distinct record contents (`RecordSketch.contentHash`); nil in reports
    /// of builds before record sketches.
    public var distinctRecords: Int?
    /// The `RecordSketch.k` smallest distinct content hashes of the split's records,
    /// ascending, so that `preflight diff` can tell records added and removed; nil in reports
    /// of builds before record sketches.
    public var recordSketch: [UInt64]?

    public init(
        split: String, files: Int, records: Int, malformed: Int,
        labels: [(label: String, count: Int)], distinctRecords: Int? = nil,
        recordSketch: [UInt64]? = nil
    ) {
        self.split = split
        self.files = files
        self.records = records
        self.malformed = malformed
        self.labels = labels
        self.distinctRecords = distinctRecords
        self.recordSketch = recordSketch
    }

    /// The record sketch, when the report has one.
    public var sketch: RecordSketch? {
        guard let distinctRecords, let recordSketch else { return nil }
        return RecordSketch(distinct: distinctRecords, hashes: recordSketch)
    }

    public static func == (a: SplitStatistics, b: SplitStatistics) -> Bool {
        a.split == b.split && a.files == b.files && a.records == b.records
            && a.malformed == b.malformed && a.labels.map(\.label) == b.labels.map(\.label)
            && a.labels.map(\.count) == b.labels.map(\.count)
            && a.distinctRecords == b.distinctRecords && a.recordSketch == b.recordSketch
    }

    /// Statistics for every split of a dataset, in split order, with each split's record
    /// sketch.
    /// - Complexity: O(n) in the number of records (and in their bytes, for the sketch).
    public static func compute(_ dataset: Dataset) -> [SplitStatistics] {
        let splits = dataset.splits
        // One split per task: hashing is the bulk of the work and splits are independent.
        let results = ConcurrentResults<SplitStatistics>(count: splits.count)
        DispatchQueue.concurrentPerform(iterations: splits.count) { index in
            results[index] = compute(dataset, split: splits[index])
        }
        return results.values
    }

    private static func compute(_ dataset: Dataset, split: SplitRole) -> SplitStatistics {
        let files = dataset.files(in: split)
        var counts: [String: Int] = [:]
        for file in files where file.schema.shape.hasLabels {
            for record in file.records {
                if let label = record.label { counts[label.text, default: 0] += 1 }
            }
        }
        let sketch = RecordSketch(hashes: contentHashes(files.map(\.records)))
        return SplitStatistics(
            split: split.rawValue, files: files.count,
            records: files.reduce(0) { $0 + $1.records.count },
            malformed: files.reduce(0) { $0 + $1.malformedCount },
            labels: counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            distinctRecords: sketch.distinct, recordSketch: sketch.hashes)
    }
}

extension SplitStatistics {
    /// The content hash of every record, in order, hashed in parallel chunks (hashing reads
    /// every byte of every example: the bulk of the sketch's cost).
    fileprivate static func contentHashes(_ files: [[Record]]) -> [UInt64] {
        let chunkSize = 16_384
        var chunks: [(file: Int, start: Int, end: Int, offset: Int)] = []
        var offset = 0
        for (index, records) in files.enumerated() {
            var start = 0
            while start < records.count {
                let end = min(start + chunkSize, records.count)
                chunks.append((index, start, end, offset + start))
                start = end
            }
            offset += records.count
        }
        let ranges = chunks
        var hashes = [UInt64](repeating: 0, count: offset)
        hashes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let output = HashOutput(base: base)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
                let chunk = ranges[index]
                let records = files[chunk.file]
                for i in chunk.start..<chunk.end {
                    output.base[chunk.offset + i - chunk.start] = RecordSketch.contentHash(
                        records[i])
                }
            }
        }
        return hashes
    }
}

/// The hash buffer shared by the chunks of `contentHashes`; each chunk writes its own range.
private struct HashOutput: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt64>
}

/// One slot per index, written once each from `concurrentPerform`.
private final class ConcurrentResults<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Value? {
        get { lock.withLock { slots[index] } }
        set { lock.withLock { slots[index] = newValue } }
    }

    var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}

/// Facts about the run that are not derived from the data: injected by the CLI,
/// fixed in tests so reports are reproducible.
public struct ReportMetadata: Sendable, Equatable {
    public var toolName: String
    public var toolVersion: String
    /// Hex SHA-256 of the effective rules, so two reports can be compared.
    public var rulesDigest: String
    /// The rule files and profiles that were merged, in order.
    public var rulesSources: [String]
    /// ISO 8601 time of the run, or nil for reproducible output.
    public var generatedAt: String?

    public init(
        toolName: String = "preflight", toolVersion: String = PreflightVersion.current,
        rulesDigest: String = "", rulesSources: [String] = [], generatedAt: String? = nil
    ) {
        self.toolName = toolName
        self.toolVersion = toolVersion
        self.rulesDigest = rulesDigest
        self.rulesSources = rulesSources
        self.generatedAt = generatedAt
    }
}

/// The version of this build of Preflight.
public enum PreflightVersion {
    public static let current = "0.1.0"
}

/// A finished audit: everything a reporter renders.
public struct AuditReport: Sendable {
    public var metadata: ReportMetadata
    public var verdict: Verdict
    /// The `--fail-on` threshold the exit code is decided by.
    public var failOn: Severity
    public var inputs: [InputSummary]
    /// One per registered check, in registry order.
    public var checks: [CheckSummary]
    public var statistics: [SplitStatistics]
    /// Sorted with `Finding.reportOrder`.
    public var findings: [Finding]
    /// One entry per prerequisite, in `Prerequisite.allCases` order
    /// (`PrerequisiteStatus.assess`); empty only in reports built by hand without it.
    public var readiness: [PrerequisiteStatus]
    /// The comparison with `--baseline`, when one was given; `changes` follows `findings`.
    public var baseline: BaselineOutcome?
    /// What the suppression file did, when one was read.
    public var suppressions: SuppressionOutcome?
    /// Input text of the records that shown findings name, PII masked and truncated
    /// (`ReportExcerpts` in PreflightChecks fills it). Only the HTML report shows them; the
    /// JSON report leaves them out so that it never carries raw data.
    public var excerpts: [RecordExcerptKey: String]

    /// The most findings per check that reports showing findings in detail (HTML) list, and
    /// that `excerpts` covers; the rest are counted.
    public static let detailedFindingsPerCheck = 25

    public init(
        metadata: ReportMetadata, verdict: Verdict, failOn: Severity, inputs: [InputSummary],
        checks: [CheckSummary], statistics: [SplitStatistics], findings: [Finding],
        readiness: [PrerequisiteStatus] = [], baseline: BaselineOutcome? = nil,
        suppressions: SuppressionOutcome? = nil, excerpts: [RecordExcerptKey: String] = [:]
    ) {
        self.excerpts = excerpts
        self.readiness = readiness
        self.baseline = baseline
        self.suppressions = suppressions
        self.metadata = metadata
        self.verdict = verdict
        self.failOn = failOn
        self.inputs = inputs
        self.checks = checks
        self.statistics = statistics
        self.findings = findings
    }

    /// True when the run should exit 1: a finding is at or above `failOn` and, with a
    /// baseline, is new or worse than in the baseline (the ratchet).
    public var fails: Bool {
        guard let baseline, baseline.changes.count == findings.count else {
            return findings.contains { $0.severity >= failOn }
        }
        return zip(findings, baseline.changes).contains {
            $0.severity >= failOn && $1.isRegression
        }
    }

    /// Findings per severity, a summary of findings not listed one by one counting as the
    /// findings it stands for (`Finding.weight`).
    public var counts: [Severity: Int] { findings.severityCounts }

    /// True when some findings are not listed one by one but counted in summary findings
    /// (`FindingLimit`).
    public var hasUnlistedFindings: Bool { findings.contains { $0.weight > 1 } }

    /// What reports say about where the findings they do not show are: the JSON report,
    /// which lists all of them unless some are only counted (`FindingLimit`).
    public var whereAllFindingsAre: String {
        hasUnlistedFindings
            ? "the JSON report lists them up to --max-findings-per-code of each check and code"
            : "the JSON report has all of them"
    }

    /// The findings of each check that detailed reports show: the first
    /// `detailedFindingsPerCheck` of the check in report order.
    /// - Complexity: O(n) in the number of findings.
    public var detailedFindings: [CheckID: [Finding]] {
        var out: [CheckID: [Finding]] = [:]
        for finding in findings
        where out[finding.checkID, default: []].count
            < Self.detailedFindingsPerCheck
        {
            out[finding.checkID, default: []].append(finding)
        }
        return out
    }

    /// The excerpt of the record at `location`, when one was collected.
    public func excerpt(at location: DataLocation) -> String? {
        RecordExcerptKey(location).flatMap { excerpts[$0] }
    }
}

/// Identifies a record for `AuditReport.excerpts`: its file and its record ordinal.
public struct RecordExcerptKey: Hashable, Sendable, Comparable {
    /// The path as the user named it.
    public var path: String
    /// The 1-based record ordinal in the file.
    public var record: Int

    /// Creates a key from its parts.
    public init(path: String, record: Int) {
        self.path = path
        self.record = record
    }

    /// The key of a location, or nil when it names no record.
    public init?(_ location: DataLocation) {
        guard let record = location.record else { return nil }
        self.init(path: location.path, record: record)
    }

    /// Orders by path, then record.
    public static func < (a: RecordExcerptKey, b: RecordExcerptKey) -> Bool {
        a.path != b.path ? a.path < b.path : a.record < b.record
    }
}
