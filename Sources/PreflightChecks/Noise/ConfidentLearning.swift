import PreflightCore

/// How records flagged by confident learning are ordered, most likely wrong first.
public enum LabelIssueRanking: String, OptionEnum {
    /// Lowest out-of-sample probability of the given label first.
    case selfConfidence = "self_confidence"
    /// Lowest normalized margin first: p̂(given) − max over the other classes of p̂.
    case normalizedMargin = "normalized_margin"
}

/// How confident learning picks the records to flag from the calibrated joint (Northcutt et
/// al. 2021, §2.2).
public enum LabelIssuePruning: String, OptionEnum {
    /// Prune by class (PBC): per given label i, the n·Σ_{j≠i} Q[i][j] records with the lowest
    /// p̂(ỹ = i; x). One count per class: its rounding and sampling error is spread over the
    /// class, not over K − 1 small cells.
    case byClass = "class"
    /// Prune by noise rate (PBNR): per pair of given label i and class j ≠ i, the n·Q[i][j]
    /// records labelled i of largest margin p̂_j − p̂_i.
    case byNoiseRate = "noise_rate"
}

/// One record whose given label confident learning estimates to be wrong.
struct LabelIssue: Sendable, Equatable {
    /// Row in the probability matrix (not a layout position).
    var row: Int
    /// Given label id.
    var given: Int
    /// The class the record was pruned towards: the estimated true label.
    var suggested: Int
    /// p̂(ỹ = given; x).
    var givenProbability: Double
    /// p̂(ỹ = suggested; x).
    var suggestedProbability: Double
    /// The pruning margin p̂(ỹ = suggested; x) − p̂(ỹ = given; x).
    var margin: Double
}

/// Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating
/// Uncertainty in Dataset Labels", JAIR 70, 2021) on out-of-sample predicted probabilities.
///
/// Implemented from the paper, section by section:
/// - **Thresholds** (§2.1, Eq. 2): `t_j` is the mean self-confidence p̂(ỹ=j; x) over the
///   records labelled j.
/// - **Confident joint** (§2.1, Eq. 1): a record labelled i is counted in `C[i][j]` for the
///   class j of highest p̂ among the classes whose p̂ reaches their threshold; a record with
///   no class at its threshold is not counted. Ties go to the lower class id.
/// - **Calibration** (§2.1, Eq. 3): each row of `C` is rescaled to the number of records
///   given that label, then the matrix is normalised to sum to 1: the joint `Q[ỹ][y*]`.
/// - **Noise matrix and prior** (§2.1): p(ỹ=i | y*=j) = Q[i][j] / Σ_i Q[i][j]; the noise
///   rate of true class j is 1 − p(ỹ=j | y*=j).
/// - **Pruning** (§2.2), the counts n·Q[i][j] rounded so that each row sums to the records
///   given label i (`wholeCounts`):
///   - *prune by class* ("PBC", `LabelIssuePruning.byClass`): for every given class i, the
///     n·Σ_{j≠i} Q[i][j] records labelled i with the lowest p̂_i are flagged, suggested the
///     class of highest p̂;
///   - *prune by noise rate* ("PBNR", `.byNoiseRate`): for every given class i and every
///     j ≠ i, the n·Q[i][j] records labelled i with the largest margin p̂_j − p̂_i are
///     flagged, with j as the suggested label; a record chosen for several j keeps the j of
///     highest p̂.
///
///   Either way, a record whose most probable class is its given label is not flagged: the
///   model agrees with the label, only less confidently than with most of its class (the
///   paper's pruning can pick such records when a class's quota exceeds its clear cases;
///   cleanlab's `find_label_issues` drops them the same way).
/// - **Ranking** (§2.2): flagged records by self-confidence or normalized margin, ascending.
///
/// Deterministic: every tie is broken by class id, then row.
struct ConfidentLearning: Sendable {
    /// Number of classes K.
    let classes: Int
    /// Number of scored records n.
    let rows: Int
    /// Per-class thresholds `t_j`; infinite for a class given to fewer than `minClassRecords`.
    let thresholds: [Double]
    /// Records per given label.
    let givenCounts: [Int]
    /// The confident joint `C[given][true]` (counts).
    let confidentJoint: [[Int]]
    /// The calibrated joint `Q[given][true]`, summing to 1.
    let joint: [[Double]]
    /// The noise matrix p(ỹ = given | y* = true), `[given][true]`: each column sums to 1.
    let noiseMatrix: [[Double]]
    /// Estimated latent prior p(y* = j).
    let prior: [Double]
    /// Per true class j: 1 − p(ỹ=j | y*=j), the share of class j's records labelled otherwise.
    let noiseRates: [Double]
    /// 1 − trace(Q): the estimated share of records whose given label is wrong.
    let estimatedNoiseRate: Double
    /// Flagged records in row order.
    let issues: [LabelIssue]

    /// Runs confident learning.
    /// - Parameters:
    ///   - labels: the given label id of each row, in `0..<classes`.
    ///   - probabilities: `labels.count × classes` out-of-sample probabilities, row-major.
    ///   - classes: K.
    ///   - minClassRecords: a class given to fewer records gets no threshold (infinite), so
    ///     no record is counted as truly of that class. Not in the paper, which assumes every
    ///     class is well represented: the mean self-confidence of one or two records scored
    ///     by models that barely saw their class is near 0, and such a threshold would make
    ///     every uncertain record of the dataset "confidently" belong to the rare class.
    ///     Records given the rare label are still counted (and flagged) where they are
    ///     confidently of another class. 1 reproduces the paper exactly.
    ///   - pruning: how the flagged records are picked from the joint.
    /// - Complexity: O(n·K + K² + n log n).
    init(
        labels: [Int32], probabilities: [Float], classes k: Int, minClassRecords: Int = 1,
        pruning: LabelIssuePruning = .byNoiseRate
    ) {
        precondition(probabilities.count == labels.count * k, "probabilities are rows × classes")
        let n = labels.count
        classes = k
        rows = n
        func p(_ row: Int, _ c: Int) -> Double { Double(probabilities[row * k + c]) }

        // Eq. 2: per-class thresholds, the mean self-confidence of each given class.
        var counts = [Int](repeating: 0, count: k)
        var sums = [Double](repeating: 0, count: k)
        for r in 0..<n {
            let i = Int(labels[r])
            counts[i] += 1
            sums[i] += p(r, i)
        }
        let t = (0..<k).map {
            counts[$0] < max(1, minClassRecords) ? Double.infinity : sums[$0] / Double(counts[$0])
        }
        thresholds = t
        givenCounts = counts

        // Eq. 1: the confident joint.
        var c = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        var confidentClass = [Int](repeating: -1, count: n)
        for r in 0..<n {
            var best = -1
            var bestP = -Double.infinity
            for j in 0..<k where p(r, j) >= t[j] && p(r, j) > bestP {
                best = j
                bestP = p(r, j)
            }
            guard best >= 0 else { continue }
            confidentClass[r] = best
            c[Int(labels[r])][best] += 1
        }
        confidentJoint = c

        // Eq. 3: calibrate rows to the given-label counts, then normalise to a joint. A
        // labelled class with no confidently counted record has nothing to rescale; it is
        // taken as noise-free (its mass on the diagonal) rather than dropped from the joint.
        var q = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for i in 0..<k where counts[i] > 0 {
            let rowSum = c[i].reduce(0, +)
            if rowSum == 0 {
                q[i][i] = Double(counts[i])
            } else {
                for j in 0..<k { q[i][j] = Double(c[i][j]) / Double(rowSum) * Double(counts[i]) }
            }
        }
        let total = q.reduce(0) { $0 + $1.reduce(0, +) }
        if total > 0 {
            for i in 0..<k { for j in 0..<k { q[i][j] /= total } }
        }
        joint = q

        // The prior p(y*) is the column sum of Q; the noise matrix normalises each column.
        var prior = [Double](repeating: 0, count: k)
        for j in 0..<k { for i in 0..<k { prior[j] += q[i][j] } }
        var noise = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for j in 0..<k {
            if prior[j] > 0 {
                for i in 0..<k { noise[i][j] = q[i][j] / prior[j] }
            } else {
                noise[j][j] = 1  // no record is estimated to be truly j: no evidence of flips
            }
        }
        self.prior = prior
        noiseMatrix = noise
        noiseRates = (0..<k).map { 1 - noise[$0][$0] }
        estimatedNoiseRate = total > 0 ? max(0, 1 - (0..<k).reduce(0) { $0 + q[$1][$1] }) : 0

        // §2.2 pruning.
        var byClass = [[Int]](repeating: [], count: k)
        for r in 0..<n { byClass[Int(labels[r])].append(r) }
        var suggested = [Int](repeating: -1, count: n)
        for i in 0..<k where !byClass[i].isEmpty {
            let quotas = Self.wholeCounts(q[i].map { $0 * Double(n) }, total: byClass[i].count)
            if pruning == .byClass {
                let quota = byClass[i].count - quotas[i]
                guard quota > 0 else { continue }
                let chosen = byClass[i].sorted { a, b in
                    p(a, i) != p(b, i) ? p(a, i) < p(b, i) : a < b
                }.prefix(quota)
                for r in chosen {
                    var top = i == 0 ? 1 : 0
                    for c in 0..<k where c != i && p(r, c) > p(r, top) { top = c }
                    suggested[r] = top
                }
                continue
            }
            for j in 0..<k where j != i {
                let quota = quotas[j]
                guard quota > 0 else { continue }
                let chosen = byClass[i].sorted { a, b in
                    let ma = p(a, j) - p(a, i)
                    let mb = p(b, j) - p(b, i)
                    return ma != mb ? ma > mb : a < b
                }.prefix(quota)
                for r in chosen where suggested[r] < 0 || p(r, j) > p(r, suggested[r]) {
                    suggested[r] = j
                }
            }
        }
        issues = (0..<n).compactMap { r -> LabelIssue? in
            let j = suggested[r]
            guard j >= 0 else { return nil }
            let i = Int(labels[r])
            var top = 0
            for c in 1..<k where p(r, c) > p(r, top) { top = c }
            guard top != i else { return nil }
            return LabelIssue(
                row: r, given: i, suggested: j, givenProbability: p(r, i),
                suggestedProbability: p(r, j), margin: p(r, j) - p(r, i))
        }
    }

    /// Whole numbers summing to `total` closest to `shares` (which sum to about `total`): the
    /// floors, plus one for the largest remainders (ties by index) until the sum is reached —
    /// the largest-remainder method. Pruning quotas so rounded keep each given label's row of
    /// the calibrated joint summing to its record count, rather than rounding every cell up
    /// from one half.
    static func wholeCounts(_ shares: [Double], total: Int) -> [Int] {
        var counts = shares.map { max(0, Int($0.rounded(.down))) }
        var missing = total - counts.reduce(0, +)
        guard missing > 0 else { return counts }
        let order = shares.indices.sorted { a, b in
            let ra = shares[a] - shares[a].rounded(.down)
            let rb = shares[b] - shares[b].rounded(.down)
            return ra != rb ? ra > rb : a < b
        }
        for c in order where missing > 0 {
            counts[c] += 1
            missing -= 1
        }
        return counts
    }

    /// The normalized margin of a row: p̂(given) − the highest p̂ of another class.
    static func normalizedMargin(_ row: ArraySlice<Float>, given: Int) -> Double {
        var other = -Double.infinity
        for (c, v) in zip(row.indices, row) where c - row.startIndex != given {
            other = max(other, Double(v))
        }
        return Double(row[row.startIndex + given]) - (other == -.infinity ? 0 : other)
    }

    /// The flagged records, most likely wrong first: ascending score, ties by row.
    /// - Parameter probabilities: the same row-major matrix the estimate was made from.
    func ranked(by ranking: LabelIssueRanking, probabilities: [Float]) -> [LabelIssue] {
        let k = classes
        func score(_ issue: LabelIssue) -> Double {
            switch ranking {
            case .selfConfidence: issue.givenProbability
            case .normalizedMargin:
                Self.normalizedMargin(
                    probabilities[(issue.row * k)..<((issue.row + 1) * k)], given: issue.given)
            }
        }
        return issues.map { ($0, score($0)) }.sorted { a, b in
            a.1 != b.1 ? a.1 < b.1 : a.0.row < b.0.row
        }.map(\.0)
    }
}

// MARK: - Shared estimate and its preconditions

/// When an estimate from out-of-sample probabilities means something, shared by the checks
/// that read it: too few records, too few classes or a model no better than chance make the
/// flags noise themselves.
struct NoiseEstimateGate: Sendable, Hashable {
    var minRecords: Int
    var minAccuracy: Double

    /// Why an estimate on `scored` records of `classes` classes would mean little, or nil.
    func reasonBeforeScoring(records: Int, classes: Int) -> String? {
        if classes < 2 {
            return
                "fewer than 2 classes among labelled training records: no label noise to estimate"
        }
        if records < minRecords {
            return "\(Format.count(records, "labelled training record")), below 'min_records' "
                + "\(minRecords): too few to estimate label noise meaningfully"
        }
        return nil
    }

    /// Why the estimate from a model of this accuracy would mean little, or nil.
    func reasonAfterScoring(_ oos: OutOfSampleProbabilities) -> String? {
        guard oos.accuracy >= minAccuracy else {
            return "out-of-sample accuracy \(Format.percent(oos.accuracy)) is below 'min_accuracy' "
                + "\(Format.percent(minAccuracy)) (\(oos.source)): the model cannot tell the "
                + "classes apart well enough for its disagreements to point at label errors"
        }
        return nil
    }
}

/// The scored training data and its confident-learning estimate.
struct NoiseEstimate: Sendable {
    var oos: OutOfSampleProbabilities
    var learning: ConfidentLearning
}

extension ChecksIndex {
    /// Classes given to fewer training records get no confident-learning threshold (see
    /// `ConfidentLearning.init`): five records is the least for which a mean self-confidence
    /// is more than an accident of the folds.
    static let minClassRecords = 5

    /// Labelled training records and distinct labels among them, before any model runs.
    static func labelledTraining(in index: DatasetIndex) -> (records: Int, classes: Int) {
        let dataset = index.dataset
        let layout = index.value(layout)
        let column = index.value(labels)
        var seen = Set<Int32>()
        var records = 0
        for range in layout.ranges(of: .train, in: dataset) {
            for p in range where column.ids[p] >= 0 {
                records += 1
                seen.insert(column.ids[p])
            }
        }
        return (records, seen.count)
    }

    /// The confident-learning estimate on the out-of-sample probabilities of `spec`,
    /// computed once per audit and shared by label_issues and class_confusion. When the
    /// dataset carries the user's predictions, the estimate uses them and `spec` is unused:
    /// no model is trained.
    /// - Throws: `PredictionsError` when the user's predictions do not fit the training data.
    /// - Complexity: the classifier's (or O(n·K + r) to align predictions), then
    ///   O(n·K + K² + n log n).
    static func noiseEstimate(
        _ spec: ClassifierSpec, pruning: LabelIssuePruning = .byClass, in index: DatasetIndex
    ) throws(PredictionsError) -> NoiseEstimate {
        let external = try externalProbabilities(in: index)
        let oos = external ?? outOfSampleProbabilities(spec, in: index)
        let source = external == nil ? spec.name : "external"
        return index.value(
            IndexKey("checks.cl.\(source)/\(pruning.rawValue)") { _ in
                NoiseEstimate(
                    oos: oos,
                    learning: ConfidentLearning(
                        labels: oos.labels, probabilities: oos.probabilities,
                        classes: oos.classes.count, minClassRecords: minClassRecords,
                        pruning: pruning))
            })
    }
}
