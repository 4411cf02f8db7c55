import ArgumentParser
import Foundation
import PreflightCore

/// The `preflight` command: subcommands only.
struct PreflightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract:
            "Audit fine-tuning datasets before training: ready, ready with warnings, or not ready.",
        discussion: """
            Exit codes: 0 ready (no finding at or above --fail-on), 1 not ready, 2 usage or \
            rule-file error, 3 an input could not be read at all, 130 / 143 interrupted by \
            SIGINT / SIGTERM (no report left half-written).
            """,
        version: PreflightVersion.current,
        subcommands: [
            AuditCommand.self, DiffCommand.self, ExplainCommand.self, ChecksCommand.self,
            RulesCommand.self, TokensCommand.self,
        ],
        defaultSubcommand: nil)
}

/// Runs the command line in-process and returns the exit code.
///
/// Help and `--version` exit 0; argument mistakes exit 2 (not ArgumentParser's 64), so CI
/// sees one code for "you called it wrong".
func runPreflight(_ arguments: [String], console: Console) -> Int32 {
    Console.$current.withValue(console) {
        do {
            var command = try PreflightCommand.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let exit as CommandExit {
            return exit.code
        } catch {
            let code = PreflightCommand.exitCode(for: error)
            let message = PreflightCommand.fullMessage(for: error)
            if code == .success {
                console.out(message.hasSuffix("\n") ? message : message + "\n")
                return 0
            }
            console.err(message)
            return CommandExit.usage.code
        }
    }
}

/// Values kept until the process exits instead of being freed when a command returns.
///
/// A parsed dataset is millions of small allocations (each record's strings and parsed
/// value); freeing them one by one after the reports are written took ~0.2 s of a 4.3 s
/// audit of 1.1M records, for memory the operating system reclaims at exit anyway. Only the
/// real process keeps values (`Main` switches it on); in-process runs (the tests) free them
/// as usual.
enum ProcessLifetime {
    /// Set once by `Main` before any command runs, on the main thread.
    nonisolated(unsafe) static var keepsValues = false
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Keeps `value` alive until exit when `keepsValues` is on; otherwise does nothing.
    static func keep(_ value: Any) {
        if keepsValues { kept.append(value) }
    }
}

@main
enum Main {
    static func main() {
        ProcessLifetime.keepsValues = true
        Interruption.install()
        // Output is written through FileHandle; make sure nothing is buffered at exit.
        let code = runPreflight(Array(CommandLine.arguments.dropFirst()), console: .standard)
        exit(code)
    }
}
