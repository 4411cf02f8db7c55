// FuzzReport: the JSON report reader (`JSONReportReader.read`), which reads the report given
// with `--baseline` and both reports of `preflight diff` — files a user hands over. A report
// that reads is compared with itself as a baseline (every finding pairs, unchanged) and
// diffed with itself in every diff format.
import Foundation
import FuzzSupport
import PreflightCore
import PreflightReporters

@_cdecl("FuzzReport_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    runFuzzer(argc, argv) { bytes in
        guard let report = try? JSONReportReader.read(Data(bytes), path: "baseline.json") else {
            return
        }
        let comparison = FindingComparison(baseline: report.findings, current: report.findings)
        if !comparison.fixed.isEmpty || comparison.changes.contains(where: { $0 != .unchanged }) {
            fatalError("a report does not pair with itself")
        }
        let diff = ReportDiff(old: report, new: report)
        for format in DiffFormat.allCases {
            _ = DiffReporter(format: format, oldPath: "a.json", newPath: "b.json").render(diff)
        }
        _ = report.counts
    }
}
