/// The `taxonomy:` section of the rule files: the failure modes that matter to the team, each
/// with the slice of records that shows it and the examples it needs in training and in the
/// regression (or test) split.
///
/// Rule files merge modes by name, like coverage slices: a later file's mode replaces an
/// earlier mode of the same name as a whole and keeps its position; new names are appended.
public struct TaxonomyRules: Sendable, Hashable {
    /// Declared failure modes, in the order they were first written.
    public var modes: [FailureMode]

    public init(modes: [FailureMode] = []) { self.modes = modes }

    /// Whether the rule files declare at least one failure mode.
    public var isDeclared: Bool { !modes.isEmpty }

    /// Merges `other` over `self`: same name replaces in place, new names are appended.
    public func merging(_ other: TaxonomyRules) -> TaxonomyRules {
        var out = self
        for mode in other.modes {
            if let i = out.modes.firstIndex(where: { $0.name == mode.name }) {
                out.modes[i] = mode
            } else {
                out.modes.append(mode)
            }
        }
        return out
    }

    /// The modes' inline `where:` predicates as hidden slices, in mode order, so that they are
    /// evaluated in the same pass over the records as the declared coverage slices.
    ///
    /// Their names (`taxonomy:<mode>`) contain a colon, which declared slice names cannot, so
    /// they never collide with a declared slice; they carry no requirements and are never
    /// reported as slices.
    public var inlineSlices: [SliceDefinition] {
        modes.compactMap { mode in
            guard case .predicate(let predicate) = mode.selector else { return nil }
            return SliceDefinition(
                name: Self.hiddenSliceName(mode.name), description: mode.description,
                predicate: predicate, mark: mode.mark)
        }
    }

    /// The hidden slice name of a mode's inline predicate.
    public static func hiddenSliceName(_ mode: String) -> String { "taxonomy:\(mode)" }
}

/// One failure mode: what goes wrong, how much it matters, which records show it and how many
/// of them training and the regression split need.
public struct FailureMode: Sendable, Hashable {
    /// The key under `taxonomy.modes`, e.g. `wrong_refund_policy`.
    public var name: String
    /// What goes wrong, for people.
    public var description: String?
    /// How much a gap in this mode matters (default `error`); the check's configured severity
    /// caps it.
    public var severity: Severity
    /// Which records show the mode.
    public var selector: FailureModeSelector
    /// Examples required in training (default 1).
    public var minTrain: Int
    /// Examples required in the regression split, else the test split (default 1).
    public var minHeldout: Int
    /// Where the mode's name was written, for messages.
    public var mark: YAMLMark

    public init(
        name: String, description: String? = nil, severity: Severity = .error,
        selector: FailureModeSelector, minTrain: Int = 1, minHeldout: Int = 1,
        mark: YAMLMark = YAMLMark(file: "(rules)", line: 1, column: 1)
    ) {
        self.name = name
        self.description = description
        self.severity = severity
        self.selector = selector
        self.minTrain = minTrain
        self.minHeldout = minHeldout
        self.mark = mark
    }
}

/// How a failure mode selects its records.
public enum FailureModeSelector: Sendable, Hashable {
    /// A coverage slice declared under `coverage.slices`, by name (`slice:`); `mark` is where
    /// the name was written, for the error when no such slice is declared.
    case slice(String, mark: YAMLMark)
    /// An inline predicate (`where:`), in the grammar of coverage slices.
    case predicate(SlicePredicate)
}
