import PreflightCore

/// The report's charts, drawn as inline SVG elements in the same libxml2 tree: class
/// distribution and input length per split, the coverage heatmap and the leakage matrix.
///
/// Each chart reads what the report already carries (`statistics`, the `volume` table
/// `length_histogram`, the `coverage` table `coverage_by_split`, the `split_leakage` table
/// `leakage_matrix`) and is left out when its data is missing. Every mark has its number
/// written next to it, so the charts read without colour.
struct HTMLCharts {
    let report: AuditReport

    /// The most labels the class distribution draws; the rest form one "other" row.
    static let labelLimit = 20
    /// The most slices the coverage heatmap draws.
    static let sliceLimit = 40

    /// Split name → colour index, in statistics order (then first appearance elsewhere).
    private var splitOrder: [String: Int] {
        var order: [String: Int] = [:]
        for name in report.statistics.map(\.split) + report.inputs.map(\.split)
        where order[name] == nil {
            order[name] = order.count
        }
        return order
    }

    private func colour(_ split: String) -> String {
        HTMLStyle.series(splitOrder[split] ?? splitOrder.count)
    }

    /// Adds the "Charts" section.
    func render(in main: HTMLElement) {
        main.add("h2", ["id": "charts"], text: "Charts")
        var drawn = 0
        if classDistribution(in: main) { drawn += 1 }
        if lengthHistograms(in: main) { drawn += 1 }
        if coverageHeatmap(in: main) { drawn += 1 }
        if leakageMatrix(in: main) { drawn += 1 }
        if drawn == 0 {
            main.add("p", ["class": "meta"], text: "No chart applies to this report.")
        }
    }

    // MARK: - Class distribution

    /// One horizontal bar chart per split, labels in the same order (most records overall
    /// first), bar length the label's share of its split on one scale for all splits.
    private func classDistribution(in main: HTMLElement) -> Bool {
        let splits = report.statistics.filter { !$0.labels.isEmpty }
        guard !splits.isEmpty else { return false }
        var totals: [String: Int] = [:]
        for split in splits {
            for (label, count) in split.labels { totals[label, default: 0] += count }
        }
        let ordered = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map(\.key)
        let shownLabels = Array(ordered.prefix(Self.labelLimit))
        let otherCount = ordered.count - shownLabels.count
        let rows = shownLabels + (otherCount > 0 ? ["other (\(otherCount) labels)"] : [])

        let card = main.add("section", ["class": "card"])
        card.add("h3", text: "Class distribution per split")
        card.add(
            "p", ["class": "note"],
            text: "records per label; bars show the label's share of its split, on one scale")
        let row = card.add("div", ["class": "charts"])
        let values: [[Int]] = splits.map { split in
            let counts = Dictionary(split.labels.map { ($0.label, $0.count) }, uniquingKeysWith: +)
            let shownValues = shownLabels.map { counts[$0] ?? 0 }
            let rest = split.labels.reduce(0) { $0 + $1.count } - shownValues.reduce(0, +)
            return shownValues + (otherCount > 0 ? [rest] : [])
        }
        // The scale is the largest share of a named label: the "other" row, which can hold
        // most records, is written out without a bar.
        let maxShare =
            zip(splits, values).map { split, counts in
                counts.prefix(shownLabels.count).map { Self.share($0, of: split.records) }.max()
                    ?? 0
            }.max() ?? 0

        let labelWidth = 120.0
        let barWidth = 125.0
        let rowHeight = 20.0
        let width = labelWidth + barWidth + 85
        let height = rowHeight * Double(rows.count) + 8
        for (split, counts) in zip(splits, values) {
            let figure = row.add("figure")
            figure.add(
                "figcaption",
                text: "\(split.split) · \(ReportNumbers.count(split.records, "record"))")
            let svg = SVG.root(
                in: figure, width: width, height: height,
                label: "Records per label in \(split.split)")
            for (i, (label, count)) in zip(rows, counts).enumerated() {
                let y = 4 + Double(i) * rowHeight
                let share = Self.share(count, of: split.records)
                SVG.text(
                    Self.cut(label, 20), x: labelWidth - 6, y: y + 14, anchor: "end", in: svg)
                let isOther = i >= shownLabels.count
                let length = maxShare > 0 && !isOther ? share / maxShare * barWidth : 0
                SVG.rect(
                    x: labelWidth, y: y + 3, width: count > 0 && !isOther ? max(length, 1) : 0,
                    height: rowHeight - 6, fill: colour(split.split), in: svg)
                SVG.text(
                    "\(ReportNumbers.integer(count)) · \(ReportNumbers.percent(share))",
                    x: labelWidth + max(length, 0) + 5, y: y + 14, className: "muted", in: svg)
            }
        }
        return true
    }

    // MARK: - Length histograms

    /// One column chart per split from the `volume` table `length_histogram`.
    private func lengthHistograms(in main: HTMLElement) -> Bool {
        guard let table = table("volume", "length_histogram"), table.columns.count > 1,
            !table.rows.isEmpty
        else { return false }
        let card = main.add("section", ["class": "card"])
        card.add("h3", text: "Input length per split")
        card.add(
            "p", ["class": "note"],
            text: "records per length bin, in words of the input; bar heights are per split")
        let row = card.add("div", ["class": "charts"])
        let bins = table.rows.map { Self.text($0[0]) }
        let binWidth = 40.0
        let left = 10.0
        let top = 18.0
        let plot = 130.0
        let width = left * 2 + binWidth * Double(bins.count)
        let height = top + plot + 40
        for c in 1..<table.columns.count {
            let split = table.columns[c]
            let counts = table.rows.map { Self.count($0[c]) }
            let total = counts.reduce(0, +)
            let peak = counts.max() ?? 0
            let figure = row.add("figure")
            figure.add(
                "figcaption", text: "\(split) · \(ReportNumbers.count(total, "record"))")
            let svg = SVG.root(
                in: figure, width: width, height: height,
                label: "Records per input length in words in \(split)")
            SVG.line(
                x1: left, y1: top + plot, x2: width - left, y2: top + plot, stroke: "#8c959f",
                in: svg)
            for (b, count) in counts.enumerated() {
                let x = left + Double(b) * binWidth
                let h = peak > 0 ? Double(count) / Double(peak) * plot : 0
                SVG.rect(
                    x: x + 4, y: top + plot - h, width: binWidth - 8, height: h,
                    fill: colour(split), in: svg)
                SVG.text(
                    ReportNumbers.integer(count), x: x + binWidth / 2, y: top + plot - h - 4,
                    anchor: "middle", className: "muted", size: 10.5, in: svg)
                SVG.text(
                    bins[b], x: x + binWidth / 2, y: top + plot + 14, anchor: "middle",
                    size: 9.5, in: svg)
            }
            SVG.text(
                "words", x: width / 2, y: top + plot + 32, anchor: "middle", className: "muted",
                size: 10.5, in: svg)
        }
        return true
    }

    // MARK: - Coverage heatmap

    /// Slices × splits from the `coverage` table `coverage_by_split`: each cell's shade is
    /// the slice's share of the split; an empty cell (no records) is grey.
    private func coverageHeatmap(in main: HTMLElement) -> Bool {
        guard let table = table("coverage", "coverage_by_split"), !table.rows.isEmpty else {
            return false
        }
        // Split columns: a count column `X` followed somewhere by its share column `X share`.
        let splits: [(name: String, count: Int, share: Int)] = table.columns.indices.compactMap {
            c in
            let name = table.columns[c]
            guard let s = table.columns.firstIndex(of: "\(name) share") else { return nil }
            return (name, c, s)
        }
        guard !splits.isEmpty else { return false }
        let kindColumn = table.columns.firstIndex(of: "kind")
        let rows = Array(table.rows.prefix(Self.sliceLimit))
        let maxShare = rows.flatMap { r in splits.map { Self.number(r[$0.share]) } }.max() ?? 0

        let card = main.add("section", ["class": "card"])
        card.add("h3", text: "Coverage per split")
        card.add(
            "p", ["class": "note"],
            text: "records per slice and split, and their share of the split; darker cells "
                + "hold a larger share, grey cells none")
        let labelWidth = 210.0
        let cellWidth = 118.0
        let rowHeight = 24.0
        let top = 26.0
        let width = labelWidth + cellWidth * Double(splits.count) + 4
        let height = top + rowHeight * Double(rows.count) + 4
        let svg = SVG.root(
            in: card.add("div", ["class": "scroll"]), width: width, height: height,
            label: "Coverage heatmap: slices by split")
        for (i, split) in splits.enumerated() {
            SVG.text(
                split.name, x: labelWidth + cellWidth * (Double(i) + 0.5), y: 17,
                anchor: "middle", weight: "600", in: svg)
        }
        for (r, cells) in rows.enumerated() {
            let y = top + Double(r) * rowHeight
            var label = Self.cut(Self.text(cells[0]), 26)
            if let kindColumn, case .text(let kind) = cells[kindColumn], kind != "declared" {
                label += " (\(kind))"
            }
            SVG.text(label, x: labelWidth - 8, y: y + 16, anchor: "end", in: svg)
            for (i, split) in splits.enumerated() {
                let x = labelWidth + cellWidth * Double(i)
                let count = Self.count(cells[split.count])
                let share = Self.number(cells[split.share])
                let strength = maxShare > 0 ? share / maxShare : 0
                let gap = count == 0
                SVG.rect(
                    x: x + 1, y: y + 1, width: cellWidth - 2, height: rowHeight - 2,
                    fill: gap ? "#f6f8fa" : Colour.mix("#ffffff", "#0072b2", strength), in: svg)
                SVG.text(
                    gap ? "0" : "\(ReportNumbers.integer(count)) · \(ReportNumbers.percent(share))",
                    x: x + cellWidth / 2, y: y + 16, anchor: "middle",
                    className: gap ? "muted" : strength > 0.55 ? "light" : nil, size: 11.5,
                    in: svg)
            }
        }
        if table.rows.count > rows.count {
            card.add(
                "p", ["class": "note"],
                text: "\(ReportNumbers.count(table.rows.count - rows.count, "more slice")) in the "
                    + "coverage table below")
        }
        return true
    }

    // MARK: - Leakage matrix

    /// Held-out splits × sources from the `split_leakage` table `leakage_matrix`: each cell
    /// counts the row's records that also occur in the column's split, shaded by their share.
    private func leakageMatrix(in main: HTMLElement) -> Bool {
        guard let table = table("split_leakage", "leakage_matrix"), table.columns.count > 2,
            !table.rows.isEmpty
        else { return false }
        let sources = Array(table.columns[2...])
        let card = main.add("section", ["class": "card"])
        card.add("h3", text: "Leakage between splits")
        card.add(
            "p", ["class": "note"],
            text: "held-out records (rows) that also occur in another split (columns), with "
                + "their share of the row's split; darker red is more leakage")
        let labelWidth = 130.0
        let cellWidth = 118.0
        let rowHeight = 28.0
        let top = 26.0
        let width = labelWidth + cellWidth * Double(sources.count) + 4
        let height = top + rowHeight * Double(table.rows.count) + 4
        let svg = SVG.root(
            in: card.add("div", ["class": "scroll"]), width: width, height: height,
            label: "Leakage matrix: held-out splits by source split")
        for (i, source) in sources.enumerated() {
            SVG.text(
                source, x: labelWidth + cellWidth * (Double(i) + 0.5), y: 17, anchor: "middle",
                weight: "600", in: svg)
        }
        for (r, cells) in table.rows.enumerated() {
            let y = top + Double(r) * rowHeight
            let records = Self.count(cells[1])
            SVG.text(
                "\(Self.cut(Self.text(cells[0]), 14)) (\(ReportNumbers.integer(records)))",
                x: labelWidth - 8, y: y + 18, anchor: "end", in: svg)
            for i in sources.indices {
                let x = labelWidth + cellWidth * Double(i)
                let cell = cells[i + 2]
                if case .empty = cell {
                    SVG.rect(
                        x: x + 1, y: y + 1, width: cellWidth - 2, height: rowHeight - 2,
                        fill: "#f6f8fa", in: svg)
                    SVG.text(
                        "–", x: x + cellWidth / 2, y: y + 18, anchor: "middle",
                        className: "muted", in: svg)
                    continue
                }
                let count = Self.count(cell)
                let share = Self.share(count, of: records)
                // Any leak is visible: the shade starts at 15% strength.
                let strength = count == 0 ? 0 : 0.15 + 0.85 * min(1, share * 5)
                SVG.rect(
                    x: x + 1, y: y + 1, width: cellWidth - 2, height: rowHeight - 2,
                    fill: Colour.mix("#ffffff", HTMLStyle.fail, strength), in: svg)
                SVG.text(
                    count == 0
                        ? "0"
                        : "\(ReportNumbers.integer(count)) · \(ReportNumbers.percent(share))",
                    x: x + cellWidth / 2, y: y + 18, anchor: "middle",
                    className: strength > 0.55 ? "light" : nil, in: svg)
            }
        }
        return true
    }

    // MARK: - Data access

    private func table(_ check: CheckID, _ id: String) -> ReportTable? {
        report.checks.first { $0.id == check }?.tables.first { $0.id == id }
    }

    static func share(_ count: Int, of total: Int) -> Double {
        total > 0 ? Double(count) / Double(total) : 0
    }

    static func text(_ cell: ReportCell) -> String {
        if case .text(let text) = cell { return text }
        return HTMLReporter.format(cell)
    }

    static func count(_ cell: ReportCell) -> Int {
        switch cell {
        case .count(let n): n
        case .number(let x) where x.isFinite: Int(x)
        default: 0
        }
    }

    static func number(_ cell: ReportCell) -> Double {
        switch cell {
        case .share(let x), .number(let x): x.isFinite ? x : 0
        case .count(let n): Double(n)
        default: 0
        }
    }

    /// At most `limit` characters, cut with "…".
    static func cut(_ text: String, _ limit: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }
}
