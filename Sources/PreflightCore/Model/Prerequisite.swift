/// The readiness prerequisites of `MISSION.md` that the verdict stands for. Every check
/// declares which of them its findings bear on (`CheckDescriptor.prerequisites`); the
/// report's readiness section walks through them in this order.
public enum Prerequisite: String, CaseIterable, Sendable, Codable, Comparable {
    case enoughExamples = "enough_examples"
    case representative = "representative"
    case failureTaxonomy = "failure_taxonomy"
    case heldOutSets = "held_out_sets"
    case clearBoundaries = "clear_task_boundaries"
    case consistentTargets = "consistent_targets"

    /// The prerequisite as the report states it.
    public var title: String {
        switch self {
        case .enoughExamples: "Enough high-quality labeled examples"
        case .representative: "A representative set across common and edge cases"
        case .failureTaxonomy: "An explicit failure taxonomy"
        case .heldOutSets: "Held-out validation and regression sets"
        case .clearBoundaries: "Clear task boundaries"
        case .consistentTargets: "Consistent targets"
        }
    }

    public static func < (lhs: Prerequisite, rhs: Prerequisite) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
