import Dispatch
import PreflightCore

// MARK: - Layout

/// Flat numbering of every well-formed record of a dataset: files in input order, records in
/// file order. Columns of the index are flat arrays indexed by this position.
struct DatasetLayout: Sendable {
    /// `offsets[f]` is the position of file `f`'s first record; the last entry is the total.
    let offsets: [Int]
    var count: Int { offsets[offsets.count - 1] }

    init(_ dataset: Dataset) {
        var offsets = [0]
        offsets.reserveCapacity(dataset.files.count + 1)
        for file in dataset.files {
            offsets.append(offsets[offsets.count - 1] + file.records.count)
        }
        self.offsets = offsets
    }

    /// The file holding a position (binary search).
    func file(of position: Int) -> Int {
        var lo = 0
        var hi = offsets.count - 2
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if offsets[mid] <= position { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The record reference of a position.
    func ref(_ position: Int) -> RecordRef {
        let f = file(of: position)
        return RecordRef(file: f, record: position - offsets[f])
    }

    /// Positions of the files of one split, in input order.
    func ranges(of split: SplitRole, in dataset: Dataset) -> [Range<Int>] {
        dataset.files.indices.filter { dataset.files[$0].split == split }
            .map { offsets[$0]..<offsets[$0 + 1] }
    }

    /// Walks the positions of `range` file by file: `body` gets the file's index, its records
    /// read in place (no copy, and no retain, of a record or a file per record), the position
    /// of its first record, and the positions of `range` in that file, in order. The shared
    /// loop of every parallel pass over records (a chunk of positions per task).
    func forEachRun(
        in range: Range<Int>, of dataset: Dataset,
        _ body: (
            _ file: Int, _ records: UnsafeBufferPointer<Record>, _ base: Int,
            _ positions: Range<Int>
        ) -> Void
    ) {
        guard !range.isEmpty else { return }
        var f = file(of: range.lowerBound)
        var p = range.lowerBound
        while p < range.upperBound {
            while offsets[f + 1] <= p { f += 1 }
            let stop = min(range.upperBound, offsets[f + 1])
            dataset.files[f].records.withUnsafeBufferPointer { records in
                body(f, records, offsets[f], p..<stop)
            }
            p = stop
        }
    }

    /// The positions of chunk `c` when the layout is cut into chunks of `size` positions.
    func chunk(_ c: Int, size: Int) -> Range<Int> {
        (c * size)..<min(count, (c + 1) * size)
    }
}

// MARK: - Key choice

/// Which text of a record forms a duplicate or leakage key.
public enum KeyField: String, OptionEnum {
    /// `input` for classification and text shapes, `example` for generative shapes.
    case auto
    /// What the model sees (the prompt side of generative examples).
    case input
    /// The whole example, target included.
    case example

    /// The concrete field for a file of `shape`.
    func resolved(for shape: Shape) -> TextField {
        switch self {
        case .auto: shape.isGenerative ? .example : .input
        case .input: .input
        case .example: .example
        }
    }
}

/// A concrete text of a record.
enum TextField: String, Sendable {
    case input, example
}

/// The key each file is hashed on, after resolving `auto` per file's shape.
struct KeySpec: Sendable, Hashable {
    let fields: [TextField]
    let normalizer: TextNormalizer

    init(_ key: KeyField, _ normalization: [Normalization], dataset: Dataset) {
        fields = dataset.files.map { key.resolved(for: $0.schema.shape) }
        normalizer = TextNormalizer(normalization)
    }

    /// A name shared by every check that resolves to the same key, so the index computes it once.
    var name: String {
        let f: String
        if let first = fields.first, fields.allSatisfy({ $0 == first }) {
            f = first.rawValue
        } else {
            f = fields.map { $0 == .input ? "i" : "e" }.joined()
        }
        return "\(f)/\(normalizer.signature)"
    }
}

// MARK: - Index keys

/// Columns shared by the checks of this module, computed once per audit by `DatasetIndex`.
enum ChecksIndex {
    /// Hash of the normalized `field` of every record, flat over `DatasetLayout` positions.
    ///
    /// Shared by exact_duplicates, conflicting_labels and split_leakage.
    /// - Complexity: O(total text bytes), parallel over chunks.
    static func textHashes(_ field: TextField, _ normalizer: TextNormalizer) -> IndexKey<[UInt64]> {
        IndexKey("checks.hash.\(field.rawValue)/\(normalizer.signature)") { dataset in
            hashAll(dataset, field: field, normalizer: normalizer)
        }
    }

    /// The hash per position of `spec`, taking each file's column from its resolved field.
    static func keyHashes(_ spec: KeySpec, in index: DatasetIndex) -> [UInt64] {
        let distinct = Set(spec.fields)
        if distinct.count <= 1 {
            return index.value(textHashes(distinct.first ?? .input, spec.normalizer))
        }
        let layout = index.value(layout)
        let columns = [
            TextField.input: index.value(textHashes(.input, spec.normalizer)),
            TextField.example: index.value(textHashes(.example, spec.normalizer)),
        ]
        var out = [UInt64](repeating: 0, count: layout.count)
        for (f, field) in spec.fields.enumerated() {
            let column = columns[field]!
            for p in layout.offsets[f]..<layout.offsets[f + 1] { out[p] = column[p] }
        }
        return out
    }

    /// The flat layout of the dataset.
    static let layout = IndexKey<DatasetLayout>("checks.layout") { DatasetLayout($0) }

    /// For every split, its record positions sorted by (key hash, position): equal keys form
    /// consecutive runs and each run starts at its first occurrence. Computed once through
    /// `index` and shared by exact_duplicates and conflicting_labels (same default key on
    /// labelled data).
    static func groups(_ spec: KeySpec, in index: DatasetIndex) -> SplitGroups {
        let hashes = keyHashes(spec, in: index)
        let layout = index.value(layout)
        let key = IndexKey<SplitGroups>("checks.groups.\(spec.name)") { dataset in
            SplitGroups(dataset: dataset, layout: layout, hashes: hashes)
        }
        return index.value(key)
    }

    /// Label ids of every record, flat over positions.
    static let labels = IndexKey<LabelColumn>("checks.labels") { LabelColumn($0) }

    // MARK: Hashing

    private static func hashAll(
        _ dataset: Dataset, field: TextField, normalizer: TextNormalizer
    ) -> [UInt64] {
        let layout = DatasetLayout(dataset)
        let total = layout.count
        var out = [UInt64](repeating: 0, count: total)
        guard total > 0 else { return out }
        let chunk = 16_384
        let chunks = (total + chunk - 1) / chunk
        out.withUnsafeMutableBufferPointer { buffer in
            let target = SendableBuffer(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var scratch: [UInt8] = []
                scratch.reserveCapacity(1024)
                let useInput = field == .input
                layout.forEachRun(in: layout.chunk(c, size: chunk), of: dataset) {
                    _, records, base, positions in
                    for q in positions {
                        let record = records[q - base]
                        target.base[q] = normalizer.hash(
                            useInput ? record.input : record.example, scratch: &scratch)
                    }
                }
            }
        }
        return out
    }
}

/// A raw pointer handed to parallel workers that write disjoint ranges.
struct SendableBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

// MARK: - Groups

/// Record positions of each split sorted by key hash, so equal keys are adjacent.
struct SplitGroups: Sendable {
    /// Per split present in the dataset: positions sorted by (hash, position).
    let sorted: [SplitRole: [Int32]]
    /// The key hash per position.
    let hashes: [UInt64]

    init(dataset: Dataset, layout: DatasetLayout, hashes: [UInt64]) {
        self.hashes = hashes
        var sorted: [SplitRole: [Int32]] = [:]
        for split in dataset.splits {
            var positions: [Int32] = []
            for range in layout.ranges(of: split, in: dataset) {
                positions.append(contentsOf: range.lazy.map { Int32($0) })
            }
            // Ascending positions, stably sorted by hash: (hash, position) order.
            sorted[split] = RadixSort.positions(positions, byKeys: hashes)
        }
        self.sorted = sorted
    }

    /// Calls `body` with each run of ≥ `minCount` positions sharing a key, runs in order of
    /// their first position; each run is ascending.
    func runs(in split: SplitRole, minCount: Int = 2, _ body: (ArraySlice<Int32>) -> Void) {
        guard let positions = sorted[split] else { return }
        var collected: [ArraySlice<Int32>] = []
        var i = 0
        while i < positions.count {
            let h = hashes[Int(positions[i])]
            var j = i + 1
            while j < positions.count && hashes[Int(positions[j])] == h { j += 1 }
            if j - i >= minCount { collected.append(positions[i..<j]) }
            i = j
        }
        collected.sort { $0.first! < $1.first! }
        for run in collected { body(run) }
    }

    /// The first position in `split` whose key hash is `hash`, if any (binary search).
    func first(of hash: UInt64, in split: SplitRole) -> Int32? {
        guard let positions = sorted[split] else { return nil }
        var lo = 0
        var hi = positions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if hashes[Int(positions[mid])] < hash { lo = mid + 1 } else { hi = mid }
        }
        return lo < positions.count && hashes[Int(positions[lo])] == hash ? positions[lo] : nil
    }

    /// All positions in `split` whose key hash is `hash`, ascending.
    func all(of hash: UInt64, in split: SplitRole) -> ArraySlice<Int32> {
        guard let positions = sorted[split] else { return [] }
        var lo = 0
        var hi = positions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if hashes[Int(positions[mid])] < hash { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        while end < positions.count && hashes[Int(positions[end])] == hash { end += 1 }
        return positions[lo..<end]
    }
}

// MARK: - Labels

/// Label ids of every record: `ids[position]` indexes `labels` (sorted), -1 for none.
struct LabelColumn: Sendable {
    let labels: [LabelValue]
    let ids: [Int32]
    /// Whether any file has a labelled shape.
    let hasLabelledFiles: Bool

    init(_ dataset: Dataset) {
        var table: [LabelValue: Int32] = [:]
        var raw: [Int32] = []
        raw.reserveCapacity(dataset.files.reduce(0) { $0 + $1.records.count })
        var labelled = false
        for file in dataset.files {
            let hasLabels = file.schema.shape.hasLabels
            labelled = labelled || hasLabels
            for record in file.records {
                guard hasLabels, let label = record.label else {
                    raw.append(-1)
                    continue
                }
                if let id = table[label] {
                    raw.append(id)
                } else {
                    let id = Int32(table.count)
                    table[label] = id
                    raw.append(id)
                }
            }
        }
        let sortedLabels = table.keys.sorted()
        var remap = [Int32](repeating: -1, count: table.count)
        for (new, label) in sortedLabels.enumerated() { remap[Int(table[label]!)] = Int32(new) }
        labels = sortedLabels
        ids = raw.map { $0 < 0 ? -1 : remap[Int($0)] }
        hasLabelledFiles = labelled
    }

    /// Records per label id within the given position ranges.
    func counts(in ranges: [Range<Int>]) -> [Int] {
        var counts = [Int](repeating: 0, count: labels.count)
        for range in ranges {
            for p in range where ids[p] >= 0 { counts[Int(ids[p])] += 1 }
        }
        return counts
    }
}
