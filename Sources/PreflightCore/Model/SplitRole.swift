/// The role a file plays in an audit: training data or one of the held-out sets.
public struct SplitRole: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let train = SplitRole("train")
    public static let validation = SplitRole("validation")
    public static let test = SplitRole("test")
    public static let regression = SplitRole("regression")

    /// The built-in roles, in report order.
    public static let standard: [SplitRole] = [.train, .validation, .test, .regression]

    /// Every role other than `train` is held out from training.
    public var isHeldOut: Bool { self != .train }

    public var description: String { rawValue }

    /// Standard roles in their fixed order, then custom roles alphabetically.
    public static func < (lhs: SplitRole, rhs: SplitRole) -> Bool {
        let l = standard.firstIndex(of: lhs) ?? standard.count
        let r = standard.firstIndex(of: rhs) ?? standard.count
        return l != r ? l < r : lhs.rawValue < rhs.rawValue
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
