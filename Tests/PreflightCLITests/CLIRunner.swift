import Foundation
import PreflightTestSupport

@testable import preflight

/// The result of running the command line in-process.
struct CLIResult {
    var code: Int32
    var stdout: String
    var stderr: String
}

/// Collects console output from a command run in-process.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ s: String) {
        lock.lock()
        text += s
        lock.unlock()
    }
    var value: String {
        lock.lock()
        defer { lock.unlock() }
        return text
    }
}

/// Runs `preflight` with `arguments` from the repository root, as a user would, with a
/// non-terminal console (no colours, no progress line).
func runCLI(_ arguments: [String], environment: [String: String] = [:]) -> CLIResult {
    let out = OutputBuffer()
    let err = OutputBuffer()
    let console = Console(
        writeOut: { out.append($0) }, writeErr: { err.append($0) },
        stdoutIsTerminal: false, stderrIsTerminal: false, environment: environment)
    let code = RepositoryPaths.withRootAsCurrentDirectory {
        runPreflight(arguments, console: console)
    }
    return CLIResult(code: code, stdout: out.value, stderr: err.value)
}
