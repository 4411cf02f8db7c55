import Foundation
import PreflightTestSupport
import Testing

/// The real executable in a child process: standard input, exit statuses and streams as a
/// shell or CI runner sees them.
@Suite struct ProcessTests {
    /// The `preflight` binary built next to the test bundle, if there is one.
    static var binary: URL? {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [
            folder, folder.deletingLastPathComponent(),
            folder.deletingLastPathComponent().deletingLastPathComponent(),
        ] {
            let url = candidate.appendingPathComponent("preflight")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:])
        throws -> Run
    {
        let binary = try #require(
            Self.binary, "the preflight executable was not built next to the tests")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = RepositoryPaths.root
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    @Test func readsStandardInput() throws {
        let data = try Data(
            contentsOf: RepositoryPaths.samples.appendingPathComponent("clean-intents/train.jsonl"))
        let result = try run(["audit", "--train", "-"], stdin: data)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("READY WITH WARNINGS"))
        #expect(result.stdout.contains("240 records"))
    }

    @Test func exitStatusesReachTheShell() throws {
        #expect(try run(["audit", "samples/support-tickets"]).status == 1)
        #expect(try run(["audit", "samples/clean-intents"]).status == 0)
        #expect(try run(["audit", "samples/nothing-here"]).status == 3)
        #expect(try run(["audit"]).status == 2)
        #expect(try run(["--version"]).status == 0)
    }

    @Test func noColorWithoutATerminal() throws {
        let result = try run(["audit", "samples/support-tickets"], environment: ["NO_COLOR": "1"])
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(result.stderr == "")
    }

    /// Ctrl-C and a cancelled CI job: the run stops with 128 + the signal number, says so, and
    /// leaves no report (here the process waits on standard input, which is never closed, so
    /// the signal always arrives before any report is written).
    @Test(arguments: [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")])
    func interruptionExitsWithItsOwnCodeAndLeavesNoReport(signal: Int32, name: String) throws {
        let binary = try #require(Self.binary, "the preflight executable was not built")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-interrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "audit", "--train", "-", "--report", "json=\(folder.path)/report.json",
            "--report", "html=\(folder.path)/report.html",
        ]
        let input = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(#"{"text": "hello", "label": "a"}"#.utf8 + [0x0A]))
        Thread.sleep(forTimeInterval: 1.5)  // well past start-up, blocked reading stdin
        kill(process.processIdentifier, signal)
        let err = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + signal)
        #expect(err.contains("interrupted by \(name)"), "\(err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
