import PreflightCore

/// Compares the answers of a group of records that share a prompt, for conflicting_answers.
///
/// Answers (`GenerativeParts`) are normalized (the check's `normalize` plus punctuation
/// removal), deduplicated by hash, and clustered in order of first appearance: each distinct
/// answer joins the first cluster whose first answer it is similar to (Jaccard of shingle
/// sets at or above `max_similarity`), else starts a cluster. At most `maxClusters` clusters
/// are compared against, so a group of thousands of distinct answers costs O(m·k), not
/// O(m²); answers beyond that become clusters of their own, counted as `untracked`.
struct AnswerComparer: Sendable {
    let dataset: Dataset
    let layout: DatasetLayout
    let normalizer: TextNormalizer
    let shingle: ShingleOption
    let maxSimilarity: Double
    let preference: PreferenceComparison

    /// Clusters an answer is compared against, at most.
    static let maxClusters = 20

    init(dataset: Dataset, layout: DatasetLayout, options: ConflictingAnswersCheck.Options) {
        self.dataset = dataset
        self.layout = layout
        normalizer = TextNormalizer(options.normalize + [.punctuation])
        shingle = options.shingle
        maxSimilarity = options.maxSimilarity
        preference = options.preference
    }

    /// One cluster of answers.
    struct Answer: Equatable {
        /// The cluster's first answer as written.
        var text: String
        /// The first record giving it.
        var first: Int32
        /// Records whose answer (for a reversal: chosen or rejected side) is in the cluster.
        var count: Int
    }

    /// What conflicts in a group.
    enum Kind: Equatable {
        /// Two or more answer clusters; `closest` is the highest similarity between the first
        /// answers of two clusters (below `max_similarity`).
        case diverging(closest: Double, scheme: ShingleScheme)
        /// Records prefer answer `preferred` to `over` (`forward`) and others the reverse
        /// (`backward`); `pairs` counts the reversed answer pairs of the group.
        case reversed(preferred: Int, over: Int, forward: [Int32], backward: [Int32], pairs: Int)
    }

    /// A conflict found in a group.
    struct Verdict: Equatable {
        var kind: Kind
        /// Answer clusters in order of first appearance.
        var answers: [Answer]
        /// Clusters at the end of `answers` that were not compared with each other (beyond
        /// `maxClusters`).
        var untracked: Int
        /// Records to relate first: those giving the other answers, or the reversed pairs.
        var involved: [Int32]
    }

    /// The conflicts of a group of records (ascending positions sharing a prompt): one for
    /// SFT-like records, one for preference pairs compared for reversals; nil entries are
    /// dropped. Each comes with the records it compared.
    func assess(_ members: [Int32]) -> [(members: [Int32], verdict: Verdict)] {
        var sft: [Int32] = []
        var pairs: [Int32] = []
        for p in members {
            let shape = dataset.files[layout.file(of: Int(p))].schema.shape
            if shape == .preference && preference == .reversed {
                pairs.append(p)
            } else {
                sft.append(p)
            }
        }
        var out: [(members: [Int32], verdict: Verdict)] = []
        if sft.count >= 2, let verdict = diverging(sft) { out.append((sft, verdict)) }
        if pairs.count >= 2, let verdict = reversed(pairs) { out.append((pairs, verdict)) }
        return out
    }

    // MARK: - Clustering

    /// Distinct normalized answers of a group and their clusters.
    private struct Clusters {
        var ids: [UInt64: Int] = [:]
        var normalized: [String] = []
        var original: [String] = []
        var first: [Int32] = []
        var words: [Int] = []
        /// Cluster of each distinct answer.
        var cluster: [Int] = []
        var answers: [Answer] = []
        var untracked = 0
        var closest = 0.0
        var scheme = ShingleScheme.words(1)
    }

    private func parts(_ p: Int32) -> GenerativeParts? {
        let ref = layout.ref(Int(p))
        let file = dataset.files[Int(ref.file)]
        return GenerativeParts(file.records[Int(ref.record)], shape: file.schema.shape)
    }

    /// Distinct answer ids of `texts` in order, then the clusters of the distinct answers.
    /// - Complexity: O(total answer bytes + d·k·s) for d distinct answers of s shingles.
    private func cluster(_ texts: [(text: String, position: Int32)]) -> (Clusters, [Int]) {
        var c = Clusters()
        var bytes: [UInt8] = []
        var scratch = ShingleScratch()
        var distinct: [Int] = []
        distinct.reserveCapacity(texts.count)
        for (text, position) in texts {
            normalizer.normalize(text, into: &bytes)
            let hash = bytes.withUnsafeBytes { XXH64.hash($0) }
            if let id = c.ids[hash] {
                distinct.append(id)
                continue
            }
            let id = c.normalized.count
            c.ids[hash] = id
            c.normalized.append(String(decoding: bytes, as: UTF8.self))
            c.original.append(text)
            c.first.append(position)
            c.words.append(
                bytes.withUnsafeBufferPointer { Shingler.countWords($0, scratch: &scratch) })
            distinct.append(id)
        }
        var words = c.words
        words.sort()
        c.scheme = shingle.resolved(medianWords: words.isEmpty ? 0 : words[words.count / 2])
        let shingler = Shingler(c.scheme)
        var representatives: [[UInt64]] = []
        for d in c.normalized.indices {
            let set = shingler.shingles(of: c.normalized[d])
            var joined = -1
            var highest = 0.0
            for (k, representative) in representatives.enumerated() {
                let similarity = Shingler.jaccard(set, representative)
                if similarity >= maxSimilarity {
                    joined = k
                    break
                }
                highest = max(highest, similarity)
            }
            if joined >= 0 {
                c.cluster.append(joined)
                continue
            }
            if representatives.count < Self.maxClusters {
                if !representatives.isEmpty { c.closest = max(c.closest, highest) }
                representatives.append(set)
            } else {
                c.untracked += 1
            }
            c.cluster.append(c.answers.count)
            c.answers.append(Answer(text: c.original[d], first: c.first[d], count: 0))
        }
        return (c, distinct.map { c.cluster[$0] })
    }

    // MARK: - Verdicts

    /// SFT-like records: a conflict when their answers form two clusters or more.
    private func diverging(_ members: [Int32]) -> Verdict? {
        let texts = members.compactMap { p in parts(p).map { ($0.target, p) } }
        var (c, clusterOf) = cluster(texts)
        guard c.answers.count >= 2 else { return nil }
        for k in clusterOf { c.answers[k].count += 1 }
        return Verdict(
            kind: .diverging(closest: c.closest, scheme: c.scheme), answers: c.answers,
            untracked: c.untracked, involved: c.answers.dropFirst().map(\.first))
    }

    /// Preference pairs: a conflict when one pair prefers answer A to B and another B to A.
    private func reversed(_ members: [Int32]) -> Verdict? {
        var texts: [(text: String, position: Int32)] = []
        var records: [Int32] = []
        for p in members {
            guard let parts = parts(p), let rejected = parts.rejected else { continue }
            texts += [(parts.target, p), (rejected, p)]
            records.append(p)
        }
        var (c, clusterOf) = cluster(texts)
        for k in clusterOf { c.answers[k].count += 1 }
        // Records per (chosen, rejected) cluster pair, in order of first appearance.
        var orders: [[Int]: [Int32]] = [:]
        for (i, p) in records.enumerated() {
            let chosen = clusterOf[2 * i]
            let rejected = clusterOf[2 * i + 1]
            if chosen != rejected { orders[[chosen, rejected], default: []].append(p) }
        }
        var found: (forward: [Int], backward: [Int])?
        var pairs = 0
        for (order, positions) in orders where order[0] < order[1] {
            guard let reverse = orders[[order[1], order[0]]] else { continue }
            pairs += 1
            let (forward, backward) =
                positions[0] < reverse[0]
                ? (order, [order[1], order[0]]) : ([order[1], order[0]], order)
            if let current = found,
                min(orders[current.forward]![0], orders[current.backward]![0])
                    < min(positions[0], reverse[0])
            {
                continue
            }
            found = (forward, backward)
        }
        guard let found else { return nil }
        let forward = orders[found.forward]!
        let backward = orders[found.backward]!
        return Verdict(
            kind: .reversed(
                preferred: found.forward[0], over: found.forward[1], forward: forward,
                backward: backward, pairs: pairs),
            answers: c.answers, untracked: c.untracked, involved: (forward + backward).sorted())
    }
}
