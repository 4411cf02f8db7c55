import Foundation

/// Where a command writes: standard output for the text report, standard error for
/// diagnostics and progress. Tests pass a capturing console to run commands in-process.
struct Console: Sendable {
    var writeOut: @Sendable (String) -> Void
    var writeErr: @Sendable (String) -> Void
    /// True when standard output is a terminal (colours allowed unless NO_COLOR).
    var stdoutIsTerminal: Bool
    /// True when standard error is a terminal (progress lines allowed).
    var stderrIsTerminal: Bool
    var environment: [String: String]

    /// Whether the text report may use ANSI colours: a terminal and no `NO_COLOR`.
    var colorAllowed: Bool {
        stdoutIsTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    func out(_ text: String) { writeOut(text) }
    /// Writes one diagnostic line to standard error.
    func err(_ line: String) { writeErr(line + "\n") }

    /// The process's real streams.
    static var standard: Console {
        Console(
            writeOut: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
            writeErr: { text in FileHandle.standardError.write(Data(text.utf8)) },
            stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
            stderrIsTerminal: isatty(STDERR_FILENO) == 1,
            environment: ProcessInfo.processInfo.environment)
    }

    /// The console of the running command (task-local so in-process tests can capture it).
    @TaskLocal static var current: Console = .standard
}

/// Ends a command with a specific exit code after its output has been written.
struct CommandExit: Error {
    var code: Int32

    /// 0: no finding at or above `--fail-on`.
    static let ready = CommandExit(code: 0)
    /// 1: findings at or above `--fail-on`.
    static let notReady = CommandExit(code: 1)
    /// 2: usage or rule-file error.
    static let usage = CommandExit(code: 2)
    /// 3: an input could not be read at all.
    static let input = CommandExit(code: 3)
}
