import Foundation

/// A column of the index: a name and how to compute it from the dataset.
///
/// Keys are declared where the computation lives (e.g. normalized-text hashes in the
/// checks module), so Core never names a concrete check.
public struct IndexKey<Value: Sendable>: Sendable {
    public let name: String
    public let compute: @Sendable (Dataset) -> Value
    public init(_ name: String, compute: @escaping @Sendable (Dataset) -> Value) {
        self.name = name
        self.compute = compute
    }
}

/// Values derived from the dataset once and shared by every check that needs them
/// (normalized hashes, label ids, duplicate groups, …).
///
/// Each key is computed at most once, on first request; concurrent requests for the same
/// key wait for the first computation.
public final class DatasetIndex: @unchecked Sendable {
    public let dataset: Dataset
    private let lock = NSLock()
    private var values: [String: any Sendable] = [:]
    private var inFlight: [String: NSCondition] = [:]

    public init(dataset: Dataset) { self.dataset = dataset }

    /// The value of `key`, computing it on first use.
    public func value<V: Sendable>(_ key: IndexKey<V>) -> V {
        lock.lock()
        if let cached = values[key.name] {
            lock.unlock()
            guard let typed = cached as? V else {
                preconditionFailure("index key '\(key.name)' used with two value types")
            }
            return typed
        }
        if let waiting = inFlight[key.name] {
            lock.unlock()
            waiting.lock()
            while true {
                lock.lock()
                let done = values[key.name]
                lock.unlock()
                if let done, let typed = done as? V {
                    waiting.unlock()
                    return typed
                }
                waiting.wait()
            }
        }
        let condition = NSCondition()
        inFlight[key.name] = condition
        lock.unlock()

        let computed = key.compute(dataset)

        condition.lock()
        lock.lock()
        values[key.name] = computed
        inFlight[key.name] = nil
        lock.unlock()
        condition.broadcast()
        condition.unlock()
        return computed
    }
}
