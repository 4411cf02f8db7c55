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
            rule-file error, 3 an input could not be read at all.
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

@main
enum Main {
    static func main() {
        // Output is written through FileHandle; make sure nothing is buffered at exit.
        let code = runPreflight(Array(CommandLine.arguments.dropFirst()), console: .standard)
        exit(code)
    }
}
