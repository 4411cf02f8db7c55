import PreflightCore

/// The built-in checks.
public enum BuiltInChecks {
    /// Every built-in check, in execution order.
    public static let all: [any Check.Type] = []
}
