import PreflightCore

/// The kinds of personal data and secrets that `pii` detects; the raw value is the finding
/// code and the metric name.
public enum PIIKind: String, OptionEnum {
    case email
    case phone
    case creditCard = "credit_card"
    case iban
    case apiKey = "api_key"
    case jwt
    case ipAddress = "ip_address"

    /// 0-based position in `allCases`, for per-kind arrays and bit sets.
    var index: Int {
        switch self {
        case .email: 0
        case .phone: 1
        case .creditCard: 2
        case .iban: 3
        case .apiKey: 4
        case .jwt: 5
        case .ipAddress: 6
        }
    }

    /// What a finding of the kind is about, to start its message: `personal data`,
    /// `payment data`, `secret`.
    var category: String {
        switch self {
        case .email, .phone, .ipAddress: "personal data"
        case .creditCard, .iban: "payment data"
        case .apiKey, .jwt: "secret"
        }
    }

    /// The kind as a counted noun in messages: `email`, `phone number`, …
    var noun: String {
        switch self {
        case .email: "email"
        case .phone: "phone number"
        case .creditCard: "card number"
        case .iban: "IBAN"
        case .apiKey: "API key"
        case .jwt: "JWT"
        case .ipAddress: "IP address"
        }
    }
}

/// A byte-level scanner for personal data and secrets in UTF-8 text: one pass, no regular
/// expressions, no allocation unless something is found.
///
/// The pass walks the text word by word. Most recognizers start at the first byte of a word
/// (after a byte that is not an ASCII letter, digit or `_`): digits and `+`/`(` try an IP
/// address, a card number and a phone number; two capitals and two digits an IBAN; fixed
/// prefixes (`AKIA`, `ghp_`, `sk-`, `eyJ`, `-----BEGIN`, …) an API key or a JWT. An `@`
/// tries an email around it. A word whose first two bytes start none of them is skipped
/// whole, so prose costs one table lookup per byte (eight bytes per test inside lowercase
/// words) and a second-byte test per word.
///
/// What each kind accepts, and what it rejects on purpose, is documented on its recognizer
/// below and in the README's PII section. Non-ASCII bytes count as word boundaries, so
/// `電話03-1234-5678` is read.
struct PIIScanner: Sendable {
    /// One match: its kind, its byte range, and what it is (card network, key provider).
    struct Match: Sendable {
        var kind: PIIKind
        var range: Range<Int>
        var detail: String
    }

    /// Bit `kind.index` set: the kind is detected.
    let kinds: UInt8
    /// Lowercased allow-list entries: a match containing one is ignored.
    let allow: [[UInt8]]

    init(kinds: some Sequence<PIIKind> = PIIKind.allCases, allow: [String] = []) {
        self.kinds = kinds.reduce(0) { $0 | UInt8(1) << UInt8($1.index) }
        self.allow = allow.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
    }

    /// What scanning a text found, for tests and tools: every match in order.
    func matches(in text: String) -> [Match] {
        var out: [Match] = []
        var copy = text
        copy.withUTF8 { scan($0) { out.append($0) } }
        return out
    }

    /// Reports each match in `text` in order; matches never overlap. Matches that contain an
    /// allow-list entry are passed to `allowed` instead.
    ///
    /// One lookup in `byteClasses` per byte: runs of bytes no recognizer starts at (spaces,
    /// most punctuation, non-ASCII) and words whose first byte starts no recognizer are
    /// skipped without a call.
    /// - Complexity: O(bytes); a recognizer reads a bounded window after its trigger.
    func scan(
        _ text: UnsafeBufferPointer<UInt8>, allowed: (Match) -> Void = { _ in },
        _ report: (Match) -> Void
    ) {
        guard let p = text.baseAddress else { return }
        let t = Bytes(text)
        let n = t.count
        Self.byteClasses.withUnsafeBufferPointer { classes in
            let seconds = Self.secondBytes
            var i = 0
            while i < n {
                var c = classes[Int(p[i])]
                while c == 0 {
                    i += 1
                    if i == n { return }
                    c = classes[Int(p[i])]
                }
                let b = p[i]
                var found: Found = .none
                if c & Self.wordByte != 0 {
                    if c & Self.wordStart != 0 && mayStartWord(t, i, b, c, seconds) {
                        found = word(t, i)
                    }
                    if case .none = found {
                        // Skip the rest of the word: 8 bytes at a time while they are
                        // lowercase letters, then byte by byte.
                        i += 1
                        while i + 8 <= n {
                            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                            let m = Self.notLowercase(UInt64(littleEndian: w))
                            i += m.trailingZeroBitCount >> 3
                            if m != 0 { break }
                        }
                        while i < n && classes[Int(p[i])] & Self.wordByte != 0 { i += 1 }
                        continue
                    }
                } else {
                    found = trigger(t, i, b)
                }
                switch found {
                case .none: i += 1
                case .skip(let end): i = max(end, i + 1)
                case .match(let kind, let start, let end, let detail):
                    let m = Match(kind: kind, range: start..<end, detail: detail)
                    if isAllowed(t, start, end) { allowed(m) } else { report(m) }
                    i = max(end, i + 1)
                }
            }
        }
    }

    /// `byteClasses` bit: an ASCII letter, digit or `_` (`Bytes.isWord`).
    static let wordByte: UInt8 = 1
    /// `byteClasses` bit: a word byte that `word` may start a match at (digits, capitals,
    /// `a`–`f`, `g`, `r`, `s`, `x`); `word` returns `.none` at every other word byte.
    static let wordStart: UInt8 = 2
    /// `byteClasses` bit: a byte `trigger` reads (`@ + ( - :`).
    static let triggerByte: UInt8 = 4
    /// `byteClasses` bit: a decimal digit (`word` always reads a number).
    static let digitByte: UInt8 = 8
    /// `byteClasses` bit: a hex letter (`word` may read an IPv6 address when a `:` follows).
    static let hexLetter: UInt8 = 16

    /// Whether `word` may find something at the word starting at `i` (byte `b`, class `c`
    /// with `wordStart` set): a digit, a hex letter with a `:` soon after it, or a letter
    /// whose next byte is in its `secondBytes` mask. When this is false, `word` returns
    /// `.none`: every letter recognizer needs its second byte (`AKIA`, `ASIA`, `AIza`,
    /// `gh…`, `github_pat_`, `sk…`, `rk…`, `xox…`, `eyJ`, an IBAN's second capital).
    @inline(__always)
    func mayStartWord(_ t: Bytes, _ i: Int, _ b: UInt8, _ c: UInt8, _ seconds: [UInt64]) -> Bool {
        if c & Self.digitByte != 0 { return true }
        let second = t[i + 1]
        if second & 0xC0 == 0x40 && seconds[Int(b)] >> UInt64(second & 63) & 1 != 0 {
            return true
        }
        return c & Self.hexLetter != 0 && t.colonSoon(i)
    }

    /// Eight bytes (the first in the low byte) with the high bit of each byte that is not
    /// `a`–`z` set; exact up to the lowest set bit (borrows and carries only run upward
    /// from a flagged byte), so `trailingZeroBitCount / 8` counts the leading lowercase
    /// letters.
    @inline(__always)
    static func notLowercase(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let below = (w &- ones &* 0x61) & ~w & high  // < 'a' (ASCII)
        let above = ((w &+ ones &* 0x05) | w) & high  // > 'z', or not ASCII
        return below | above
    }

    /// For each first byte of a word, the second bytes (64–127, as bits 0–63) with which a
    /// letter recognizer in `word` may match: any capital after a capital (IBAN; `AKIA`,
    /// `ASIA`, `AIza` are capitals too), `h`/`i` after `g`, `k` after `r`/`s`, `o` after
    /// `x`, `y` after `e`.
    static let secondBytes: [UInt64] = (0..<256).map { (v: Int) -> UInt64 in
        func bits(_ s: String) -> UInt64 {
            s.utf8.reduce(0) { $0 | UInt64(1) << UInt64($1 & 63) }
        }
        let b = UInt8(v)
        if Bytes.isUpper(b) { return bits("ABCDEFGHIJKLMNOPQRSTUVWXYZ") }
        switch b {
        case UInt8(ascii: "g"): return bits("hi")
        case UInt8(ascii: "r"), UInt8(ascii: "s"): return bits("k")
        case UInt8(ascii: "x"): return bits("o")
        case UInt8(ascii: "e"): return bits("y")
        default: return 0
        }
    }

    /// The class bits of every byte; 0 for bytes that start nothing and end no word.
    static let byteClasses: [UInt8] = (0..<256).map { (v: Int) -> UInt8 in
        let b = UInt8(v)
        if Bytes.isWord(b) {
            let starts =
                Bytes.isDigit(b) || Bytes.isUpper(b) || Bytes.isHex(b)
                || [UInt8(ascii: "g"), UInt8(ascii: "r"), UInt8(ascii: "s"), UInt8(ascii: "x")]
                    .contains(b)
            let hex = Bytes.isHex(b) && !Bytes.isDigit(b)
            return wordByte | (starts ? wordStart : 0) | (Bytes.isDigit(b) ? digitByte : 0)
                | (hex ? hexLetter : 0)
        }
        switch b {
        case UInt8(ascii: "@"), UInt8(ascii: "+"), UInt8(ascii: "("), UInt8(ascii: "-"),
            UInt8(ascii: ":"):
            return triggerByte
        default: return 0
        }
    }

    // MARK: - Dispatch

    /// The result of a recognizer: nothing, a candidate deliberately not reported (skip past
    /// it, so its parts are not read as something else), or a match.
    enum Found {
        case none
        case skip(Int)
        case match(PIIKind, Int, Int, String)
    }

    @inline(__always) func on(_ kind: PIIKind) -> Bool { kinds & (1 << UInt8(kind.index)) != 0 }

    /// Recognizers that start at a punctuation byte `b` at `i`: an email around `@`, a phone
    /// number at `+` or `(`, a private key at `-`, an IPv6 address at `::`.
    func trigger(_ t: Bytes, _ i: Int, _ b: UInt8) -> Found {
        switch b {
        case UInt8(ascii: "@"): return on(.email) ? email(t, i) : .none
        case UInt8(ascii: "+"), UInt8(ascii: "("):
            return on(.phone) && !Bytes.isWord(t[i - 1]) ? phone(t, i) : .none
        case UInt8(ascii: "-"): return on(.apiKey) ? privateKey(t, i) : .none
        case UInt8(ascii: ":"):
            if on(.ipAddress) && t[i + 1] == UInt8(ascii: ":") && !Bytes.isWord(t[i - 1])
                && t[i - 1] != UInt8(ascii: ":")
            {
                return ipv6(t, i)
            }
            return .none
        default: return .none
        }
    }

    /// Recognizers that start at the first byte of a word.
    func word(_ t: Bytes, _ i: Int) -> Found {
        let b = t[i]
        if Bytes.isDigit(b) {
            return number(t, i)
        }
        var found: Found = .none
        switch b {
        case UInt8(ascii: "A"):
            if on(.apiKey) { found = awsKey(t, i) ?? googleKey(t, i) ?? .none }
        case UInt8(ascii: "g"):
            if on(.apiKey) { found = gitHubToken(t, i) }
        case UInt8(ascii: "x"):
            if on(.apiKey) { found = slackToken(t, i) }
        case UInt8(ascii: "s"), UInt8(ascii: "r"):
            if on(.apiKey) { found = secretKey(t, i) }
        case UInt8(ascii: "e"):
            if on(.jwt) { found = jwt(t, i) }
        default: break
        }
        if case .none = found, on(.iban), Bytes.isUpper(b) { found = iban(t, i) }
        if case .none = found, on(.ipAddress), Bytes.isHex(b), t.colonSoon(i) {
            found = ipv6(t, i)
        }
        return found
    }

    /// Numbers: an IP address, then a card number, then a phone number.
    func number(_ t: Bytes, _ i: Int) -> Found {
        let prev = t[i - 1]
        if on(.ipAddress) && prev != UInt8(ascii: ":") && t.colonSoon(i) {
            let v6 = ipv6(t, i)
            if case .none = v6 {} else { return v6 }
        }
        // A number glued to a word or to another number ('ORD-2024-…', '#123', '3.14…') is
        // part of an identifier, an amount or a version, not the start of a match.
        switch prev {
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "\\"),
            UInt8(ascii: "#"), UInt8(ascii: "_"), UInt8(ascii: "$"), UInt8(ascii: ","),
            UInt8(ascii: "+"):
            return .none
        default: break
        }
        if on(.ipAddress) {
            let v4 = ipv4(t, i)
            if case .none = v4 {} else { return v4 }
        }
        if on(.creditCard), let card = creditCard(t, i) { return card }
        if on(.phone) { return phone(t, i) }
        return .none
    }

    /// Whether the matched bytes contain an allow-list entry (ASCII case-insensitive).
    func isAllowed(_ t: Bytes, _ start: Int, _ end: Int) -> Bool {
        for entry in allow where entry.count <= end - start {
            var s = start
            while s + entry.count <= end {
                var k = 0
                while k < entry.count && Bytes.lower(t[s + k]) == entry[k] { k += 1 }
                if k == entry.count { return true }
                s += 1
            }
        }
        return false
    }

    // MARK: - Email

    /// Top-level domains reserved for documentation and tests (RFC 2606, RFC 6761), and image
    /// file extensions (`icon@2x.png` is a file name).
    static let ignoredTLDs: Set<[UInt8]> = Set(
        [
            "example", "test", "invalid", "localhost", "local", "internal", "png", "jpg", "jpeg",
            "gif", "svg", "webp", "bmp", "ico",
        ].map { Array($0.utf8) })

    /// `local@domain.tld`: a local part of `A-Z a-z 0-9 . _ % + -` (1–64 bytes, not starting
    /// or ending with `.`), a domain of at least two labels of letters, digits and `-`, and an
    /// alphabetic top-level domain of 2–24 letters. Not reported: reserved and file-extension
    /// TLDs, and `user:password@host` in URLs (the part after `:` or `/` is not an address;
    /// `mailto:` is).
    func email(_ t: Bytes, _ at: Int) -> Found {
        var s = at
        while s > 0 && at - s <= 64 && Self.isLocal(t[s - 1]) { s -= 1 }
        if at - s > 64 { return .none }
        while s < at && t[s] == UInt8(ascii: ".") { s += 1 }
        guard s < at, t[at - 1] != UInt8(ascii: ".") else { return .none }
        let before = t[s - 1]
        if before == UInt8(ascii: "/") { return .none }
        if before == UInt8(ascii: ":") && !t.matchesBackward("mailto:", endingAt: s) {
            return .none
        }
        // Domain labels.
        var j = at + 1
        var labels = 0
        var lastLabel = j
        var end = j
        while true {
            let labelStart = j
            while Self.isLabel(t[j]) && j - labelStart < 64 { j += 1 }
            guard j > labelStart, t[labelStart] != UInt8(ascii: "-"),
                t[j - 1] != UInt8(ascii: "-")
            else { break }
            labels += 1
            lastLabel = labelStart
            end = j
            guard t[j] == UInt8(ascii: "."), Self.isLabel(t[j + 1]) else { break }
            j += 1
        }
        guard labels >= 2, end - at <= 254, !Bytes.isWord(t[end]) else { return .none }
        let tld = lastLabel..<end
        // All lower or all upper case: `kiosk.Valid` is two sentences without a space.
        guard (2...24).contains(tld.count),
            tld.allSatisfy({ Bytes.isAlpha(t[$0]) && !Bytes.isUpper(t[$0]) })
                || tld.allSatisfy({ Bytes.isUpper(t[$0]) })
        else { return .none }
        if Self.ignoredTLDs.contains(tld.map { Bytes.lower(t[$0]) }) { return .skip(end) }
        return .match(.email, s, end, "email address")
    }

    static func isLocal(_ b: UInt8) -> Bool {
        Bytes.isAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "%") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
    }

    static func isLabel(_ b: UInt8) -> Bool { Bytes.isAlnum(b) || b == UInt8(ascii: "-") }

    // MARK: - Card numbers

    /// 13–19 digits, contiguous or in groups separated by single spaces or dashes (first
    /// group 4 digits, the others 3–6: `4242 4242 4242 4242`, `3782-822463-10005`), with a
    /// valid Luhn check digit and the prefix and length of a known network (Visa,
    /// Mastercard, American Express, Discover, Diners Club, JCB, UnionPay, Maestro, Mir).
    /// When the groups run on (`4242 4242 4242 4242 2031`), the longest valid prefix counts.
    func creditCard(_ t: Bytes, _ i: Int) -> Found? {
        let first = t[i]
        guard first >= UInt8(ascii: "2") && first <= UInt8(ascii: "6") else { return nil }
        let run = t.digitRun(i)
        if run >= 13 {
            let end = i + run
            guard run <= 19, !Bytes.isWord(t[end]), !t.continuesNumber(end) else { return nil }
            if let network = Self.cardNetwork(t, i, end) {
                return .match(.creditCard, i, end, network)
            }
            return nil
        }
        guard run == 4 else { return nil }
        let sep = t[i + 4]
        guard sep == UInt8(ascii: " ") || sep == UInt8(ascii: "-") else { return nil }
        // Candidate ends after each group (up to five); try the longest first.
        var ends: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)
        var count = 0
        var digits = 4
        var j = i + 4
        while count < 5 && t[j] == sep && Bytes.isDigit(t[j + 1]) {
            let g = t.digitRun(j + 1)
            guard (3...6).contains(g), digits + g <= 19 else { break }
            digits += g
            j += 1 + g
            if Bytes.isWord(t[j]) { break }
            if digits >= 13 {
                switch count {
                case 0: ends.0 = j
                case 1: ends.1 = j
                case 2: ends.2 = j
                case 3: ends.3 = j
                default: ends.4 = j
                }
                count += 1
            }
        }
        while count > 0 {
            count -= 1
            let end: Int
            switch count {
            case 0: end = ends.0
            case 1: end = ends.1
            case 2: end = ends.2
            case 3: end = ends.3
            default: end = ends.4
            }
            if let network = Self.cardNetwork(t, i, end), !t.continuesNumber(end) {
                return .match(.creditCard, i, end, network)
            }
        }
        return nil
    }

    /// The network of the digits in `start..<end` when the Luhn check passes and the prefix
    /// and length fit a known network; nil otherwise.
    static func cardNetwork(_ t: Bytes, _ start: Int, _ end: Int) -> String? {
        var digits = 0
        var prefix = 0  // the first six digits
        for k in start..<end where Bytes.isDigit(t[k]) {
            if digits < 6 { prefix = prefix * 10 + Int(t[k] - 48) }
            digits += 1
        }
        guard digits >= 13 && digits <= 19, luhn(t, start, end) else { return nil }
        return network(prefix6: prefix, length: digits)
    }

    /// The card network of a six-digit prefix (IIN) and a length, from the networks'
    /// published ranges.
    static func network(prefix6 p: Int, length n: Int) -> String? {
        let p2 = p / 10_000
        let p3 = p / 1_000
        let p4 = p / 100
        if p2 / 10 == 4 { return [13, 16, 19].contains(n) ? "Visa" : nil }
        if (51...55).contains(p2) || (2221...2720).contains(p4) {
            return n == 16 ? "Mastercard" : nil
        }
        if p2 == 34 || p2 == 37 { return n == 15 ? "American Express" : nil }
        if (2200...2204).contains(p4) { return n == 16 ? "Mir" : nil }
        if p4 == 6011 || (644...649).contains(p3) || p2 == 65 {
            return (16...19).contains(n) ? "Discover" : nil
        }
        if (3528...3589).contains(p4) { return (16...19).contains(n) ? "JCB" : nil }
        if (300...305).contains(p3) || p2 == 36 || p2 == 38 || p2 == 39 {
            return (14...19).contains(n) ? "Diners Club" : nil
        }
        if p2 == 62 { return (16...19).contains(n) ? "UnionPay" : nil }
        if [5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].contains(p4) {
            return (13...19).contains(n) ? "Maestro" : nil
        }
        return nil
    }

    /// The Luhn check over the digits in `start..<end` (other bytes are skipped).
    static func luhn(_ t: Bytes, _ start: Int, _ end: Int) -> Bool {
        var sum = 0
        var double = false
        var k = end - 1
        while k >= start {
            let b = t[k]
            if Bytes.isDigit(b) {
                var d = Int(b - 48)
                if double {
                    d *= 2
                    if d > 9 { d -= 9 }
                }
                sum += d
                double.toggle()
            }
            k -= 1
        }
        return sum % 10 == 0
    }

    // MARK: - Phone numbers

    /// Digit groups of a phone-number candidate, packed: up to 8 group lengths.
    struct Groups {
        var lengths: UInt64 = 0
        var count = 0
        var digits = 0
        /// Bits for the separators used between groups outside parentheses: 1 space, 2 `-`,
        /// 4 `.`.
        var separators = 0
        /// Whether the first group was in parentheses: `(415) 555-2671`.
        var parenthesizedFirst = false
        /// Digits of a `(0)` trunk group inside an international number.
        var trunk = 0
        var end = 0
        /// Where each group ends.
        var ends = SIMD8<Int>()

        func length(_ k: Int) -> Int { k < count ? Int((lengths >> UInt64(8 * k)) & 0xFF) : 0 }

        /// The groups without the last one (its end is where the one before ended).
        func dropLast() -> Groups {
            var g = self
            g.count -= 1
            g.digits -= length(count - 1)
            g.lengths &= (UInt64(1) << UInt64(8 * g.count)) &- 1
            g.end = ends[g.count - 1]
            return g
        }

        /// Whether every group after the first has a length in `range`.
        func restAre(_ range: ClosedRange<Int>) -> Bool {
            var k = 1
            while k < count {
                if !range.contains(length(k)) { return false }
                k += 1
            }
            return true
        }
    }

    /// Phone numbers, in three families:
    /// - international: `+`, a country code and 9–15 digits in all (E.164), in groups
    ///   separated by single spaces, dashes, dots or parentheses (`+1 (415) 555-2671`,
    ///   `+44 20 7946 0958`, `+49 (0)30 1234567`, `+4915112345678`); `00` instead of `+` when
    ///   the number is grouped;
    /// - national, at least two groups with one kind of separator: North American
    ///   `415-555-2671`, `(415) 555-2671`, `1 800 555 0199` (area code and exchange starting
    ///   2–9), and trunk-prefixed numbers of 10–12 digits whose first group starts with one
    ///   `0`: `020 7946 0958`, `06 12 34 56 78`, `030 1234567`; space-separated groups that run
    ///   on into another number count up to the longest prefix that is a phone number;
    /// - the same digits without separators only right after a phone word (`call`, `phone`,
    ///   `tel`, `mobile`, `fax`, `text`, `contact`, …): `Call 09061701461`.
    ///
    /// Not phone numbers: other digit runs without separators (`4155552671`: order ids,
    /// timestamps), fewer than 10 digits (dates `2024-01-15`, `15.01.2024`, times, short
    /// codes, `555-0100`), day-month-year groups (`01 02 2024`), groups of exactly three after
    /// the first (`12 345 678 901`, thousands), one-digit groups outside `+` numbers (ISBNs
    /// `978-3-16-148410-0`, versions), North American shapes with an area code or exchange
    /// starting 0 or 1 (`123-456-7890`), and numbers glued to letters, `#`, `-`, `.` or `/`.
    func phone(_ t: Bytes, _ i: Int) -> Found {
        let plus = t[i] == UInt8(ascii: "+")
        let start = plus ? i + 1 : i
        guard let g = phoneGroups(t, start, international: plus) else { return .none }
        // A grouped number that is not a phone number is skipped whole, so that its later
        // groups ('3704 0044 0532 …') are not read as numbers of their own.
        let reject: Found = g.count >= 2 ? .skip(g.end) : .none
        guard !Bytes.isWord(t[g.end]), !t.continuesNumber(g.end) else { return reject }
        let match = Found.match(.phone, i, g.end, "phone number")
        if plus {
            let digits = g.digits - g.trunk
            guard (9...15).contains(digits), g.count == 1 || g.length(0) <= 4,
                g.count < 3 || !g.restAre(3...3)
            else { return reject }
            return match
        }
        if g.count == 1 {
            return isContiguousPhone(t, i, g) ? match : .none
        }
        // National families need one kind of separator. Space-separated groups may run on
        // into unrelated numbers ('0845 2814032 16+'): the longest prefix that is a phone
        // number counts.
        guard g.separators.nonzeroBitCount <= 1 else { return reject }
        var prefix = g
        while prefix.count >= 2 {
            if isNational(t, i, prefix) {
                return .match(.phone, i, prefix.end, "phone number")
            }
            guard g.separators == 1 else { break }
            prefix = prefix.dropLast()
        }
        return reject
    }

    /// Words that announce a phone number written without separators.
    static let phoneWords: Set<[UInt8]> = Set(
        [
            "call", "phone", "tel", "telephone", "mobile", "mob", "cell", "fax", "dial", "ring",
            "text", "txt", "sms", "whatsapp", "contact", "freephone", "helpline", "hotline",
        ].map {
            Array($0.utf8)
        })

    /// A run of digits without separators is a phone number only with a phone word in the
    /// 24 bytes before it (`call 09061701461`, `mobile: 4155552671`) and the digits of a
    /// trunk-prefixed (10–12 digits, one leading `0`) or North American (10 digits, or 11
    /// after a `1`) number; other digit runs are ids, amounts and timestamps.
    func isContiguousPhone(_ t: Bytes, _ i: Int, _ g: Groups) -> Bool {
        let n = g.digits
        let trunk =
            t[i] == UInt8(ascii: "0") && t[i + 1] != UInt8(ascii: "0") && (10...12).contains(n)
        let k = n == 11 && t[i] == UInt8(ascii: "1") ? i + 1 : i
        let american =
            (n == 10 || k > i) && t[k] >= UInt8(ascii: "2") && t[k + 3] >= UInt8(ascii: "2")
        guard trunk || american else { return false }
        var j = i
        var words = 0
        while j > 0 && i - j < 24 && words < 4 {
            while j > 0 && i - j < 24 && !Bytes.isAlpha(t[j - 1]) { j -= 1 }
            let end = j
            while j > 0 && Bytes.isAlpha(t[j - 1]) { j -= 1 }
            if end == j { break }
            if end - j <= 9 && Self.phoneWords.contains((j..<end).map { Bytes.lower(t[$0]) }) {
                return true
            }
            words += 1
        }
        return false
    }

    /// Whether grouped digits form a national number: North American, `00`-prefixed
    /// international, or trunk-prefixed.
    func isNational(_ t: Bytes, _ i: Int, _ g: Groups) -> Bool {
        if isNorthAmerican(t, i, g) { return true }
        let first = g.parenthesizedFirst ? i + 1 : i
        // `00` international prefix, grouped.
        if t[first] == UInt8(ascii: "0") && t[first + 1] == UInt8(ascii: "0") {
            return (11...17).contains(g.digits) && g.restAre(2...15)
        }
        guard t[first] == UInt8(ascii: "0"), (10...12).contains(g.digits),
            (2...5).contains(g.length(0))
        else { return false }
        if g.count == 2 { return (6...8).contains(g.length(1)) }
        guard g.restAre(2...4), !g.restAre(3...3) else { return false }  // not thousands
        return !(g.length(0) <= 2 && g.length(1) <= 2 && g.length(2) == 4)  // not dd mm yyyy
    }

    /// Whether the groups form a North American number: 3-3-4, optionally after a `1`, with
    /// area code and exchange starting 2–9.
    func isNorthAmerican(_ t: Bytes, _ i: Int, _ g: Groups) -> Bool {
        var k = 0
        var j = i
        while !Bytes.isDigit(t[j]) && j < g.end { j += 1 }
        if g.count == 4 && g.length(0) == 1 && t[j] == UInt8(ascii: "1") {
            k = 1
            j += 1
        }
        guard g.count - k == 3, g.length(k) == 3, g.length(k + 1) == 3, g.length(k + 2) == 4
        else { return false }
        while !Bytes.isDigit(t[j]) && j < g.end { j += 1 }
        let area = t[j]
        j += 3
        while !Bytes.isDigit(t[j]) && j < g.end { j += 1 }
        let exchange = t[j]
        return area >= UInt8(ascii: "2") && exchange >= UInt8(ascii: "2")
    }

    /// Reads digit groups from `start`: digits, `(digits)`, single separators between them.
    func phoneGroups(_ t: Bytes, _ start: Int, international: Bool) -> Groups? {
        var g = Groups()
        var j = start
        while g.count < 8 {
            var length = 0
            var paren = false
            if t[j] == UInt8(ascii: "(") {
                let d = t.digitRun(j + 1)
                guard (1...5).contains(d), t[j + 1 + d] == UInt8(ascii: ")") else { return nil }
                paren = true
                length = d
                if international && d == 1 && t[j + 1] == UInt8(ascii: "0") { g.trunk = 1 }
                if g.count == 0 { g.parenthesizedFirst = true }
                j += d + 2
            } else {
                length = t.digitRun(j)
                guard length > 0 else { return g.count == 0 ? nil : g }
                j += length
            }
            g.lengths |= UInt64(min(length, 255)) << UInt64(8 * g.count)
            g.count += 1
            g.digits += length
            g.end = j
            g.ends[g.count - 1] = j
            // A separator, then the next group (right after `)` no separator is needed).
            let s = t[j]
            if paren && Bytes.isDigit(s) { continue }
            let bit: Int
            switch s {
            case UInt8(ascii: " "): bit = 1
            case UInt8(ascii: "-"): bit = 2
            case UInt8(ascii: "."): bit = 4
            default: bit = 0
            }
            guard bit != 0, Bytes.isDigit(t[j + 1]) || t[j + 1] == UInt8(ascii: "(") else {
                return g
            }
            if !paren { g.separators |= bit }
            j += 1
        }
        return g
    }

    // MARK: - IBAN

    /// IBAN lengths per country (ISO 13616 registry).
    static let ibanLengths: [UInt16: Int] = {
        let table =
            "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 "
            + "DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 "
            + "HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 "
            + "LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 "
            + "PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 "
            + "TN24 TR26 UA29 VA22 VG24 XK20 YE30"
        var out: [UInt16: Int] = [:]
        for entry in table.split(separator: " ") {
            let b = Array(entry.utf8)
            out[UInt16(b[0]) << 8 | UInt16(b[1])] = Int(b[2] - 48) * 10 + Int(b[3] - 48)
        }
        return out
    }()

    /// An IBAN: a country code with a known length, two check digits and the BBAN, written
    /// contiguously or in groups of four separated by single spaces (`DE89 3704 0044 0532
    /// 0130 00`), upper case, passing the ISO 7064 mod-97 check. Countries outside the
    /// registry table are not read (the length is what keeps random words out).
    func iban(_ t: Bytes, _ i: Int) -> Found {
        guard Bytes.isUpper(t[i + 1]), Bytes.isDigit(t[i + 2]), Bytes.isDigit(t[i + 3]),
            let length = Self.ibanLengths[UInt16(t[i]) << 8 | UInt16(t[i + 1])]
        else { return .none }
        var chars = 0
        var j = i
        var spaced = false
        while chars < length {
            let b = t[j]
            if Bytes.isUpper(b) || Bytes.isDigit(b) {
                chars += 1
                j += 1
            } else if b == UInt8(ascii: " ") && chars % 4 == 0 && (chars == 4 || spaced)
                && (Bytes.isUpper(t[j + 1]) || Bytes.isDigit(t[j + 1]))
            {
                spaced = true
                j += 1
            } else {
                // A long IBAN-shaped run is not read again as numbers: skip it.
                return j - i >= 12 ? .skip(j) : .none
            }
        }
        guard !Bytes.isWord(t[j]) else { return .none }
        guard Self.mod97(t, i, j) == 1 else { return .skip(j) }
        return .match(.iban, i, j, "IBAN")
    }

    /// ISO 7064 MOD 97-10 of an IBAN in `start..<end` (spaces skipped): the first four
    /// characters moved to the end, letters as 10–35, the number modulo 97.
    static func mod97(_ t: Bytes, _ start: Int, _ end: Int) -> Int {
        var remainder = 0
        func add(_ b: UInt8) {
            if Bytes.isDigit(b) {
                remainder = (remainder * 10 + Int(b - 48)) % 97
            } else if Bytes.isUpper(b) {
                remainder = (remainder * 100 + Int(b - 55)) % 97
            }
        }
        var k = start
        var seen = 0
        while k < end && seen < 4 {
            if t[k] != UInt8(ascii: " ") { seen += 1 }
            k += 1
        }
        for m in k..<end { add(t[m]) }
        for m in start..<k { add(t[m]) }
        return remainder
    }

    // MARK: - API keys and tokens

    /// A key body: at least `min` bytes of `allowed`, ending at a word boundary, not a
    /// placeholder. Returns the end.
    func keyBody(
        _ t: Bytes, _ start: Int, min: Int, max: Int = 255, exact: Bool = false,
        needsDigit: Bool = false, _ allowed: (UInt8) -> Bool
    ) -> Int? {
        var j = start
        while j - start < max && allowed(t[j]) { j += 1 }
        let length = j - start
        guard length >= min, !exact || length == min else { return nil }
        // The byte after must end the token: not another key character or a word byte.
        guard !Bytes.isWord(t[j]), t[j] != UInt8(ascii: "-") || !Bytes.isAlnum(t[j + 1]) else {
            return nil
        }
        return isPlaceholder(t, start, j, needsDigit: needsDigit) ? nil : j
    }

    /// Documentation placeholders: `EXAMPLE`/`example` in the body, a run of four equal
    /// characters (`xxxx`, `0000`, `****`), fewer than six distinct characters, or (for the
    /// loose forms) no digit or no letter.
    func isPlaceholder(_ t: Bytes, _ start: Int, _ end: Int, needsDigit: Bool) -> Bool {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var run = 0
        var hasDigit = false
        var hasLetter = false
        for k in start..<end {
            let b = t[k]
            if k > start && b == t[k - 1] {
                run += 1
                if run >= 3 { return true }
            } else {
                run = 0
            }
            if b < 64 { low |= 1 << UInt64(b) } else if b < 128 { high |= 1 << UInt64(b - 64) }
            hasDigit = hasDigit || Bytes.isDigit(b)
            hasLetter = hasLetter || Bytes.isAlpha(b)
        }
        if low.nonzeroBitCount + high.nonzeroBitCount < 6 { return true }
        if needsDigit && !(hasDigit && hasLetter) { return true }
        return t.containsCaseInsensitive("example", start, end)
    }

    /// AWS access key ids: `AKIA` (long-term) or `ASIA` (temporary) and 16 base-32 characters
    /// (`A-Z`, `2-7`).
    func awsKey(_ t: Bytes, _ i: Int) -> Found? {
        guard t.matches("AKIA", at: i) || t.matches("ASIA", at: i) else { return nil }
        guard
            let end = keyBody(
                t, i + 4, min: 16, max: 16, exact: true,
                { Bytes.isUpper($0) || ($0 >= UInt8(ascii: "2") && $0 <= UInt8(ascii: "7")) })
        else { return nil }
        return .match(.apiKey, i, end, "AWS access key id")
    }

    /// Google API keys: `AIza` and 35 characters of `A-Z a-z 0-9 _ -`.
    func googleKey(_ t: Bytes, _ i: Int) -> Found? {
        guard t.matches("AIza", at: i),
            let end = keyBody(t, i + 4, min: 35, max: 35, exact: true, Bytes.isBase64URL)
        else { return nil }
        return .match(.apiKey, i, end, "Google API key")
    }

    /// GitHub tokens: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and at least 36 letters and
    /// digits; fine-grained `github_pat_` and at least 40 of letters, digits and `_`.
    func gitHubToken(_ t: Bytes, _ i: Int) -> Found {
        if t.matches("github_pat_", at: i) {
            guard let end = keyBody(t, i + 11, min: 40, { Bytes.isWord($0) }) else {
                return .none
            }
            return .match(.apiKey, i, end, "GitHub token")
        }
        guard t[i + 1] == UInt8(ascii: "h"), t[i + 3] == UInt8(ascii: "_"),
            [
                UInt8(ascii: "p"), UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "s"),
                UInt8(ascii: "r"),
            ].contains(t[i + 2]),
            t[i] == UInt8(ascii: "g"),
            let end = keyBody(t, i + 4, min: 36, Bytes.isAlnum)
        else { return .none }
        return .match(.apiKey, i, end, "GitHub token")
    }

    /// Slack tokens: `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-` and at least 10 of letters,
    /// digits and `-`, with a digit.
    func slackToken(_ t: Bytes, _ i: Int) -> Found {
        guard t.matches("xox", at: i),
            [
                UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "p"), UInt8(ascii: "r"),
                UInt8(ascii: "s"),
            ].contains(t[i + 3]),
            t[i + 4] == UInt8(ascii: "-"),
            let end = keyBody(
                t, i + 5, min: 10, needsDigit: true,
                { Bytes.isAlnum($0) || $0 == UInt8(ascii: "-") })
        else { return .none }
        return .match(.apiKey, i, end, "Slack token")
    }

    /// `sk-ant-` (Anthropic, 32 or more of `A-Z a-z 0-9 _ -`), `sk-` (OpenAI, including
    /// `sk-proj-`, `sk-svcacct-`, `sk-admin-`; 20 or more, with a digit and a letter), and
    /// Stripe live secret and restricted keys `sk_live_`, `rk_live_` (16 or more letters and
    /// digits).
    func secretKey(_ t: Bytes, _ i: Int) -> Found {
        if t.matches("sk_live_", at: i) || t.matches("rk_live_", at: i) {
            guard let end = keyBody(t, i + 8, min: 16, Bytes.isAlnum) else { return .none }
            return .match(
                .apiKey, i, end,
                t[i] == UInt8(ascii: "s") ? "Stripe secret key" : "Stripe restricted key")
        }
        guard t.matches("sk-", at: i) else { return .none }
        if t.matches("sk-ant-", at: i) {
            guard let end = keyBody(t, i + 7, min: 32, needsDigit: true, Bytes.isBase64URL)
            else { return .none }
            return .match(.apiKey, i, end, "Anthropic API key")
        }
        guard let end = keyBody(t, i + 3, min: 20, needsDigit: true, Bytes.isBase64URL) else {
            return .none
        }
        return .match(.apiKey, i, end, "OpenAI API key")
    }

    /// PEM private keys: `-----BEGIN PRIVATE KEY-----` and its typed forms (`RSA`, `EC`,
    /// `DSA`, `OPENSSH`, `ENCRYPTED`, `PGP … BLOCK`). The header is the match: what follows
    /// it is the key.
    func privateKey(_ t: Bytes, _ i: Int) -> Found {
        guard t.matches("-----BEGIN ", at: i) else { return .none }
        var j = i + 11
        while j - i < 60 && (Bytes.isUpper(t[j]) || t[j] == UInt8(ascii: " ")) { j += 1 }
        guard t.matches("-----", at: j) else { return .none }
        let label = (i + 11)..<j
        let ok =
            t.endsWith("PRIVATE KEY", range: label) || t.endsWith("PRIVATE KEY BLOCK", range: label)
        return ok ? .match(.apiKey, i, j + 5, "private key") : .none
    }

    // MARK: - JWT

    /// A JSON Web Token (RFC 7519, compact JWS or JWE): three (or five) base64url segments
    /// separated by dots, the first starting `eyJ` and decoding to a JSON object with an
    /// `"alg"` member. Base64 blobs without dots or without such a header are not JWTs.
    func jwt(_ t: Bytes, _ i: Int) -> Found {
        guard t.matches("eyJ", at: i) else { return .none }
        var j = i
        var segments = 0
        var headerEnd = i
        while segments < 5 {
            let s = j
            while j - s < 8192 && Bytes.isBase64URL(t[j]) { j += 1 }
            if segments == 0 { headerEnd = j }
            // Segments other than the last need content; the signature may be empty.
            if j == s && segments < 2 { return .none }
            segments += 1
            guard t[j] == UInt8(ascii: "."), segments < 5 else { break }
            if segments == 3 && !Bytes.isBase64URL(t[j + 1]) { break }
            j += 1
        }
        guard segments == 3 || segments == 5, !Bytes.isWord(t[j]) else { return .none }
        guard Self.headerHasAlg(t, i, headerEnd) else { return .none }
        return .match(.jwt, i, j, "JWT")
    }

    /// Whether base64url `start..<end` decodes to a JSON object text containing `"alg"`.
    static func headerHasAlg(_ t: Bytes, _ start: Int, _ end: Int) -> Bool {
        guard end - start <= 4096 else { return false }
        var decoded: [UInt8] = []
        decoded.reserveCapacity((end - start) * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for k in start..<end {
            let b = t[k]
            let v: UInt32
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(b - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(b - 71)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(b) + 4
            case UInt8(ascii: "-"): v = 62
            default: v = 63
            }
            buffer = buffer << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                decoded.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        let trimmed = decoded.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard trimmed.first == UInt8(ascii: "{"),
            decoded.last(where: { $0 > 0x20 }) == UInt8(ascii: "}")
        else { return false }
        let needle = Array(#""alg""#.utf8)
        guard decoded.count >= needle.count else { return false }
        for s in 0...(decoded.count - needle.count)
        where decoded[s..<(s + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    // MARK: - IP addresses

    /// Words right before a dotted quad that make it a version number: `version 1.2.3.4`.
    static let versionWords: Set<[UInt8]> = Set(
        [
            "v", "ver", "version", "release", "build", "firmware", "rev", "revision", "patch",
            "update", "upgrade",
        ].map { Array($0.utf8) })

    /// IPv4 in dotted decimal: four parts 0–255 without leading zeros. Read as versions and
    /// not reported: a quad after `v` or a version word (`version`, `release`, `build`,
    /// `firmware`, …, optionally with `:` or `=`), followed by `-word` or a fifth part, or whose
    /// four parts are single digits (`1.2.3.4`, and well-known resolvers such as `8.8.8.8`).
    /// Not personal: non-public addresses (`0/8`, `10/8`, `100.64/10`, `127/8`, `169.254/16`,
    /// `172.16/12`, `192.168/16`, the documentation ranges `192.0.2/24`, `198.51.100/24`,
    /// `203.0.113/24`, `198.18/15`, and everything from `224` up).
    func ipv4(_ t: Bytes, _ i: Int) -> Found {
        guard let (octets, end) = Self.dottedQuad(t, i) else { return .none }
        // A fifth part, or a suffix: a version.
        if t[end] == UInt8(ascii: ".") && Bytes.isDigit(t[end + 1]) { return .skip(end) }
        if t[end] == UInt8(ascii: "-") && Bytes.isAlnum(t[end + 1]) { return .skip(end) }
        if Bytes.isWord(t[end]) { return .none }
        if end - i == 7 || isAfterVersionWord(t, i) { return .skip(end) }
        if !Self.isPublic(octets) { return .skip(end) }
        return .match(.ipAddress, i, end, "IPv4 address")
    }

    /// Four dot-separated decimal parts 0–255 from `i`, without leading zeros: the parts
    /// packed big-endian, and the end.
    static func dottedQuad(_ t: Bytes, _ i: Int) -> (UInt32, Int)? {
        var packed: UInt32 = 0
        var j = i
        for part in 0..<4 {
            let d = t.digitRun(j)
            guard (1...3).contains(d) else { return nil }
            if d > 1 && t[j] == UInt8(ascii: "0") { return nil }
            var v: UInt32 = 0
            for k in j..<(j + d) { v = v * 10 + UInt32(t[k] - 48) }
            guard v <= 255 else { return nil }
            packed = packed << 8 | v
            j += d
            if part < 3 {
                guard t[j] == UInt8(ascii: ".") else { return nil }
                j += 1
            }
        }
        return (packed, j)
    }

    /// Whether the word before `i` (across `v`, spaces, `:` or `=`) says "version".
    func isAfterVersionWord(_ t: Bytes, _ i: Int) -> Bool {
        var j = i
        if t[j - 1] == UInt8(ascii: "v") || t[j - 1] == UInt8(ascii: "V") {
            return !Bytes.isAlpha(t[j - 2])
        }
        var skipped = 0
        while j > 0 && skipped < 3
            && [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "=")].contains(t[j - 1])
        {
            j -= 1
            skipped += 1
        }
        guard skipped > 0 else { return false }
        let end = j
        while j > 0 && end - j < 10 && Bytes.isAlpha(t[j - 1]) { j -= 1 }
        return Self.versionWords.contains((j..<end).map { Bytes.lower(t[$0]) })
    }

    /// Whether an IPv4 address is publicly routable (not private, loopback, link-local,
    /// shared, documentation, benchmark, multicast or reserved).
    static func isPublic(_ address: UInt32) -> Bool {
        let a = Int(address >> 24)
        let b = Int(address >> 16 & 0xFF)
        let c = Int(address >> 8 & 0xFF)
        switch (a, b, c) {
        case (0, _, _), (10, _, _), (127, _, _): return false
        case (100, 64...127, _): return false
        case (169, 254, _): return false
        case (172, 16...31, _): return false
        case (192, 168, _), (192, 0, 2), (198, 51, 100), (203, 0, 113): return false
        case (198, 18...19, _): return false
        default: return a < 224
        }
    }

    /// IPv6 in the text forms of RFC 4291 §2.2 (RFC 5952 is the canonical subset): eight
    /// groups of 1–4 hex digits, or fewer with one `::`, optionally ending in a dotted quad.
    /// Needs a decimal digit and three groups or a four-digit group, so `a::b` (code) and
    /// times (`12:30:45`) and MAC addresses (six groups) are not read. Not personal and not
    /// reported: `::`-prefixed forms (unspecified, loopback, IPv4-mapped), link-local
    /// `fe80::/10`, unique-local `fc00::/7`, multicast `ff00::/8`, documentation
    /// `2001:db8::/32`.
    func ipv6(_ t: Bytes, _ i: Int) -> Found {
        let prev = t[i - 1]
        guard !Bytes.isWord(prev), prev != UInt8(ascii: "."), prev != UInt8(ascii: ":") else {
            return .none
        }
        var j = i
        var groups = 0
        var compressed = false
        var hasDigit = false
        var hasFull = false
        var first = -1
        if t[j] == UInt8(ascii: ":") {
            guard t[j + 1] == UInt8(ascii: ":") else { return .none }
            compressed = true
            j += 2
        }
        while groups < 9 {
            let h = t.hexRun(j)
            if h == 0 {
                // After `::` an address may end; after a single `:` it may not.
                if compressed && j >= 2 && t[j - 1] == UInt8(ascii: ":")
                    && t[j - 2] == UInt8(ascii: ":")
                {
                    break
                }
                return .none
            }
            // An embedded dotted quad ends the address and counts as two groups.
            if t[j + h] == UInt8(ascii: ".") && Bytes.isDigit(t[j + h + 1])
                && (j..<(j + h)).allSatisfy({ Bytes.isDigit(t[$0]) })
            {
                guard groups > 0, let (_, end) = Self.dottedQuad(t, j) else { return .none }
                groups += 2
                hasDigit = true
                j = end
                break
            }
            guard h <= 4 else { return .none }
            if groups == 0 && !compressed {
                var v = 0
                for k in j..<(j + h) { v = v << 4 | Bytes.hexValue(t[k]) }
                first = v
            }
            for k in j..<(j + h) where Bytes.isDigit(t[k]) { hasDigit = true }
            if h == 4 { hasFull = true }
            groups += 1
            j += h
            guard t[j] == UInt8(ascii: ":") else { break }
            if t[j + 1] == UInt8(ascii: ":") {
                if compressed { return .none }
                compressed = true
                j += 2
            } else if Bytes.isHex(t[j + 1]) {
                j += 1
            } else {
                break  // a trailing colon is punctuation
            }
        }
        guard compressed ? groups <= 7 : groups == 8 else { return .none }
        guard !Bytes.isWord(t[j]), !(t[j] == UInt8(ascii: ".") && Bytes.isDigit(t[j + 1])),
            hasDigit, groups >= 3 || hasFull
        else { return .none }
        // Special-purpose ranges.
        if first < 0 || first == 0 { return .skip(j) }
        if first & 0xFFC0 == 0xFE80 || first & 0xFE00 == 0xFC00 || first & 0xFF00 == 0xFF00 {
            return .skip(j)
        }
        if first == 0x2001 && t.hexGroupValue(after: i) == 0x0DB8 { return .skip(j) }
        return .match(.ipAddress, i, j, "IPv6 address")
    }
}

// MARK: - Bytes

/// A byte buffer read with bounds-safe subscripts: positions outside it read as 0, which no
/// recognizer accepts, so a recognizer never reads out of bounds whatever the input.
struct Bytes {
    let p: UnsafeBufferPointer<UInt8>
    let count: Int

    init(_ p: UnsafeBufferPointer<UInt8>) {
        self.p = p
        self.count = p.count
    }

    @inline(__always) subscript(_ i: Int) -> UInt8 {
        i >= 0 && i < count ? p[i] : 0
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }
    /// ASCII letters, digits and `_`; bytes of non-ASCII characters are not word bytes.
    @inline(__always) static func isWord(_ b: UInt8) -> Bool {
        isAlnum(b) || b == UInt8(ascii: "_")
    }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20) &- 0x61 < 6
    }
    @inline(__always) static func isBase64URL(_ b: UInt8) -> Bool {
        isWord(b) || b == UInt8(ascii: "-")
    }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b | 0x20 : b }
    static func hexValue(_ b: UInt8) -> Int {
        isDigit(b) ? Int(b - 48) : Int((b | 0x20) - 87)
    }

    /// Digits from `i`.
    func digitRun(_ i: Int) -> Int {
        var j = i
        while Bytes.isDigit(self[j]) { j += 1 }
        return j - i
    }

    /// Hex digits from `i` (at most 5 counted: longer runs are not IPv6 groups).
    func hexRun(_ i: Int) -> Int {
        var j = i
        while j - i < 5 && Bytes.isHex(self[j]) { j += 1 }
        return j - i
    }

    /// The value of the hex group after the first `:` following `i`.
    func hexGroupValue(after i: Int) -> Int {
        var j = i
        while j - i < 5 && self[j] != UInt8(ascii: ":") { j += 1 }
        j += 1
        var v = 0
        var k = 0
        while k < 4 && Bytes.isHex(self[j + k]) {
            v = v << 4 | Bytes.hexValue(self[j + k])
            k += 1
        }
        return k == 0 ? -1 : v
    }

    /// Whether a `:` follows within the next four bytes, after hex digits only.
    @inline(__always) func colonSoon(_ i: Int) -> Bool {
        var j = i
        while j - i < 5 && Bytes.isHex(self[j]) { j += 1 }
        return self[j] == UInt8(ascii: ":") && j > i
    }

    /// Whether a number ending at `end` goes on as part of a longer one: a separator (`-`,
    /// `.`, `/`, `:`, `,`, or `sep`) followed by a digit.
    func continuesNumber(_ end: Int, sep: UInt8 = 0) -> Bool {
        let b = self[end]
        let joins =
            b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/")
            || b == UInt8(ascii: ":") || b == UInt8(ascii: ",") || (sep != 0 && b == sep)
        return joins && Bytes.isDigit(self[end + 1])
    }

    func matches(_ s: StaticString, at i: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        let base = s.utf8Start
        for k in 0..<n where self[i + k] != base[k] { return false }
        return true
    }

    func matchesBackward(_ s: StaticString, endingAt end: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        let base = s.utf8Start
        guard end - n >= 0 else { return false }
        for k in 0..<n where Bytes.lower(self[end - n + k]) != base[k] { return false }
        return true
    }

    func endsWith(_ s: StaticString, range: Range<Int>) -> Bool {
        let n = s.utf8CodeUnitCount
        guard range.count >= n else { return false }
        return matches(s, at: range.upperBound - n)
    }

    /// Whether lowercase ASCII `needle` occurs in `start..<end`, ignoring case.
    func containsCaseInsensitive(_ needle: StaticString, _ start: Int, _ end: Int) -> Bool {
        let n = needle.utf8CodeUnitCount
        let base = needle.utf8Start
        var s = start
        while s + n <= end {
            var k = 0
            while k < n && Bytes.lower(self[s + k]) == base[k] { k += 1 }
            if k == n { return true }
            s += 1
        }
        return false
    }
}
