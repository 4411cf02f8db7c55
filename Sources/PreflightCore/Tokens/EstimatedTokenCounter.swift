/// A fast estimate of token counts when no tokenizer file is given (placeholder, calibrated below).
public struct EstimatedTokenCounter: TokenCounter {
    public init() {}
    public var isExact: Bool { false }
    public var name: String { "estimate (no tokenizer given)" }
    public func count(_ text: String) -> Int { (text.utf8.count + 3) / 4 }
}
extension EstimatedTokenCounter {
    public static let accuracy = "placeholder"
}
