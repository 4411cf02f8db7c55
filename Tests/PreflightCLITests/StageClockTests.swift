import Foundation
import PreflightTestSupport
import Testing

/// The hidden `--timings` output that the benchmarks read (`StageClock`). Durations and
/// memory vary from run to run, so only the names and the line shapes are checked.
@Suite struct StageClockTests {
    @Test func timingsNameEveryStageAndEveryCheckThatRan() throws {
        let result = runCLI(["audit", "samples/support-tickets", "--format", "json", "--timings"])
        #expect(result.code == 1, "\(result.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let checks = try #require(report["checks"] as? [[String: Any]])
        let allIDs = Set(checks.compactMap { $0["id"] as? String })
        // A check that ran is never "skipped" because it was disabled; a check that ran and
        // found nothing to do may also be "skipped", so the ran ones are a lower bound.
        let ran = Set(
            checks.filter { ($0["status"] as? String) != "skipped" }.compactMap {
                $0["id"] as? String
            })
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let timed = lines.compactMap { line -> String? in
            guard line.hasPrefix("timing: check ") else { return nil }
            return line.dropFirst("timing: check ".count).split(separator: " ").first.map(
                String.init)
        }
        #expect(!ran.isEmpty)
        #expect(ran.isSubset(of: Set(timed)), "\(ran.subtracting(timed)) missing")
        #expect(Set(timed).isSubset(of: allIDs))
        #expect(Set(timed).count == timed.count, "a check timed twice")
        let stages = lines.compactMap { line -> String? in
            guard line.hasPrefix("timing: stage ") else { return nil }
            return line.dropFirst("timing: stage ".count).split(separator: " ").first.map(
                String.init)
        }
        #expect(stages == ["rules", "read", "checks", "report"])
        // `timing: KIND NAME 0.012s, cpu 0.020s, peak RSS 41.5 MB`, the shape suite_report.py
        // parses; CPU time is never negative.
        let shape = try Regex(
            #"^timing: (stage|check) \S+ [0-9]+\.[0-9]{3}s, cpu [0-9]+\.[0-9]{3}s, "#
                + #"peak RSS [0-9]+\.[0-9] MB$"#)
        for line in lines where line.hasPrefix("timing: ") {
            #expect(line.wholeMatch(of: shape) != nil, "\(line)")
        }
        // The one-line summary older benchmark scripts read is still the last line.
        #expect(lines.last?.hasPrefix("timings: rules ") == true, "\(lines.last ?? "")")
    }

    @Test func reportsHoldNoTimings() throws {
        let plain = runCLI(["audit", "samples/clean-intents", "--format", "json"])
        let timed = runCLI(["audit", "samples/clean-intents", "--format", "json", "--timings"])
        #expect(plain.stdout == timed.stdout)
        #expect(timed.stderr.contains("timing: stage read "))
    }
}
