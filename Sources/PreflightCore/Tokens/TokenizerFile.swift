import Foundation

/// A tokenizer file (`--tokenizer FILE`) that cannot be used. The CLI exits with code 3 for
/// `cannotRead` (like an unreadable input) and 2 for `invalid`, before any data is read.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Missing, a folder, permission denied: `reason` says what and what to do.
    case cannotRead(path: String, reason: String)
    /// Read but not usable: a bad line of a ranks file, a component we do not support.
    case invalid(path: String, line: Int?, message: String)

    /// True when the file could not be read at all (exit code 3 rather than 2).
    public var isInputError: Bool {
        if case .cannotRead = self { return true }
        return false
    }

    /// `file:line: error: message`, or `file: error: message`.
    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): error: \(reason)"
        case .invalid(let path, let line, let message):
            return "\(path)\(line.map { ":\($0)" } ?? ""): error: \(message)"
        }
    }
}

/// Loads a tokenizer file, telling the format from the content: a JSON object with a `model`
/// is a Hugging Face `tokenizer.json`; lines of `base64 rank` are a tiktoken ranks file.
/// Nothing is ever downloaded.
public enum TokenizerFile {
    /// Reads and loads the tokenizer at `path`.
    /// - Throws: `TokenizerError.cannotRead` when the file cannot be read, `.invalid` when it
    ///   is not a tokenizer we can count with exactly.
    public static func load(path: String) throws(TokenizerError) -> BPETokenCounter {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .cannotRead(
                path: path,
                reason: "no such file; give the path of a tokenizer.json or .tiktoken file")
        }
        if isFolder.boolValue {
            throw .cannotRead(
                path: path,
                reason:
                    "is a folder; give the tokenizer file itself (tokenizer.json or a .tiktoken ranks file)"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .cannotRead(path: path, reason: "cannot be read; check its permissions")
        }
        return try load(bytes: [UInt8](data), path: path)
    }

    /// Loads a tokenizer already in memory; `path` names it in messages and its name.
    /// - Throws: `TokenizerError.invalid`.
    public static func load(bytes: [UInt8], path: String) throws(TokenizerError) -> BPETokenCounter
    {
        guard
            let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 })
        else {
            throw .invalid(
                path: path, line: nil,
                message: "the file is empty; give a tokenizer.json or a tiktoken ranks file")
        }
        let name = (path as NSString).lastPathComponent
        if first == UInt8(ascii: "{") {
            return try HuggingFaceTokenizerFile.load(bytes: bytes, path: path, name: name)
        }
        return try TiktokenFile.load(bytes: bytes, path: path, name: name)
    }
}

/// A tiktoken ranks file: one token per line, its bytes in base64, a space, its rank.
///
/// The pre-tokenization is chosen by the number of ranks: under 75,000 GPT-2's (r50k_base,
/// p50k_base), under 150,000 cl100k_base's, else o200k_base's.
public enum TiktokenFile {
    /// Parses a ranks file.
    /// - Throws: `TokenizerError.invalid` at the first bad line.
    public static func load(bytes: [UInt8], path: String, name: String) throws(TokenizerError)
        -> BPETokenCounter
    {
        var vocab: [[UInt8]: Int32] = [:]
        var tokens: [([UInt8], Int32)] = []
        var lineNumber = 0
        var start = 0
        let n = bytes.count
        while start < n {
            lineNumber += 1
            var end = start
            while end < n && bytes[end] != 0x0A { end += 1 }
            var stop = end
            if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
            defer { start = end + 1 }
            if stop == start { continue }
            let line = bytes[start..<stop]
            guard let space = line.firstIndex(of: 0x20),
                line[(space + 1)...].firstIndex(of: 0x20) == nil
            else {
                throw .invalid(
                    path: path, line: lineNumber,
                    message:
                        "expected 'BASE64 RANK' (a token's bytes in base64, a space, its rank); this is not a tiktoken ranks file or a tokenizer.json"
                )
            }
            guard let token = Data(base64Encoded: Data(line[..<space])) else {
                throw .invalid(
                    path: path, line: lineNumber,
                    message: "'\(String(decoding: line[..<space], as: UTF8.self))' is not base64")
            }
            let rankText = String(decoding: line[(space + 1)...], as: UTF8.self)
            guard let rank = Int32(rankText), rank >= 0 else {
                throw .invalid(
                    path: path, line: lineNumber,
                    message: "rank '\(rankText)' is not a non-negative integer below 2^31")
            }
            let key = [UInt8](token)
            if key.isEmpty {
                throw .invalid(path: path, line: lineNumber, message: "empty token")
            }
            if vocab.updateValue(rank, forKey: key) != nil {
                throw .invalid(
                    path: path, line: lineNumber,
                    message:
                        "token '\(String(decoding: line[..<space], as: UTF8.self))' is listed twice"
                )
            }
            tokens.append((key, rank))
        }
        var byteIDs = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            guard let id = vocab[[UInt8(b)]] else {
                throw .invalid(
                    path: path, line: nil,
                    message: String(
                        format:
                            "byte 0x%02X has no rank; a tiktoken ranks file has every single byte as a token",
                        b))
            }
            byteIDs[b] = id
        }
        var entries: [(left: Int32, right: Int32, rank: UInt32, merged: Int32)] = []
        entries.reserveCapacity(tokens.count * 2)
        for (key, rank) in tokens where key.count >= 2 {
            for k in 1..<key.count {
                if let l = vocab[Array(key[..<k])], let r = vocab[Array(key[k...])] {
                    entries.append((l, r, UInt32(rank), rank))
                }
            }
        }
        let (pattern, split) =
            tokens.count < 75_000
            ? (SplitPattern.gpt2, "r50k_base")
            : tokens.count < 150_000
                ? (.cl100k(digits: 3), "cl100k_base") : (.o200k, "o200k_base")
        let model = BytePairModel(
            vocab: vocab, merges: PairTable(entries), byteIDs: byteIDs, byteLevel: true,
            ignoreMerges: true, byteFallback: nil, unknown: nil, fuseUnknown: false)
        return BPETokenCounter(
            name:
                "\(name) (tiktoken BPE, \(split) split, \(NumberText.grouped(tokens.count)) ranks)",
            normalizers: [], preTokenizers: [.split(pattern, .isolated, invert: false)],
            model: model, tiktokenSplit: pattern)
    }

}
