import ArgumentParser
import Foundation
import PreflightChecks
import PreflightCore
import PreflightReaders
import PreflightReporters

/// `preflight audit`: read the inputs, run the checks, print the verdict, write reports.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit a dataset and give a readiness verdict.",
        discussion: """
            Inputs are files or folders. A folder's files get their split from their names: \
            train*, val*/dev*, test*, regression*/eval*. Flags set the split explicitly. \
            Formats: .jsonl/.ndjson, .csv/.tsv, .yaml/.yml, .json (an array), each optionally \
            gzip-compressed (.gz); '-' reads standard input.

            --predictions FILE gives label_issues and class_confusion your own model's \
            out-of-sample class probabilities for the labelled training records, so no \
            built-in classifier is trained (enable the checks with --profile classification \
            or 'label_issues: true' in a rule file). CSV/TSV: a header row with a key column, \
            'id' (the record's id) or 'line' (the 1-based line where the record starts in its \
            training file), an optional 'file' column (the training file as given or its base \
            name; required with 'line' keys when several training files have labels), and one \
            column per class, named exactly as the label is written in the data, holding the \
            probability. JSONL: one object per line, {"id": "t-1", "probs": {"billing": 0.9, \
            "shipping": 0.1}}, or "probs" arrays in the order of a first line \
            {"classes": ["billing", "shipping"]}. Optionally .gz. Every labelled training \
            record needs one row; each row's probabilities must sum to 1 (within 0.01). A file \
            that does not fit the data is an error (exit 2) before any check runs.

            --tokenizer FILE makes token_budget's counts exact: a tiktoken ranks file (lines \
            of 'BASE64 RANK', e.g. cl100k_base.tiktoken; the split of r50k/p50k, cl100k_base \
            or o200k_base is chosen by the number of ranks) or a Hugging Face tokenizer.json \
            with a BPE model. The format is read from the content; nothing is downloaded. \
            Without it, token counts are estimates. A file that cannot be used is an error \
            (exit 2; exit 3 when it cannot be read) before any data is read.
            """)

    @OptionGroup var inputs: InputOptions

    @OptionGroup var rules: RulesOptions

    @Option(
        name: .customLong("predictions"),
        help: ArgumentHelp(
            "Your model's out-of-sample class probabilities for the labelled training records (.csv, .tsv, .jsonl, .ndjson, optionally .gz), used by label_issues and class_confusion instead of the built-in classifier; the format is described above.",
            valueName: "FILE"))
    var predictionsPath: String?

    @Option(
        name: .customLong("tokenizer"),
        help: ArgumentHelp(
            "The model's tokenizer for exact token counts (token_budget): a tiktoken ranks file or a Hugging Face tokenizer.json with a BPE model; without it counts are estimates.",
            valueName: "FILE"))
    var tokenizerPath: String?

    @Option(
        name: .customLong("ignore-file"),
        help: ArgumentHelp(
            "Suppressions: accepted findings with a reason and an optional expiry (default: .preflight-ignore.yaml in the working folder, when it exists).",
            valueName: "FILE"))
    var ignoreFile: String?

    @Flag(
        name: .customLong("no-ignore-file"),
        help: "Read no suppression file, not even .preflight-ignore.yaml.")
    var noIgnoreFile = false

    @Option(
        name: .customLong("baseline"),
        help: ArgumentHelp(
            "An earlier JSON report of this audit: exit 1 only on findings that are new or worse than in it.",
            valueName: "REPORT"))
    var baselinePath: String?

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp(
            "Write a report: FORMAT=PATH, or PATH with the format taken from the extension (repeatable).",
            valueName: "[FORMAT=]PATH"))
    var reports: [String] = []

    @Option(
        name: .customLong("format"),
        help:
            "What to print on standard output: the text report, the JSON report, or GitHub annotations."
    )
    var format: StdoutFormat = .text

    @Option(
        name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity.")
    var failOn: Severity = .error

    @Option(name: .customLong("max-findings"), help: "How many findings the terminal report shows.")
    var maxFindings: Int = 20

    @Option(
        name: .customLong("max-findings-per-code"),
        help: ArgumentHelp(
            "The most findings of each check and code that reports list one by one; the rest are counted in one finding per file and severity, so counts, verdict and exit code stay exact (0: list all).",
            valueName: "N"))
    var maxFindingsPerCode: Int = FindingLimit.defaultPerCode

    @Flag(name: .customLong("no-color"), help: "Never use colours (NO_COLOR=1 does the same).")
    var noColor = false

    @Flag(
        name: .customLong("quiet"),
        help: "Print nothing on standard output; rely on the exit code and --report.")
    var quiet = false

    @Flag(
        name: .customLong("timings"),
        help: ArgumentHelp("Print the time each stage took on standard error.", visibility: .hidden)
    )
    var timings = false

    @Flag(
        name: .customLong("timestamp"),
        help: "Record the time of the run in reports (off by default, so reports are reproducible)."
    )
    var timestamp = false

    func validate() throws {
        if maxFindings < 0 { throw ValidationError("--max-findings must be 0 or more") }
        if maxFindingsPerCode < 0 {
            throw ValidationError("--max-findings-per-code must be 0 (list all) or more")
        }
        if noIgnoreFile && ignoreFile != nil {
            throw ValidationError(
                "--ignore-file and --no-ignore-file contradict each other; give one")
        }
    }

    func run() throws {
        let console = Console.current
        var clock = StageClock()

        // Rules first: a bad rule file fails before any data is read.
        let (ruleSet, checks) = try rules.configuredChecks(console: console)
        let outputs: [(format: ReportFormat, path: String)]
        do {
            outputs = try reports.map { try ReportSpec.parse($0) }.map { ($0.format, $0.path) }
        } catch {
            console.err("error: \(error)")
            throw CommandExit.usage
        }
        try refuseReportsOverInputs(outputs.map(\.path), console: console)
        // The predictions file alone can be wrong before any data is read: fail fast.
        let predictions = try readPredictions(checks: checks, console: console)
        // So can the tokenizer file, the suppression file and the baseline.
        let tokenizer = try readTokenizer(console: console)
        let suppressions = try readSuppressions(console: console)
        let baseline = try readBaseline(console: console)
        clock.lap("rules")

        let progress = ProgressLine(console: console)
        defer { progress.finish() }  // also on a read error; finishing twice is harmless
        var dataset = try inputs.load(ruleSet.dataset, console: console, progress: progress.update)
        progress.finish()
        // A folder input names its files only now: no report over any of them either.
        try refuseReportsOverInputs(
            outputs.map(\.path), files: dataset.files.map(\.path), console: console)
        if let predictions {
            // Tie rows to records now, so a mismatch is a usage error before any check runs.
            do {
                try ExternalPredictions.validate(predictions, for: dataset)
            } catch {
                console.err(error.description)
                throw CommandExit.usage
            }
            dataset.predictions = predictions
        }
        clock.lap("read")

        let metadata = ReportMetadata(
            rulesDigest: ruleSet.digest, rulesSources: ruleSet.sources,
            generatedAt: timestamp ? ISO8601DateFormatter().string(from: Date()) : nil)
        var report: AuditReport
        do {
            report = try Auditor.run(
                AuditRequest(
                    dataset: dataset, checks: checks, failOn: failOn, metadata: metadata,
                    coverage: ruleSet.coverage, taxonomy: ruleSet.taxonomy, tokenizer: tokenizer,
                    suppressions: suppressions, today: Self.today(), baseline: baseline,
                    findingLimit: maxFindingsPerCode),
                checkFinished: { clock.lapCheck($0.rawValue) })
        } catch let error as PredictionsError {
            console.err(error.description)
            throw CommandExit.usage
        } catch {
            console.err("error: \(error)")
            throw CommandExit.usage
        }
        // Example text for the HTML report's findings (masked, truncated); only the HTML
        // report shows it.
        if outputs.contains(where: { $0.format == .html }) {
            report.excerpts = ReportExcerpts.collect(for: report, dataset: dataset)
        }
        clock.lap("checks")

        if !quiet {
            let reporter: any Reporter =
                switch format {
                case .text:
                    TextReporter(color: !noColor && console.colorAllowed, maxFindings: maxFindings)
                case .json: JSONReporter()
                case .github: GitHubReporter()
                }
            console.out(String(decoding: try reporter.render(report), as: UTF8.self))
        }
        for output in outputs {
            do {
                try ReportFile.write(try output.format.reporter.render(report), to: output.path)
            } catch {
                console.err("error: \(error)")
                throw CommandExit.input
            }
        }
        clock.lap("report")
        if timings {
            for line in clock.detailLines() { console.err(line) }
            console.err(
                clock.summary(
                    records: dataset.files.reduce(0) { $0 + $1.records.count + $1.malformedCount }))
        }
        ProcessLifetime.keep((dataset, report))
        throw report.fails ? CommandExit.notReady : CommandExit.ready
    }

    /// Reads `--predictions`, warning when no enabled check would use them.
    /// - Throws: `CommandExit.input` when the file cannot be read at all, `.usage` when it is
    ///   not a valid predictions file.
    private func readPredictions(checks: [ConfiguredCheck], console: Console) throws
        -> Predictions?
    {
        guard let path = predictionsPath else { return nil }
        let users = [LabelIssuesCheck.descriptor.id, ClassConfusionCheck.descriptor.id]
        if !checks.contains(where: { $0.enabled && users.contains($0.descriptor.id) }) {
            console.err(
                "warning: --predictions '\(path)' is unused: neither label_issues nor "
                    + "class_confusion is enabled; enable them with --profile classification, "
                    + "or with 'label_issues: true' (and 'class_confusion: true') in a rule file")
        }
        do {
            return try PredictionsReader.read(path: path)
        } catch {
            console.err(error.description)
            throw error.isInputError ? CommandExit.input : CommandExit.usage
        }
    }

    /// Reads `--tokenizer`.
    /// - Throws: `CommandExit.input` when the file cannot be read at all, `.usage` when it is
    ///   not a tokenizer we can count with exactly.
    private func readTokenizer(console: Console) throws -> (any TokenCounter)? {
        guard let path = tokenizerPath else { return nil }
        do {
            return try TokenizerFile.load(path: path)
        } catch {
            console.err(error.description)
            throw error.isInputError ? CommandExit.input : CommandExit.usage
        }
    }

    /// The suppression file: `--ignore-file`, else `.preflight-ignore.yaml` when it exists.
    /// - Throws: `CommandExit.input` when a named file cannot be read, `.usage` when it is
    ///   not a valid suppression file.
    private func readSuppressions(console: Console) throws -> SuppressionFile? {
        guard !noIgnoreFile else { return nil }
        let path: String
        if let ignoreFile {
            path = ignoreFile
        } else if FileManager.default.fileExists(atPath: SuppressionFile.defaultName) {
            path = SuppressionFile.defaultName
        } else {
            return nil
        }
        let text: String
        do {
            text = try RulesOptions.readText(path)
        } catch {
            console.err(error.description)
            // A file that is there but not text is a usage mistake; one that cannot be read
            // is an input problem.
            if case .cannotRead(_, let reason) = error, reason != RulesOptions.notUTF8 {
                throw CommandExit.input
            }
            throw CommandExit.usage
        }
        do {
            return try SuppressionFile.parse(
                text, path: path,
                checkIDs: BuiltInChecks.all.map { $0.descriptor.id.rawValue })
        } catch {
            console.err(error.description)
            throw CommandExit.usage
        }
    }

    /// Reads `--baseline`.
    /// - Throws: `CommandExit.input` when the file cannot be read, `.usage` when it is not a
    ///   Preflight JSON report.
    private func readBaseline(console: Console) throws -> BaselineInput? {
        guard let path = baselinePath else { return nil }
        do {
            let report = try JSONReportReader.read(contentsOfFile: path)
            return BaselineInput(path: path, findings: report.findings)
        } catch {
            console.err(error.description)
            throw error.isInputError ? CommandExit.input : CommandExit.usage
        }
    }

    /// The day of the run in UTC, `YYYY-MM-DD`, for suppression expiry.
    static func today() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }

    /// Preflight never writes over its own inputs.
    /// - Parameter files: the input files found in folders, once they are read.
    private func refuseReportsOverInputs(
        _ reportPaths: [String], files: [String] = [], console: Console
    ) throws {
        let inputPaths = Set(
            (inputs.allPaths + files.filter { $0 != "-" } + (predictionsPath.map { [$0] } ?? [])
                + (tokenizerPath.map { [$0] } ?? []) + (baselinePath.map { [$0] } ?? [])
                + rules.ruleFiles + [ignoreFile ?? SuppressionFile.defaultName])
                .map(ReportFile.canonical))
        for path in reportPaths where inputPaths.contains(ReportFile.canonical(path)) {
            console.err("error: \(ReportError.reportIsInput(path: path))")
            throw CommandExit.usage
        }
    }
}

/// What `preflight audit --format` prints on standard output (`--quiet` prints nothing).
enum StdoutFormat: String, CaseIterable, ExpressibleByArgument {
    /// The terminal report (the default).
    case text
    /// The JSON report, the same bytes as `--report json=PATH`.
    case json
    /// GitHub Actions annotations, one workflow command per finding.
    case github
}

/// A progress line on a terminal's standard error, shown only for inputs that take more
/// than a second, and erased when reading ends.
final class ProgressLine: @unchecked Sendable {
    private let console: Console
    private let lock = NSLock()
    private let start = Date()
    private var shown = false
    private var lastDraw = Date.distantPast

    init(console: Console) { self.console = console }

    var update: (@Sendable (LoadProgress) -> Void)? {
        guard console.stderrIsTerminal else { return nil }
        return { [self] event in draw(event) }
    }

    private func draw(_ event: LoadProgress) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(start) > 1, now.timeIntervalSince(lastDraw) > 0.1 else {
            return
        }
        lastDraw = now
        shown = true
        var percent = ""
        if let total = event.totalBytes, total > 0 {
            percent = " \(event.bytesRead * 100 / total)%"
        }
        let mb = String(format: "%.0f MB", Double(event.bytesRead) / 1_000_000)
        console.writeErr("\r\u{1B}[2Kreading \(event.path)\(percent) (\(mb))")
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { console.writeErr("\r\u{1B}[2K") }
        shown = false
    }
}

/// Wall-clock time and peak resident memory per stage and per check, for `--timings` and the
/// benchmarks (`Benchmarks/run.sh`, `Benchmarks/suite.sh`).
///
/// `--timings` prints one `timing:` line per stage and per check that ran, then the
/// one-line `timings:` summary that older benchmark scripts read:
///
///     timing: stage read 0.182s, cpu 0.351s, peak RSS 121.4 MB
///     timing: check exact_duplicates 0.031s, cpu 0.058s, peak RSS 125.0 MB
///     timings: rules 0.001s, read 0.182s, checks 0.460s, report 0.020s, total 0.663s, 110000 records
///
/// A check's time runs from the end of the previous check (or of reading) to its return, so
/// it includes the shared index columns it was the first to ask for. `cpu` is the process's
/// user + system time over the same interval (all threads: cpu / wall is how many cores the
/// stage kept busy). Peak RSS is the process's high-water mark so far (`getrusage`), not the
/// memory of that stage alone.
struct StageClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private let first = DispatchTime.now().uptimeNanoseconds
    private var stages: [(String, Double)] = []
    /// Every lap in order, stages and checks: kind ("stage" or "check"), name, seconds, peak
    /// RSS in bytes.
    private var laps: [(kind: String, name: String, seconds: Double, cpu: Double, peakRSS: Int)] =
        []
    /// The end of the last stage or check lap: where the next check's time starts.
    private var lastMark = DispatchTime.now().uptimeNanoseconds
    /// Process CPU seconds at the end of the last stage, and of the last stage or check lap.
    private var lastCPU = Self.cpuSeconds()
    private var lastMarkCPU = Self.cpuSeconds()

    /// Ends a stage.
    mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = Self.cpuSeconds()
        let seconds = Double(now - last) / 1e9
        stages.append((name, seconds))
        laps.append(("stage", name, seconds, cpu - lastCPU, Self.peakResidentBytes()))
        last = now
        lastMark = now
        lastCPU = cpu
        lastMarkCPU = cpu
    }

    /// Ends one check's lap inside the current stage.
    mutating func lapCheck(_ id: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = Self.cpuSeconds()
        laps.append(
            ("check", id, Double(now - lastMark) / 1e9, cpu - lastMarkCPU, Self.peakResidentBytes())
        )
        lastMark = now
        lastMarkCPU = cpu
    }

    /// One `timing:` line per lap, in the order the laps ended.
    func detailLines() -> [String] {
        laps.map {
            String(
                format: "timing: %@ %@ %.3fs, cpu %.3fs, peak RSS %.1f MB", $0.kind, $0.name,
                $0.seconds, $0.cpu, Double($0.peakRSS) / 1e6)
        }
    }

    func summary(records: Int) -> String {
        let total = Double(last - first) / 1e9
        let parts = stages.map { String(format: "%@ %.3fs", $0.0, $0.1) }
        return "timings: " + parts.joined(separator: ", ")
            + String(format: ", total %.3fs, %d records", total, records)
    }

    /// The process's user + system CPU time so far, all threads, in seconds (0 when
    /// unavailable).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
            guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        #else
            guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The process's peak resident set size so far, in bytes (0 when unavailable).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
            // Glibc imports RUSAGE_SELF as an enum case; getrusage takes its raw Int32.
            guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
            return usage.ru_maxrss * 1024  // kilobytes on Linux
        #else
            guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
            return usage.ru_maxrss  // bytes on macOS
        #endif
    }
}
