import Foundation

/// A Hugging Face `tokenizer.json` with a `BPE` model.
///
/// Supported: `model.vocab`, `model.merges` (`"a b"` strings or `["a", "b"]` pairs),
/// `byte_fallback`, `ignore_merges`, `unk_token`, `fuse_unk`; normalizers `NFC`, `NFD`,
/// `NFKC`, `NFKD`, `Lowercase`, `Prepend`, `Replace` (string patterns), `Strip`, `ByteLevel`
/// and `Sequence`; pre-tokenizers `ByteLevel` (GPT-2's split), `Metaspace`, `Split` (string
/// patterns and the common regexes of `SplitPattern.known`), `Digits`, `WhitespaceSplit`
/// and `Sequence`. Anything else is an error naming the component, never a wrong count.
/// Added tokens and the post-processor are ignored: counts are of plain text without
/// special tokens.
public enum HuggingFaceTokenizerFile {
    /// Parses a `tokenizer.json`.
    /// - Throws: `TokenizerError.invalid` naming the file and the component.
    public static func load(bytes: [UInt8], path: String, name: String) throws(TokenizerError)
        -> BPETokenCounter
    {
        func fail(_ message: String) -> TokenizerError {
            .invalid(path: path, line: nil, message: message)
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw fail(
                "not valid JSON (\(error.localizedDescription)); give a tokenizer.json or a tiktoken ranks file"
            )
        }
        guard let root = parsed as? [String: Any] else {
            throw fail("expected a JSON object with a 'model'")
        }
        guard let model = root["model"] as? [String: Any] else {
            throw fail("no 'model' object: this is not a Hugging Face tokenizer.json")
        }
        let type = model["type"] as? String ?? (model["merges"] != nil ? "BPE" : "?")
        guard type == "BPE" else {
            throw fail(
                "model type '\(type)' is not supported; only 'BPE' models can be counted exactly (without --tokenizer counts are estimates)"
            )
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let v = model[key] as? String, !v.isEmpty {
                throw fail("model option '\(key)' (\"\(v)\") is not supported")
            }
        }
        if let d = number(model["dropout"]), d > 0 {
            throw fail("model option 'dropout' (\(d)) is not supported: counts would be random")
        }

        // Normalizer and pre-tokenizer first: they decide whether the vocabulary is byte-level.
        var byteLevel = false
        let normalizers = try normalizerSteps(root["normalizer"], byteLevel: &byteLevel, fail)
        let preTokenizers = try preTokenizerSteps(
            root["pre_tokenizer"], byteLevel: &byteLevel, fail)

        guard let rawVocab = model["vocab"] as? [String: Any] else {
            throw fail("model has no 'vocab' object")
        }
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(rawVocab.count)
        var vocab: [[UInt8]: Int32] = [:]
        vocab.reserveCapacity(rawVocab.count)
        let decode = ByteLevelAlphabet.decode
        for (token, value) in rawVocab {
            guard let id = number(value), id >= 0, id < Double(Int32.max), id == id.rounded() else {
                throw fail("vocab entry '\(token)' has no integer id")
            }
            ids[token] = Int32(id)
            if byteLevel {
                if let bytes = decode(token) { vocab[bytes] = Int32(id) }
            } else {
                vocab[Array(token.utf8)] = Int32(id)
            }
        }
        var byteIDs = [Int32](repeating: -1, count: 256)
        if byteLevel {
            for b in 0..<256 { byteIDs[b] = vocab[[UInt8(b)]] ?? -1 }
        }

        guard let rawMerges = model["merges"] as? [Any] else {
            throw fail("model has no 'merges' list")
        }
        var entries: [(left: Int32, right: Int32, rank: UInt32, merged: Int32)] = []
        entries.reserveCapacity(rawMerges.count)
        for (rank, item) in rawMerges.enumerated() {
            var pair: [String] = []
            if let s = item as? String {
                pair = s.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else if let a = item as? [Any] {
                pair = a.compactMap { $0 as? String }
                if pair.count != a.count { pair = [] }
            }
            guard pair.count == 2 else {
                throw fail("merge \(rank + 1) is not 'a b' or [\"a\", \"b\"]")
            }
            guard let l = ids[pair[0]], let r = ids[pair[1]] else {
                let missing = ids[pair[0]] == nil ? pair[0] : pair[1]
                throw fail(
                    "merge \(rank + 1) ('\(pair[0])', '\(pair[1])') uses '\(missing)', which is not in the vocabulary"
                )
            }
            guard let m = ids[pair[0] + pair[1]] else {
                throw fail(
                    "merge \(rank + 1) ('\(pair[0])', '\(pair[1])') makes '\(pair[0] + pair[1])', which is not in the vocabulary"
                )
            }
            entries.append((l, r, UInt32(rank), m))
        }

        var fallback: [Int32]? = nil
        if model["byte_fallback"] as? Bool == true {
            var table = [Int32](repeating: -1, count: 256)
            for b in 0..<256 { table[b] = ids[String(format: "<0x%02X>", b)] ?? -1 }
            fallback = table
        }
        let unknown = (model["unk_token"] as? String).flatMap { ids[$0] }
        let bpe = BytePairModel(
            vocab: vocab, merges: PairTable(entries), byteIDs: byteIDs, byteLevel: byteLevel,
            ignoreMerges: model["ignore_merges"] as? Bool == true, byteFallback: fallback,
            unknown: unknown, fuseUnknown: model["fuse_unk"] as? Bool == true)
        return BPETokenCounter(
            name: "\(name) (Hugging Face BPE, \(NumberText.grouped(ids.count)) tokens)",
            normalizers: normalizers, preTokenizers: preTokenizers, model: bpe)
    }

    private static func number(_ value: Any?) -> Double? {
        // On Linux an NSNumber of 0 or 1 also casts to Bool: do not test for booleans.
        (value as? NSNumber)?.doubleValue
    }

    private static func normalizerSteps(
        _ value: Any?, byteLevel: inout Bool, _ fail: (String) -> TokenizerError
    ) throws(TokenizerError) -> [NormalizerStep] {
        guard let value, !(value is NSNull) else { return [] }
        guard let object = value as? [String: Any], let type = object["type"] as? String else {
            throw fail("normalizer is not an object with a 'type'")
        }
        switch type {
        case "NFC": return [.nfc]
        case "NFD": return [.nfd]
        case "NFKC": return [.nfkc]
        case "NFKD": return [.nfkd]
        case "Lowercase": return [.lowercase]
        case "ByteLevel":
            byteLevel = true
            return []
        case "Prepend":
            guard let p = object["prepend"] as? String else {
                throw fail("normalizer 'Prepend' has no 'prepend' string")
            }
            return [.prepend(p)]
        case "Strip":
            return [
                .strip(
                    left: object["strip_left"] as? Bool ?? true,
                    right: object["strip_right"] as? Bool ?? true)
            ]
        case "Replace":
            guard let pattern = object["pattern"] as? [String: Any],
                let content = object["content"] as? String
            else { throw fail("normalizer 'Replace' needs a 'pattern' and a 'content'") }
            guard let literal = pattern["String"] as? String else {
                throw fail(
                    "normalizer 'Replace' with a regex pattern (\(pattern["Regex"] as? String ?? "?")) is not supported; only string patterns are"
                )
            }
            return [.replace(literal, content)]
        case "Sequence":
            guard let list = object["normalizers"] as? [Any] else {
                throw fail("normalizer 'Sequence' has no 'normalizers' list")
            }
            var steps: [NormalizerStep] = []
            for item in list { steps += try normalizerSteps(item, byteLevel: &byteLevel, fail) }
            return steps
        default:
            throw fail(
                "normalizer '\(type)' is not supported; supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, ByteLevel, Sequence (without --tokenizer counts are estimates)"
            )
        }
    }

    private static func preTokenizerSteps(
        _ value: Any?, byteLevel: inout Bool, _ fail: (String) -> TokenizerError
    ) throws(TokenizerError) -> [PreTokenizerStep] {
        guard let value, !(value is NSNull) else { return [] }
        guard let object = value as? [String: Any], let type = object["type"] as? String else {
            throw fail("pre_tokenizer is not an object with a 'type'")
        }
        switch type {
        case "ByteLevel":
            byteLevel = true
            return [
                .byteLevel(
                    addPrefixSpace: object["add_prefix_space"] as? Bool ?? true,
                    useRegex: object["use_regex"] as? Bool ?? true)
            ]
        case "Metaspace":
            let replacement =
                (object["replacement"] as? String)?.unicodeScalars.first?.value ?? 0x2581
            var scheme = PrependScheme.always
            if let s = object["prepend_scheme"] as? String {
                guard let p = PrependScheme(rawValue: s) else {
                    throw fail("pre_tokenizer 'Metaspace' has an unknown prepend_scheme '\(s)'")
                }
                scheme = p
            } else if object["add_prefix_space"] as? Bool == false {
                scheme = .never
            }
            return [
                .metaspace(
                    replacement: replacement, prepend: scheme,
                    split: object["split"] as? Bool ?? true)
            ]
        case "Split":
            let behaviorName = object["behavior"] as? String ?? "Isolated"
            guard let behavior = SplitBehavior(rawValue: behaviorName) else {
                throw fail("pre_tokenizer 'Split' has an unknown behavior '\(behaviorName)'")
            }
            let invert = object["invert"] as? Bool ?? false
            guard let pattern = object["pattern"] as? [String: Any] else {
                throw fail("pre_tokenizer 'Split' has no 'pattern'")
            }
            if let literal = pattern["String"] as? String {
                return [
                    .split(.literal(literal.unicodeScalars.map(\.value)), behavior, invert: invert)
                ]
            }
            let regex = pattern["Regex"] as? String ?? ""
            guard let known = SplitPattern.known[regex] else {
                throw fail(
                    "pre_tokenizer 'Split' with the regex '\(regex)' is not supported; supported: the GPT-2, cl100k_base, o200k_base, Llama 3, Qwen2 and DeepSeek splits and \\p{N} runs"
                )
            }
            return [.split(known, behavior, invert: invert)]
        case "Digits":
            let individual = object["individual_digits"] as? Bool ?? false
            return [.split(.numbers(1), individual ? .isolated : .contiguous, invert: false)]
        case "WhitespaceSplit":
            return [.split(.spaces, .removed, invert: false)]
        case "Sequence":
            guard let list = object["pretokenizers"] as? [Any] else {
                throw fail("pre_tokenizer 'Sequence' has no 'pretokenizers' list")
            }
            var steps: [PreTokenizerStep] = []
            for item in list { steps += try preTokenizerSteps(item, byteLevel: &byteLevel, fail) }
            return steps
        default:
            throw fail(
                "pre_tokenizer '\(type)' is not supported; supported: ByteLevel, Metaspace, Split, Digits, WhitespaceSplit, Sequence (without --tokenizer counts are estimates)"
            )
        }
    }
}

/// GPT-2's mapping of bytes to printable characters, used by byte-level vocabularies.
enum ByteLevelAlphabet {
    /// The character of each byte.
    static let characters: [UInt32] = {
        var kept = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var chars = kept.map { UInt32($0) }
        var extra: UInt32 = 0
        for b in 0..<256 where !kept.contains(b) {
            kept.append(b)
            chars.append(256 + extra)
            extra += 1
        }
        var out = [UInt32](repeating: 0, count: 256)
        for (b, c) in zip(kept, chars) { out[b] = c }
        return out
    }()

    /// Character → byte.
    static let bytes: [UInt32: UInt8] = {
        var out: [UInt32: UInt8] = [:]
        for (b, c) in characters.enumerated() { out[c] = UInt8(b) }
        return out
    }()

    /// The bytes a vocabulary string stands for; nil when it has a character outside the
    /// alphabet.
    static func decode(_ token: String) -> [UInt8]? {
        var out: [UInt8] = []
        for s in token.unicodeScalars {
            guard let b = bytes[s.value] else { return nil }
            out.append(b)
        }
        return out
    }
}
