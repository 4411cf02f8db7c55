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
/// Sets of patterns (`ByteRegexSet`): the program's match instructions carry pattern indices.
/// A step collects the patterns that match at that position into a mask and drops their match
/// instructions from the next set; the mask belongs to the state the step enters, and the
/// table entries into such *emitting* states are specially encoded, so the scan ORs the mask
/// into its result only when it takes one of them. The scan goes on to the end of the text (or
/// until every pattern has matched). A single pattern is the set of one: its first match ends
/// the search.
///
/// Acceleration: the *idle* state (only the unanchored search loop and the pattern's start
/// in progress) is entered through specially encoded table entries; from it the search jumps
/// with a vector scan to the next byte a match can start with, when those bytes are few.
///
/// Thread safety: the cache is mutable, so the matcher keeps a few caches, each behind its
/// own mutex; a search takes the first free one (`pthread_mutex_trylock`), so concurrent
/// searches on one regex do not wait for each other while caches are free. The caches are
/// held as `Unmanaged` references so the hot path does no reference counting.
final class LazyDFA: @unchecked Sendable {
    let program: RegexProgram
    /// Byte -> byte class; bytes in one class behave the same in every instruction.
    private let classOf: UnsafeMutablePointer<UInt8>
    /// One representative byte per class.
    private let representative: [UInt8]
    /// Columns per state: the byte classes, then the end of the text.
    let stride: Int
    let stateLimit: Int
    private let caches: [Unmanaged<Cache>]
    /// The bit of every pattern of the program.
    let allMask: UInt64
    /// Patterns that match the empty string at the start (so every text); their match
    /// instructions are left out of every state.
    private let alwaysMask: UInt64
    /// Bytes a match can start with, when few: from the idle state (nothing in progress)
    /// the search jumps to the next such byte instead of stepping through the others.
    private let accelerator: ByteSetScanner?
    private let initialLeaves: [Int32]
    private let prefilter: RegexPrefilter

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
        caches = (0..<count).map { _ in Unmanaged.passRetained(Cache()) }
        allMask = program.patternCount == 64 ? ~0 : (1 << UInt64(program.patternCount)) - 1
        var scratch = Scratch(size: program.count)
        scratch.addPending(program.start, program)
        var leaves = scratch.sortedLeaves(program)
        var always: UInt64 = 0
        for leaf in leaves where program.kinds[Int(leaf)] == .match {
            always |= 1 << UInt64(program.out2[Int(leaf)])
        }
        leaves.removeAll { program.kinds[Int($0)] == .match }
        initialLeaves = leaves
        alwaysMask = always
        prefilter = program.prefilter
        accelerator = program.anchoredAtStart ? nil : Self.firstBytes(program)
    }

    /// The bytes a non-empty match can start with, as a scanner, when there are few of them
    /// and the pattern cannot match the empty string (assertions count as passable).
    private static func firstBytes(_ program: RegexProgram) -> ByteSetScanner? {
        var seen = Set<Int32>()
        var stack = [program.patternStart]
        var first = [Bool](repeating: false, count: 256)
        while let pc = stack.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch program.kinds[Int(pc)] {
            case .split:
                stack.append(program.out[Int(pc)])
                stack.append(program.out2[Int(pc)])
            case .assertion:
                stack.append(program.out[Int(pc)])
            case .match:
                return nil
            case .byteRange:
                let lo = program.low[Int(pc)]
                let hi = program.high[Int(pc)]
                if lo <= hi { for byte in lo...hi { first[Int(byte)] = true } }
            }
        }
        let members = first.indices.filter { first[$0] }
        guard !members.isEmpty, members.count <= 96 else { return nil }
        return ByteSetScanner(ranges: members.map { UInt8($0)...UInt8($0) })
    }

    deinit {
        classOf.deallocate()
        for cache in caches { cache.release() }
    }

    /// Flushes and NFA fallbacks across all searches so far (for tests and diagnostics).
    var statistics: (flushes: Int, fallbacks: Int) {
        var flushes = 0
        var fallbacks = 0
        for unmanaged in caches {
            let cache = unmanaged.takeUnretainedValue()
            cache.lock()
            flushes += cache.flushes
            fallbacks += cache.fallbacks
            cache.unlock()
        }
        return (flushes, fallbacks)
    }

    /// True when the program (its only pattern, or any pattern of a set) matches somewhere
    /// in `bytes`.
    func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if alwaysMask != 0 { return true }
        var start = 0
        if let base = bytes.baseAddress {
            guard let first = prefilter.firstStart(base, count: bytes.count) else { return false }
            start = first
        } else if !prefilter.isEmpty {
            return false  // empty text, and every match needs some byte
        }
        if prefilter.isExact { return true }
        return withCache { search(bytes, from: start, cache: $0) } != 0
    }

    /// The patterns of the program that match somewhere in `bytes`: bit `i` for pattern `i`.
    func matchMask(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        if alwaysMask == allMask { return allMask }
        return withCache { search(bytes, from: 0, cache: $0) }
    }

    /// Runs `body` with a free cache, or waits for the first one when all are busy.
    private func withCache(_ body: (Cache) -> UInt64) -> UInt64 {
        for unmanaged in caches {
            let result = unmanaged._withUnsafeGuaranteedRef { cache -> UInt64? in
                guard cache.tryLock() else { return nil }
                defer { cache.unlock() }
                return body(cache)
            }
            if let result { return result }
        }
        return caches[0]._withUnsafeGuaranteedRef { cache in
            cache.lock()
            defer { cache.unlock() }
            return body(cache)
        }
    }

    // MARK: - Search

    /// Table entries below zero.
    private static let unknown: Int32 = -1
    private static let matchFound: Int32 = -2
    private static let dead: Int32 = -3
    /// Entries at or below this encode a transition into a *flagged* state, idle (with an
    /// accelerator) or emitting matches: `flaggedBase - offset`.
    private static let flaggedBase: Int32 = -8

    private static let atStartFlag: UInt8 = 2
    private static let wordFlag: UInt8 = 1

    /// States are table offsets (`id * stride`), so a step is one load and one add. No match
    /// starts before `start`. Returns the mask of the patterns found.
    private func search(_ bytes: UnsafeRawBufferPointer, from start: Int, cache: Cache) -> UInt64 {
        var state = startState(cache)
        let count = bytes.count
        var found = alwaysMask
        let allMask = self.allMask
        guard let base = bytes.baseAddress else { return found | endOfText(cache, state) }
        var flushesSeen = cache.flushes
        var lastFlushOffset = 0
        var badFlushes = 0
        var table = cache.table!
        var offset = 0
        let classOf = self.classOf
        // Nothing can start before `start` or the first byte a match can start with.
        var first = start
        if let accelerator {
            first = accelerator.firstIndex(in: base, from: start, end: count) ?? count
        }
        if first > 0 {
            state = idleState(cache, after: base.load(fromByteOffset: first - 1, as: UInt8.self))
            table = cache.table!
            offset = first
        }
        while offset < count {
            let byteClass = Int(classOf[Int(base.load(fromByteOffset: offset, as: UInt8.self))])
            var next = table[Int(state) &+ byteClass]
            if next < 0 {
                if next == Self.unknown {
                    next = transition(cache, from: state, byteClass: byteClass)
                    if cache.flushes != flushesSeen {
                        // Thrashing: fewer than 4 bytes scanned per state built.
                        if offset - lastFlushOffset < 4 * stateLimit { badFlushes += 1 }
                        lastFlushOffset = offset
                        flushesSeen = cache.flushes
                        if badFlushes >= 2 && (next >= 0 || next <= Self.flaggedBase) {
                            cache.fallbacks += 1
                            let id = Int(next >= 0 ? next : Self.flaggedBase - next) / stride
                            found |= cache.emitted[id]
                            if found == allMask { return found }
                            return simulate(
                                bytes, from: offset + 1, leaves: cache.sets[id],
                                flags: cache.flags[id], found: found)
                        }
                    }
                    table = cache.table!
                }
                if next == Self.matchFound { return allMask }
                if next == Self.dead { return found }
                if next <= Self.flaggedBase {
                    next = Self.flaggedBase - next
                    let id = Int(next) / stride
                    let emitted = cache.emitted[id]
                    if emitted != 0 {
                        found |= emitted
                        if found == allMask { return found }
                    }
                    // Idle after this byte: jump to the next byte a match can start with.
                    if let accelerator, cache.idleStates[id] {
                        let target =
                            accelerator.firstIndex(in: base, from: offset + 1, end: count) ?? count
                        if target > offset + 1 {
                            let previous = base.load(fromByteOffset: target - 1, as: UInt8.self)
                            state = idleState(cache, after: previous)
                            table = cache.table!
                            offset = target
                            continue
                        }
                    }
                }
            }
            state = next
            offset += 1
        }
        return found | endOfText(cache, state)
    }

    /// The patterns that match at the end of the text from `state`.
    private func endOfText(_ cache: Cache, _ state: Int32) -> UInt64 {
        var last = cache.table![Int(state) &+ stride &- 1]
        if last == Self.unknown { last = transition(cache, from: state, byteClass: stride - 1) }
        if last == Self.matchFound { return allMask }
        if last <= Self.flaggedBase { return cache.emitted[Int(Self.flaggedBase - last) / stride] }
        return 0
    }

    /// The idle state (only the search loop and the pattern's start in progress) after `byte`.
    private func idleState(_ cache: Cache, after byte: UInt8) -> Int32 {
        let flags: UInt8 =
            program.usesWordBoundaries && RegexProgram.isWordByte(byte) ? Self.wordFlag : 0
        let known = cache.idle[Int(flags)]
        if known >= 0 { return known }
        let key = StateKey(leaves: initialLeaves, flags: flags, emitted: 0)
        let id = cache.ids[key] ?? addState(cache, key)
        let offset = id * Int32(stride)
        cache.idle[Int(flags)] = offset
        return offset
    }

    private func startState(_ cache: Cache) -> Int32 {
        if cache.start >= 0 { return cache.start }
        cache.start =
            addState(cache, StateKey(leaves: initialLeaves, flags: Self.atStartFlag, emitted: 0))
            * Int32(stride)
        return cache.start
    }

    /// Computes, caches and returns the transition from `state` on `byteClass` (the last
    /// class is the end of the text).
    private func transition(_ cache: Cache, from state: Int32, byteClass: Int) -> Int32 {
        let id = Int(state) / stride
        let leaves = cache.sets[id]
        let flags = cache.flags[id]
        let byte: Int = byteClass == stride - 1 ? -1 : Int(representative[byteClass])
        let result = step(leaves: leaves, flags: flags, byte: byte, scratch: &cache.scratch)
        var target: Int32
        switch result {
        case .matchFound: target = Self.matchFound
        case .dead: target = Self.dead
        case .state(let key):
            let flushesBefore = cache.flushes
            let nextID = cache.ids[key] ?? addState(cache, key)
            target = nextID * Int32(stride)
            if key.emitted != 0 || (accelerator != nil && cache.idleStates[Int(nextID)]) {
                target = Self.flaggedBase - target
            }
            // After a flush `state` no longer exists; do not record the edge.
            if cache.flushes != flushesBefore { return target }
        }
        cache.table![Int(state) + byteClass] = target
        return target
    }

    private func addState(_ cache: Cache, _ key: StateKey) -> Int32 {
        if cache.sets.count >= stateLimit { cache.flush() }
        let id = Int32(cache.sets.count)
        cache.sets.append(key.leaves)
        cache.flags.append(key.flags)
        cache.emitted.append(key.emitted)
        cache.idleStates.append(key.leaves == initialLeaves && key.flags & Self.atStartFlag == 0)
        cache.ids[key] = id
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

    /// NFA simulation (no caching) from `offset` with the given current set; `found`: the
    /// patterns found so far.
    private func simulate(
        _ bytes: UnsafeRawBufferPointer, from offset: Int, leaves: [Int32], flags: UInt8,
        found: UInt64
    )
        -> UInt64
    {
        var scratch = Scratch(size: program.count)
        var leaves = leaves
        var flags = flags
        var found = found
        for index in offset...bytes.count {
            let byte = index == bytes.count ? -1 : Int(bytes[index])
            switch step(leaves: leaves, flags: flags, byte: byte, scratch: &scratch) {
            case .matchFound: return allMask
            case .dead: return found
            case .state(let key):
                found |= key.emitted
                if found == allMask { return found }
                leaves = key.leaves
                flags = key.flags
            }
        }
        return found
    }

    private enum StepResult {
        /// Every pattern matches here.
        case matchFound
        /// Nothing in progress and nothing matched.
        case dead
        /// The next state, with the patterns matched at this step (leaves empty at the end of
        /// the text, or when only matches remain).
        case state(StateKey)
    }

    /// One NFA step: resolve the assertions in `leaves` given the flags and `byte` (-1: end
    /// of text), then consume `byte`. Match instructions met are the step's emitted patterns.
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
        var emitted: UInt64 = 0
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
                emitted |= 1 << UInt64(program.out2[Int(pc)])
            case .byteRange:
                ready.append(pc)
            }
        }
        emitted &= ~alwaysMask
        if emitted == allMask { return .matchFound }
        guard byte >= 0 else {
            return emitted == 0 ? .dead : .state(StateKey(leaves: [], flags: 0, emitted: emitted))
        }
        // Consume the byte.
        scratch.clear()
        let value = UInt8(byte)
        for pc in ready where program.low[Int(pc)] <= value && value <= program.high[Int(pc)] {
            scratch.addPending(program.out[Int(pc)], program)
        }
        var next = scratch.sortedLeaves(program)
        if next.contains(where: { program.kinds[Int($0)] == .match }) {
            for pc in next where program.kinds[Int(pc)] == .match {
                emitted |= 1 << UInt64(program.out2[Int(pc)])
            }
            next.removeAll { program.kinds[Int($0)] == .match }
            emitted &= ~alwaysMask
            if emitted == allMask { return .matchFound }
        }
        if next.isEmpty && emitted == 0 { return .dead }
        let nextFlags: UInt8 = program.usesWordBoundaries && nextIsWord ? Self.wordFlag : 0
        return .state(StateKey(leaves: next, flags: nextFlags, emitted: emitted))
    }

    // MARK: - Storage

    /// A DFA state: the NFA leaves in progress, the flags, and the patterns that matched on
    /// entering it.
    private struct StateKey: Hashable {
        var leaves: [Int32]
        var flags: UInt8
        var emitted: UInt64
    }

    private final class Cache {
        private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
            let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
            return mutex
        }()

        deinit {
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
            table?.deallocate()
        }

        func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }
        func lock() { pthread_mutex_lock(mutex) }
        func unlock() { pthread_mutex_unlock(mutex) }

        var table: UnsafeMutablePointer<Int32>?
        var capacity = 0
        var sets: [[Int32]] = []
        var flags: [UInt8] = []
        /// Patterns matched on entering each state.
        var emitted: [UInt64] = []
        /// Whether each state is an idle state (only the search loop in progress).
        var idleStates: [Bool] = []
        var ids: [StateKey: Int32] = [:]
        var start: Int32 = -1
        /// Idle state offsets by flags (previous byte not a word byte, a word byte); -1: none.
        var idle = SIMD2<Int32>(-1, -1)
        var flushes = 0
        var fallbacks = 0
        var scratch = Scratch(size: 0)

        func flush() {
            flushes += 1
            sets.removeAll(keepingCapacity: true)
            flags.removeAll(keepingCapacity: true)
            emitted.removeAll(keepingCapacity: true)
            idleStates.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            start = -1
            idle = SIMD2(-1, -1)
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
