import ArgumentParser
import PreflightChecks
import PreflightCore

/// `preflight checks`: the catalog of built-in checks.
struct ChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract: "List the built-in checks: id, category, default severity, summary.")

    @Flag(
        name: .customLong("markdown"),
        help: "Print the catalog as a Markdown table (for the README).")
    var markdown = false

    func run() throws {
        Console.current.out(markdown ? Self.markdownCatalog() : Self.textCatalog())
    }

    static func textCatalog() -> String {
        let rows = BuiltInChecks.all.map { $0.descriptor }.map {
            [$0.id.rawValue, $0.category.rawValue, $0.defaultSeverity.rawValue, $0.summary]
        }
        let header = ["CHECK", "CATEGORY", "SEVERITY", "SUMMARY"]
        let widths = (0..<3).map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            (0..<3).map { row[$0].padding(toLength: widths[$0] + 2, withPad: " ", startingAt: 0) }
                .joined() + row[3]
        }.joined(separator: "\n") + "\n"
    }

    static func markdownCatalog() -> String {
        var lines = [
            "| check | category | default severity | what it flags |", "|---|---|---|---|",
        ]
        for d in BuiltInChecks.all.map({ $0.descriptor }) {
            let optIn = BuiltInChecks.all.first { $0.descriptor.id == d.id } is any OptInCheck.Type
            lines.append(
                "| `\(d.id)` | \(d.category.rawValue) | \(d.defaultSeverity.rawValue)\(optIn ? " (opt-in)" : "") | \(d.summary) |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
