import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// Exact slice counts on real data (the acceptance criterion), against an
/// independent count written as plain loops over the JSON records.
extension RealDataTests {
    @Test func clinc150SliceCountsMatchAnIndependentCount() throws {
        let folder = try #require(RepositoryPaths.sharedData("clinc150"))
        var inputs: [(name: String, split: SplitRole, jsonl: String)] = []
        var records: [SplitRole: [[String: Any]]] = [:]
        for (file, split) in [("train.jsonl", SplitRole.train), ("test.jsonl", .test)] {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            inputs.append((file, split, text))
            records[split] = text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        let dataset = FixtureDataset.make(inputs)
        let rules = try RuleSet.parse(
            """
            version: 1
            coverage:
              slices:
                money:
                  where: {regex: "\\\\b(transfer|balance|pay)\\\\b", case_insensitive: true}
                card_phrase:
                  where: {keywords: [credit card, credit score]}
                long: {where: {length: {min: 12, unit: words}}}
                travel_domain: {where: {field: {name: domain, equals: travel}}}
                labels: {where: {label: {in: [translate, oos, balance]}}}
                long_money_not_oos:
                  where:
                    all:
                      - {length: {min: 8}}
                      - {regex: "money|bank", case_insensitive: true}
                      - not: {label: oos}
            """, name: "real.yaml")
        let outcome = CoverageCheck(options: .init()).run(
            CheckInput(
                dataset: dataset, index: DatasetIndex(dataset: dataset), coverage: rules.coverage))

        // Independent count: Foundation regexes, words split on whitespace, phrases on
        // lowercased runs of letters and digits.
        let money = try NSRegularExpression(
            pattern: "\\b(transfer|balance|pay)\\b", options: [.caseInsensitive])
        let moneyOrBank = try NSRegularExpression(
            pattern: "money|bank", options: [.caseInsensitive])
        func has(_ re: NSRegularExpression, _ s: String) -> Bool {
            re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
        }
        func words(_ s: String) -> Int { s.split(whereSeparator: \.isWhitespace).count }
        func phrase(_ s: String, _ p: [String]) -> Bool {
            let tokens = s.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
            guard tokens.count >= p.count else { return false }
            for i in 0...(tokens.count - p.count) where Array(tokens[i..<(i + p.count)]) == p {
                return true
            }
            return false
        }
        for split in [SplitRole.train, .test] {
            let rs = records[split]!
            let texts = rs.map { $0["text"] as! String }
            let labels = rs.map { $0["label"] as! String }
            var expected: [String: Int] = [:]
            expected["money"] = texts.filter { has(money, $0) }.count
            expected["card_phrase"] =
                texts.filter { phrase($0, ["credit", "card"]) || phrase($0, ["credit", "score"]) }
                .count
            expected["long"] = texts.filter { words($0) >= 12 }.count
            expected["travel_domain"] = rs.filter { ($0["domain"] as? String) == "travel" }.count
            expected["labels"] =
                labels.filter { ["translate", "oos", "balance"].contains($0) }
                .count
            expected["long_money_not_oos"] =
                zip(texts, labels).filter { t, l in
                    words(t) >= 8 && has(moneyOrBank, t) && l != "oos"
                }.count
            for (slice, n) in expected {
                #expect(n > 0, "\(slice) in \(split): the reference finds nothing")
                #expect(
                    outcome.metrics["slice.\(slice).\(split)"] == Double(n), "\(slice) in \(split)")
            }
        }
    }
}
