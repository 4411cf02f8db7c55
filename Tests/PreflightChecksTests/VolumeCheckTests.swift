import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

private func rows(_ n: Int, _ prefix: String = "t") -> String {
    jsonl((0..<n).map { ("\(prefix)\($0)", $0 % 2 == 0 ? "a" : "b") })
}

@Test func warningBetweenMinimums() throws {
    let result = try outcome(
        VolumeCheck.self, "--- train.jsonl\n\(rows(50))\n--- validation.jsonl\n\(rows(25, "v"))")
    #expect(result.findings.map(\.code) == ["too_few_train"])
    #expect(result.findings[0].severity == .warning)
    #expect(
        result.findings[0].message == "training split has 50 records, below 'min_train_warning' 100"
    )
    #expect(result.metrics["records.train"] == 50)
    #expect(result.metrics["records.validation"] == 25)
}

@Test func missingTrainAndSmallHeldout() throws {
    let result = try outcome(VolumeCheck.self, "--- test.jsonl\n\(rows(5))")
    #expect(Set(result.findings.map(\.code)) == ["missing_train", "too_few_heldout"])
}

@Test func missingHeldoutSeverityIsConfigurable() throws {
    let strict = try outcome(VolumeCheck.self, rows(120), options: "missing_heldout: error")
    #expect(strict.findings.map(\.code) == ["missing_heldout"])
    #expect(strict.findings[0].severity == .error)
    #expect(strict.findings[0].message.contains("held-out validation or regression set"))
    #expect(strict.findings[0].hint!.contains("--validation FILE"))
    let off = try outcome(VolumeCheck.self, rows(120), options: "missing_heldout: off")
    #expect(off.findings.isEmpty)
}

@Test func minimumsMustBeOrdered() {
    #expect(throws: RulesError.self) {
        try outcome(
            VolumeCheck.self, rows(1), options: "min_train_error: 100\nmin_train_warning: 10")
    }
}

@Test func filesCombinedByTheirNamesAreNoted() throws {
    var dataset = FixtureDataset.make([
        ("train.jsonl", .train, rows(120)), ("train_small.jsonl", .train, rows(10, "s")),
        ("validation.jsonl", .validation, rows(30, "v")),
    ])
    for i in dataset.files.indices {
        dataset.files[i].splitSource = "file name '\(dataset.files[i].split)*'"
    }
    let result = try CheckExampleRunner.run(VolumeCheck.self, on: dataset)
    #expect(result.findings.map(\.code) == ["combined_files"])
    #expect(result.findings[0].severity == .info)
    #expect(
        result.findings[0].message
            == "split 'train' combines 2 files by their names: 'train.jsonl', 'train_small.jsonl'")

    // Files the user named with flags are combined on purpose: no note.
    for i in dataset.files.indices { dataset.files[i].splitSource = "--train flag" }
    #expect(try CheckExampleRunner.run(VolumeCheck.self, on: dataset).findings.isEmpty)
}

@Test func lengthHistogramCountsInputWordsPerSplit() throws {
    let words = { (n: Int) in (0..<n).map { "w\($0)" }.joined(separator: " ") }
    let text = """
        --- train.jsonl
        \(jsonl([("a", "x"), (words(4), "x"), (words(5), "x"), (words(12), "y"), (words(600), "y")]))
        --- validation.jsonl
        \(jsonl([("  two\\twords  ", "x"), (words(500), "y")]))
        """
    let result = try outcome(VolumeCheck.self, text)
    let table = try #require(result.tables.first { $0.id == "length_histogram" })
    #expect(table.columns == ["words", "train", "validation"])
    #expect(
        table.rows.map { $0[0] }
            == ["0–4", "5–9", "10–19", "20–49", "50–99", "100–199", "200–499", "500+"].map {
                ReportCell.text($0)
            })
    #expect(table.rows.map { $0[1] } == [2, 1, 1, 0, 0, 0, 0, 1].map { ReportCell.count($0) })
    #expect(table.rows.map { $0[2] } == [1, 0, 0, 0, 0, 0, 0, 1].map { ReportCell.count($0) })
}

@Test func lengthBinsHaveFixedEdges() {
    #expect(
        [0, 4, 5, 9, 10, 19, 20, 49, 50, 99, 100, 199, 200, 499, 500, 10_000].map {
            VolumeCheck.lengthBin($0)
        } == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7])
}
