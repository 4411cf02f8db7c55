/// A byte-pair encoding model: a vocabulary of byte strings and a merge table over pairs of
/// token ids, as both tiktoken ranks files and Hugging Face `BPE` models define them.
///
/// Encoding a piece starts from one symbol per byte (`byteLevel`) or per character, then
/// repeatedly merges the adjacent pair with the lowest rank (the leftmost of equal ranks)
/// until no adjacent pair is in the table. The count of symbols left is the piece's count.
struct BytePairModel: Sendable {
    /// Token id of every byte string in the vocabulary.
    let vocab: [[UInt8]: Int32]
    /// The merges: `(left << 32 | right)` → `(rank << 32 | merged id)`.
    let merges: PairTable
    /// The id of each single byte, or -1 (for byte-level models).
    let byteIDs: [Int32]
    /// True: symbols start as bytes; false: as characters (UTF-8 sequences of one scalar).
    let byteLevel: Bool
    /// A piece found whole in the vocabulary is one token, without merging (tiktoken always;
    /// Hugging Face with `ignore_merges`).
    let ignoreMerges: Bool
    /// Characters missing from the vocabulary become their bytes' `<0xXX>` tokens.
    let byteFallback: [Int32]?
    /// The id of the unknown token, when the model has one.
    let unknown: Int32?
    /// Consecutive unknown characters make one unknown token.
    let fuseUnknown: Bool

    /// The number of tokens of `piece`.
    /// - Complexity: O(n log n) in the piece's bytes.
    func count(_ piece: UnsafeBufferPointer<UInt8>, scratch: inout [Int32]) -> Int {
        if piece.isEmpty { return 0 }
        if ignoreMerges, vocab[Array(piece)] != nil { return 1 }
        scratch.removeAll(keepingCapacity: true)
        if byteLevel {
            for b in piece {
                let id = byteIDs[Int(b)]
                if id >= 0 {
                    scratch.append(id)
                } else if let unknown {
                    if !(fuseUnknown && scratch.last == unknown) { scratch.append(unknown) }
                }
            }
        } else {
            var i = 0
            while i < piece.count {
                let b0 = piece[i]
                let len = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4
                let stop = min(piece.count, i + len)
                if let id = vocab[Array(piece[i..<stop])] {
                    scratch.append(id)
                } else if let byteFallback,
                    (i..<stop).allSatisfy({ byteFallback[Int(piece[$0])] >= 0 })
                {
                    for j in i..<stop { scratch.append(byteFallback[Int(piece[j])]) }
                } else if let unknown {
                    if !(fuseUnknown && scratch.last == unknown) { scratch.append(unknown) }
                }
                i = stop
            }
        }
        return scratch.count < 48 ? mergeSmall(&scratch) : mergeLarge(scratch)
    }

    /// Merging by scanning all adjacent pairs per step: fastest for short pieces.
    private func mergeSmall(_ symbols: inout [Int32]) -> Int {
        var n = symbols.count
        guard n >= 2 else { return n }
        return symbols.withUnsafeMutableBufferPointer { sym in
            // ranks[i]: merge of (sym[i], sym[i+1]) as (rank << 32 | merged), or UInt64.max.
            var ranks = [UInt64](repeating: .max, count: n)
            for i in 0..<(n - 1) { ranks[i] = merges.find(sym[i], sym[i + 1]) }
            while true {
                var best = UInt64.max
                var at = -1
                for i in 0..<(n - 1) where ranks[i] < best {
                    best = ranks[i]
                    at = i
                }
                if at < 0 { break }
                sym[at] = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
                // Remove sym[at + 1].
                var j = at + 1
                while j < n - 1 {
                    sym[j] = sym[j + 1]
                    ranks[j] = ranks[j + 1]
                    j += 1
                }
                n -= 1
                ranks[n - 1] = .max
                if at > 0 { ranks[at - 1] = merges.find(sym[at - 1], sym[at]) }
                ranks[at] = at + 1 < n ? merges.find(sym[at], sym[at + 1]) : .max
            }
            return n
        }
    }

    /// Merging with a linked list and a heap of candidate pairs ordered by (rank, position),
    /// validated when popped: O(n log n) for long pieces.
    private func mergeLarge(_ start: [Int32]) -> Int {
        var sym = start
        let n = sym.count
        var next = (0..<n).map { Int32($0 + 1) }
        var prev = (0..<n).map { Int32($0 - 1) }
        var alive = n
        var heap = MinHeap()
        for i in 0..<(n - 1) {
            let m = merges.find(sym[i], sym[i + 1])
            if m != .max { heap.push(m >> 32, Int32(i), sym[i], sym[i + 1]) }
        }
        while let top = heap.pop() {
            let i = Int(top.position)
            let j = Int(next[i])
            // Stale: the left symbol changed or died, or its right neighbour changed.
            guard sym[i] == top.left, j < n, sym[j] == top.right else { continue }
            let merged = merges.find(sym[i], sym[j])
            sym[i] = Int32(truncatingIfNeeded: merged & 0xFFFF_FFFF)
            sym[j] = -1
            let k = Int(next[j])
            next[i] = Int32(k)
            if k < n { prev[k] = Int32(i) }
            alive -= 1
            let p = Int(prev[i])
            if p >= 0 {
                let m = merges.find(sym[p], sym[i])
                if m != .max { heap.push(m >> 32, Int32(p), sym[p], sym[i]) }
            }
            if k < n {
                let m = merges.find(sym[i], sym[k])
                if m != .max { heap.push(m >> 32, Int32(i), sym[i], sym[k]) }
            }
        }
        return alive
    }
}

/// An open-addressing hash table from a pair of token ids to a merge.
struct PairTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private let shift: UInt64
    private let mask: Int

    /// A table for `entries` (pair, merge) items; a later duplicate pair keeps the first.
    init(_ entries: [(left: Int32, right: Int32, rank: UInt32, merged: Int32)]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: .max, count: capacity)
        values = [UInt64](repeating: .max, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        mask = capacity - 1
        for e in entries {
            let key = UInt64(UInt32(bitPattern: e.left)) << 32 | UInt64(UInt32(bitPattern: e.right))
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[slot] != .max && keys[slot] != key { slot = (slot + 1) & mask }
            if keys[slot] == key { continue }
            keys[slot] = key
            values[slot] = UInt64(e.rank) << 32 | UInt64(UInt32(bitPattern: e.merged))
        }
    }

    /// The merge of `(left, right)` as `(rank << 32 | merged id)`, or `UInt64.max`.
    @inline(__always)
    func find(_ left: Int32, _ right: Int32) -> UInt64 {
        if left < 0 || right < 0 { return .max }
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        return keys.withUnsafeBufferPointer { k in
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while true {
                let found = k[slot]
                if found == key { return values[slot] }
                if found == .max { return .max }
                slot = (slot + 1) & mask
            }
        }
    }
}

/// A binary min-heap of merge candidates ordered by (rank, position).
private struct MinHeap {
    struct Item {
        var rank: UInt64
        var position: Int32
        var left: Int32
        var right: Int32
        func less(_ o: Item) -> Bool {
            rank != o.rank ? rank < o.rank : position < o.position
        }
    }
    private var items: [Item] = []

    mutating func push(_ rank: UInt64, _ position: Int32, _ left: Int32, _ right: Int32) {
        items.append(Item(rank: rank, position: position, left: left, right: right))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if !items[i].less(items[p]) { break }
            items.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> Item? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < items.count && items[l].less(items[m]) { m = l }
                if r < items.count && items[r].less(items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}

/// A per-thread cache of piece → token count, for pieces of at most 16 bytes (packed into
/// two words). Cleared when half full, so its memory stays bounded (~3 MB).
final class PieceCache {
    private static let capacity = 1 << 17
    private var keyA = [UInt64](repeating: 0, count: capacity)
    private var keyB = [UInt64](repeating: 0, count: capacity)
    /// Count + 1 in the low 16 bits and length in the next 8; 0 = empty.
    private var meta = [UInt32](repeating: 0, count: capacity)
    private var used = 0

    /// The key of a piece of at most 16 bytes.
    @inline(__always)
    static func pack(_ p: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var a: UInt64 = 0
        var b: UInt64 = 0
        for (i, byte) in p.enumerated() {
            if i < 8 {
                a |= UInt64(byte) << UInt64(i * 8)
            } else {
                b |= UInt64(byte) << UInt64((i - 8) * 8)
            }
        }
        return (a, b)
    }

    @inline(__always)
    private func slot(_ a: UInt64, _ b: UInt64, _ n: Int) -> Int {
        let h = (a &* 0x9E37_79B9_7F4A_7C15) ^ ((b ^ UInt64(n)) &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: (h ^ (h >> 29)) & UInt64(Self.capacity - 1))
    }

    /// The cached count of a piece of `n` bytes with key `(a, b)`.
    @inline(__always)
    func get(_ a: UInt64, _ b: UInt64, _ n: Int) -> Int? {
        var s = slot(a, b, n)
        while true {
            let m = meta[s]
            if m == 0 { return nil }
            if Int(m >> 16) == n && keyA[s] == a && keyB[s] == b { return Int(m & 0xFFFF) - 1 }
            s = (s + 1) & (Self.capacity - 1)
        }
    }

    /// Caches a count (counts above 65,534 are not cached).
    func put(_ a: UInt64, _ b: UInt64, _ n: Int, _ count: Int) {
        guard count < 0xFFFF else { return }
        if used >= Self.capacity / 2 {
            for i in 0..<meta.count { meta[i] = 0 }
            used = 0
        }
        var s = slot(a, b, n)
        while meta[s] != 0 { s = (s + 1) & (Self.capacity - 1) }
        keyA[s] = a
        keyB[s] = b
        meta[s] = UInt32(n) << 16 | UInt32(count + 1)
        used += 1
    }
}
