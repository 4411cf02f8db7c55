import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct ExplanationRendererTests {
    /// An explanation with lines, tables, wide and non-ASCII text, and control characters.
    static let canonical = CheckExplanation(
        title: "near_duplicates: how 'threshold' 0.8 falls on this data",
        sections: [
            .init(
                title: "Shingles",
                lines: ["scheme: words:1 (shingle: auto)", "why: the median text has 9 words"]),
            .init(
                title: "LSH detection probability P = 1 − (1 − J^5)^20",
                table: .init(
                    header: ["Jaccard", "P(candidate)"],
                    rows: [["0.5", "0.4752"], ["0.8", "0.9996"], ["1", "1.0000"]])),
            .init(
                title: "Verified similarities",
                lines: ["below 0.5: 12 pairs"],
                table: .init(
                    header: ["Jaccard", "pairs", "", ""],
                    rows: [
                        ["0.85–<0.9", "3", "██████████", ""],
                        ["0.8–<0.85", "6", "████████████████████", "◀ threshold 0.8"],
                        ["0.75–<0.8", "0", "", ""],
                    ])),
            .init(
                title: "Just above the threshold",
                lines: [
                    "0.818  train.jsonl:1 ↔ train.jsonl:7",
                    "    train.jsonl:1: café 東京 order\u{1B}[31m red",
                    "    train.jsonl:7: cafe 東京 order \"quoted\" & <tag>\nnext",
                ]),
            .init(title: "Empty section"),
        ])

    @Test func golden() {
        assertGolden(
            ExplanationRenderer().render(Self.canonical), path: Goldens.url("explanation.txt"))
    }

    @Test func escapesControlCharactersAndPadsWideText() {
        let text = ExplanationRenderer().renderText(Self.canonical)
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("order\\u{1B}[31m red"))
        #expect(text.hasSuffix("\n"))
        #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") })
    }

    @Test func rendersTheSameBytesTwice() {
        let renderer = ExplanationRenderer()
        #expect(renderer.render(Self.canonical) == renderer.render(Self.canonical))
    }
}
