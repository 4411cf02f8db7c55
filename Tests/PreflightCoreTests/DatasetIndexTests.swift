import Dispatch
import Foundation
import Testing

@testable import PreflightCore

// The helpers lock with `NSLock` (a pthread mutex), as the code under test does. With
// `Synchronization.Mutex` (a futex on Linux, which ThreadSanitizer may not model), one CI run
// under ThreadSanitizer reported the appends below as a race.

/// Counts computations across threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// Collects values across threads.
final class Collected<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.withLock { items.append(item) } }
    var values: [T] { lock.withLock { items } }
}

struct DatasetIndexTests {
    @Test func computesEachKeyOnceUnderConcurrentRequests() {
        let index = DatasetIndex(dataset: sampleDataset(count: 5))
        let counter = Counter()
        let key = IndexKey<[Int]>("lines") { dataset in
            counter.increment()
            Thread.sleep(forTimeInterval: 0.05)  // keep it in flight while others ask
            return dataset.files[0].records.map(\.line)
        }
        let results = Collected<[Int]>()
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            results.append(index.value(key))
        }
        #expect(counter.value == 1)
        #expect(results.values.count == 64)
        #expect(results.values.allSatisfy { $0 == [1, 2, 3, 4, 5] })
        // Later requests are served from the cache.
        #expect(index.value(key) == [1, 2, 3, 4, 5])
        #expect(counter.value == 1)
    }

    @Test func differentKeysAreComputedIndependently() {
        let index = DatasetIndex(dataset: sampleDataset(count: 4))
        let counters = [Counter(), Counter(), Counter()]
        let keys = (0..<3).map { k in
            IndexKey<Int>("key\(k)") { dataset in
                counters[k].increment()
                Thread.sleep(forTimeInterval: 0.01)
                return dataset.files[0].records.count * (k + 1)
            }
        }
        let results = Collected<(Int, Int)>()
        DispatchQueue.concurrentPerform(iterations: 60) { i in
            let k = i % 3
            results.append((k, index.value(keys[k])))
        }
        #expect(counters.map(\.value) == [1, 1, 1])
        #expect(results.values.allSatisfy { $0.1 == 4 * ($0.0 + 1) })
    }

    @Test func aKeyMayReadAnotherKey() {
        let index = DatasetIndex(dataset: sampleDataset(count: 3))
        let base = IndexKey<Int>("count") { $0.files[0].records.count }
        let derived = IndexKey<Int>("double") { _ in index.value(base) * 2 }
        #expect(index.value(derived) == 6)
        #expect(index.value(base) == 3)
    }
}
