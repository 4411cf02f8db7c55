/// Encoding and markup defects of one text, found in one pass over its UTF-8 bytes: the
/// per-text half of `text_quality`.
///
/// Rules (documented in the README's "Text quality" section):
/// - **mojibake**: UTF-8 text that was decoded as Windows-1252 (or Latin-1) and encoded again,
///   so each byte of a multi-byte character became a character of its own: `é` (C3 A9)
///   became `Ã©`, `’` (E2 80 99) became `â€™`, `ü` became `Ã¼`, a no-break space `Â `. The
///   scanner looks for the image of a UTF-8 lead byte, a scalar in U+00C2…U+00F4, followed by
///   the images of the continuation bytes that lead needs (one for U+00C2…U+00DF, two for
///   U+00E0…U+00EF, three for U+00F0…U+00F4). The image of a continuation byte (0x80…0xBF) is
///   U+0080…U+00BF, or for 0x80…0x9F one of the 27 characters Windows-1252 puts there (`€`,
///   `‚`, `ƒ`, `„`, `…`, `†`, `‡`, `ˆ`, `‰`, `Š`, `‹`, `Œ`, `Ž`, `‘`, `’`, `“`, `”`, `•`, `–`,
///   `—`, `˜`, `™`, `š`, `›`, `œ`, `ž`, `Ÿ`). `â€` followed by anything counts too (the third
///   byte of `”`, 0x9D, has no Windows-1252 character and is often dropped).
///
///   Legitimate text rarely has such pairs: the lead images U+00C2…U+00DF are capital letters
///   (`Â`…`Þ`, plus `×` and `ß`), which Portuguese, French and German write before letters,
///   not before these symbols. What they can precede is closing punctuation (`CAFÉ’S`,
///   German `Gruß“`, French `CAFÉ !` with a no-break space, `»Spaß«`), so a two-scalar
///   sequence whose second scalar is word-boundary punctuation (`‚ „ … ‹ › ‘ ’ “ ” • – — « »
///   ·` and the no-break space) counts only when its lead is `Â` (never a word's last letter)
///   or is a capital letter right after an ASCII lowercase letter (a capital inside a
///   lowercase word: `voilÃ `, `sÃ»r`); longer sequences count unless every follower is such punctuation (`é…»`).
///   Missed: `Ã“`-style images of `Ó Ô Ö Ò ×` at the start of a word.
/// - **replacement_character**: U+FFFD, left where a decoder met bytes it could not read.
/// - **control_character**: C0 controls except tab, line feed and carriage return (NUL
///   included), DEL (U+007F) and the C1 controls U+0080…U+009F. (A C1 control inside a
///   mojibake sequence is both.)
/// - **markup_remnant**: an HTML tag or entity outside code. A tag is `<`, an optional `/`,
///   a known HTML element name (`br`, `p`, `div`, `span`, `a`, `b`, `i`, `li`, `td`, `h1`…,
///   any case), then `>`, `/>`, or whitespace and attributes that include `name="…"` (or
///   `'…'`), and a `>` on the same line within 256 bytes. So `a < b`, `x<y>`, `List<T>` and
///   `if a<b and b>c` are not tags. An entity is `&name;` with a known entity name (`nbsp`,
///   `amp`, `lt`, `gt`, `quot`, `apos`, `mdash`, `hellip`, `rsquo`, …) or a numeric
///   reference `&#39;`, `&#x27;`. Code is skipped: text between ``` fences, and within a line
///   between single backticks.
struct TextDefects: Sendable, Equatable {
    /// Occurrences (mojibake: sequences) of each defect, and the byte offset and length of
    /// the first.
    struct Occurrence: Sendable, Equatable {
        var count = 0
        var offset = 0
        var length = 0

        mutating func record(_ offset: Int, _ length: Int) {
            if count == 0 {
                self.offset = offset
                self.length = length
            }
            count += 1
        }
    }

    var mojibake = Occurrence()
    var replacement = Occurrence()
    var control = Occurrence()
    var markup = Occurrence()

    var isClean: Bool {
        mojibake.count == 0 && replacement.count == 0 && control.count == 0 && markup.count == 0
    }

    /// The defects of `text`.
    init(_ text: String) {
        var text = text
        self = text.withUTF8 { TextDefects(bytes: $0) }
    }

    init() {}

    // MARK: - Scan

    @inline(__always) private static func hasZeroByte(_ v: UInt64) -> UInt64 {
        (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }

    /// The defects of valid UTF-8 bytes (a `String`'s). Bytes are read once; eight ASCII bytes
    /// at a time while none can start a defect or code (`< & \` `, controls, DEL, non-ASCII).
    /// - Complexity: O(n) in the UTF-8 length; no allocation.
    init(bytes b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        guard n > 0, let base = b.baseAddress else { return }
        var i = 0
        var inFence = false
        var inInline = false
        while i < n {
            // Fast path: skip words of plain ASCII (no control, DEL, '<', '&', '`').
            while i &+ 8 <= n {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                var m = w & 0x8080_8080_8080_8080
                m |= (w &- 0x2020_2020_2020_2020) & ~w & 0x8080_8080_8080_8080
                m |= Self.hasZeroByte(w ^ 0x3C3C_3C3C_3C3C_3C3C)
                m |= Self.hasZeroByte(w ^ 0x2626_2626_2626_2626)
                m |= Self.hasZeroByte(w ^ 0x6060_6060_6060_6060)
                m |= Self.hasZeroByte(w ^ 0x7F7F_7F7F_7F7F_7F7F)
                if m != 0 { break }
                i &+= 8
            }
            guard i < n else { break }
            let c = base[i]
            if c < 0x80 {
                switch c {
                case 0x0A:
                    inInline = false
                case 0x09, 0x0D:
                    break
                case 0x00..<0x20, 0x7F:
                    control.record(i, 1)
                case 0x60:
                    var run = 1
                    while i + run < n, base[i + run] == 0x60 { run += 1 }
                    if run >= 3 {
                        inFence.toggle()
                        inInline = false
                    } else if !inFence {
                        inInline.toggle()
                    }
                    i += run
                    continue
                case 0x3C where !inFence && !inInline:
                    if let length = Self.tagLength(base, i, n) {
                        markup.record(i, length)
                        i += length
                        continue
                    }
                case 0x26 where !inFence && !inInline:
                    if let length = Self.entityLength(base, i, n) {
                        markup.record(i, length)
                        i += length
                        continue
                    }
                default:
                    break
                }
                i += 1
                continue
            }
            let length = Self.sequenceLength(c)
            if c == 0xC2, i + 1 < n, base[i + 1] <= 0x9F {
                control.record(i, 2)
            } else if c == 0xEF, i + 2 < n, base[i + 1] == 0xBF, base[i + 2] == 0xBD {
                replacement.record(i, 3)
            } else if c == 0xC3, i + 1 < n, (0x82...0xB4).contains(base[i + 1]) {
                if let end = Self.mojibakeEnd(base, i, n) {
                    mojibake.record(i, end - i)
                    i = end
                    continue
                }
            }
            i += length
        }
    }

    /// The UTF-8 length of a sequence from its lead byte (1 for a stray continuation byte).
    @inline(__always) static func sequenceLength(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    // MARK: - Mojibake

    /// Windows-1252 characters at 0x80…0x9F as (UTF-8 bytes, original byte); 0x81, 0x8D,
    /// 0x8F, 0x90 and 0x9D have none (their image is the C1 control U+0080…U+009F).
    private static let windows1252: [(bytes: [UInt8], byte: UInt8)] = [
        ([0xE2, 0x82, 0xAC], 0x80), ([0xE2, 0x80, 0x9A], 0x82), ([0xC6, 0x92], 0x83),
        ([0xE2, 0x80, 0x9E], 0x84), ([0xE2, 0x80, 0xA6], 0x85), ([0xE2, 0x80, 0xA0], 0x86),
        ([0xE2, 0x80, 0xA1], 0x87), ([0xCB, 0x86], 0x88), ([0xE2, 0x80, 0xB0], 0x89),
        ([0xC5, 0xA0], 0x8A), ([0xE2, 0x80, 0xB9], 0x8B), ([0xC5, 0x92], 0x8C),
        ([0xC5, 0xBD], 0x8E), ([0xE2, 0x80, 0x98], 0x91), ([0xE2, 0x80, 0x99], 0x92),
        ([0xE2, 0x80, 0x9C], 0x93), ([0xE2, 0x80, 0x9D], 0x94), ([0xE2, 0x80, 0xA2], 0x95),
        ([0xE2, 0x80, 0x93], 0x96), ([0xE2, 0x80, 0x94], 0x97), ([0xCB, 0x9C], 0x98),
        ([0xE2, 0x84, 0xA2], 0x99), ([0xC5, 0xA1], 0x9A), ([0xE2, 0x80, 0xBA], 0x9B),
        ([0xC5, 0x93], 0x9C), ([0xC5, 0xBE], 0x9E), ([0xC5, 0xB8], 0x9F),
    ]

    /// The Windows-1252 character of a C1 control's byte (U+0092 → `’`), when it has one: a
    /// C1 control in text usually is that character decoded as Latin-1.
    static func windows1252Character(_ scalar: UInt32) -> String? {
        guard (0x80...0x9F).contains(scalar),
            let entry = windows1252.first(where: { UInt32($0.byte) == scalar })
        else { return nil }
        return String(decoding: entry.bytes, as: UTF8.self)
    }

    /// Original bytes whose image is punctuation that may follow a word's last letter.
    private static func isBoundaryPunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x82, 0x84, 0x85, 0x8B, 0x91...0x97, 0x9B, 0xA0, 0xAB, 0xB7, 0xBB: true
        default: false
        }
    }

    /// The continuation byte (0x80…0xBF) whose Windows-1252/Latin-1 image starts at `i`, and
    /// the image's UTF-8 length.
    @inline(__always) private static func continuationImage(
        _ base: UnsafePointer<UInt8>, _ i: Int, _ n: Int
    ) -> (byte: UInt8, length: Int)? {
        guard i + 1 < n else { return nil }
        let c = base[i]
        if c == 0xC2 {
            let d = base[i + 1]
            return d <= 0xBF ? (d, 2) : nil
        }
        guard c == 0xC5 || c == 0xC6 || c == 0xCB || c == 0xE2 else { return nil }
        for entry in windows1252 where entry.bytes[0] == c {
            let k = entry.bytes.count
            guard i + k <= n else { continue }
            var same = true
            for j in 1..<k where base[i + j] != entry.bytes[j] {
                same = false
                break
            }
            if same { return (entry.byte, k) }
        }
        return nil
    }

    /// The end of the mojibake sequence whose lead image (`C3 xx`, U+00C2…U+00F4) starts at
    /// `i`, or nil when what follows is not (or may legitimately be) continuation images.
    private static func mojibakeEnd(_ base: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        let lead = base[i + 1] &+ 0x40  // the original lead byte: C3 82 is U+00C2, 0xC2
        let needed = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3
        var j = i + 2
        var allBoundary = true
        var firstByte: UInt8 = 0
        for k in 0..<needed {
            guard let image = continuationImage(base, j, n) else {
                // `â€` alone: the third byte of a right quote (0x9D) is often lost.
                if k == 1, lead == 0xE2, firstByte == 0x80 { return j }
                return nil
            }
            if k == 0 {
                firstByte = image.byte
                // UTF-8 limits the second byte after E0, ED, F0 and F4.
                switch lead {
                case 0xE0 where image.byte < 0xA0, 0xED where image.byte > 0x9F,
                    0xF0 where image.byte < 0x90, 0xF4 where image.byte > 0x8F:
                    return nil
                default: break
                }
            }
            if !isBoundaryPunctuation(image.byte) { allBoundary = false }
            j += image.length
        }
        if allBoundary {
            // A capital letter (not `ß`, not `×`) right after a lowercase one.
            let capitalInWord =
                needed == 1 && lead != 0xDF && lead != 0xD7 && i > 0
                && (0x61...0x7A).contains(base[i - 1])
            guard lead == 0xC2 || capitalInWord else { return nil }
        }
        return j
    }

    // MARK: - Markup

    /// HTML element names recognised in tags (lowercase).
    static let tagNames: Set<[UInt8]> = Set(
        """
        a abbr address article aside audio b big blockquote body br button caption center cite \
        code col colgroup dd del div dl dt em figcaption figure font footer form h1 h2 h3 h4 h5 \
        h6 head header hr html i iframe img input ins label li link main meta nav noscript ol \
        option p pre q s script section select small source span strike strong style sub sup \
        table tbody td textarea tfoot th thead title tr tt u ul video wbr
        """.split(separator: " ").map { Array($0.utf8) })

    /// Named entities recognised (case-sensitive, as HTML writes them).
    static let entityNames: Set<[UInt8]> = Set(
        """
        nbsp amp lt gt quot apos mdash ndash hellip rsquo lsquo rdquo ldquo laquo raquo copy \
        reg trade deg middot bull eacute egrave agrave aacute iacute oacute uacute ouml uuml \
        auml Ouml Uuml Auml Eacute szlig ccedil ntilde iexcl iquest euro pound cent yen sect \
        para times divide frac12 frac14 frac34 shy zwj zwnj thinsp ensp emsp lrm rlm
        """.split(separator: " ").map { Array($0.utf8) })

    @inline(__always) private static func isLetter(_ c: UInt8) -> Bool {
        (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
    }

    @inline(__always) private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0D
    }

    /// The length of the HTML tag starting at `i` (a `<`), or nil when it is not one.
    static func tagLength(_ base: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        var j = i + 1
        if j < n, base[j] == 0x2F { j += 1 }
        let nameStart = j
        var name: [UInt8] = []
        while j < n, j - nameStart < 11, isLetter(base[j]) || (0x30...0x39).contains(base[j]) {
            name.append(base[j] | (isLetter(base[j]) ? 0x20 : 0))
            j += 1
        }
        guard !name.isEmpty, isLetter(name[0]), j < n, tagNames.contains(name) else {
            return nil
        }
        if base[j] == 0x3E { return j + 1 - i }
        if base[j] == 0x2F { return j + 1 < n && base[j + 1] == 0x3E ? j + 2 - i : nil }
        guard isSpace(base[j]) else { return nil }
        // Attributes: up to '>' on the same line, with at least one `name="` or `name='`.
        var sawAttribute = false
        var k = j
        let limit = min(n, i + 256)
        while k < limit {
            let c = base[k]
            if c == 0x3E {
                // `<br />`, `</div >`: nothing but spaces (and a final `/`) before the `>`.
                let end = base[k - 1] == 0x2F ? k - 1 : k
                return sawAttribute || j + countSpaces(base, j, end) == end ? k + 1 - i : nil
            }
            if c == 0x0A || c == 0x3C { return nil }
            if c == 0x3D, k + 1 < n, base[k + 1] == 0x22 || base[k + 1] == 0x27,
                k > j, isLetter(base[k - 1])
            {
                sawAttribute = true
            }
            k += 1
        }
        return nil
    }

    /// Spaces from `j` up to `end`.
    private static func countSpaces(_ base: UnsafePointer<UInt8>, _ j: Int, _ end: Int) -> Int {
        var k = j
        while k < end, isSpace(base[k]) { k += 1 }
        return k - j
    }

    /// The length of the HTML entity starting at `i` (a `&`), or nil when it is not one.
    static func entityLength(_ base: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        var j = i + 1
        guard j < n else { return nil }
        if base[j] == 0x23 {
            j += 1
            var hex = false
            if j < n, base[j] | 0x20 == 0x78 {
                hex = true
                j += 1
            }
            let start = j
            while j < n, j - start < 7 {
                let c = base[j]
                let digit =
                    (0x30...0x39).contains(c) || (hex && (0x61...0x66).contains(c | 0x20))
                if !digit { break }
                j += 1
            }
            return j > start && j < n && base[j] == 0x3B ? j + 1 - i : nil
        }
        let start = j
        while j < n, j - start < 8, isLetter(base[j]) || (0x30...0x39).contains(base[j]) {
            j += 1
        }
        guard j > start, j < n, base[j] == 0x3B else { return nil }
        let name = Array(UnsafeBufferPointer(start: base + start, count: j - start))
        return entityNames.contains(name) ? j + 1 - i : nil
    }
}
