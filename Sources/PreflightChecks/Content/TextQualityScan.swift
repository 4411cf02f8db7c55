import Dispatch
import PreflightCore

/// What `text_quality` learns from one parallel pass over the records: the per-record hits,
/// and per position the columns its dataset-level rules read (target prefix and suffix
/// hashes, system-prompt hashes, refusals).
///
/// Texts scanned: the text fields of classification and text records (`DatasetSchema.
/// textFields`, each on its own), every turn of a generative record (`Conversation`) and
/// the rejected side of a preference pair. Records are read in place, in chunks of 4,096
/// positions, with `DispatchQueue.concurrentPerform`; chunk results are merged in order, so
/// the hits are in position order whatever the scheduling.
struct TextQualityScan: Sendable {
    /// A per-record finding before it is worded: one per record and code, at the first text
    /// with the defect.
    struct Hit: Sendable {
        var position: Int32
        var code: TextQualityCode
        /// The field or turn path (`text`, `messages[2]`, `completion`).
        var field: String
        var message: String
    }

    /// Flags per position.
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// The record has a non-blank target.
        static let target = Flags(rawValue: 1 << 0)
        static let refusal = Flags(rawValue: 1 << 1)
        /// The record's turns are messages (chat, ShareGPT, preference lists): it can have a
        /// system prompt.
        static let messages = Flags(rawValue: 1 << 2)
    }

    var hits: [Hit] = []
    var flags: [Flags]
    /// Hash of the first / last `boilerplate_min_words` normalized words of the target; 0
    /// when the target has no more words than that.
    var prefixes: [UInt64]
    var suffixes: [UInt64]
    /// Hash of the system turns' text; 0 without one.
    var systems: [UInt64]

    /// Scans every record of `dataset`.
    /// - Complexity: O(total text bytes), parallel over chunks of records.
    init(_ dataset: Dataset, layout: DatasetLayout, options: TextQualityCheck.Options) {
        let total = layout.count
        flags = [Flags](repeating: [], count: total)
        prefixes = [UInt64](repeating: 0, count: total)
        suffixes = [UInt64](repeating: 0, count: total)
        systems = [UInt64](repeating: 0, count: total)
        guard total > 0 else { return }
        let chunk = 4_096
        let chunks = (total + chunk - 1) / chunk
        var chunkHits = [[Hit]](repeating: [], count: chunks)
        let ignored = Set(options.ignore)
        chunkHits.withUnsafeMutableBufferPointer { hitBuffer in
            flags.withUnsafeMutableBufferPointer { flagBuffer in
                prefixes.withUnsafeMutableBufferPointer { prefixBuffer in
                    suffixes.withUnsafeMutableBufferPointer { suffixBuffer in
                        systems.withUnsafeMutableBufferPointer { systemBuffer in
                            let out = Columns(
                                hits: SendableBuffer(base: hitBuffer.baseAddress!),
                                flags: SendableBuffer(base: flagBuffer.baseAddress!),
                                prefixes: SendableBuffer(base: prefixBuffer.baseAddress!),
                                suffixes: SendableBuffer(base: suffixBuffer.baseAddress!),
                                systems: SendableBuffer(base: systemBuffer.baseAddress!))
                            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                                var scanner = RecordScanner(options: options, ignored: ignored)
                                layout.forEachRun(in: layout.chunk(c, size: chunk), of: dataset) {
                                    f, records, base, positions in
                                    let schema = dataset.files[f].schema
                                    for q in positions {
                                        scanner.scan(
                                            records[q - base], schema: schema, position: q,
                                            into: out)
                                    }
                                }
                                out.hits.base[c] = scanner.hits
                            }
                        }
                    }
                }
            }
        }
        hits = chunkHits.flatMap { $0 }
    }

    /// Where the parallel pass writes (disjoint positions and chunks per task).
    struct Columns: Sendable {
        var hits: SendableBuffer<[Hit]>
        var flags: SendableBuffer<Flags>
        var prefixes: SendableBuffer<UInt64>
        var suffixes: SendableBuffer<UInt64>
        var systems: SendableBuffer<UInt64>
    }
}

// MARK: - One record

/// Scans records one at a time, reusing its buffers.
struct RecordScanner {
    let options: TextQualityCheck.Options
    let ignored: Set<TextQualityCode>
    var hits: [TextQualityScan.Hit] = []
    private var target: [UInt8] = []
    private var prompt: [UInt8] = []

    init(options: TextQualityCheck.Options, ignored: Set<TextQualityCode>) {
        self.options = options
        self.ignored = ignored
    }

    /// The first text of a record with one defect, and how many texts have it.
    private struct FirstDefect {
        var field = ""
        var role: String?
        var text = ""
        var occurrence = TextDefects.Occurrence()
        var texts = 0
        var occurrences = 0
    }

    /// The four per-text defects of a record, in code order.
    private var defects = [FirstDefect](repeating: FirstDefect(), count: 4)

    mutating func scan(
        _ record: Record, schema: DatasetSchema, position: Int, into out: TextQualityScan.Columns
    ) {
        for k in defects.indices { defects[k] = FirstDefect() }
        let p = Int32(position)
        if schema.shape.isGenerative {
            guard let conversation = Conversation(record, shape: schema.shape) else { return }
            for turn in conversation.turns { examine(turn) }
            for turn in conversation.rejected ?? [] { examine(turn) }
            conversationRules(conversation, shape: schema.shape, position: position, into: out)
        } else {
            for field in schema.textFields {
                guard case .string(let text)? = record.value[field] else { continue }
                examine(text, field: field, role: nil)
            }
        }
        for (k, code) in TextQualityCode.textCodes.enumerated() where defects[k].texts > 0 {
            hits.append(
                TextQualityScan.Hit(
                    position: p, code: code, field: defects[k].field,
                    message: Self.message(code, defects[k])))
        }
    }

    private mutating func examine(_ turn: Conversation.Turn) {
        examine(turn.content, field: turn.path, role: turn.message == nil ? nil : turn.role)
    }

    private mutating func examine(_ text: String, field: String, role: String?) {
        let found = TextDefects(text)
        guard !found.isClean else { return }
        let occurrences = [found.mojibake, found.replacement, found.control, found.markup]
        for (k, code) in TextQualityCode.textCodes.enumerated()
        where occurrences[k].count > 0 && !ignored.contains(code) {
            if defects[k].texts == 0 {
                defects[k].field = field
                defects[k].role = role
                defects[k].text = text
                defects[k].occurrence = occurrences[k]
            }
            defects[k].texts += 1
            defects[k].occurrences += occurrences[k].count
        }
    }

    /// Target rules (refusal, copy, boilerplate hashes) and the system prompt.
    private mutating func conversationRules(
        _ conversation: Conversation, shape: Shape, position: Int,
        into out: TextQualityScan.Columns
    ) {
        var flags: TextQualityScan.Flags = []
        let prompt = conversation.turns[..<conversation.promptCount]
        if shape == .chat || shape == .sharegpt
            || conversation.turns.contains(where: { $0.message != nil })
        {
            flags.insert(.messages)
            var system: [UInt8] = []
            for turn in prompt where turn.kind == .system {
                if !system.isEmpty { system.append(0x0A) }
                system.append(contentsOf: turn.content.utf8)
            }
            if !system.isEmpty { out.systems.base[position] = XXH64.hash(system) | 1 }
        }
        defer { out.flags.base[position] = flags }
        guard let answer = conversation.target.last(where: { $0.kind == .assistant }) else {
            return
        }
        let (words, _) = TargetText.normalize(answer.content, into: &target)
        guard words > 0 else { return }
        flags.insert(.target)
        let role = answer.message == nil ? nil : answer.role
        let place = Self.place(answer.path, role)

        if !ignored.contains(.refusal),
            let phrase = TargetText.refusal(target, isShort: words <= options.refusalMaxWords)
        {
            flags.insert(.refusal)
            let starts = target.starts(with: phrase.utf8)
            hits.append(
                TextQualityScan.Hit(
                    position: Int32(position), code: .refusal, field: answer.path,
                    message: "target \(place) is a refusal: "
                        + (starts
                            ? "it starts with '\(phrase)'"
                            : "a short answer (\(Format.count(words, "word"))) with '\(phrase)'")))
        }
        if !ignored.contains(.copiedPrompt),
            let question = prompt.last(where: { $0.kind == .user })
        {
            let (promptWords, _) = TargetText.normalize(question.content, into: &self.prompt)
            let source = Self.place(question.path, question.message == nil ? nil : question.role)
            var copy: String?
            if promptWords > 0, target == self.prompt {
                copy = "equals the prompt \(source) (after whitespace and case normalization)"
            } else if words >= options.copyMinWords, TargetText.contains(self.prompt, target) {
                copy =
                    "is a verbatim copy of \(Format.count(words, "word")) of the prompt \(source)"
                    + " (at or above 'copy_min_words' \(options.copyMinWords))"
            }
            if let copy {
                hits.append(
                    TextQualityScan.Hit(
                        position: Int32(position), code: .copiedPrompt, field: answer.path,
                        message: "target \(place) \(copy)"))
            }
        }
        let n = options.boilerplateMinWords
        if words > n, !ignored.contains(.boilerplate) {
            out.prefixes.base[position] = Self.hash(target, words: n, fromEnd: false)
            out.suffixes.base[position] = Self.hash(target, words: n, fromEnd: true)
        }
    }

    /// Hash of the first or last `words` words of normalized text (never 0).
    static func hash(_ normalized: [UInt8], words: Int, fromEnd: Bool) -> UInt64 {
        normalized.withUnsafeBytes { b -> UInt64 in
            var seen = 0
            if fromEnd {
                var i = b.count
                while i > 0 {
                    i -= 1
                    if b[i] == 0x20 {
                        seen += 1
                        if seen == words {
                            return XXH64.hash(UnsafeRawBufferPointer(rebasing: b[(i + 1)...])) | 1
                        }
                    }
                }
            } else {
                for i in 0..<b.count where b[i] == 0x20 {
                    seen += 1
                    if seen == words {
                        return XXH64.hash(UnsafeRawBufferPointer(rebasing: b[..<i])) | 1
                    }
                }
            }
            return XXH64.hash(b) | 1
        }
    }

    /// "in messages[2] ('assistant')", "in completion".
    static func place(_ field: String, _ role: String?) -> String {
        role.map { "in \(field) ('\($0)')" } ?? "in \(field)"
    }

    // MARK: - Messages

    private static func message(_ code: TextQualityCode, _ d: FirstDefect) -> String {
        let at = place(d.field, d.role)
        let shown = snippet(d.text, d.occurrence)
        var more = ""
        if d.texts > 1 { more = " (and \(Format.count(d.texts - 1, "more text")))" }
        let count = d.occurrences
        switch code {
        case .mojibake:
            let sequence = Format.excerpt(bytes(d.text, d.occurrence), limit: 12)
            return "mojibake \(at): '\(sequence)' is UTF-8 text decoded as Windows-1252, "
                + "\(Format.count(count, "sequence")): '\(shown)'\(more)"
        case .replacementCharacter:
            return "replacement character U+FFFD \(at) (\(Format.count(count, "occurrence"))), "
                + "where bytes could not be decoded: '\(shown)'\(more)"
        case .controlCharacter:
            let scalar = bytes(d.text, d.occurrence).unicodeScalars.first?.value ?? 0
            var hex = String(scalar, radix: 16, uppercase: true)
            while hex.count < 4 { hex = "0" + hex }
            var origin = ""
            if let c = TextDefects.windows1252Character(scalar) {
                origin = " (Windows-1252 '\(c)' read as Latin-1)"
            }
            return "control character U+\(hex)\(origin) \(at) at character "
                + "\(characterIndex(d.text, d.occurrence.offset)) "
                + "(\(Format.count(count, "control character"))): '\(shown)'\(more)"
        case .markupRemnant:
            let markup = Format.excerpt(bytes(d.text, d.occurrence), limit: 40)
            return "markup remnant '\(markup)' \(at) (\(Format.count(count, "occurrence"))): "
                + "'\(shown)'\(more)"
        case .boilerplate, .refusal, .copiedPrompt, .systemPrompts:
            return ""
        }
    }

    /// The defect's own bytes as text.
    private static func bytes(_ text: String, _ o: TextDefects.Occurrence) -> String {
        let utf8 = Array(text.utf8)
        let end = min(utf8.count, o.offset + o.length)
        return String(decoding: utf8[min(o.offset, end)..<end], as: UTF8.self)
    }

    /// The text around the defect: up to 20 bytes before and 40 after, cut at scalar
    /// boundaries, control characters escaped.
    private static func snippet(_ text: String, _ o: TextDefects.Occurrence) -> String {
        let utf8 = Array(text.utf8)
        var start = max(0, o.offset - 20)
        while start > 0, utf8[start] & 0xC0 == 0x80 { start -= 1 }
        var end = min(utf8.count, o.offset + o.length + 40)
        while end < utf8.count, utf8[end] & 0xC0 == 0x80 { end += 1 }
        let body = String(decoding: utf8[start..<end], as: UTF8.self)
        return (start > 0 ? "…" : "") + Format.excerpt(body, limit: 80)
            + (end < utf8.count ? "…" : "")
    }

    /// The 1-based character (scalar) index of a byte offset.
    private static func characterIndex(_ text: String, _ offset: Int) -> Int {
        var n = 1
        for (k, byte) in text.utf8.enumerated() {
            if k >= offset { break }
            if byte & 0xC0 != 0x80 { n += 1 }
        }
        return n
    }
}
