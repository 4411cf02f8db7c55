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
            """)

    @OptionGroup var inputs: InputOptions

    @OptionGroup var rules: RulesOptions

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp(
            "Write a report: FORMAT=PATH, or PATH with the format taken from the extension (repeatable).",
            valueName: "[FORMAT=]PATH"))
    var reports: [String] = []

    @Option(
        name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity.")
    var failOn: Severity = .error

    @Option(name: .customLong("max-findings"), help: "How many findings the terminal report shows.")
    var maxFindings: Int = 20

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
        clock.lap("rules")

        let progress = ProgressLine(console: console)
        defer { progress.finish() }  // also on a read error; finishing twice is harmless
        let dataset = try inputs.load(ruleSet.dataset, console: console, progress: progress.update)
        progress.finish()
        clock.lap("read")

        let metadata = ReportMetadata(
            rulesDigest: ruleSet.digest, rulesSources: ruleSet.sources,
            generatedAt: timestamp ? ISO8601DateFormatter().string(from: Date()) : nil)
        let report: AuditReport
        do {
            report = try Auditor.run(
                AuditRequest(dataset: dataset, checks: checks, failOn: failOn, metadata: metadata))
        } catch {
            console.err("error: \(error)")
            throw CommandExit.usage
        }
        clock.lap("checks")

        if !quiet {
            let text = TextReporter(
                color: !noColor && console.colorAllowed, maxFindings: maxFindings)
            console.out(String(decoding: try text.render(report), as: UTF8.self))
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
            console.err(
                clock.summary(
                    records: dataset.files.reduce(0) { $0 + $1.records.count + $1.issues.count }))
        }
        throw report.fails ? CommandExit.notReady : CommandExit.ready
    }

    /// Preflight never writes over its own inputs.
    private func refuseReportsOverInputs(_ reportPaths: [String], console: Console) throws {
        let inputPaths = Set(inputs.allPaths.map(ReportFile.canonical))
        for path in reportPaths where inputPaths.contains(ReportFile.canonical(path)) {
            console.err("error: \(ReportError.reportIsInput(path: path))")
            throw CommandExit.usage
        }
    }
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

/// Wall-clock time per stage, for `--timings` and the benchmark.
struct StageClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private let first = DispatchTime.now().uptimeNanoseconds
    private var stages: [(String, Double)] = []

    mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        stages.append((name, Double(now - last) / 1e9))
        last = now
    }

    func summary(records: Int) -> String {
        let total = Double(last - first) / 1e9
        let parts = stages.map { String(format: "%@ %.3fs", $0.0, $0.1) }
        return "timings: " + parts.joined(separator: ", ")
            + String(format: ", total %.3fs, %d records", total, records)
    }
}
