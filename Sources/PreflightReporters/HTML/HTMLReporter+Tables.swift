import PreflightCore

// MARK: - Tables

extension HTMLReporter {
    /// A header row; `numeric` columns are right-aligned.
    static func headerRow(_ names: [String], numeric: Set<Int> = [], in table: HTMLElement) {
        let row = table.add("tr")
        for (i, name) in names.enumerated() {
            row.add("th", numeric.contains(i) ? ["class": "num"] : [:], text: name)
        }
    }

    /// A check's table: its title, header, at most `tableRowLimit` rows, and its note.
    static func table(_ table: ReportTable, in parent: HTMLElement) {
        parent.add("h4", text: table.title)
        let scroll = parent.add("div", ["class": "scroll"])
        let element = scroll.add("table")
        let numeric = Set(
            table.columns.indices.filter { c in
                !table.rows.isEmpty
                    && table.rows.allSatisfy {
                        if case .text = $0[c] { false } else { true }
                    }
            })
        headerRow(table.columns, numeric: numeric, in: element)
        for cells in table.rows.prefix(tableRowLimit) {
            let row = element.add("tr")
            for cell in cells {
                switch cell {
                case .text(let text): row.add("td", text: text)
                case .empty: row.add("td", ["class": "empty"], text: "–")
                default: row.add("td", ["class": "num"], text: format(cell))
                }
            }
        }
        var notes: [String] = []
        if table.rows.count > tableRowLimit {
            notes.append(
                "\(ReportNumbers.count(table.rows.count - tableRowLimit, "more row")) in the "
                    + "JSON report")
        }
        if let note = table.note { notes.append(note) }
        if !notes.isEmpty {
            parent.add("p", ["class": "note"], text: notes.joined(separator: "; "))
        }
    }

    /// A cell as text: counts with thousands separators, shares as percentages, other
    /// numbers with up to 4 significant digits.
    static func format(_ cell: ReportCell) -> String {
        switch cell {
        case .text(let text): text
        case .count(let count): ReportNumbers.integer(count)
        case .share(let share): ReportNumbers.percent(share)
        case .number(let number): ReportNumbers.significant(number)
        case .empty: "–"
        }
    }

    // MARK: Findings

    /// The shown findings of a check with the text of their records, and how many are not
    /// shown.
    static func findings(
        _ shown: [Finding], total: Int, report: AuditReport, in card: HTMLElement
    ) {
        guard total > 0 else { return }
        let heading =
            shown.weightedCount == total
            ? "Findings (\(ReportNumbers.integer(total)))"
            : "Findings (first \(shown.count) of \(ReportNumbers.integer(total)), in file order)"
        card.add("h4", text: heading)
        let scroll = card.add("div", ["class": "scroll"])
        let table = scroll.add("table", ["class": "wide findings"])
        // The record columns only when a shown finding names a record (another record).
        let hasRecord = shown.contains { $0.location != nil }
        let hasRelated = shown.contains { !$0.related.isEmpty }
        headerRow(
            ["severity"] + (hasRecord ? ["record"] : []) + ["finding"]
                + (hasRelated ? ["related record"] : []), in: table)
        let changes = report.regressions
        for finding in shown {
            let row = table.add("tr")
            let severity = row.add("td")
            severity.add(
                "span", ["class": "badge \(finding.severity.rawValue)"],
                text: finding.severity.rawValue)
            if let change = changes[finding] {
                severity.text(" ")
                severity.add("span", ["class": "badge change"], text: change.rawValue)
            }
            if hasRecord {
                let record = row.add("td")
                if let location = finding.location {
                    place(location, excerpt: report.excerpt(at: location), in: record)
                } else {
                    record.add("span", ["class": "meta"], text: "dataset")
                }
            }
            let message = row.add("td")
            message.add("div", text: finding.message)
            message.add(
                "div", ["class": "hint"],
                text: finding.code + (finding.hint.map { " · hint: \($0)" } ?? ""))
            guard hasRelated else { continue }
            let related = row.add("td")
            if let first = finding.related.first {
                place(first, excerpt: report.excerpt(at: first), in: related)
                if finding.related.count > 1 {
                    related.add(
                        "div", ["class": "more"],
                        text: "and \(ReportNumbers.count(finding.related.count - 1, "more record"))"
                    )
                }
            }
        }
        if total > shown.weightedCount {
            card.add(
                "p", ["class": "more"],
                text:
                    "\(ReportNumbers.integer(total - shown.weightedCount)) more in the JSON report."
            )
        }
    }

    /// A record's place (`path:line`, split, id) and its excerpt.
    static func place(_ location: DataLocation, excerpt: String?, in cell: HTMLElement) {
        cell.add("div", ["class": "where mono"], text: describe(location))
        var parts = [location.split]
        if let id = location.id { parts.append("id \(id)") }
        if let field = location.field { parts.append("field \(field)") }
        cell.add("div", ["class": "hint"], text: parts.joined(separator: " · "))
        if let excerpt { cell.add("div", ["class": "excerpt"], text: excerpt) }
    }
}
