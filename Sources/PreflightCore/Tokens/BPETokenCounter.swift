import Foundation

/// Counts tokens exactly with a byte-pair encoding tokenizer read from a file: a tiktoken
/// ranks file (`TiktokenFile`) or a Hugging Face `tokenizer.json` with a `BPE` model
/// (`HuggingFaceTokenizerFile`).
///
/// A text is normalized, split into pieces by the pre-tokenizer, and each piece is encoded
/// by the model; special tokens are never produced (plain text only). Piece counts of up to
/// 16 bytes are cached per thread, so repeated words cost a hash lookup.
public final class BPETokenCounter: TokenCounter, @unchecked Sendable {
    public let name: String
    public var isExact: Bool { true }
    let normalizers: [NormalizerStep]
    let preTokenizers: [PreTokenizerStep]
    let model: BytePairModel
    /// Text the pre-tokenizer leaves unmatched is dropped (tiktoken) rather than kept.
    let tiktokenSplit: SplitPattern?
    private let scratch = ThreadLocal { TokenizerScratch() }

    init(
        name: String, normalizers: [NormalizerStep], preTokenizers: [PreTokenizerStep],
        model: BytePairModel, tiktokenSplit: SplitPattern? = nil
    ) {
        self.name = name
        self.normalizers = normalizers
        self.preTokenizers = preTokenizers
        self.model = model
        self.tiktokenSplit = tiktokenSplit
    }

    /// The number of tokens of `text`, without special tokens.
    /// - Complexity: O(n) scanning plus BPE of the pieces not in the thread's cache.
    public func count(_ text: String) -> Int {
        let s = scratch.value
        if text.isEmpty { return 0 }
        if let pattern = tiktokenSplit {
            s.text.reset(text.utf8)
            return countMatches(pattern, s)
        }
        var normalized = text
        for step in normalizers { normalized = step.apply(normalized) }
        s.text.reset(normalized.utf8)
        s.pieces.removeAll(keepingCapacity: true)
        if s.text.count > 0 { s.pieces.append(0..<s.text.count) }
        for step in preTokenizers { step.apply(&s.text, &s.pieces, &s.spare) }
        var total = 0
        for piece in s.pieces {
            let lo = Int(s.text.offsets[piece.lowerBound])
            let hi = Int(s.text.offsets[piece.upperBound])
            total += s.text.bytes.withUnsafeBufferPointer {
                countPiece(UnsafeBufferPointer(rebasing: $0[lo..<hi]), s)
            }
        }
        return total
    }

    /// tiktoken: the pattern's matches are the pieces.
    private func countMatches(_ pattern: SplitPattern, _ s: TokenizerScratch) -> Int {
        let n = s.text.count
        var total = 0
        s.text.scalars.withUnsafeBufferPointer { sc in
            s.text.classes.withUnsafeBufferPointer { c in
                s.text.offsets.withUnsafeBufferPointer { off in
                    s.text.bytes.withUnsafeBufferPointer { bytes in
                        var i = 0
                        while i < n {
                            let e = pattern.match(sc, c, at: i, end: n)
                            if e > i {
                                let piece = UnsafeBufferPointer(
                                    rebasing: bytes[Int(off[i])..<Int(off[e])])
                                total += countPiece(piece, s)
                                i = e
                            } else {
                                i += 1
                            }
                        }
                    }
                }
            }
        }
        return total
    }

    @inline(__always)
    private func countPiece(_ piece: UnsafeBufferPointer<UInt8>, _ s: TokenizerScratch) -> Int {
        if piece.count == 1 && model.byteLevel && model.byteIDs[Int(piece[0])] >= 0 { return 1 }
        guard piece.count <= 16 else { return model.count(piece, scratch: &s.symbols) }
        let (a, b) = PieceCache.pack(piece)
        if let known = s.cache.get(a, b, piece.count) { return known }
        let n = model.count(piece, scratch: &s.symbols)
        s.cache.put(a, b, piece.count, n)
        return n
    }
}

/// Buffers and the piece cache of one thread.
final class TokenizerScratch {
    var text = TokenText()
    var pieces: [Range<Int>] = []
    var spare: [Range<Int>] = []
    var symbols: [Int32] = []
    let cache = PieceCache()
}

/// A value per thread, created on first use (pthread thread-specific data).
final class ThreadLocal<Value: AnyObject>: @unchecked Sendable {
    private var key = pthread_key_t()
    private let make: () -> Value
    /// Every value made, so that `deinit` frees those of threads that are still alive
    /// (`pthread_key_delete` runs no destructor; dispatch's worker threads outlive a counter).
    private var made: [Unmanaged<Value>] = []
    private let lock = NSLock()

    init(_ make: @escaping () -> Value) {
        self.make = make
        pthread_key_create(&key, nil)
    }

    deinit {
        pthread_key_delete(key)
        for value in made { value.release() }
    }

    /// This thread's value.
    var value: Value {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<Value>.fromOpaque(pointer).takeUnretainedValue()
        }
        let created = make()
        let retained = Unmanaged.passRetained(created)
        lock.lock()
        made.append(retained)
        lock.unlock()
        pthread_setspecific(key, retained.toOpaque())
        return created
    }
}

// MARK: - Normalizers

/// A Hugging Face normalizer step.
enum NormalizerStep: Sendable, Equatable {
    case nfc, nfd, nfkc, nfkd, lowercase
    case prepend(String)
    case replace(String, String)
    case strip(left: Bool, right: Bool)

    func apply(_ s: String) -> String {
        switch self {
        case .nfc, .nfd, .nfkc, .nfkd:
            if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
            switch self {
            case .nfc: return s.precomposedStringWithCanonicalMapping
            case .nfd: return s.decomposedStringWithCanonicalMapping
            case .nfkc: return s.precomposedStringWithCompatibilityMapping
            default: return s.decomposedStringWithCompatibilityMapping
            }
        case .lowercase: return s.lowercased()
        case .prepend(let p): return s.isEmpty ? s : p + s
        case .replace(let pattern, let content):
            return pattern.isEmpty ? s : s.replacingOccurrences(of: pattern, with: content)
        case .strip(let left, let right):
            var scalars = Substring(s).unicodeScalars[...]
            if left {
                while let f = scalars.first, f.properties.isWhitespace { scalars.removeFirst() }
            }
            if right {
                while let l = scalars.last, l.properties.isWhitespace { scalars.removeLast() }
            }
            return String(String.UnicodeScalarView(scalars))
        }
    }
}

// MARK: - Pre-tokenizers

/// When Metaspace prepends its replacement character.
enum PrependScheme: String, Sendable {
    case always, first, never
}

/// A Hugging Face pre-tokenizer step over the pieces of a text.
enum PreTokenizerStep: Sendable, Equatable {
    case split(SplitPattern, SplitBehavior, invert: Bool)
    /// Optionally prepends a space, then splits with GPT-2's pattern; the byte-to-character
    /// mapping is the model's byte-level start.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case metaspace(replacement: UInt32, prepend: PrependScheme, split: Bool)

    func apply(_ text: inout TokenText, _ pieces: inout [Range<Int>], _ spare: inout [Range<Int>]) {
        switch self {
        case .split(let pattern, let behavior, let invert):
            spare.removeAll(keepingCapacity: true)
            for piece in pieces {
                pattern.split(text, piece, behavior: behavior, invert: invert, into: &spare)
            }
            swap(&pieces, &spare)
        case .byteLevel(let addPrefixSpace, let useRegex):
            if addPrefixSpace {
                rewrite(&text, &pieces) { index, scalars in
                    if scalars.first != 0x20 { scalars.insert(0x20, at: 0) }
                }
            }
            if useRegex {
                PreTokenizerStep.split(.gpt2, .isolated, invert: false).apply(
                    &text, &pieces, &spare)
            }
        case .metaspace(let replacement, let prepend, let split):
            rewrite(&text, &pieces) { index, scalars in
                for k in scalars.indices where scalars[k] == 0x20 { scalars[k] = replacement }
                let wanted = prepend == .always || (prepend == .first && index == 0)
                if wanted && scalars.first != replacement { scalars.insert(replacement, at: 0) }
            }
            if split {
                PreTokenizerStep.split(.literal([replacement]), .mergedWithNext, invert: false)
                    .apply(&text, &pieces, &spare)
            }
        }
    }

    /// Rebuilds the text from its pieces, each changed by `change(pieceIndex, &scalars)`
    /// (`pieceIndex` is 0 only for a piece at the start of the text).
    private func rewrite(
        _ text: inout TokenText, _ pieces: inout [Range<Int>],
        _ change: (Int, inout [UInt32]) -> Void
    ) {
        var out = TokenText()
        var ranges: [Range<Int>] = []
        var scalars: [UInt32] = []
        for (k, piece) in pieces.enumerated() {
            scalars = Array(text.scalars[piece])
            change(piece.lowerBound == 0 && k == 0 ? 0 : k + 1, &scalars)
            let start = out.bytes.count
            for v in scalars {
                if let u = Unicode.Scalar(v) { out.bytes.append(contentsOf: String(u).utf8) }
            }
            ranges.append(start..<out.bytes.count)
        }
        out.decode()
        // Byte ranges to scalar ranges.
        var byteToScalar: [Int: Int] = [:]
        for (i, o) in out.offsets.enumerated() { byteToScalar[Int(o)] = i }
        pieces = ranges.compactMap { r in
            guard let lo = byteToScalar[r.lowerBound], let hi = byteToScalar[r.upperBound],
                lo < hi
            else { return nil }
            return lo..<hi
        }
        text = out
    }
}
