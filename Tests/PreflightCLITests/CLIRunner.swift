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

/// A dataset with nothing above info under the default rules, written to a new temporary
/// folder: `train.jsonl` (4 classes × 60 records) and `validation.jsonl` (4 × 8). Every text
/// has its own words, so no two records are exact or near copies. (`samples/clean-intents`
/// is generated from templates: its one-slot variants are near-copies, so it is not ready.)
/// The caller removes the folder.
func makeReadyDataset() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("preflight-ready-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let labels = ["account", "billing", "shipping", "technical"]
    func rows(_ split: String, _ perLabel: Int) -> String {
        labels.flatMap { label in
            (0..<perLabel).map { i in
                #"{"text": "\#(split)\#(label)\#(i)a \#(split)\#(label)\#(i)b \#(split)\#(label)\#(i)c", "label": "\#(label)"}"#
            }
        }.joined(separator: "\n") + "\n"
    }
    try rows("t", 60).write(
        to: folder.appendingPathComponent("train.jsonl"), atomically: true, encoding: .utf8)
    try rows("v", 8).write(
        to: folder.appendingPathComponent("validation.jsonl"), atomically: true, encoding: .utf8)
    return folder
}
