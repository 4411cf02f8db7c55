import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// Ten distinct words, `w0 … w9` by default, as one text.
private func words(_ ws: [String] = (0..<10).map { "w\($0)" }) -> String {
    ws.joined(separator: " ")
}

/// Records whose texts share no word with each other or with `words()`.
private func unrelated(_ n: Int, label: String = "x") -> [(String, String)] {
    (0..<n).map { ("u\($0)a u\($0)b u\($0)c", label) }
}

@Test func clustersAreNumberedBySizeThenRepresentative() throws {
    let base = (0..<10).map { "w\($0)" }
    let other = (0..<10).map { "v\($0)" }
    let rows: [(String, String)] = [
        (words(other), "x"),  // 1: cluster of 2 (with 5)
        (words(base), "x"),  // 2: representative of the cluster of 3
        (words(base.dropLast() + ["k"]), "x"),  // 3: w9 → k
        ("something else entirely", "x"),  // 4
        (words(other.dropLast() + ["z"]), "x"),  // 5: near 1
        (words(base + ["extra"]), "x"),  // 6: insertion, near 2
    ]
    let result = try outcome(NearDuplicatesCheck.self, jsonl(rows))
    #expect(places(result.findings) == ["train.jsonl:3", "train.jsonl:5", "train.jsonl:6"])
    let byLine = Dictionary(uniqueKeysWithValues: result.findings.map { ($0.location!.line!, $0) })
    #expect(byLine[3]?.metrics["cluster"] == 1)
    #expect(byLine[3]?.metrics["cluster_size"] == 3)
    #expect(byLine[6]?.metrics["cluster"] == 1)
    #expect(byLine[5]?.metrics["cluster"] == 2)
    #expect(byLine[5]?.metrics["cluster_size"] == 2)
    #expect(byLine[5]?.related.map(\.line) == [1])
    #expect(byLine[6]?.metrics["similarity"] == 10.0 / 11.0)
    #expect(result.metrics["near_clusters.train"] == 2)
    #expect(result.metrics["near_records.train"] == 5)
    #expect(result.metrics["near_removable.train"] == 3)
    #expect(result.metrics["near_share.train"] == 5.0 / 6.0)
    #expect(result.metrics["largest_cluster"] == 3)
    #expect(result.findings.allSatisfy { $0.code == "near_duplicate" && $0.severity == .error })
    #expect(
        byLine[3]?.message
            == "near-copy of an earlier record: Jaccard 0.82 at or above 'threshold' 0.8 "
            + "(words:1 shingles); cluster 1 in 'train' has 3 records; 'train' has 3 removable "
            + "near-copies (50.0%), at or above 'error_share' 10.0%")
}

@Test func relatedIsTheBestEarlierMatchThenTheRepresentative() throws {
    let base = (0..<10).map { "w\($0)" }
    let rows: [(String, String)] = [
        (words(base), "x"),  // 1
        (words(base + ["x"]), "x"),  // 2: 10/11 to 1
        (words(base.dropLast() + ["x"]), "x"),  // 3: 9/11 to 1, 10/11 to 2
    ]
    let result = try outcome(NearDuplicatesCheck.self, jsonl(rows))
    let third = try #require(result.findings.first { $0.location?.line == 3 })
    #expect(third.related.map(\.line) == [2, 1])
    #expect(third.metrics["similarity"] == 10.0 / 11.0)
    let second = try #require(result.findings.first { $0.location?.line == 2 })
    #expect(second.related.map(\.line) == [1])
}

@Test func memberWithOnlyLaterMatchesRelatesToThem() throws {
    // 2 matches only 3, which matches 1: one cluster {1, 2, 3}; 2's match is later.
    let base = (0..<10).map { "w\($0)" }
    let rows: [(String, String)] = [
        (words(base), "x"),
        (words(base.dropLast(2) + ["a", "b"]), "x"),  // 8/12 to 1
        (words(base.dropLast() + ["a"]), "x"),  // 9/11 to 1, 9/11 to 2
    ]
    let result = try outcome(NearDuplicatesCheck.self, jsonl(rows))
    #expect(places(result.findings) == ["train.jsonl:2", "train.jsonl:3"])
    let second = try #require(result.findings.first { $0.location?.line == 2 })
    #expect(second.related.map(\.line) == [3, 1])
    #expect(second.message.hasPrefix("near-copy of a later record"))
}

@Test func exactCopiesAndOtherSplitsAreNotNearCopies() throws {
    let text = """
        --- train.jsonl
        {"text": "Hello there my friend", "label": "x"}
        {"text": "hello  there my friend", "label": "x"}
        --- test.jsonl
        {"text": "hello there my dear friend", "label": "x"}
        """
    let result = try outcome(NearDuplicatesCheck.self, text)
    #expect(result.findings.isEmpty)
    #expect(result.summary == "no near-copies; words:1 shingles, threshold 0.8")
}

@Test func severityFollowsTheRemovableShare() throws {
    let rows = unrelated(100) + [(words(), "x"), (words() + " again", "x")]
    let low = try outcome(NearDuplicatesCheck.self, jsonl(rows))
    #expect(low.findings.map(\.severity) == [.warning])  // 1/102 < 10%
    let info = try outcome(NearDuplicatesCheck.self, jsonl(rows), options: "warning_share: 0.02")
    #expect(info.findings.map(\.severity) == [.info])
    let strict = try outcome(NearDuplicatesCheck.self, jsonl(rows), options: "error_share: 0.005")
    #expect(strict.findings.map(\.severity) == [.error])
}

@Test func resultsAreDeterministic() throws {
    var rows = unrelated(30)
    for i in 0..<12 { rows.insert((words() + " n\(i)", "x"), at: i * 3) }
    let first = try outcome(NearDuplicatesCheck.self, jsonl(rows))
    let second = try outcome(NearDuplicatesCheck.self, jsonl(rows))
    #expect(first.findings == second.findings)
    #expect(first.metrics == second.metrics)
    #expect(first.findings.count == 11)
    #expect(Set(first.findings.map { $0.related.last?.line }) == [1])
}

@Test func schemeAndThresholdAreInTheSummary() throws {
    let rows = [(words(), "x"), (words() + " more", "x")]
    let result = try outcome(NearDuplicatesCheck.self, jsonl(rows))
    #expect(
        result.summary
            == "1 near-copy in 1 cluster, the largest of 2 records (train 1); "
            + "words:1 shingles, threshold 0.8")
    #expect(result.metrics["median_words"] == 11)
    let chars = try outcome(
        NearDuplicatesCheck.self, jsonl(rows), options: "shingle: chars:5\nthreshold: 0.85")
    #expect(chars.summary.hasSuffix("; chars:5 shingles, threshold 0.85"))
    let long = (0..<45).map { "word\($0)" }
    let longRows = [(words(long), "x"), (words(long.dropLast() + ["other"]), "x")]
    let longResult = try outcome(NearDuplicatesCheck.self, jsonl(longRows))
    #expect(longResult.summary.hasSuffix("; words:3 shingles, threshold 0.8"))
    #expect(longResult.findings.count == 1)  // 42 of 44 3-grams shared: 0.91
}

@Test func cappedBucketsGiveOneInfoFinding() throws {
    let dataset = FixtureDataset.make(CheckExampleRunner.parse(jsonl(unrelated(3))).files)
    let input = CheckInput(dataset: dataset, index: DatasetIndex(dataset: dataset))
    let check = NearDuplicatesCheck(options: .init())
    let spec = check.spec(dataset)
    var near = ChecksIndex.nearPairs(spec, in: input.index)
    near.cappedBuckets = 2
    near.largestBucket = 900
    let result = check.outcome(near, spec: spec, input: input)
    #expect(result.findings.count == 1)
    let finding = try #require(result.findings.first)
    #expect(finding.code == "capped_buckets" && finding.severity == .info)
    #expect(finding.location == nil)
    #expect(
        finding.message
            == "2 LSH buckets had more than 'max_bucket' 200 records (templated texts?); pairs "
            + "inside them were only partly compared, so near-copies among them may be missing")
    #expect(result.metrics["capped_buckets"] == 2)
}

@Test func optionsAreValidated() throws {
    for bad in ["threshold: 0", "threshold: 1.5", "max_bucket: 1", "warning_share: 0.2"] {
        #expect(throws: RulesError.self, "\(bad)") {
            try outcome(NearDuplicatesCheck.self, jsonl([("a", "x")]), options: bad)
        }
    }
}

@Test func explanationShowsCurveHistogramAndSamples() throws {
    // Similarities 14/15, 14/18 (just below 0.8) and 15/18. LSH finds a pair at 0.778 with
    // probability 0.995 (21 bands of 6 rows), so the hash functions hardly matter here.
    let base = (0..<14).map { "w\($0)" }
    let rows: [(String, String)] = [
        (words(base), "x"), (words(base + ["k"]), "x"),
        (words(base + ["k", "l", "m", "n"]), "x"),
    ]
    let dataset = FixtureDataset.make(CheckExampleRunner.parse(jsonl(rows)).files)
    let input = CheckInput(dataset: dataset, index: DatasetIndex(dataset: dataset))
    let explanation = NearDuplicatesCheck(options: .init()).explain(input)
    let titles = explanation.sections.map(\.title)
    #expect(titles.first == "Shingles")
    let curve = try #require(explanation.sections.first { $0.title.hasPrefix("LSH") }?.table)
    #expect(
        curve.rows.map(\.first) == ["0.5", "0.6", "0.7", "0.75", "0.8", "0.85", "0.9", "0.95", "1"])
    let histogram = try #require(explanation.sections.first { $0.title.hasPrefix("Verified") })
    let marked = histogram.table?.rows.first { $0[3].hasPrefix("◀") }
    #expect(marked?.first == "0.8–<0.85")
    let above = try #require(explanation.sections.first { $0.title.hasPrefix("Just above") })
    #expect(above.lines.first == "0.833  train.jsonl:2 ↔ train.jsonl:3")
    let below = try #require(explanation.sections.first { $0.title.hasPrefix("Just below") })
    #expect(below.lines.first == "0.778  train.jsonl:1 ↔ train.jsonl:3")
    #expect(NearDuplicatesCheck.detection(0.8, bands: 20, rows: 5) > 0.99)
}

@Test func excerptsAreCutAndEscaped() {
    #expect(Format.excerpt("a\nb\u{1B}[31m") == "a\\nb\\u{1B}[31m")
    #expect(Format.excerpt(String(repeating: "é", count: 120)).count == 101)
    #expect(Format.similarity(0.8) == "0.8" && Format.similarity(1) == "1")
}

@Test func aSharedSystemPromptDoesNotMakeConversationsNearCopies() throws {
    let system = (1...200).map { "instruction\($0)" }.joined(separator: " ")
    let text = [
        chatLine(system, "How do I reset my password", "Use the link on the sign-in page."),
        chatLine(system, "Can I change my delivery address", "Yes, until the parcel ships."),
        chatLine(system, "Do you ship to Norway", "No, only within the EU."),
        chatLine(system, "how do I reset my password", "use the link on the sign-in page!"),
    ].joined(separator: "\n")
    let result = try outcome(NearDuplicatesCheck.self, text)
    // Only line 4 is a near-copy (of line 1); the 200 shared words of instructions alone would
    // put every pair above 0.8 (word 3-grams, which `auto` would pick for such long texts).
    #expect(places(result.findings) == ["train.jsonl:4"])
}

/// The check builds only the findings the report lists: those the auditor's cap keeps from
/// all of them, with the same summaries.
@Test(arguments: [1, 5, 50])
func nearCopiesListWhatTheAuditorsCapKeeps(limit: Int) throws {
    var text = "--- train_b.jsonl\n"
    for i in 0..<20 {
        text += #"{"text": "please send the invoice for order \#(i) to my office address", "#
        text += #""label": "x"}"# + "\n"
    }
    text += "--- train_a.jsonl\n"
    for i in 0..<12 {
        text += #"{"text": "where is my parcel number \#(i) it has not arrived yet today", "#
        text += #""label": "y"}"# + "\n"
    }
    let options = "threshold: 0.7"
    let all = try outcome(NearDuplicatesCheck.self, text, options: options, findingLimit: 0)
    let planned = try outcome(
        NearDuplicatesCheck.self, text, options: options, findingLimit: limit)
    #expect(all.findings.filter { $0.code == "near_duplicate" }.count >= 20)
    #expect(
        Finding.sortedForReport(planned.findings)
            == Finding.sortedForReport(FindingLimit.apply(all.findings, limit: limit)))
    #expect(planned.findings.severityCounts == all.findings.severityCounts)
}
