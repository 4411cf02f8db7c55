import Testing

@testable import PreflightCore

struct SuggestionTests {
    @Test(arguments: [
        ("treshold", "threshold"),  // deletion
        ("thresholds", "threshold"),  // insertion
        ("threshhold", "threshold"),
        ("thersold", "threshold"),  // transposition plus deletion
        ("Threshold", "threshold"),  // case-insensitive
        ("near_dupliactes", "near_duplicates"),  // adjacent transposition counts once
    ])
    func suggestsTheCloseCandidate(word: String, expected: String) {
        #expect(
            Suggestion.closest(to: word, in: ["threshold", "near_duplicates", "shingle"])
                == expected)
    }

    @Test func noSuggestionWhenNothingIsClose() {
        #expect(Suggestion.closest(to: "banana", in: ["threshold", "shingle"]) == nil)
        #expect(Suggestion.closest(to: "x", in: []) == nil)
    }

    @Test func shortWordsAreNotMatchedToUnrelatedWords() {
        // Two edits would replace every letter of a two-letter word: not a typo.
        #expect(Suggestion.closest(to: "ab", in: ["cd"]) == nil)
        #expect(Suggestion.closest(to: "c", in: ["a", "b"]) == nil)
        #expect(Suggestion.closest(to: "pi", in: ["pii"]) == "pii")
    }

    @Test func longWordsAllowAThirdOfTheirLength() {
        // 15 letters: up to 5 edits.
        #expect(
            Suggestion.closest(to: "conflictinglabl", in: ["conflicting_labels"])
                == "conflicting_labels")
    }

    @Test func closestWinsAndTiesKeepCandidateOrder() {
        #expect(Suggestion.closest(to: "abcd", in: ["abxy", "abcx"]) == "abcx")
        #expect(Suggestion.closest(to: "abcd", in: ["abcx", "abcy"]) == "abcx")
    }

    @Test(arguments: [
        ("", "", 0), ("", "abc", 3), ("abc", "", 3), ("kitten", "sitting", 3), ("ab", "ba", 1),
        ("ca", "abc", 3), ("flaw", "lawn", 2), ("é", "e", 1),
    ])
    func distance(a: String, b: String, expected: Int) {
        #expect(Suggestion.distance(a, b) == expected)
        #expect(Suggestion.distance(b, a) == expected)
    }
}
