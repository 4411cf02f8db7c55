import Foundation

/// Runs a `RegexProgram` as a search: a DFA built lazily from the NFA, one state per set of
/// NFA instructions the search can be in, one transition per byte class, cached.
///
/// A DFA state is the set of NFA *leaves* (byte ranges, unresolved assertions, match) plus
/// two flags: "at the start of the text" and "the previous byte was an ASCII word byte".
/// Assertions (`^ $ \b \B`) stay in the set unresolved until the next byte (or the end of
/// the text) is known; the transition on byte `c` first resolves them with the flags and `c`,
/// then steps over `c`. So `\b` costs no lookahead: the byte being consumed is the lookahead.
///
/// The transition table is bounded (`stateLimit`); when it is full it is flushed and rebuilt
/// from the current state. If a single search keeps flushing (fewer than a few bytes scanned
/// per state built), the search finishes as a plain NFA simulation from the current set.
/// Either way each byte costs at most O(NFA size): the time is linear in the text.
///
/// Thread safety: the cache is mutable, so the matcher keeps a few caches, each behind its
/// own lock; a search takes the first free one (`try()`), so concurrent searches on one
/// regex do not wait for each other while caches are free.
final class LazyDFA: @unchecked Sendable {
    let program: RegexProgram
    /// Byte -> byte class; bytes in one class behave the same in every instruction.
    private let classOf: UnsafeMutablePointer<UInt8>
    /// One representative byte per class.
    private let representative: [UInt8]
    /// Columns per state: the byte classes, then the end of the text.
    let stride: Int
    let stateLimit: Int
    private let caches: [Cache]
    /// The start state already contains match: every text matches.
    private let matchesEverything: Bool
    private let prefilterLiteral: [UInt8]
    private let prefilterAnchor: Int
    private let prefilterRange: ClosedRange<UInt8>?

    /// Default bound on the table: ~4 MB of transitions and at most 10,000 states per cache.
    static let tableBudgetBytes = 4 << 20

    init(program: RegexProgram, stateLimit: Int? = nil, cacheCount: Int? = nil) {
        self.program = program
        // Byte classes: boundaries at every byte range edge and, with \b, at word bytes.
        var boundary = [Bool](repeating: false, count: 257)
        boundary[0] = true
        for pc in 0..<program.count where program.kinds[pc] == .byteRange {
            let lo = Int(program.low[pc])
            let hi = Int(program.high[pc])
            guard lo <= hi else { continue }
            boundary[lo] = true
            boundary[hi + 1] = true
        }
        if program.usesWordBoundaries {
            for byte in 0..<256 where RegexProgram.isWordByte(UInt8(byte)) {
                boundary[byte] = true
                boundary[byte + 1] = true
            }
        }
        classOf = .allocate(capacity: 256)
        var classes: [UInt8] = []
        var current = -1
        for byte in 0..<256 {
            if boundary[byte] {
                current += 1
                classes.append(UInt8(byte))
            }
            classOf[byte] = UInt8(current)
        }
        representative = classes
        stride = classes.count + 1
        let limit =
            stateLimit ?? max(16, min(10_000, Self.tableBudgetBytes / (stride * 4)))
        self.stateLimit = limit
        let count = cacheCount ?? max(2, min(8, ProcessInfo.processInfo.activeProcessorCount))
        caches = (0..<count).map { _ in Cache() }
        let (leaves, _) = Self.initialLeaves(program)
        matchesEverything = leaves.contains { program.kinds[Int($0)] == .match }
        prefilterLiteral = program.requiredLiteral
        prefilterAnchor = RegexProgram.rarestByteIndex(program.requiredLiteral)
        prefilterRange = prefilterLiteral.isEmpty ? program.requiredByteRange : nil
    }

    deinit {
        classOf.deallocate()
        for cache in caches { cache.table?.deallocate() }
    }

    /// Flushes and NFA fallbacks across all searches so far (for tests and diagnostics).
    var statistics: (flushes: Int, fallbacks: Int) {
        var flushes = 0
        var fallbacks = 0
        for cache in caches {
            cache.lock.lock()
            flushes += cache.flushes
            fallbacks += cache.fallbacks
            cache.lock.unlock()
        }
        return (flushes, fallbacks)
    }

    /// True when the program matches somewhere in `bytes`.
    func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if matchesEverything { return true }
        if !passesPrefilter(bytes) { return false }
        for cache in caches where cache.lock.try() {
            defer { cache.lock.unlock() }
            return search(bytes, cache: cache)
        }
        let cache = caches[0]
        cache.lock.lock()
        defer { cache.lock.unlock() }
        return search(bytes, cache: cache)
    }

    // MARK: - Prefilter

    private func passesPrefilter(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else {
            return prefilterLiteral.isEmpty && prefilterRange == nil
        }
        if !prefilterLiteral.isEmpty {
            if prefilterLiteral.count == 1 {
                return memchr(base, Int32(prefilterLiteral[0]), bytes.count) != nil
            }
            return Self.contains(prefilterLiteral, anchorIndex: prefilterAnchor, base, bytes.count)
        }
        if let range = prefilterRange {
            return Self.containsByte(in: range, base, bytes.count)
        }
        return true
    }

    /// True when `needle` occurs in the text: `memchr` for its rarest byte (at `anchorIndex`),
    /// then a comparison of the whole needle around it.
    static func contains(
        _ needle: [UInt8], anchorIndex: Int, _ base: UnsafeRawPointer, _ count: Int
    ) -> Bool {
        let length = needle.count
        guard length <= count else { return false }
        let anchor = Int32(needle[anchorIndex])
        var from = anchorIndex
        let last = count - length + anchorIndex  // last offset the anchor byte may have
        return needle.withUnsafeBytes { needleBytes in
            while from <= last {
                guard let hit = memchr(base + from, anchor, last - from + 1) else { return false }
                let offset = UnsafeRawPointer(hit) - base
                if memcmp(base + (offset - anchorIndex), needleBytes.baseAddress!, length) == 0 {
                    return true
                }
                from = offset + 1
            }
            return false
        }
    }

    /// True when some byte lies in `range`: 32 bytes at a time.
    static func containsByte(in range: ClosedRange<UInt8>, _ base: UnsafeRawPointer, _ count: Int)
        -> Bool
    {
        if range.lowerBound == range.upperBound {
            return memchr(base, Int32(range.lowerBound), count) != nil
        }
        let low = SIMD32<UInt8>(repeating: range.lowerBound)
        let span = SIMD32<UInt8>(repeating: range.upperBound &- range.lowerBound)
        var offset = 0
        while offset + 32 <= count {
            let chunk = base.loadUnaligned(fromByteOffset: offset, as: SIMD32<UInt8>.self)
            if any((chunk &- low) .<= span) { return true }
            offset += 32
        }
        while offset < count {
            if range.contains(base.load(fromByteOffset: offset, as: UInt8.self)) { return true }
            offset += 1
        }
        return false
    }

    // MARK: - Search

    /// Table entries below zero.
    private static let unknown: Int32 = -1
    private static let matchFound: Int32 = -2
    private static let dead: Int32 = -3

    private static let atStartFlag: UInt8 = 2
    private static let wordFlag: UInt8 = 1

    private func search(_ bytes: UnsafeRawBufferPointer, cache: Cache) -> Bool {
        var state = startState(cache)
        var flushesAtStart = cache.flushes
        var lastFlushOffset = 0
        var badFlushes = 0
        let count = bytes.count
        var table = cache.table!
        var offset = 0
        while offset < count {
            let byteClass = Int(classOf[Int(bytes[offset])])
            var next = table[Int(state) &* stride &+ byteClass]
            if next < 0 {
                if next == Self.unknown {
                    next = transition(cache, from: state, byteClass: byteClass)
                    if cache.flushes != flushesAtStart {
                        // Thrashing: fewer than 4 bytes scanned per state built.
                        if offset - lastFlushOffset < 4 * stateLimit { badFlushes += 1 }
                        lastFlushOffset = offset
                        flushesAtStart = cache.flushes
                        if badFlushes >= 2, next >= 0 {
                            cache.fallbacks += 1
                            return simulate(
                                bytes, from: offset + 1, leaves: cache.sets[Int(next)],
                                flags: cache.flags[Int(next)])
                        }
                    }
                    table = cache.table!
                }
                if next == Self.matchFound { return true }
                if next == Self.dead { return false }
            }
            state = next
            offset += 1
        }
        var last = table[Int(state) &* stride &+ stride - 1]
        if last == Self.unknown { last = transition(cache, from: state, byteClass: stride - 1) }
        return last == Self.matchFound
    }

    private func startState(_ cache: Cache) -> Int32 {
        if cache.start >= 0 { return cache.start }
        let (leaves, flags) = Self.initialLeaves(program)
        cache.start = addState(cache, leaves: leaves, flags: flags)
        return cache.start
    }

    private static func initialLeaves(_ program: RegexProgram) -> ([Int32], UInt8) {
        var scratch = Scratch(size: program.count)
        scratch.addPending(program.start, program)
        return (scratch.sortedLeaves(program), atStartFlag)
    }

    /// Computes, caches and returns the transition from `state` on `byteClass` (the last
    /// class is the end of the text).
    private func transition(_ cache: Cache, from state: Int32, byteClass: Int) -> Int32 {
        let leaves = cache.sets[Int(state)]
        let flags = cache.flags[Int(state)]
        let byte: Int = byteClass == stride - 1 ? -1 : Int(representative[byteClass])
        let result = step(leaves: leaves, flags: flags, byte: byte, scratch: &cache.scratch)
        var target: Int32
        switch result {
        case .matchFound: target = Self.matchFound
        case .dead: target = Self.dead
        case .state(let nextLeaves, let nextFlags):
            if let existing = cache.ids[StateKey(leaves: nextLeaves, flags: nextFlags)] {
                target = existing
            } else {
                let flushesBefore = cache.flushes
                target = addState(cache, leaves: nextLeaves, flags: nextFlags)
                // After a flush `state` no longer exists; do not record the edge.
                if cache.flushes != flushesBefore { return target }
            }
        }
        cache.table![Int(state) * stride + byteClass] = target
        return target
    }

    private func addState(_ cache: Cache, leaves: [Int32], flags: UInt8) -> Int32 {
        if cache.sets.count >= stateLimit { cache.flush() }
        let id = Int32(cache.sets.count)
        cache.sets.append(leaves)
        cache.flags.append(flags)
        cache.ids[StateKey(leaves: leaves, flags: flags)] = id
        let needed = cache.sets.count * stride
        if needed > cache.capacity {
            let capacity = max(
                needed, min(stateLimit * stride, max(64 * stride, cache.capacity * 2)))
            let table = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
            if let old = cache.table {
                table.update(from: old, count: cache.capacity)
                old.deallocate()
            }
            (table + cache.capacity).initialize(
                repeating: Self.unknown, count: capacity - cache.capacity)
            cache.table = table
            cache.capacity = capacity
        }
        return id
    }

    /// NFA simulation (no caching) from `offset` with the given current set.
    private func simulate(
        _ bytes: UnsafeRawBufferPointer, from offset: Int, leaves: [Int32], flags: UInt8
    )
        -> Bool
    {
        var scratch = Scratch(size: program.count)
        var leaves = leaves
        var flags = flags
        for index in offset...bytes.count {
            let byte = index == bytes.count ? -1 : Int(bytes[index])
            switch step(leaves: leaves, flags: flags, byte: byte, scratch: &scratch) {
            case .matchFound: return true
            case .dead: return false
            case .state(let nextLeaves, let nextFlags):
                leaves = nextLeaves
                flags = nextFlags
            }
        }
        return false
    }

    private enum StepResult {
        case matchFound, dead
        case state([Int32], UInt8)
    }

    /// One NFA step: resolve the assertions in `leaves` given the flags and `byte` (-1: end
    /// of text), then consume `byte`.
    private func step(leaves: [Int32], flags: UInt8, byte: Int, scratch: inout Scratch)
        -> StepResult
    {
        let program = self.program
        scratch.ensure(program.count)
        let atStart = flags & Self.atStartFlag != 0
        let previousIsWord = flags & Self.wordFlag != 0
        let nextIsWord = byte >= 0 && RegexProgram.isWordByte(UInt8(byte))
        // Resolve assertions at this position.
        scratch.clear()
        for leaf in leaves { scratch.push(leaf) }
        var ready: [Int32] = []
        while let pc = scratch.pop() {
            if scratch.visited(pc) { continue }
            switch program.kinds[Int(pc)] {
            case .split:
                scratch.push(program.out2[Int(pc)])
                scratch.push(program.out[Int(pc)])
            case .assertion:
                let holds: Bool
                switch RegexAssertion(rawValue: UInt8(program.out2[Int(pc)])) {
                case .textStart: holds = atStart
                case .textEnd: holds = byte < 0
                case .wordBoundary: holds = previousIsWord != nextIsWord
                case .notWordBoundary: holds = previousIsWord == nextIsWord
                case nil: holds = false
                }
                if holds { scratch.push(program.out[Int(pc)]) }
            case .match:
                return .matchFound
            case .byteRange:
                ready.append(pc)
            }
        }
        guard byte >= 0 else { return .dead }
        // Consume the byte.
        scratch.clear()
        let value = UInt8(byte)
        for pc in ready where program.low[Int(pc)] <= value && value <= program.high[Int(pc)] {
            scratch.addPending(program.out[Int(pc)], program)
        }
        let next = scratch.sortedLeaves(program)
        if next.isEmpty { return .dead }
        if next.contains(where: { program.kinds[Int($0)] == .match }) { return .matchFound }
        let nextFlags: UInt8 = program.usesWordBoundaries && nextIsWord ? Self.wordFlag : 0
        return .state(next, nextFlags)
    }

    // MARK: - Storage

    private struct StateKey: Hashable {
        var leaves: [Int32]
        var flags: UInt8
    }

    private final class Cache {
        let lock = NSLock()
        var table: UnsafeMutablePointer<Int32>?
        var capacity = 0
        var sets: [[Int32]] = []
        var flags: [UInt8] = []
        var ids: [StateKey: Int32] = [:]
        var start: Int32 = -1
        var flushes = 0
        var fallbacks = 0
        var scratch = Scratch(size: 0)

        func flush() {
            flushes += 1
            sets.removeAll(keepingCapacity: true)
            flags.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            start = -1
            table?.update(repeating: LazyDFA.unknown, count: capacity)
        }
    }

    /// A visited set (sparse set, O(1) clear) and a work stack over instruction indices.
    private struct Scratch {
        private var dense: [Int32]
        private var sparse: [Int32]
        private var used = 0
        private var stack: [Int32] = []

        init(size: Int) {
            dense = [Int32](repeating: 0, count: size)
            sparse = [Int32](repeating: 0, count: size)
        }

        mutating func ensure(_ size: Int) {
            if dense.count < size {
                dense = [Int32](repeating: 0, count: size)
                sparse = [Int32](repeating: 0, count: size)
                used = 0
            }
        }

        mutating func clear() { used = 0 }

        mutating func push(_ pc: Int32) { stack.append(pc) }

        mutating func pop() -> Int32? { stack.popLast() }

        /// Marks `pc` visited; returns whether it already was.
        mutating func visited(_ pc: Int32) -> Bool {
            let slot = Int(sparse[Int(pc)])
            if slot < used && dense[slot] == pc { return true }
            sparse[Int(pc)] = Int32(used)
            dense[used] = pc
            used += 1
            return false
        }

        /// Adds the epsilon closure of `pc` through splits; leaves stop the walk.
        mutating func addPending(_ pc: Int32, _ program: RegexProgram) {
            ensure(program.count)
            stack.append(pc)
            while let current = stack.popLast() {
                if visited(current) { continue }
                if program.kinds[Int(current)] == .split {
                    stack.append(program.out2[Int(current)])
                    stack.append(program.out[Int(current)])
                }
            }
        }

        /// The visited non-split instructions, sorted (the canonical state key).
        func sortedLeaves(_ program: RegexProgram) -> [Int32] {
            var leaves: [Int32] = []
            for index in 0..<used where program.kinds[Int(dense[index])] != .split {
                leaves.append(dense[index])
            }
            leaves.sort()
            return leaves
        }
    }
}
