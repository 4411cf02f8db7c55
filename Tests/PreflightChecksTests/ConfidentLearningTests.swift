import Testing

@testable import PreflightChecks

/// Confident learning on hand-made probability matrices, every number computed by hand.
struct ConfidentLearningTests {
    /// 3 classes, 7 records; labels and rows as written.
    ///
    /// Thresholds (Eq. 2): t0 = (0.9 + 0.8 + 0.15) / 3 = 0.6166…, t1 = (0.7 + 0.6) / 2 = 0.65,
    /// t2 = (0.9 + 0.1) / 2 = 0.5.
    /// Confident joint (Eq. 1):
    /// - r0 (0): only p0 0.9 ≥ t0 → C[0][0]
    /// - r1 (0): p0 0.8 ≥ t0 → C[0][0]
    /// - r2 (0): p1 0.8 ≥ t1 → C[0][1] (p0 0.15 below t0)
    /// - r3 (1): p1 0.7 ≥ t1 → C[1][1]
    /// - r4 (1): p1 0.6 < t1, p0 0.3 < t0, p2 0.1 < t2 → not counted
    /// - r5 (2): p2 0.9 → C[2][2]
    /// - r6 (2): p0 0.65 ≥ t0 and p1 0.25 < t1, p2 0.1 < t2 → C[2][0]
    static let labels: [Int32] = [0, 0, 0, 1, 1, 2, 2]
    static let probabilities: [Float] = [
        0.9, 0.05, 0.05,
        0.8, 0.1, 0.1,
        0.15, 0.8, 0.05,
        0.2, 0.7, 0.1,
        0.3, 0.6, 0.1,
        0.05, 0.05, 0.9,
        0.65, 0.25, 0.1,
    ]

    @Test func thresholdsAreMeanSelfConfidence() {
        let cl = ConfidentLearning(
            labels: Self.labels, probabilities: Self.probabilities, classes: 3)
        #expect(abs(cl.thresholds[0] - 1.85 / 3) < 1e-6)
        #expect(abs(cl.thresholds[1] - 0.65) < 1e-6)
        #expect(abs(cl.thresholds[2] - 0.5) < 1e-6)
        #expect(cl.givenCounts == [3, 2, 2])
    }

    @Test func confidentJointCountsTheHighestClassAtItsThreshold() {
        let cl = ConfidentLearning(
            labels: Self.labels, probabilities: Self.probabilities, classes: 3)
        #expect(cl.confidentJoint == [[2, 1, 0], [0, 1, 0], [1, 0, 1]])
    }

    /// Rows rescaled to the label counts: row 0 (2, 1) → (2, 1) of 3; row 1 (0, 1) → (0, 2);
    /// row 2 (1, 0, 1) → (1, 0, 1). Sum 7, so Q = those / 7.
    @Test func calibrationMatchesLabelCountsAndNormalises() {
        let cl = ConfidentLearning(
            labels: Self.labels, probabilities: Self.probabilities, classes: 3)
        let expected: [[Double]] = [[2, 1, 0], [0, 2, 0], [1, 0, 1]].map { $0.map { $0 / 7 } }
        for i in 0..<3 {
            for j in 0..<3 { #expect(abs(cl.joint[i][j] - expected[i][j]) < 1e-9, "Q[\(i)][\(j)]") }
        }
        // Row sums are the given-label shares.
        #expect(abs(cl.joint[0].reduce(0, +) - 3.0 / 7) < 1e-9)
        // Prior p(y*) = column sums: (3, 3, 1) / 7; noise matrix columns sum to 1.
        #expect(abs(cl.prior[0] - 3.0 / 7) < 1e-9)
        #expect(abs(cl.prior[1] - 3.0 / 7) < 1e-9)
        #expect(abs(cl.noiseMatrix[0][0] - 2.0 / 3) < 1e-9)
        #expect(abs(cl.noiseMatrix[2][0] - 1.0 / 3) < 1e-9)
        #expect(abs(cl.noiseMatrix[1][1] - 2.0 / 3) < 1e-9)
        #expect(abs(cl.noiseMatrix[2][2] - 1) < 1e-9)
        #expect(abs(cl.noiseRates[0] - 1.0 / 3) < 1e-9)
        #expect(abs(cl.noiseRates[2]) < 1e-9)
        // 1 − trace = 1 − 5/7.
        #expect(abs(cl.estimatedNoiseRate - 2.0 / 7) < 1e-9)
    }

    /// Prune by noise rate: n·Q[0][1] = 1 → the record labelled 0 with the largest p1 − p0
    /// (r2: 0.65); n·Q[2][0] = 1 → the record labelled 2 with the largest p0 − p2 (r6: 0.55).
    @Test func pruneByNoiseRateTakesTheLargestMargins() {
        let cl = ConfidentLearning(
            labels: Self.labels, probabilities: Self.probabilities, classes: 3)
        #expect(cl.issues.map(\.row) == [2, 6])
        #expect(cl.issues.map(\.suggested) == [1, 0])
        #expect(abs(cl.issues[0].margin - 0.65) < 1e-6)
        #expect(abs(cl.issues[1].givenProbability - 0.1) < 1e-6)
    }

    /// Prune by class: n·Σ_{j≠0} Q[0][j] = 1 → the record labelled 0 with the lowest p0 (r2,
    /// 0.15), suggested its most probable class 1; class 1 has no off-diagonal mass; class 2
    /// gives 1 → r6 (p2 0.1), suggested 0.
    @Test func pruneByClassTakesTheLowestSelfConfidence() {
        let cl = ConfidentLearning(
            labels: Self.labels, probabilities: Self.probabilities, classes: 3,
            pruning: .byClass)
        #expect(cl.issues.map(\.row) == [2, 6])
        #expect(cl.issues.map(\.suggested) == [1, 0])
    }

    /// Where the two prunings differ. t0 = (0.9 + 0.9 + 0.3 + 0.2) / 4 = 0.575, t1 = 0.65,
    /// t2 = 0.8; C = [[2, 1, 0], [0, 1, 0], [0, 0, 2]] (r2 counts as 1 at p1 0.7 ≥ t1; r3 and r4
    /// reach no threshold). Row 0 calibrated to its 4 records: (8/3, 4/3, 0) → whole counts
    /// (3, 1, 0). PBNR takes the 1 record of largest p1 − p0 (r2, 0.4); PBC the 1 of lowest p0
    /// (r3, 0.2), suggested class 1 (p1 = p2 = 0.4: the lower id).
    @Test func pruneByClassAndByNoiseRateCanDiffer() {
        let labels: [Int32] = [0, 0, 0, 0, 1, 1, 2, 2]
        let probabilities: [Float] = [
            0.9, 0.05, 0.05,
            0.9, 0.05, 0.05,
            0.3, 0.7, 0.0,
            0.2, 0.4, 0.4,
            0.1, 0.5, 0.4,
            0.1, 0.8, 0.1,
            0.1, 0.1, 0.8,
            0.1, 0.1, 0.8,
        ]
        let byRate = ConfidentLearning(
            labels: labels, probabilities: probabilities, classes: 3, pruning: .byNoiseRate)
        let byClass = ConfidentLearning(
            labels: labels, probabilities: probabilities, classes: 3, pruning: .byClass)
        #expect(byRate.confidentJoint == [[2, 1, 0], [0, 1, 0], [0, 0, 2]])
        #expect(byRate.issues.map(\.row) == [2])
        #expect(byClass.issues.map(\.row) == [3])
        #expect(byClass.issues.first?.suggested == 1)
        #expect(abs((byClass.issues.first?.margin ?? 0) - 0.2) < 1e-6)
    }

    /// Self-confidence: r6 (0.1) before r2 (0.15). Normalized margin: r2 0.15 − 0.8 = −0.65
    /// before r6 0.1 − 0.65 = −0.55.
    @Test func rankingOrdersByScore() {
        let cl = ConfidentLearning(
            labels: Self.labels, probabilities: Self.probabilities, classes: 3)
        #expect(
            cl.ranked(by: .selfConfidence, probabilities: Self.probabilities).map(\.row) == [6, 2])
        #expect(
            cl.ranked(by: .normalizedMargin, probabilities: Self.probabilities).map(\.row)
                == [2, 6])
    }

    /// A record above no threshold is not counted; ties in Eq. 1 go to the lower class id,
    /// and ranking ties to the lower row.
    @Test func tiesGoToTheLowerClass() {
        let labels: [Int32] = [0, 0, 1, 1]
        let probabilities: [Float] = [0.5, 0.5, 1.0, 0.0, 0.0, 1.0, 0.5, 0.5]
        let cl = ConfidentLearning(labels: labels, probabilities: probabilities, classes: 2)
        // t0 = 0.75, t1 = 0.75: the 0.5/0.5 rows count nowhere.
        #expect(cl.confidentJoint == [[1, 0], [0, 1]])
        #expect(cl.issues.isEmpty)
        let tied = ConfidentLearning(
            labels: [0, 1, 1], probabilities: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], classes: 2)
        // t0 = 0.5, t1 = 0.5: every row is at both thresholds with equal p → class 0.
        #expect(tied.confidentJoint == [[1, 0], [2, 0]])
        // n·Q[1][0] = 2: both records labelled 1 (margin 0, a tie) are pruned, in row order.
        #expect(tied.issues.map(\.row) == [1, 2])
        #expect(
            tied.ranked(by: .selfConfidence, probabilities: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]).map(
                \.row) == [1, 2])
    }

    /// The quota of a cell can exceed its clear cases once a row is calibrated up to its
    /// label count: here C[0] = (2, 1) of 6 records labelled 0 calibrates to (4, 2), so the
    /// two records labelled 0 with the largest p1 − p0 are pruned — r0 (0.9 for class 1) and
    /// r1 (0.6 / 0.4). r1's most probable class is its given label, so it is not flagged.
    ///
    /// t0 = (0.1 + 0.6 + 0.62 + 0.65 + 0.99 + 0.99) / 6 ≈ 0.658 (r1–r3 below it, p1 below
    /// t1 = 0.8: not counted); r4, r5 → C[0][0]; r0 → C[0][1]; r6, r7 → C[1][1].
    @Test func recordsTheModelAgreesWithAreNotFlagged() {
        let labels: [Int32] = [0, 0, 0, 0, 0, 0, 1, 1]
        let probabilities: [Float] = [
            0.1, 0.9, 0.6, 0.4, 0.62, 0.38, 0.65, 0.35, 0.99, 0.01, 0.99, 0.01, 0.2, 0.8,
            0.2, 0.8,
        ]
        let cl = ConfidentLearning(labels: labels, probabilities: probabilities, classes: 2)
        #expect(cl.confidentJoint == [[2, 1], [0, 2]])
        #expect(cl.issues.map(\.row) == [0])
        #expect(cl.issues.first?.suggested == 1)
    }

    /// Largest remainders: floors, then one more for the largest fractional parts (ties by
    /// index) until the total is reached.
    @Test func quotasKeepRowTotals() {
        #expect(ConfidentLearning.wholeCounts([0.5, 0.5, 2.0], total: 3) == [1, 0, 2])
        #expect(ConfidentLearning.wholeCounts([1.4, 1.4, 1.2], total: 4) == [2, 1, 1])
        #expect(ConfidentLearning.wholeCounts([2.7, 0.3], total: 3) == [3, 0])
        #expect(ConfidentLearning.wholeCounts([4, 2], total: 6) == [4, 2])
    }

    @Test func cleanDataHasNoIssues() {
        let labels: [Int32] = [0, 0, 1, 1, 2, 2]
        var probabilities: [Float] = []
        for l in labels {
            probabilities += (0..<3).map { $0 == Int(l) ? 0.8 : 0.1 }
        }
        let cl = ConfidentLearning(labels: labels, probabilities: probabilities, classes: 3)
        #expect(cl.issues.isEmpty)
        #expect(cl.estimatedNoiseRate == 0)
        #expect(cl.noiseRates == [0, 0, 0])
    }

    /// A class given to fewer than `minClassRecords` records gets no threshold: nothing is
    /// counted into it, and its own record is pruned towards where it confidently belongs.
    @Test func rareClassesGetNoThreshold() {
        // Class 2 has one record scored 0.02 for its own class: with the paper's threshold
        // (0.02) every row would reach it.
        let labels: [Int32] = [0, 0, 0, 1, 1, 1, 2]
        let probabilities: [Float] = [
            0.9, 0.08, 0.02, 0.5, 0.45, 0.05, 0.8, 0.18, 0.02,
            0.1, 0.88, 0.02, 0.45, 0.5, 0.05, 0.05, 0.93, 0.02,
            0.9, 0.08, 0.02,
        ]
        let paper = ConfidentLearning(labels: labels, probabilities: probabilities, classes: 3)
        #expect(paper.confidentJoint[0][2] + paper.confidentJoint[1][2] > 0)
        let guarded = ConfidentLearning(
            labels: labels, probabilities: probabilities, classes: 3, minClassRecords: 2)
        #expect(guarded.thresholds[2] == .infinity)
        #expect(guarded.confidentJoint.map { $0[2] } == [0, 0, 0])
        #expect(guarded.issues.map(\.row) == [6])
        #expect(guarded.issues.first?.suggested == 0)
    }

    @Test func sameInputSameOutput() {
        let a = ConfidentLearning(
            labels: Self.labels, probabilities: Self.probabilities, classes: 3)
        let b = ConfidentLearning(
            labels: Self.labels, probabilities: Self.probabilities, classes: 3)
        #expect(a.issues == b.issues)
        #expect(a.joint == b.joint)
    }

    @Test func emptyInputIsHarmless() {
        let cl = ConfidentLearning(labels: [], probabilities: [], classes: 2)
        #expect(cl.issues.isEmpty)
        #expect(cl.estimatedNoiseRate == 0)
    }
}
