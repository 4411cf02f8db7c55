import PreflightCore

// MARK: - Check sections

extension HTMLReporter {
    /// One card per check: status, severity, summary, its tables, its shown findings.
    func checkSections(
        _ report: AuditReport, detailed: [CheckID: [Finding]], in main: HTMLElement
    ) {
        main.add("h2", ["id": "details"], text: "Check details")
        let totals = report.findings.reduce(into: [CheckID: Int]()) {
            $0[$1.checkID, default: 0] += $1.weight
        }
        for check in report.checks {
            let card = main.add(
                "section", ["class": "card", "id": "check-\(Self.anchor(check.id))"])
            let head = card.add("div", ["class": "check-head"])
            head.add("h3", text: check.title)
            head.add("code", text: check.id.rawValue)
            head.add(
                "span", ["class": "badge \(check.status.rawValue)"], text: check.status.rawValue)
            head.add("span", ["class": "meta"], text: "severity \(check.severity.rawValue)")
            card.add("p", text: check.summary)
            if !check.purpose.isEmpty { card.add("p", ["class": "meta"], text: check.purpose) }
            for table in check.tables { Self.table(table, in: card) }
            let shown = detailed[check.id] ?? []
            Self.findings(shown, total: totals[check.id] ?? 0, report: report, in: card)
        }
    }
}
