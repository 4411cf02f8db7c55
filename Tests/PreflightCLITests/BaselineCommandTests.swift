import Foundation
import PreflightTestSupport
import Testing

/// `preflight audit --baseline`: the ratchet, end to end on a copy of a sample.
struct BaselineCommandTests {
    /// A copy of `samples/support-tickets` in a fresh folder.
    func copyOfSample() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-baseline-\(UUID().uuidString)")
        try FileManager.default.copyItem(
            at: RepositoryPaths.root.appendingPathComponent("samples/support-tickets"), to: dir)
        return dir
    }

    func findings(_ url: URL) throws -> [JSONValue] {
        guard case .array(let items)? = try JSONValue.parse(Data(contentsOf: url))["findings"]
        else { return [] }
        return items
    }

    @Test func failsOnlyOnNewOrWorseFindingsAndListsFixedOnes() throws {
        let data = try copyOfSample()
        let baseline = data.appendingPathComponent("../\(data.lastPathComponent)-before.json")
            .standardizedFileURL
        let first = runCLI(["audit", data.path, "--quiet", "--report", "json=\(baseline.path)"])
        #expect(first.code == 1, "the sample is not ready")

        // The same data against its own baseline: nothing new, the run passes.
        let same = runCLI(["audit", data.path, "--baseline", baseline.path])
        #expect(same.code == 0, "\(same.stderr)")
        let count = try findings(baseline).count
        let words = same.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(
            words.contains(
                "0 new, 0 worse, \(count) unchanged, 0 improved, 0 fixed; the run passes"))
        #expect(same.stdout.hasPrefix("NOT READY"), "the verdict still describes the data")

        // A new broken line: that one error is new and fails the run.
        let train = data.appendingPathComponent("train.jsonl")
        var text = try String(contentsOf: train, encoding: .utf8)
        try (text + "{\"id\": \"t-999\", \"text\": \"unterminated\n").write(
            to: train, atomically: true, encoding: .utf8)
        let after = data.appendingPathComponent("../\(data.lastPathComponent)-after.json")
            .standardizedFileURL
        let worse = runCLI([
            "audit", data.path, "--baseline", baseline.path, "--report", "json=\(after.path)",
        ])
        #expect(worse.code == 1)
        #expect(worse.stdout.contains("[new]"))
        let marked = try findings(after).filter { $0["change"] == .string("new") }
        #expect(marked.count == 1)
        #expect(marked.first?["check"] == .string("malformed_record"))
        #expect(marked.first?["location"]?["line"] == .number(132))

        // Drop the broken line and rewrite the duplicate 'd-1' (line 125) as a new ticket:
        // its duplicate finding is fixed, nothing is new, the run passes.
        text = try String(contentsOf: train, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast(2)  // the broken line and the final empty piece
        #expect(lines[124].contains("\"d-1\""))
        var record = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[124].utf8)) as? [String: Any])
        record["text"] = "The kettle lid hinge snapped off after two weeks of gentle use"
        lines[124] = String(
            decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]),
            as: UTF8.self)
        try (lines.joined(separator: "\n") + "\n").write(
            to: train, atomically: true, encoding: .utf8)
        let back = runCLI([
            "audit", data.path, "--baseline", baseline.path, "--report", "json=\(after.path)",
        ])
        #expect(back.code == 0, "\(back.stdout)")
        let report = try JSONValue.parse(Data(contentsOf: after))
        #expect(report["baseline"]?["counts"]?["new"] == .number(0))
        #expect(report["baseline"]?["counts"]?["fixed"] == .number(1))
        #expect(report["baseline"]?["fixed"]?[0]?["location"]?["id"] == .string("d-1"))
        #expect(report["baseline"]?["path"] == .string(baseline.path))
        #expect(back.stdout.contains("FIXED  1 finding of the baseline no longer found"))
    }

    @Test func aBadBaselineIsAClearError() throws {
        let missing = runCLI(["audit", "samples/support-tickets", "--baseline", "nope.json"])
        #expect(missing.code == 3)
        #expect(missing.stderr.contains("nope.json"))
        let notAReport = runCLI([
            "audit", "samples/support-tickets", "--baseline", "samples/support-tickets/train.jsonl",
        ])
        #expect(notAReport.code == 2)
        #expect(notAReport.stderr.contains("is not a Preflight JSON report"))
        #expect(notAReport.stdout.isEmpty)
        // The baseline is an input: no report over it.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-baseline-\(UUID().uuidString).json")
        _ = runCLI(["audit", "samples/support-tickets", "--quiet", "--report", "json=\(dir.path)"])
        let before = try Data(contentsOf: dir)
        let overwrite = runCLI([
            "audit", "samples/support-tickets", "--baseline", dir.path, "--report",
            "json=\(dir.path)",
        ])
        #expect(overwrite.code == 2)
        #expect(try Data(contentsOf: dir) == before)
    }
}
