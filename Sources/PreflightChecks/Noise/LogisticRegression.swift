import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Training settings of `SoftmaxRegression`.
struct TrainingSchedule: Sendable, Hashable {
    /// Passes over the training rows.
    var epochs: Int = 5
    /// Initial step size η₀; step `t` uses `η₀ / (1 + t / rows)` (halved after one epoch).
    /// 1.0 on unit-length TF-IDF rows: 0.5 left many-class data (banking77, clinc150)
    /// under-fitted within the epoch budget, 2.0 over-confident on binary and long texts.
    var learningRate: Float = 1.0
    /// L2 penalty λ of the per-record loss `−log p(y|x) + λ/2 ‖W‖²` (bias not penalized).
    var l2: Float = 1e-6
    /// Updates whose largest gradient component is below this are skipped (the record is
    /// already fitted; saves most of the work in later epochs).
    var skipBelow: Float = 1e-3

    /// Feature-entry updates one fold's training may spend (epochs × non-zeros): bounds the
    /// time on long texts, where every row has thousands of entries.
    static let entryBudget = 100_000_000

    /// The schedule for `rows` training rows with `nonZeros` feature entries in all: more
    /// passes over small data, fewer over big data (SGD needs a roughly constant number of
    /// steps, not of epochs), and no more passes than `entryBudget` pays for (at least 2).
    static func forRows(_ rows: Int, nonZeros: Int = 0) -> TrainingSchedule {
        var schedule = TrainingSchedule()
        let steps = 400_000.0
        var epochs = min(12, Int((steps / Double(max(1, rows))).rounded(.up)))
        if nonZeros > 0 { epochs = min(epochs, entryBudget / nonZeros) }
        schedule.epochs = max(2, epochs)
        return schedule
    }
}

/// Multinomial logistic regression (softmax) over hashed sparse features.
///
/// `p(c | x) = exp(z_c) / Σ_k exp(z_k)` with `z = Wᵀx + b`. Trained by plain SGD on the
/// cross-entropy with L2 regularization: per record, `g = p − onehot(y)`,
/// `W_j ← W_j − η x_j g` for the record's non-zero features `j`, `b ← b − η g`, and the
/// weight decay `W ← (1 − ηλ) W` is applied lazily by keeping `W = scale · V` (Bottou's trick),
/// so a step costs O(non-zeros × classes), not O(features × classes). Deterministic: the
/// visiting order comes from a seeded generator.
///
/// The weights of one feature are `blocks` SIMD vectors of 8 classes (classes padded to a
/// multiple of 8, padding lanes kept at zero), so the inner loops are vector operations.
struct SoftmaxRegression {
    /// The number of classes.
    let classes: Int
    /// The number of features (ids `0..<features`).
    let features: Int
    /// SIMD vectors per feature: `⌈classes / 8⌉`.
    let blocks: Int
    /// `V`, row-major `features × blocks` vectors (owned: the model is not shared).
    private let weights: ZeroedBuffer<SIMD8<Float>>
    /// The class biases, padded like a weight row.
    private(set) var bias: [SIMD8<Float>]
    /// `W = scale · V`.
    private(set) var scale: Float = 1

    /// A zero model (uniform probabilities).
    init(classes: Int, features: Int) {
        self.classes = classes
        self.features = features
        blocks = (classes + 7) / 8
        weights = ZeroedBuffer(count: features * blocks)
        bias = [SIMD8<Float>](repeating: .zero, count: blocks)
    }

    /// Trains on `rows` of `data` with labels `labels[row]`.
    /// - Complexity: O(epochs × Σ row non-zeros × classes).
    mutating func train(
        _ data: HashedFeatures, rows: [Int32], labels: [Int32], schedule: TrainingSchedule,
        seed: UInt64
    ) {
        guard !rows.isEmpty, classes > 1 else { return }
        precondition(data.dimension <= features, "feature ids beyond the model")
        let k = classes
        let m = blocks
        var order = rows
        var random = SplitMix64(seed: seed)
        let n = Float(rows.count)
        var step: Float = 0
        var scale = self.scale
        var z = [SIMD8<Float>](repeating: .zero, count: m)
        let eta0 = schedule.learningRate
        let l2 = schedule.l2
        let skip = schedule.skipBelow
        let w = UnsafeMutableBufferPointer(start: weights.pointer, count: weights.count)
        var b = bias
        data.withDecoder { rows in
            // One row decoded at a time: the matrix stores packed entries, not values.
            var rowIDs = [UInt32](repeating: 0, count: max(1, rows.longestRow))
            var rowValues = [Float](repeating: 0, count: max(1, rows.longestRow))
            rowIDs.withUnsafeMutableBufferPointer { ids in
                rowValues.withUnsafeMutableBufferPointer { values in
                    labels.withUnsafeBufferPointer { labels in
                        b.withUnsafeMutableBufferPointer { b in
                            z.withUnsafeMutableBufferPointer { z in
                                let wp = w.baseAddress!
                                let zp = z.baseAddress!
                                let ip = ids.baseAddress!
                                let vp = values.baseAddress!
                                for _ in 0..<schedule.epochs {
                                    random.shuffle(&order)
                                    for r in order {
                                        let row = Int(r)
                                        let hi = rows.decode(row: row, ids: ip, values: vp)
                                        Self.logits(
                                            wp, b.baseAddress!, scale, ip, vp, 0, hi, m, zp)
                                        let largest = Self.gradient(
                                            zp, k, m, label: Int(labels[row]))
                                        let eta = eta0 / (1 + step / n)
                                        step += 1
                                        if largest >= skip {
                                            for s in 0..<m { b[s] -= eta * zp[s] }
                                            let a = eta / scale
                                            for e in 0..<hi {
                                                let v = vp[e] * a
                                                let wj = wp + Int(ip[e]) * m
                                                for s in 0..<m { wj[s] -= v * zp[s] }
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
        bias = b
        self.scale = scale
    }

    /// Writes the class probabilities of `row` to `out[0..<classes]`.
    func predict(_ data: HashedFeatures, row: Int, into out: UnsafeMutablePointer<Float>) {
        data.withDecoder { predict($0, row: row, into: out) }
    }

    /// `predict` through a decoder of the rows, for many rows in one `withDecoder`.
    func predict(
        _ rows: HashedFeatures.RowDecoder, row: Int, into out: UnsafeMutablePointer<Float>
    ) {
        let length = rows.offsets[row + 1] - rows.offsets[row]
        var ids = [UInt32](repeating: 0, count: max(1, length))
        var values = [Float](repeating: 0, count: max(1, length))
        var z = [SIMD8<Float>](repeating: .zero, count: blocks)
        do {
            let w = UnsafeBufferPointer(start: weights.pointer, count: weights.count)
            bias.withUnsafeBufferPointer { b in
                ids.withUnsafeMutableBufferPointer { ids in
                    values.withUnsafeMutableBufferPointer { values in
                        let hi = rows.decode(
                            row: row, ids: ids.baseAddress!, values: values.baseAddress!)
                        z.withUnsafeMutableBufferPointer { z in
                            Self.logits(
                                w.baseAddress!, b.baseAddress!, scale, ids.baseAddress!,
                                values.baseAddress!, 0, hi, blocks, z.baseAddress!)
                            z.baseAddress!.withMemoryRebound(to: Float.self, capacity: blocks * 8) {
                                Self.softmax($0, classes)
                                out.update(from: $0, count: classes)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `z = b + scale · Σ_e values[e] · V[ids[e]]`, `m` vectors.
    @inline(__always)
    private static func logits(
        _ w: UnsafePointer<SIMD8<Float>>, _ b: UnsafePointer<SIMD8<Float>>, _ scale: Float,
        _ ids: UnsafePointer<UInt32>, _ values: UnsafePointer<Float>, _ lo: Int, _ hi: Int,
        _ m: Int, _ z: UnsafeMutablePointer<SIMD8<Float>>
    ) {
        for s in 0..<m { z[s] = .zero }
        for e in lo..<hi {
            let v = values[e]
            let wj = w + Int(ids[e]) * m
            for s in 0..<m { z[s] += v * wj[s] }
        }
        for s in 0..<m { z[s] = b[s] + scale * z[s] }
    }

    /// Turns logits `z` into the cross-entropy gradient `p − onehot(label)` in place (padding
    /// lanes zero) and returns its largest absolute component.
    @inline(__always)
    private static func gradient(
        _ z: UnsafeMutablePointer<SIMD8<Float>>, _ k: Int, _ m: Int, label: Int
    ) -> Float {
        z.withMemoryRebound(to: Float.self, capacity: m * 8) { p in
            softmax(p, k)
            for c in k..<(m * 8) { p[c] = 0 }
            p[label] -= 1
            var largest: Float = 0
            for c in 0..<k { largest = max(largest, abs(p[c])) }
            return largest
        }
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

/// Zero-filled memory for `count` values from an anonymous mapping, 2 MiB-aligned and advised
/// for transparent huge pages on Linux: a model's weights are read at random, and with 4 KiB
/// pages nearly every rare feature would also miss the TLB. The mapping arrives zeroed, so
/// there is no initialisation pass.
final class ZeroedBuffer<T>: @unchecked Sendable {
    /// The first value.
    let pointer: UnsafeMutablePointer<T>
    /// The number of values.
    let count: Int
    private let mapping: UnsafeMutableRawPointer
    private let length: Int

    init(count: Int) {
        let huge = 2 << 20
        self.count = count
        length = max(1, count * MemoryLayout<T>.stride) + huge
        guard
            let base = mmap(
                nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            base != MAP_FAILED
        else { fatalError("cannot map \(length) bytes for model weights") }
        mapping = base
        let aligned = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let start = UnsafeMutableRawPointer(bitPattern: aligned)!
        #if os(Linux)
            _ = madvise(start, length - huge, MADV_HUGEPAGE)
        #endif
        pointer = start.bindMemory(to: T.self, capacity: count)
    }

    deinit { munmap(mapping, length) }
}
