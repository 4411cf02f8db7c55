import ArgumentParser
import Foundation
import PreflightCore
import PreflightReporters

/// `preflight diff OLD.json NEW.json`: what changed between two audits of a dataset.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract:
            "Compare two JSON reports of a dataset: verdict, inputs, records, labels, findings.",
        discussion: """
            Both files are JSON reports written by `preflight audit --report json=PATH`. \
            Records added and removed per split come from the reports' record sketches: \
            exact when a split has at most 1024 distinct records, otherwise estimated \
            (marked ~, with a standard error). Exit codes: 0 compared, 2 usage error or a \
            file that is not a report, 3 a file could not be read.
            """)

    @Argument(help: ArgumentHelp("The earlier JSON report.", valueName: "OLD.json"))
    var oldPath: String

    @Argument(help: ArgumentHelp("The later JSON report.", valueName: "NEW.json"))
    var newPath: String

    @Option(help: "Output format: text (terminal), markdown (a PR comment) or json.")
    var format: DiffFormat = .text

    @Option(
        name: .customLong("output"),
        help: ArgumentHelp(
            "Write the diff to this file (atomically) instead of standard output.",
            valueName: "PATH"))
    var outputPath: String?

    func run() throws {
        let console = Console.current
        if let outputPath {
            let target = ReportFile.canonical(outputPath)
            for input in [oldPath, newPath] where ReportFile.canonical(input) == target {
                console.err("error: \(ReportError.reportIsInput(path: outputPath))")
                throw CommandExit.usage
            }
        }
        let old = try Self.read(oldPath, console: console)
        let new = try Self.read(newPath, console: console)
        let data = DiffReporter(format: format, oldPath: oldPath, newPath: newPath)
            .render(ReportDiff(old: old, new: new))
        if let outputPath {
            do {
                try ReportFile.write(data, to: outputPath)
            } catch {
                console.err("error: \(error)")
                throw CommandExit.input
            }
        } else {
            console.out(String(decoding: data, as: UTF8.self))
        }
    }

    private static func read(_ path: String, console: Console) throws -> AuditReport {
        do {
            return try JSONReportReader.read(contentsOfFile: path)
        } catch {
            console.err(error.description)
            throw error.isInputError ? CommandExit.input : CommandExit.usage
        }
    }
}

extension DiffFormat: ExpressibleByArgument {}
