import Foundation
import PreflightCore

// MARK: - Formatting for messages

enum Format {
    /// A share as a percentage with one decimal, e.g. `2.5%`.
    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

    /// A number without a trailing `.0` when integral, else with up to two decimals.
    static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.2f", value)
    }

    /// `1 record` / `3 records`.
    static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(n == 1 ? noun : noun.hasSuffix("s") ? noun + "es" : noun + "s")"
    }

    /// The most characters of a user's value a message shows.
    static let maxQuoted = 60

    /// A user's value quoted for messages, cut to `maxQuoted` characters with `…`, so that a
    /// hostile value (a 10,000-digit label) cannot flood every report.
    static func quoted(_ text: String) -> String {
        var end = text.startIndex
        var n = 0
        while end < text.endIndex, n < maxQuoted {
            text.formIndex(after: &end)
            n += 1
        }
        return end == text.endIndex ? "'\(text)'" : "'\(text[..<end])…'"
    }

    /// A label quoted for messages (cut like `quoted`).
    static func label(_ label: LabelValue) -> String { quoted(label.text) }
}

// MARK: - Option validation

enum OptionRules {
    /// `warning_*` must be below `error_*` (the highest crossed sets the severity).
    static func ordered<T: Comparable>(
        warning: T, error: T, warningKey: String, errorKey: String
    ) throws(OptionsError) {
        guard warning < error else {
            throw OptionsError(
                key: warningKey,
                "'\(warningKey)' (\(warning)) must be below '\(errorKey)' (\(error))")
        }
    }

    /// `warning_share` must be below `error_share`: the pair shared by the duplicate and
    /// leakage checks.
    static func orderedShares(warning: Double, error: Double) throws(OptionsError) {
        try ordered(
            warning: warning, error: error, warningKey: "warning_share", errorKey: "error_share")
    }

    /// A share between 0 and 1.
    static let share: @Sendable (Double) -> String? = { v in
        (0...1).contains(v) ? nil : "expected a share between 0 and 1, found \(v)"
    }

    /// A non-negative count.
    static let nonNegative: @Sendable (Int) -> String? = { v in
        v >= 0 ? nil : "expected a count of 0 or more, found \(v)"
    }

    /// A ratio of at least 1.
    static let ratio: @Sendable (Double) -> String? = { v in
        v >= 1 ? nil : "expected a ratio of 1 or more, found \(v)"
    }

    /// A non-empty normalization list.
    static let steps: @Sendable ([Normalization]) -> String? = { v in
        Set(v).count == v.count ? nil : "list each normalization step once"
    }
}

// MARK: - Shared option keys

extension OptionField {
    /// The `normalize` option of checks that compare texts: written once so every check
    /// documents and validates it the same way.
    static func normalize(_ path: WritableKeyPath<Root, [Normalization]> & Sendable) -> OptionField
    {
        OptionField(
            "normalize", path,
            doc: "normalization before comparing (nfkc, case, whitespace, punctuation)",
            check: OptionRules.steps)
    }

    /// The `key` option of checks that compare records: which text of a record is compared.
    static func key(_ path: WritableKeyPath<Root, KeyField> & Sendable) -> OptionField {
        OptionField(
            "key", path,
            doc:
                "what is compared: auto (input for classification/text, example for generative shapes), input, example"
        )
    }
}

/// A severity that can also be switched off, for optional findings.
public enum FindingLevel: String, OptionEnum {
    case off, info, warning, error

    /// The severity, or nil when off.
    var severity: Severity? {
        switch self {
        case .off: nil
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
    }
}

// MARK: - Dataset helpers

extension Dataset {
    /// Held-out splits present, in report order.
    var heldOutSplits: [SplitRole] { splits.filter(\.isHeldOut) }

    /// Whether any file is of the train split.
    var hasTrain: Bool { files.contains { $0.split == .train } }

    /// The location of a flat position.
    func location(at position: Int32, _ layout: DatasetLayout) -> DataLocation {
        location(of: layout.ref(Int(position)))
    }
}

// MARK: - Finding limit

/// One finding a check could build: its code, severity and record position.
struct FindingCandidate {
    var code: String
    var severity: Severity
    var position: Int
}

extension FindingLimit {
    /// Which candidates a check builds findings for when reports list at most `limit` of each
    /// code: the first `limit` of each code in report order (by file path, then position,
    /// which is line order within a file), as the auditor would keep them, and a summary
    /// finding for the rest of each code, severity and file. A check with a finding per
    /// record then never builds millions of findings nobody lists.
    /// - Returns: the indices of `candidates` to build, ascending, and the summaries.
    /// - Complexity: O(n) when no code is over the limit, else O(n log n).
    static func plan(
        _ candidates: [FindingCandidate], limit: Int, checkID: CheckID, dataset: Dataset,
        layout: DatasetLayout
    ) -> (listed: [Int], summaries: [Finding]) {
        var perCode: [String: Int] = [:]
        for c in candidates { perCode[c.code, default: 0] += 1 }
        guard limit > 0, perCode.values.contains(where: { $0 > limit }) else {
            return (Array(candidates.indices), [])
        }
        let paths = dataset.files.map(\.path)
        let rank = Dictionary(
            Set(paths).sorted().enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let fileRank = paths.map { rank[$0]! }
        let order = candidates.indices.sorted { a, b in
            let (x, y) = (candidates[a], candidates[b])
            if x.code != y.code { return x.code < y.code }
            let (fx, fy) = (
                fileRank[layout.file(of: x.position)], fileRank[layout.file(of: y.position)]
            )
            return fx != fy ? fx < fy : x.position < y.position
        }
        var listed: [Int] = []
        var omitted: [String: [Severity: [Int: Int]]] = [:]  // code → severity → file → count
        var taken: [String: Int] = [:]
        for i in order {
            let c = candidates[i]
            if taken[c.code, default: 0] < limit {
                taken[c.code, default: 0] += 1
                listed.append(i)
            } else {
                omitted[c.code, default: [:]][c.severity, default: [:]][
                    layout.file(of: c.position), default: 0] += 1
            }
        }
        var summaries: [Finding] = []
        for (code, bySeverity) in omitted.sorted(by: { $0.key < $1.key }) {
            for (severity, byFile) in bySeverity.sorted(by: { $0.key > $1.key }) {
                for (file, count) in byFile.sorted(by: { $0.key < $1.key }) {
                    summaries.append(
                        summary(
                            checkID: checkID, code: code, severity: severity,
                            file: dataset.files[file].fileLocation, count: count, limit: limit))
                }
            }
        }
        return (listed.sorted(), summaries)
    }
}
