import Dispatch

/// Read-only bytes shared with worker threads. The owner keeps them alive for the call.
struct SharedBytes: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let count: Int
}

/// Data-parallel helpers over `DispatchQueue.concurrentPerform`.
enum Parallel {
    /// Units to split work into: enough for load balancing on a few cores, few enough that
    /// per-unit overhead stays negligible.
    static let preferredUnits = 64

    /// Runs `body` for `0..<count` on all cores and returns the results in index order.
    /// - Complexity: O(count) calls, spread over the available cores.
    static func map<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        if count <= 1 { return (0..<count).map(body) }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = UncheckedPointer(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                (out.base.unsafelyUnwrapped + i).initialize(to: body(i))
            }
            initialized = count
        }
    }

    /// Splits `0..<count` into at most `units` contiguous ranges of at least `minimum` items.
    static func ranges(_ count: Int, units: Int = preferredUnits, minimum: Int = 256) -> [Range<
        Int
    >] {
        guard count > 0 else { return [] }
        let n = max(1, min(units, count / max(1, minimum)))
        return (0..<n).map { i in (count * i / n)..<(count * (i + 1) / n) }
    }
}

/// An output pointer written at distinct indices by distinct threads.
private struct UncheckedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>?
}
