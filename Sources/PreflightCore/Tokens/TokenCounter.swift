/// Counts the tokens of a text, exactly (a tokenizer file given with `--tokenizer`) or as an
/// estimate. The checks that measure tokens (`token_budget`) read it from `CheckInput`; with
/// none given they use an estimate and say so in the report.
public protocol TokenCounter: Sendable {
    /// The number of tokens of `text` (no special tokens added).
    func count(_ text: String) -> Int
    /// True when the counts are a real tokenizer's; false for an estimate.
    var isExact: Bool { get }
    /// What counts, for reports: e.g. "cl100k_base.tiktoken (tiktoken BPE, 100,256 ranks)" or
    /// "estimate (no tokenizer given)".
    var name: String { get }
}
