import Foundation

/// Training settings of `SoftmaxRegression`.
struct TrainingSchedule: Sendable, Hashable {
    /// Passes over the training rows.
    var epochs: Int = 5
    /// Initial step size η₀; step `t` uses `η₀ / (1 + t / rows)` (halved after one epoch).
    var learningRate: Float = 0.5
    /// L2 penalty λ of the per-record loss `−log p(y|x) + λ/2 ‖W‖²` (bias not penalized).
    var l2: Float = 1e-6
    /// Updates whose largest gradient component is below this are skipped (the record is
    /// already fitted; saves most of the work in later epochs).
    var skipBelow: Float = 1e-3

    /// The schedule for `rows` training rows: more passes over small data, fewer over big
    /// data (SGD needs a roughly constant number of steps, not of epochs).
    static func forRows(_ rows: Int) -> TrainingSchedule {
        var schedule = TrainingSchedule()
        let steps = 1_200_000.0
        schedule.epochs = min(12, max(2, Int((steps / Double(max(1, rows))).rounded(.up))))
        return schedule
    }
}

/// Multinomial logistic regression (softmax) over hashed sparse features.
///
/// `p(c | x) = exp(z_c) / Σ_k exp(z_k)` with `z = Wᵀx + b`. Trained by plain SGD on the
/// cross-entropy with L2 regularization: per record, `g = p − onehot(y)`,
/// `W_j ← W_j − η x_j g` for the record's non-zero features `j`, `b ← b − η g`, and the
/// weight decay `W ← (1 − ηλ) W` is applied lazily by keeping `W = scale · V` (Bottou's trick),
/// so a step costs O(non-zeros × classes), not O(buckets × classes). Deterministic: the
/// visiting order comes from a seeded generator.
struct SoftmaxRegression: Sendable {
    /// The number of classes.
    let classes: Int
    /// The number of feature buckets.
    let buckets: Int
    /// `V`, row-major `buckets × classes`: the weights of bucket `j` are contiguous.
    private(set) var weights: [Float]
    /// The class biases.
    private(set) var bias: [Float]
    /// `W = scale · V`.
    private(set) var scale: Float = 1

    /// A zero model (uniform probabilities).
    init(classes: Int, buckets: Int) {
        self.classes = classes
        self.buckets = buckets
        weights = [Float](repeating: 0, count: buckets * classes)
        bias = [Float](repeating: 0, count: classes)
    }

    /// Trains on `rows` of `features` with labels `labels[row]`.
    /// - Complexity: O(epochs × Σ row non-zeros × classes).
    mutating func train(
        _ features: HashedFeatures, rows: [Int32], labels: [Int32], schedule: TrainingSchedule,
        seed: UInt64
    ) {
        guard !rows.isEmpty, classes > 1 else { return }
        let k = classes
        var order = rows
        var random = SplitMix64(seed: seed)
        let n = Float(rows.count)
        var step: Float = 0
        var scale = self.scale
        var z = [Float](repeating: 0, count: k)
        let eta0 = schedule.learningRate
        let l2 = schedule.l2
        let skip = schedule.skipBelow
        features.offsets.withUnsafeBufferPointer { offsets in
            features.ids.withUnsafeBufferPointer { ids in
                features.values.withUnsafeBufferPointer { values in
                    labels.withUnsafeBufferPointer { labels in
                        weights.withUnsafeMutableBufferPointer { w in
                            bias.withUnsafeMutableBufferPointer { b in
                                z.withUnsafeMutableBufferPointer { z in
                                    for _ in 0..<schedule.epochs {
                                        random.shuffle(&order)
                                        for r in order {
                                            let row = Int(r)
                                            let lo = offsets[row]
                                            let hi = offsets[row + 1]
                                            Self.logits(
                                                w.baseAddress!, b.baseAddress!, scale,
                                                ids.baseAddress!, values.baseAddress!, lo, hi, k,
                                                z.baseAddress!)
                                            Self.softmax(z.baseAddress!, k)
                                            z[Int(labels[row])] -= 1
                                            let eta = eta0 / (1 + step / n)
                                            step += 1
                                            var largest: Float = 0
                                            for c in 0..<k { largest = max(largest, abs(z[c])) }
                                            if largest >= skip {
                                                for c in 0..<k { b[c] -= eta * z[c] }
                                                let a = eta / scale
                                                for e in lo..<hi {
                                                    let v = values[e] * a
                                                    let wj = w.baseAddress! + Int(ids[e]) * k
                                                    for c in 0..<k { wj[c] -= v * z[c] }
                                                }
                                            }
                                            scale *= 1 - eta * l2
                                            if scale < 1e-3 {
                                                for i in 0..<w.count { w[i] *= scale }
                                                scale = 1
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.scale = scale
    }

    /// Writes the class probabilities of `row` to `out[0..<classes]`.
    func predict(_ features: HashedFeatures, row: Int, into out: UnsafeMutablePointer<Float>) {
        let lo = features.offsets[row]
        let hi = features.offsets[row + 1]
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                features.ids.withUnsafeBufferPointer { ids in
                    features.values.withUnsafeBufferPointer { values in
                        Self.logits(
                            w.baseAddress!, b.baseAddress!, scale, ids.baseAddress!,
                            values.baseAddress!, lo, hi, classes, out)
                    }
                }
            }
        }
        Self.softmax(out, classes)
    }

    /// `z = b + scale · Σ_e values[e] · V[ids[e]]`.
    @inline(__always)
    private static func logits(
        _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ scale: Float,
        _ ids: UnsafePointer<UInt32>, _ values: UnsafePointer<Float>, _ lo: Int, _ hi: Int,
        _ k: Int, _ z: UnsafeMutablePointer<Float>
    ) {
        for c in 0..<k { z[c] = 0 }
        for e in lo..<hi {
            let v = values[e]
            let wj = w + Int(ids[e]) * k
            for c in 0..<k { z[c] += v * wj[c] }
        }
        for c in 0..<k { z[c] = b[c] + scale * z[c] }
    }

    /// Replaces `z[0..<k]` by its softmax (max-shifted, so it never overflows).
    @inline(__always)
    static func softmax(_ z: UnsafeMutablePointer<Float>, _ k: Int) {
        var top = z[0]
        for c in 1..<max(1, k) { top = max(top, z[c]) }
        var sum: Float = 0
        for c in 0..<k {
            let e = expf(z[c] - top)
            z[c] = e
            sum += e
        }
        let inverse = 1 / sum
        for c in 0..<k { z[c] *= inverse }
    }
}

/// SplitMix64: a tiny, fast, seedable generator (Steele, Lea & Flood 2014), so shuffles are
/// the same on every platform and release.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift; the tiny bias is irrelevant
    /// here and keeps it reproducible).
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Fisher–Yates shuffle with this generator (not the standard library's, whose algorithm
    /// may change between releases).
    mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, below(i + 1))
        }
    }
}
