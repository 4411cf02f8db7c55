import Dispatch
import Foundation

/// What SIGINT (Ctrl-C) and SIGTERM (a CI runner's cancel) do: the process exits with
/// 128 + the signal number (130, 143), as shells report a process a signal ended, so a
/// pipeline tells an interrupted audit from a verdict (0, 1) or an error (2, 3).
///
/// No partial report is left behind: a report is written to a temporary file and renamed
/// (`ReportFile`), and that happens inside `critical`, which the handler waits for. An
/// interruption during a write lets that report finish (complete, renamed) and then ends the
/// process; reports not yet written are not written. Input files are only ever read.
enum Interruption {
    /// The exit code for an interruption by `signal`.
    static func exitCode(for signal: Int32) -> Int32 { 128 + signal }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers; only the real process does (in-process test runs keep the
    /// default signal behaviour). Call once, on the main thread, before any command runs.
    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)  // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(
                signal: signalNumber, queue: .global(qos: .userInteractive))
            source.setEventHandler { interrupted(by: signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs `body` — writing one report — so that an interruption waits for it to finish.
    static func critical<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Waits for a report being written, says why the run stops and ends the process. The
    /// lock is never released: no other report starts.
    private static func interrupted(by signalNumber: Int32) {
        lock.lock()
        let name = signalNumber == SIGINT ? "SIGINT" : "SIGTERM"
        let message =
            "preflight: interrupted by \(name) (exit \(exitCode(for: signalNumber))); no report is left half-written\n"
        FileHandle.standardError.write(Data(message.utf8))
        _exit(exitCode(for: signalNumber))
    }
}
