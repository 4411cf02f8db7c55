import Dispatch
import PreflightCore

/// Flags records that contain personal data or secrets: email addresses, phone numbers,
/// payment card numbers (Luhn-checked), IBANs (mod-97-checked), API keys and tokens of
/// well-known forms, JSON Web Tokens, and public IP addresses.
///
/// What is read: for classification and text records the input text fields; for generative
/// records every string of the record, which covers every turn of every shape (`messages[2]`,
/// `conversations[1]`, `prompt`, `completion`, `instruction`, `input`, `output`, `chosen[1]`,
/// `rejected[1]`), tool-call arguments and any other field the file carries (`system`,
/// `metadata`). The rejected side of a preference pair is not read again where it repeats
/// the chosen side's messages. Each record gives at most one finding per kind, at the first
/// occurrence, naming the field or turn (`in messages[2] ('user')`) and the count in the
/// record; the matched text is shown masked only (`j***@e***.com`, `**** **** **** 4242`,
/// `ghp_…a1B2`), never in full, in findings, metrics or the summary.
///
/// What each kind accepts is documented on `PIIScanner`'s recognizers. Severities are per
/// kind: secrets that give access or move money (`api_key`, `credit_card`) default to error,
/// the check's ceiling; personal contact and account data (`email`, `phone`, `iban`) and
/// tokens that usually expire (`jwt`) to warning; `ip_address` to info.
///
/// Why it matters: a fine-tuned model can reproduce what it was trained on. Personal data in
/// training examples can resurface in answers to anyone (and makes the dataset itself
/// regulated data), and a live key in the data is a leaked credential.
///
/// False positives: placeholders that look real (`555-0100`-style numbers pass; documentation
/// domains `example.com/.org/.net` and reserved TLDs are allowed by default, keys containing
/// `EXAMPLE` or runs like `xxxx` are skipped), numbers that happen to have a phone number's
/// shape (`415-555-2671`-like order ids), test card numbers (`4242 4242 4242 4242`, reported:
/// they are valid card numbers), 13–19-digit ids that pass Luhn with a card prefix, and
/// dotted quads that are versions but are not written as such (`10.20.30.40`). Add literal
/// substrings to `allow` for known placeholders.
/// - Complexity: O(total text bytes), one parallel pass over the records.
public struct PIICheck: Check {
    /// Kinds, allow list, per-kind severities and the finding cap.
    public struct Options: CheckOptions {
        public var kinds = PIIKind.allCases
        public var allow = ["example.com", "example.net", "example.org"]
        public var emailSeverity = Severity.warning
        public var phoneSeverity = Severity.warning
        public var creditCardSeverity = Severity.error
        public var ibanSeverity = Severity.warning
        public var apiKeySeverity = Severity.error
        public var jwtSeverity = Severity.warning
        public var ipAddressSeverity = Severity.info
        public var maxFindings = 1000

        public init() {}

        /// The severity of a kind's findings.
        public func severity(of kind: PIIKind) -> Severity {
            switch kind {
            case .email: emailSeverity
            case .phone: phoneSeverity
            case .creditCard: creditCardSeverity
            case .iban: ibanSeverity
            case .apiKey: apiKeySeverity
            case .jwt: jwtSeverity
            case .ipAddress: ipAddressSeverity
            }
        }

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "kinds", \.kinds,
                doc:
                    "what to detect: email, phone, credit_card, iban, api_key, jwt, ip_address"),
            OptionField(
                "allow", \.allow,
                doc:
                    "matches containing one of these literal substrings (case-insensitive) are ignored: placeholder domains, known test values"
            ),
            OptionField(
                "email_severity", \.emailSeverity, doc: "severity of email address findings"),
            OptionField(
                "phone_severity", \.phoneSeverity, doc: "severity of phone number findings"),
            OptionField(
                "credit_card_severity", \.creditCardSeverity,
                doc: "severity of payment card number findings (Luhn-valid, known networks)"),
            OptionField(
                "iban_severity", \.ibanSeverity,
                doc: "severity of IBAN findings (mod-97-valid)"),
            OptionField(
                "api_key_severity", \.apiKeySeverity,
                doc:
                    "severity of API key, access token and private key findings (a leaked credential)"
            ),
            OptionField(
                "jwt_severity", \.jwtSeverity, doc: "severity of JSON Web Token findings"),
            OptionField(
                "ip_address_severity", \.ipAddressSeverity,
                doc: "severity of public IPv4 and IPv6 address findings"),
            OptionField(
                "max_findings", \.maxFindings,
                doc:
                    "report at most this many findings (one per record and kind, in file order); one more finding counts the rest per kind",
                check: OptionRules.nonNegative),
        ]

        public func validate() throws(OptionsError) {
            guard !kinds.isEmpty else {
                throw OptionsError(
                    key: "kinds",
                    "'kinds' is empty: list a kind, or disable the check with 'pii: false'")
            }
            guard Set(kinds).count == kinds.count else {
                throw OptionsError(key: "kinds", "list each kind once in 'kinds'")
            }
            if let blank = allow.firstIndex(where: { $0.isEmpty }) {
                throw OptionsError(key: "allow", "'allow' entry \(blank + 1) is empty")
            }
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "pii", title: "Personal data and secrets",
        summary:
            "Flags records containing email addresses, phone numbers, card numbers, IBANs, API keys, JWTs or public IP addresses.",
        category: .content, defaultSeverity: .error, prerequisites: [.enoughExamples],
        examples: [
            .passes(
                jsonl: #"""
                    {"messages": [{"role": "user", "content": "Write to support@example.com or call 555-0100."}, {"role": "assistant", "content": "Order ORD-2024-000123 shipped on 2024-01-15 at 12:30 for $1,299.99."}]}
                    {"messages": [{"role": "user", "content": "Which version?"}, {"role": "assistant", "content": "Upgrade to v1.2.3.4 (build 10.0.19041.1); ISBN 978-3-16-148410-0."}]}
                    {"messages": [{"role": "user", "content": "id 550e8400-e29b-41d4-a716-446655440000"}, {"role": "assistant", "content": "sha d41d8cd98f00b204e9800998ecf8427e, router 192.168.1.1"}]}
                    """#),
            .fails(
                jsonl: #"""
                    --- train.jsonl
                    ↓{"messages": [{"role": "user", "content": "I'm jane.doe@gmail.com, call me on +44 20 7946 0958."}, {"role": "assistant", "content": "Thanks!"}]}
                    {"messages": [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}]}
                    --- train_completions.jsonl
                    ↓{"prompt": "Charge 4242 4242 4242 4242 please", "completion": "Done."}
                    ↓{"prompt": "Deploy with key", "completion": "export GITHUB_TOKEN=ghp_R8cX2mKq7Lw0ZpN4vT1yB6sD9fH3jA5eU0gI"}
                    """#),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    // MARK: - Run

    /// Scans every record's texts, in parallel over chunks of records.
    /// - Complexity: O(total text bytes).
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let layout = input.index.value(ChecksIndex.layout)
        let total = layout.count
        guard total > 0 else { return CheckOutcome(summary: "no records to scan") }
        let scanner = PIIScanner(kinds: options.kinds, allow: options.allow)
        let chunk = 4_096
        let chunks = (total + chunk - 1) / chunk
        var parts = [ChunkResult](repeating: ChunkResult(), count: chunks)
        parts.withUnsafeMutableBufferPointer { buffer in
            let target = SendableBuffer(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var walker = RecordWalker(scanner: scanner)
                var result = ChunkResult()
                layout.forEachRun(in: layout.chunk(c, size: chunk), of: dataset) {
                    f, records, base, positions in
                    let schema = dataset.files[f].schema
                    for q in positions {
                        walker.scan(records.baseAddress! + (q - base), schema: schema)
                        if walker.found {
                            result.records.append(walker.recordHits(position: q))
                        }
                    }
                }
                result.counts = walker.totals
                result.allowed = walker.allowed
                target.base[c] = result
            }
        }
        return outcome(parts, dataset: dataset, layout: layout, scanned: total)
    }

    /// What one chunk of records found.
    struct ChunkResult {
        var records: [RecordHits] = []
        /// Matches per kind (`PIIKind.index`).
        var counts = [Int](repeating: 0, count: PIIKind.allCases.count)
        var allowed = 0
    }

    /// The kinds found in one record, with the first occurrence of each.
    struct RecordHits {
        var position: Int
        var hits: [KindHit]
    }

    /// The first occurrence of a kind in a record and how many there are.
    struct KindHit {
        var kind: PIIKind
        var count: Int
        /// What it is: `email address`, `Visa card number`, `GitHub token`, …
        var detail: String
        var masked: String
        /// Where in the record: `messages[2]`, `text`, `metadata.contact`.
        var path: String
        var role: String?
    }

    // MARK: - Outcome

    /// Findings in file order up to `max_findings`, one more counting the rest, metrics and
    /// the summary.
    func outcome(_ parts: [ChunkResult], dataset: Dataset, layout: DatasetLayout, scanned: Int)
        -> CheckOutcome
    {
        let id = Self.descriptor.id
        var counts = [Int](repeating: 0, count: PIIKind.allCases.count)
        var allowed = 0
        var recordsWithPII = 0
        var findings: [Finding] = []
        var unlisted = [Int](repeating: 0, count: PIIKind.allCases.count)
        for part in parts {
            for k in counts.indices { counts[k] += part.counts[k] }
            allowed += part.allowed
            recordsWithPII += part.records.count
            for record in part.records {
                for hit in record.hits {
                    guard findings.count < options.maxFindings else {
                        unlisted[hit.kind.index] += 1
                        continue
                    }
                    findings.append(finding(hit, at: record.position, dataset, layout))
                }
            }
        }

        var metrics: [String: Double] = [:]
        for kind in options.kinds { metrics[kind.rawValue] = Double(counts[kind.index]) }
        metrics["records_scanned"] = Double(scanned)
        metrics["records_with_pii"] = Double(recordsWithPII)
        metrics["share_with_pii"] = Double(recordsWithPII) / Double(scanned)
        metrics["allowed"] = Double(allowed)

        let kindsFound = PIIKind.allCases.filter { counts[$0.index] > 0 }
        // One summary per severity, so that counts weigh each by its findings (`Finding.weight`).
        let unlistedKinds = PIIKind.allCases.filter { unlisted[$0.index] > 0 }
        for severity in Set(unlistedKinds.map(options.severity(of:))).sorted(by: >) {
            let kinds = unlistedKinds.filter { options.severity(of: $0) == severity }
            let rest = kinds.reduce(0) { $0 + unlisted[$1.index] }
            var perKind: [String: Double] = [FindingLimit.omittedMetric: Double(rest)]
            var list: [String] = []
            for kind in kinds {
                perKind[kind.rawValue] = Double(unlisted[kind.index])
                list.append("\(kind.rawValue) \(unlisted[kind.index])")
            }
            findings.append(
                Finding(
                    checkID: id, code: "unlisted_findings", severity: severity,
                    message:
                        "\(Format.count(rest, "more finding")) beyond 'max_findings' \(options.maxFindings) "
                        + "not listed: \(list.joined(separator: ", "))",
                    hint:
                        "fix the listed records first, or raise 'max_findings' to list them all",
                    metrics: perKind))
        }
        let summary: String
        if kindsFound.isEmpty {
            summary = "no personal data or secrets in \(Format.count(scanned, "record"))"
        } else {
            let list = kindsFound.map { Format.count(counts[$0.index], $0.noun) }
            summary =
                "\(list.joined(separator: ", ")) in \(Format.count(recordsWithPII, "record")) "
                + "(\(Format.percent(Double(recordsWithPII) / Double(scanned))))"
        }
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary)
    }

    /// The finding of one kind in one record.
    func finding(_ hit: KindHit, at position: Int, _ dataset: Dataset, _ layout: DatasetLayout)
        -> Finding
    {
        let ref = layout.ref(position)
        let file = dataset.files[Int(ref.file)]
        let record = file.records[Int(ref.record)]
        var place = "in \(hit.path)"
        if let role = hit.role { place += " (\(Format.quoted(role)))" }
        var message = "\(hit.kind.category) \(place): \(hit.detail) '\(hit.masked)'"
        if hit.count > 1 {
            message += "; \(Format.count(hit.count, hit.kind.noun)) in the record"
        }
        return Finding(
            checkID: Self.descriptor.id, code: hit.kind.rawValue,
            severity: options.severity(of: hit.kind), message: message,
            hint: Self.hint(hit.kind), location: file.location(of: record, field: hit.path),
            metrics: ["count": Double(hit.count)])
    }

    /// What to do about a kind.
    static func hint(_ kind: PIIKind) -> String {
        switch kind {
        case .email, .phone:
            "remove or replace personal contact details with placeholders (e.g. user@example.com) before fine-tuning"
        case .creditCard, .iban:
            "remove payment details from the data or replace them with obviously fake placeholders"
        case .apiKey:
            "revoke the credential, then remove it from the data: a fine-tuned model can reproduce it"
        case .jwt:
            "remove the token (it may grant access until it expires) or replace it with a placeholder"
        case .ipAddress:
            "remove or replace IP addresses that identify users or hosts, unless they are public services"
        }
    }
}

// MARK: - Walking records

/// Scans the texts of one record after another, keeping the first occurrence of each kind
/// per record; reused across the records of a chunk, so a record without matches allocates
/// nothing.
struct RecordWalker {
    let scanner: PIIScanner
    /// Matches per kind in the current record.
    var counts = [Int](repeating: 0, count: PIIKind.allCases.count)
    /// The first occurrence of each kind in the current record.
    var firsts = [PIICheck.KindHit?](repeating: nil, count: PIIKind.allCases.count)
    /// Whether the current record has a match.
    var found = false
    /// Matches per kind over all records scanned.
    var totals = [Int](repeating: 0, count: PIIKind.allCases.count)
    /// Matches ignored by the allow list.
    var allowed = 0
    /// The path to the string being scanned: field indices of objects and element indices
    /// of arrays from the record's root.
    var stack: [Int] = []

    init(scanner: PIIScanner) { self.scanner = scanner }

    /// The hits of the current record, in kind order.
    func recordHits(position: Int) -> PIICheck.RecordHits {
        PIICheck.RecordHits(position: position, hits: firsts.compactMap { $0 })
    }

    /// Scans the texts of a record: the text fields of classification and text records,
    /// every string of other records.
    mutating func scan(_ record: UnsafePointer<Record>, schema: DatasetSchema) {
        if found {
            for k in counts.indices {
                counts[k] = 0
                firsts[k] = nil
            }
            found = false
        }
        let value = record.pointee.value
        switch schema.shape {
        case .classification, .text:
            if schema.textFields.isEmpty {
                scanText(record.pointee.input) { _ in ("input", nil) }
                return
            }
            for field in schema.textFields {
                guard let text = value[field]?.scalarText else { continue }
                scanText(text[...]) { _ in (field, nil) }
            }
        case .chat, .sharegpt, .promptCompletion, .instruction, .preference, .unknown:
            stack.removeAll(keepingCapacity: true)
            walk(value, root: value, shape: schema.shape, depth: 0)
        }
    }

    /// Scans every string under `value`; `stack` holds the path to `value`.
    mutating func walk(_ value: DataValue, root: DataValue, shape: Shape, depth: Int) {
        switch value {
        case .string(let text):
            scanText(text[...]) { walker in Self.describe(walker.stack, in: root, shape: shape) }
        case .array(let items):
            // The rejected side of a preference pair repeats the chosen side's prompt: skip
            // the messages it shares with it.
            var skip = 0
            if depth == 1, shape == .preference, case .array(let chosen)? = root["chosen"],
                Self.fieldName(stack, in: root) == "rejected"
            {
                while skip < items.count && skip < chosen.count && items[skip] == chosen[skip] {
                    skip += 1
                }
            }
            for k in skip..<items.count where depth < 64 {
                stack.append(k)
                walk(items[k], root: root, shape: shape, depth: depth + 1)
                stack.removeLast()
            }
        case .object(let fields):
            for k in fields.indices where depth < 64 {
                stack.append(k)
                walk(fields[k].value, root: root, shape: shape, depth: depth + 1)
                stack.removeLast()
            }
        case .null, .bool, .number:
            break
        }
    }

    /// Scans one text; `place` names where it is (called once per kind and record, on its
    /// first match).
    mutating func scanText(_ text: Substring, place: (Self) -> (String, String?)) {
        var copy = text
        copy.withUTF8 { bytes in
            scanner.scan(bytes, allowed: { _ in allowed += 1 }) { match in
                let k = match.kind.index
                counts[k] += 1
                totals[k] += 1
                if let first = firsts[k] {
                    firsts[k]!.count = first.count + 1
                    return
                }
                let (path, role) = place(self)
                firsts[k] = PIICheck.KindHit(
                    kind: match.kind, count: 1, detail: PIIMask.detail(match),
                    masked: PIIMask.mask(match, in: bytes), path: path, role: role)
                found = true
            }
        }
    }

    /// The name of the top-level field the stack starts with.
    static func fieldName(_ stack: [Int], in root: DataValue) -> String? {
        guard let first = stack.first, case .object(let fields) = root, first < fields.count
        else { return nil }
        return fields[first].name
    }

    /// The path and role of the string at `stack`: `messages[2]` and its role for a
    /// message's content (`content`, `value`, or a text part of it), the full path with the
    /// message's role for other strings in a message (`messages[2].tool_calls[0].function.
    /// arguments`), the field path elsewhere (`completion`, `metadata.contact`), with the role
    /// Conversation gives prompt/completion and instruction fields.
    static func describe(_ stack: [Int], in root: DataValue, shape: Shape) -> (String, String?) {
        var path = ""
        var node = root
        var messagePath: String?
        var role: String?
        var atMessage = false
        var inContent = false
        for k in stack {
            switch node {
            case .object(let fields) where k < fields.count:
                let name = fields[k].name
                if atMessage && (name == "content" || name == "value") { inContent = true }
                atMessage = false
                path += path.isEmpty ? name : ".\(name)"
                node = fields[k].value
            case .array(let items) where k < items.count:
                path += "[\(k)]"
                node = items[k]
                atMessage = false
                // A message: an object with a string role (content parts have none).
                if !inContent, let r = node["role"]?.stringValue ?? node["from"]?.stringValue {
                    messagePath = path
                    role = r
                    atMessage = true
                }
            default:
                return (path, role)
            }
        }
        if let messagePath, inContent { return (messagePath, role) }
        if role == nil, stack.count == 1 { role = turnRole(path, shape: shape) }
        return (path, role)
    }

    /// The role `Conversation` gives a top-level text field of a generative shape.
    static func turnRole(_ field: String, shape: Shape) -> String? {
        switch (shape, field) {
        case (.promptCompletion, "prompt"), (.instruction, "instruction"), (.instruction, "input"),
            (.preference, "prompt"):
            "user"
        case (.promptCompletion, "completion"), (.instruction, "output"), (.preference, "chosen"),
            (.preference, "rejected"):
            "assistant"
        default: nil
        }
    }
}

// MARK: - Masking

/// How matches are shown: never in full.
enum PIIMask {
    /// What a match is, for messages: `email address`, `Visa card number`, `GitHub token`.
    static func detail(_ match: PIIScanner.Match) -> String {
        match.kind == .creditCard ? "\(match.detail) card number" : match.detail
    }

    /// Key prefixes that name a key's type and are shown (they are not secret).
    static let keyPrefixes: [String] = [
        "github_pat_", "sk-svcacct-", "sk-admin-", "sk-proj-", "sk-ant-", "sk_live_",
        "rk_live_", "xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-", "ghp_", "gho_", "ghu_", "ghs_",
        "ghr_", "AKIA", "ASIA", "AIza", "sk-",
    ]

    /// The masked form of a match:
    /// - email: first character of the local part and of the domain, and the top-level
    ///   domain: `j***@e***.com`;
    /// - phone: every digit but the last two masked, separators kept: `+** ** **** **58`;
    /// - card: every digit but the last four masked: `**** **** **** 4242`;
    /// - IBAN: country code and last two characters: `DE** **** **** **** **** 00`;
    /// - API key: its type prefix and at most the last four characters: `ghp_…a1B2`; a
    ///   private key header as `-----BEGIN … PRIVATE KEY-----`;
    /// - JWT: `eyJ…(JWT)`;
    /// - IP address: the first part only: `81.***.***.***`, `2a00:…`.
    static func mask(_ match: PIIScanner.Match, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let text = Array(bytes[match.range])
        switch match.kind {
        case .email:
            guard let at = text.firstIndex(of: UInt8(ascii: "@")),
                let dot = text.lastIndex(of: UInt8(ascii: "."))
            else { return "***" }
            return string(text[0..<1]) + "***@" + string(text[(at + 1)..<(at + 2)]) + "***."
                + string(text[(dot + 1)...])
        case .phone:
            return maskDigits(text, keep: 2)
        case .creditCard:
            return maskDigits(text, keep: 4)
        case .iban:
            var out = text
            var seen = 0
            let total = text.count(where: { $0 != UInt8(ascii: " ") })
            for k in out.indices where out[k] != UInt8(ascii: " ") {
                seen += 1
                if seen > 2 && seen <= total - 2 { out[k] = UInt8(ascii: "*") }
            }
            return string(out[...])
        case .apiKey:
            if text.first == UInt8(ascii: "-") { return "-----BEGIN … PRIVATE KEY-----" }
            let raw = string(text[...])
            let prefix = keyPrefixes.first { raw.hasPrefix($0) } ?? ""
            let tail = min(4, max(0, text.count - prefix.utf8.count - 8))
            return prefix + "…" + string(text[(text.count - tail)...])
        case .jwt:
            return "eyJ…(JWT)"
        case .ipAddress:
            if let dot = text.firstIndex(of: UInt8(ascii: ".")),
                !text.contains(UInt8(ascii: ":"))
            {
                return string(text[..<dot]) + ".***.***.***"
            }
            let colon = text.firstIndex(of: UInt8(ascii: ":")) ?? 0
            return string(text[..<colon]) + ":…"
        }
    }

    /// Every digit but the last `keep` replaced by `*`.
    static func maskDigits(_ text: [UInt8], keep: Int) -> String {
        var out = text
        let digits = text.count(where: Bytes.isDigit)
        var seen = 0
        for k in out.indices where Bytes.isDigit(out[k]) {
            seen += 1
            if seen <= digits - keep { out[k] = UInt8(ascii: "*") }
        }
        return string(out[...])
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
