import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// Values of every kind, real in form; checksums verified independently (Python) when these
/// tests were written.
enum PIISamples {
    static let email = "jane.doe@gmail.com"
    static let phone = "+44 20 7946 0958"
    static let card = "4242 4242 4242 4242"
    static let iban = "DE89 3704 0044 0532 0130 00"
    static let awsKey = "AKIAZ7Q3M5N2L4K6J2HD"
    static let gitHubToken = "ghp_R8cX2mKq7Lw0ZpN4vT1yB6sD9fH3jA5eU0gI"
    static let jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    static let ipv4 = "81.2.69.160"
    static let ipv6 = "2a00:1450:4001:81b::200e"

    /// One value per kind, in kind order.
    static let all: [(PIIKind, String)] = [
        (.email, email), (.phone, phone), (.creditCard, card), (.iban, iban),
        (.apiKey, gitHubToken), (.jwt, jwt), (.ipAddress, ipv4),
    ]
}

@Suite struct PIIScannerTests {
    let scanner = PIIScanner()

    /// (kind, matched text) of every match in `text`.
    func found(
        _ text: String, _ scanner: PIIScanner = PIIScanner(allow: PIICheck.Options().allow)
    ) -> [String] {
        let bytes = Array(text.utf8)
        return scanner.matches(in: text).map {
            "\($0.kind.rawValue):" + String(decoding: bytes[$0.range], as: UTF8.self)
        }
    }

    // MARK: Positives

    @Test(arguments: [
        ("mail jane.doe@gmail.com now", "email:jane.doe@gmail.com"),
        ("<a.b+tag@mail.co.uk>.", "email:a.b+tag@mail.co.uk"),
        ("mailto:bob_99@corp-mail.io", "email:bob_99@corp-mail.io"),
        ("call +1 (415) 555-2671 today", "phone:+1 (415) 555-2671"),
        ("tel +44 20 7946 0958.", "phone:+44 20 7946 0958"),
        ("+49 (0)30 1234567", "phone:+49 (0)30 1234567"),
        ("+4915112345678", "phone:+4915112345678"),
        ("+33 6 12 34 56 78", "phone:+33 6 12 34 56 78"),
        ("ring (415) 555-2671", "phone:(415) 555-2671"),
        ("ring 415-555-2671 or", "phone:415-555-2671"),
        ("ring 415.555.2671", "phone:415.555.2671"),
        ("1-800-555-0199", "phone:1-800-555-0199"),
        ("UK 020 7946 0958", "phone:020 7946 0958"),
        ("FR 06 12 34 56 78", "phone:06 12 34 56 78"),
        ("DE 030 1234567", "phone:030 1234567"),
        ("0049 30 1234567", "phone:0049 30 1234567"),
        ("電話03-1234-5678", "phone:03-1234-5678"),
        ("Call FREEPHONE 08002986030 now", "phone:08002986030"),
        ("mobile: 4155552671", "phone:4155552671"),
        ("Help? 0845 2814032 16 after", "phone:0845 2814032"),
        ("IAMASEAL2@YAHOO.COM", "email:IAMASEAL2@YAHOO.COM"),
        ("card 4242 4242 4242 4242 exp 12/27", "credit_card:4242 4242 4242 4242"),
        ("card 4242-4242-4242-4242", "credit_card:4242-4242-4242-4242"),
        ("amex 3782 822463 10005", "credit_card:3782 822463 10005"),
        ("mc 5555555555554444.", "credit_card:5555555555554444"),
        ("discover 6011111111111117", "credit_card:6011111111111117"),
        ("jcb 3530111333300000", "credit_card:3530111333300000"),
        ("diners 30569309025904", "credit_card:30569309025904"),
        ("iban DE89 3704 0044 0532 0130 00 ok", "iban:DE89 3704 0044 0532 0130 00"),
        ("GB82WEST12345698765432", "iban:GB82WEST12345698765432"),
        ("FR14 2004 1010 0505 0001 3M02 606", "iban:FR14 2004 1010 0505 0001 3M02 606"),
        ("NL91ABNA0417164300,", "iban:NL91ABNA0417164300"),
        ("key AKIAZ7Q3M5N2L4K6J2HD", "api_key:AKIAZ7Q3M5N2L4K6J2HD"),
        ("ASIAZ7Q3M5N2L4K6J2HD", "api_key:ASIAZ7Q3M5N2L4K6J2HD"),
        (
            "t=ghp_R8cX2mKq7Lw0ZpN4vT1yB6sD9fH3jA5eU0gI",
            "api_key:ghp_R8cX2mKq7Lw0ZpN4vT1yB6sD9fH3jA5eU0gI"
        ),
        (
            "github_pat_11ABCDEFG0aB3cD5eF7gH9_iJ1kL3mN5oP7qR9sT1uV3wX5yZ7",
            "api_key:github_pat_11ABCDEFG0aB3cD5eF7gH9_iJ1kL3mN5oP7qR9sT1uV3wX5yZ7"
        ),
        (
            "xoxb-2847561930-4827163950284-Kq7Lw0ZpN4vT1yB6sD9fH3jA",
            "api_key:xoxb-2847561930-4827163950284-Kq7Lw0ZpN4vT1yB6sD9fH3jA"
        ),
        (
            "OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
            "api_key:sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"
        ),
        (
            "sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zQ7rT2uV5",
            "api_key:sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zQ7rT2uV5"
        ),
        (
            "key=AIzaSyD3x9Kq2Lm7Np4Rs8Tv1Wy6Zb0Cd5Ef8Gh",
            "api_key:AIzaSyD3x9Kq2Lm7Np4Rs8Tv1Wy6Zb0Cd5Ef8Gh"
        ),
        ("sk_live_51H8xYzAbCdEfGhIjKlMnOpQr", "api_key:sk_live_51H8xYzAbCdEfGhIjKlMnOpQr"),
        ("rk_live_51H8xYzAbCdEfGhIjKlMnOpQr", "api_key:rk_live_51H8xYzAbCdEfGhIjKlMnOpQr"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow",
            "api_key:-----BEGIN RSA PRIVATE KEY-----"
        ),
        ("-----BEGIN PRIVATE KEY-----", "api_key:-----BEGIN PRIVATE KEY-----"),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----", "api_key:-----BEGIN OPENSSH PRIVATE KEY-----"
        ),
        ("Bearer \(PIISamples.jwt).", "jwt:\(PIISamples.jwt)"),
        ("from 81.2.69.160:8080", "ip_address:81.2.69.160"),
        ("host 8.8.4.40/24", "ip_address:8.8.4.40"),
        ("v6 2a00:1450:4001:81b::200e.", "ip_address:2a00:1450:4001:81b::200e"),
        (
            "2606:4700:4700:0000:0000:0000:0000:1111",
            "ip_address:2606:4700:4700:0000:0000:0000:0000:1111"
        ),
        ("[2606:4700::1111]:443", "ip_address:2606:4700::1111"),
        ("x ::ffff:2a00:1450:4001:81b", ""),
    ])
    func findsEachKind(_ text: String, _ expected: String) {
        #expect(found(text) == (expected.isEmpty ? [] : [expected]), "\(text)")
    }

    @Test func findsSeveralInOneTextInOrder() {
        let text =
            "Jane (jane.doe@gmail.com, +44 20 7946 0958) paid with 4242 4242 4242 4242 from 81.2.69.160"
        #expect(
            found(text) == [
                "email:jane.doe@gmail.com", "phone:+44 20 7946 0958",
                "credit_card:4242 4242 4242 4242", "ip_address:81.2.69.160",
            ])
    }

    // MARK: Checksums

    @Test(arguments: [
        ("4242424242424242", true), ("4242424242424241", false),
        ("378282246310005", true), ("378282246310006", false),
        ("5555555555554444", true), ("5555555555554443", false),
        ("4000056655665556", true), ("4000056655665557", false),
        ("6011111111111117", true), ("6011111111111118", false),
    ])
    func luhnDecidesCardNumbers(_ number: String, _ valid: Bool) {
        #expect(found("pay \(number) now") == (valid ? ["credit_card:\(number)"] : []))
    }

    @Test func cardNeedsAKnownNetworkPrefix() {
        // Luhn-valid, 16 digits, but 9… and 1… are no card network's prefix.
        #expect(found("id 9999999999999995") == [])
        #expect(found("id 1234567812345670") == [])
    }

    @Test(arguments: [
        ("DE89 3704 0044 0532 0130 00", true), ("DE88 3704 0044 0532 0130 00", false),
        ("GB82WEST12345698765432", true), ("GB82WEST12345698765433", false),
        ("NL91ABNA0417164300", true), ("NL91ABNA0417164301", false),
        ("CH9300762011623852957", true), ("CH9300762011623852958", false),
        // Valid checksum, wrong length for the country.
        ("DE89 3704 0044 0532 0130", false),
    ])
    func mod97DecidesIBANs(_ iban: String, _ valid: Bool) {
        #expect(found("to \(iban) today") == (valid ? ["iban:\(iban)"] : []))
    }

    @Test func jwtNeedsAnAlgHeader() {
        // Three base64url segments whose header decodes to {"foo":"bar"}: not a JWT.
        #expect(found("eyJmb28iOiJiYXIifQ.eyJ4IjoxfQ.c2lnbmF0dXJl") == [])
        // The header alone (base64 JSON without dots) is not a JWT either.
        #expect(found("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9") == [])
        // An unsigned token ("alg":"none") has an empty third segment.
        let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."
        #expect(found("token \(unsigned) end") == ["jwt:\(unsigned)"])
    }

    // MARK: Rejections

    /// Texts that look like personal data to a careless scanner and are not.
    static let clean: [String] = [
        // Dates and times.
        "Meeting on 2024-01-15 at 12:30:45, moved to 15.01.2024 10:00 or 01/15/2024.",
        "Born 01 02 2024, timestamp 2024-01-15T12:30:45Z, duration 00:45:10.",
        // Prices and amounts.
        "Total $1,299.99 (was €1.234.567,89); 1 000 000 units; 12 345 678 901 bytes.",
        "Balance: 4,242,424,242 points and 100.000.000 views.",
        // Order numbers and ids.
        "Order ORD-2024-000123, ticket #4155552671, invoice INV/2023/0042, SKU 4832-1190-3345.",
        "Your order number is 4000123412341234567 and ref 20240115123045.",
        "order 483-119-0334 and case 123-456-7890",
        // ISBNs.
        "ISBN 978-3-16-148410-0, ISBN-10 0-306-40615-2, 9780306406157.",
        // Version strings.
        "Upgrade to v1.2.3.4 or version 10.20.30.40; build 10.0.19041.1; release 2.4.1.1234.",
        "Requires Python 3.11.4, node 18.17.1.0-beta and libfoo 1.2.3.4.5.",
        "Supported: 1.2.3.4, 2.0.0.1 and 9.9.9.9.",
        // UUIDs and hashes.
        "uuid 550e8400-e29b-41d4-a716-446655440000 and 123e4567-e89b-12d3-a456-426614174000",
        "sha1 3f786850e387550fdab836ed7e6dc881de23001b md5 d41d8cd98f00b204e9800998ecf8427e",
        "commit 1234567890abcdef1234567890abcdef12345678",
        // Base64 that is not a JWT.
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        "payload eyJmb28iOiJiYXIifQ== and eyJmb28iOiJiYXIifQ.eyJ4IjoxfQ.c2ln",
        // Private and documentation addresses, MAC addresses, code.
        "Router 192.168.1.1, server 10.0.0.5, localhost 127.0.0.1, mask 255.255.255.0.",
        "docs 192.0.2.10, 198.51.100.7, 203.0.113.99, 2001:db8::1, fe80::1, ::1, fd00::5.",
        "MAC 00:1A:2B:3C:4D:5E, std::vector, a::b, Foo::bar(), 12:30, 10:30:00.",
        // Emails that are placeholders or not emails.
        "Write to user@example.com, admin@example.org, a@b.test or x@corp.example.",
        "Retina icon@2x.png, npm install left-pad@1.3.0, @decorator and user@localhost.",
        "Clone https://user:secret@github.com/org/repo and see //cdn@host.com.",
        // Key-like words that are not keys.
        "Use sk-learn, the sk-your-api-key-here placeholder, ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.",
        "AWS docs key AKIAIOSFODNN7EXAMPLE and AKIAXXXXXXXXXXXXXXXX; xoxb-your-token-here.",
        "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx and sk_live_xxxxxxxxxxxxxxxxxxxx",
        "-----BEGIN PUBLIC KEY----- and -----BEGIN CERTIFICATE-----",
        // Phone-like numbers that are not phones.
        "Call 555-0100? Dial the 555 prefix, 123-45-6789, 10-11 12-13.",
        "Order 4155552671 shipped; invoice 09061701461; timestamp 1700000000123.",
        "Show msg+ticket@kiosk.Valid 4-7/12 at the desk.",
        "Scores 1990 2000 10 and 2020 2021 2022; lottery 7 12 23 34 45.",
        "Math: 3 + 4155552671 and +100.000.000 and 2^32 = 4294967296.",
        // IBAN-like words.
        "Models GB12 and DE44 are ZZ12345678901234567890 codes, AB12CD34EF56GH78.",
    ]

    @Test(arguments: clean)
    func noFalseAlarms(_ text: String) {
        #expect(found(text) == [], "\(text)")
    }

    // MARK: Options and robustness

    @Test func kindsAndAllowListFilter() {
        let text = "jane.doe@gmail.com 81.2.69.160 4242 4242 4242 4242"
        #expect(found(text, PIIScanner(kinds: [.ipAddress])) == ["ip_address:81.2.69.160"])
        var ignored = 0
        let allowing = PIIScanner(allow: ["GMAIL.com", "4242 4242 4242 4242"])
        var kept: [PIIKind] = []
        var bytes = text
        bytes.withUTF8 {
            allowing.scan($0, allowed: { _ in ignored += 1 }) { kept.append($0.kind) }
        }
        #expect(kept == [.ipAddress])
        #expect(ignored == 2)
    }

    @Test func arbitraryBytesNeverCrashAndMatchesStayInBounds() {
        var generator = SplitMix(seed: 42)
        // Bytes biased toward the triggers and separators recognizers care about.
        let alphabet =
            Array("0123456789+-(). :@_/eyJAKIAghpskxoxDE89abcf-----BEGIN \n\u{00}".utf8)
            + [0xC3, 0xA9, 0xFF]
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...80, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            var last = 0
            bytes.withUnsafeBufferPointer { buffer in
                scanner.scan(buffer) { match in
                    #expect(match.range.lowerBound >= last)
                    #expect(match.range.upperBound <= buffer.count)
                    #expect(!match.range.isEmpty)
                    last = match.range.upperBound
                    _ = PIIMask.mask(match, in: buffer)
                }
            }
        }
        // Every prefix of a text full of matches (a match cut at any byte).
        let text = Array(PIISamples.all.map(\.1).joined(separator: " ").utf8)
        for end in 0...text.count {
            text[0..<end].withUnsafeBufferPointer { buffer in
                scanner.scan(buffer) { #expect($0.range.upperBound <= end) }
            }
        }
    }

    // MARK: Masks

    @Test(arguments: [
        ("jane.doe@gmail.com", "j***@g***.com"),
        ("+44 20 7946 0958", "+** ** **** **58"),
        ("4242 4242 4242 4242", "**** **** **** 4242"),
        ("DE89 3704 0044 0532 0130 00", "DE** **** **** **** **** 00"),
        ("ghp_R8cX2mKq7Lw0ZpN4vT1yB6sD9fH3jA5eU0gI", "ghp_…U0gI"),
        ("sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", "sk-proj-…Xy4z"),
        ("AKIAZ7Q3M5N2L4K6J2HD", "AKIA…J2HD"),
        ("-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN … PRIVATE KEY-----"),
        (PIISamples.jwt, "eyJ…(JWT)"),
        ("81.2.69.160", "81.***.***.***"),
        ("2a00:1450:4001:81b::200e", "2a00:…"),
    ])
    func masksHideTheValue(_ value: String, _ expected: String) throws {
        let match = try #require(scanner.matches(in: value).first)
        var copy = value
        let masked = copy.withUTF8 { PIIMask.mask(match, in: $0) }
        #expect(masked == expected)
        #expect(!masked.contains(value))
    }
}

@Suite struct PIICheckTests {
    func run(_ text: String, options: String = "") throws -> CheckOutcome {
        try outcome(PIICheck.self, text, options: options)
    }

    /// `line code field` of each finding.
    func summary(_ outcome: CheckOutcome) -> [String] {
        outcome.findings.map {
            "\($0.location?.line ?? 0) \($0.code) \($0.location?.field ?? "-")"
        }
    }

    static func chat(_ user: String, _ assistant: String = "Noted.") -> String {
        #"{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "\#(user)"}, {"role": "assistant", "content": "\#(assistant)"}]}"#
    }

    @Test func chatFindingsNameLineTurnAndRole() throws {
        var lines: [String] = []
        for (k, (_, value)) in PIISamples.all.enumerated() {
            lines.append(Self.chat("What is 2 + 2?", "It is 4."))
            lines.append(
                k % 2 == 0 ? Self.chat("my value is \(value) ok") : Self.chat("hi", "use \(value)"))
        }
        lines.append(Self.chat("Reach me at \(PIISamples.email) or \(PIISamples.ipv6)"))
        let result = try run(lines.joined(separator: "\n"))
        #expect(
            summary(result) == [
                "2 email messages[1]", "4 phone messages[2]", "6 credit_card messages[1]",
                "8 iban messages[2]", "10 api_key messages[1]", "12 jwt messages[2]",
                "14 ip_address messages[1]", "15 email messages[1]", "15 ip_address messages[1]",
            ])
        #expect(
            result.findings[0].message
                == "personal data in messages[1] ('user'): email address 'j***@g***.com'")
        #expect(
            result.findings[3].message
                == "payment data in messages[2] ('assistant'): IBAN 'DE** **** **** **** **** 00'")
        #expect(result.findings[2].message.hasSuffix("Visa card number '**** **** **** 4242'"))
        #expect(
            result.findings.map(\.severity) == [
                .warning, .warning, .error, .warning, .error, .warning, .info, .warning, .info,
            ])
        #expect(result.metrics["email"] == 2)
        #expect(result.metrics["ip_address"] == 2)
        #expect(result.metrics["records_with_pii"] == 8)
        #expect(result.metrics["share_with_pii"] == 8.0 / 15)
        #expect(
            result.summary
                == "2 emails, 1 phone number, 1 card number, 1 IBAN, 1 API key, 1 JWT, 2 IP addresses in 8 records (53.3%)"
        )
    }

    @Test func promptCompletionAndClassificationFieldsAreNamed() throws {
        let pc = try run(
            """
            {"prompt": "Summarize this", "completion": "Done"}
            {"prompt": "Email \(PIISamples.email) twice: \(PIISamples.email)", "completion": "Sent to \(PIISamples.phone)"}
            {"prompt": "Card?", "completion": "\(PIISamples.card)"}
            """)
        #expect(
            summary(pc) == ["2 email prompt", "2 phone completion", "3 credit_card completion"])
        #expect(
            pc.findings[0].message
                == "personal data in prompt ('user'): email address 'j***@g***.com'; 2 emails in the record"
        )
        #expect(pc.findings[0].metrics["count"] == 2)

        let classification = try run(
            """
            {"text": "reset my password", "label": "account"}
            {"text": "my iban is \(PIISamples.iban)", "label": "billing"}
            {"text": "server \(PIISamples.ipv4) is down", "label": "outage"}
            {"text": "label is not scanned", "label": "\(PIISamples.email)"}
            """)
        #expect(summary(classification) == ["2 iban text", "3 ip_address text"])
    }

    @Test func otherShapesAndFieldsAreRead() throws {
        let result = try run(
            #"""
            --- train_sharegpt.jsonl
            {"conversations": [{"from": "human", "value": "mail \#(PIISamples.email)"}, {"from": "gpt", "value": "ok"}]}
            --- train_instruction.jsonl
            {"instruction": "Fix", "input": "key \#(PIISamples.awsKey)", "output": "done"}
            --- train_chat.jsonl
            {"messages": [{"role": "user", "content": [{"type": "text", "text": "call \#(PIISamples.phone)"}]}, {"role": "assistant", "content": "ok", "tool_calls": [{"type": "function", "function": {"name": "mail", "arguments": "{\"to\": \"\#(PIISamples.email)\"}"}}]}]}
            {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}], "metadata": {"contact": "\#(PIISamples.email)"}}
            --- train_preference.jsonl
            {"prompt": "p", "chosen": "my card \#(PIISamples.card)", "rejected": "no"}
            """#)
        #expect(
            summary(result) == [
                "1 email conversations[0]", "1 api_key input",
                "1 email messages[1].tool_calls[0].function.arguments", "1 phone messages[0]",
                "2 email metadata.contact", "1 credit_card chosen",
            ])
        let messages = result.findings.map(\.message)
        #expect(messages[0].hasPrefix("personal data in conversations[0] ('human'):"))
        #expect(messages[1] == "secret in input ('user'): AWS access key id 'AKIA…J2HD'")
        #expect(
            messages[2].hasPrefix(
                "personal data in messages[1].tool_calls[0].function.arguments ('assistant'):"))
        #expect(
            messages[3] == "personal data in messages[0] ('user'): phone number '+** ** **** **58'")
        #expect(messages[4].hasPrefix("personal data in metadata.contact:"))
        #expect(messages[5].hasPrefix("payment data in chosen ('assistant'):"))
        #expect(
            result.findings.map { $0.location?.path } == [
                "train_sharegpt.jsonl", "train_instruction.jsonl", "train_chat.jsonl",
                "train_chat.jsonl", "train_chat.jsonl", "train_preference.jsonl",
            ])
    }

    @Test func preferencePairsDoNotCountTheSharedPromptTwice() throws {
        let prompt = #"{"role": "user", "content": "I am \#(PIISamples.email)"}"#
        let result = try run(
            #"""
            {"chosen": [\#(prompt), {"role": "assistant", "content": "Hello"}], "rejected": [\#(prompt), {"role": "assistant", "content": "Go away"}]}
            """#)
        #expect(summary(result) == ["1 email chosen[0]"])
        #expect(result.metrics["email"] == 1)
    }

    /// No finding, metric or summary may contain a matched value: the JSON of the whole
    /// outcome is searched for every raw value.
    @Test func rawValuesNeverReachTheOutcome() throws {
        let values =
            PIISamples.all.map(\.1) + [
                PIISamples.awsKey, PIISamples.ipv6, "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
                "-----BEGIN RSA PRIVATE KEY-----", "4242424242424242",
            ]
        let text = values.enumerated().map { k, v in
            k % 2 == 0
                ? Self.chat("value \(v) end")
                : #"{"prompt": "p", "completion": "\#(v)"}"#
        }.joined(separator: "\n")
        let result = try run(text, options: "max_findings: 5")
        #expect(result.findings.count == 6)
        struct Encoded: Encodable {
            var findings: [Finding]
            var metrics: [String: Double]
            var summary: String
        }
        let json = String(
            decoding: try JSONEncoder().encode(
                Encoded(findings: result.findings, metrics: result.metrics, summary: result.summary)
            ),
            as: UTF8.self)
        // JSONEncoder escapes "/" and non-ASCII; these values have neither.
        for value in values {
            #expect(!json.contains(value), "raw value in output: \(value)")
            let digits = value.filter(\.isNumber)
            if digits.count >= 8 { #expect(!json.contains(digits)) }
        }
        // The masks themselves are there.
        #expect(json.contains("**** **** **** 4242"))
    }

    @Test func findingsAreCappedWithACountOfTheRest() throws {
        var lines: [String] = []
        for k in 0..<12 {
            let value = k < 8 ? "user\(k)@mail.com" : "+44 20 7946 09\(k)"
            lines.append(Self.chat("contact \(value)"))
        }
        let result = try run(lines.joined(separator: "\n"), options: "max_findings: 5")
        #expect(result.findings.count == 6)
        let rest = try #require(result.findings.last)
        #expect(rest.location == nil)
        #expect(rest.code == "unlisted_findings")
        #expect(
            rest.message == "7 more findings beyond 'max_findings' 5 not listed: email 3, phone 4")
        #expect(rest.metrics == ["email": 3, "phone": 4, FindingLimit.omittedMetric: 7])
        #expect(rest.severity == .warning)
        #expect(result.findings.weightedCount == 12)
        #expect(result.metrics["email"] == 8)
        #expect(result.metrics["records_with_pii"] == 12)

        // Kinds of different severities: one summary each, so counts stay exact.
        let mixed = try run(
            lines.joined(separator: "\n"), options: "max_findings: 5\nphone_severity: error")
        let summaries = mixed.findings.filter { $0.code == "unlisted_findings" }
        #expect(summaries.map(\.severity) == [.error, .warning])
        #expect(summaries.map(\.weight) == [4, 3])
        #expect(summaries[0].message.hasSuffix("not listed: phone 4"))
        #expect(mixed.findings.severityCounts == [.warning: 8, .error: 4])
    }

    @Test func optionsSelectKindsAllowValuesAndSetSeverities() throws {
        let text = [
            Self.chat("mail \(PIISamples.email) from \(PIISamples.ipv4)"),
            Self.chat("mail test@acme-placeholder.com"),
        ].joined(separator: "\n")
        let onlyIP = try run(text, options: "kinds: [ip_address]\nip_address_severity: error")
        #expect(summary(onlyIP) == ["1 ip_address messages[1]"])
        #expect(onlyIP.findings[0].severity == .error)
        #expect(onlyIP.metrics["email"] == nil)

        let allowed = try run(text, options: "allow: [acme-placeholder.com, gmail.com]")
        #expect(summary(allowed) == ["1 ip_address messages[1]"])
        #expect(allowed.metrics["allowed"] == 2)

        // The defaults allow example.com.
        let defaults = try run(Self.chat("mail someone@example.com"))
        #expect(defaults.findings.isEmpty)
        #expect(defaults.summary == "no personal data or secrets in 1 record")
    }

    @Test(arguments: [
        ("kinds: []", "'kinds' is empty"),
        ("kinds: [email, email]", "list each kind once"),
        ("kinds: [emails]", "did you mean 'email'"),
        ("max_findings: -1", "expected a count of 0 or more"),
        ("email_severity: high", "expected one of info, warning, error"),
        ("allow: ['']", "'allow' entry 1 is empty"),
    ])
    func badOptionsAreRuleErrors(_ options: String, _ message: String) {
        #expect {
            _ = try run(Self.chat("hi"), options: options)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}

/// The real datasets of `../shared/data` (skipped when absent). Every finding was reviewed
/// by hand when the counts were pinned: all are emails and phone numbers in form (contact
/// details recited in hh-rlhf red-team dialogues, reviewers' own addresses in IMDB reviews,
/// UK service and mobile numbers in spam messages); the classification corpora have none.
@Suite(.enabled(if: RepositoryPaths.sharedData("sms_spam") != nil, "needs ../shared/data"))
struct PIIRealDataTests {
    /// file → (records with PII, emails, phone numbers); every other kind is 0.
    static let expected: [String: (Int, Int, Int)] = [
        "banking77/train.jsonl": (0, 0, 0), "banking77/test.jsonl": (0, 0, 0),
        "clinc150/train.jsonl": (0, 0, 0), "clinc150/test.jsonl": (0, 0, 0),
        "fastchat_identity/train.sharegpt.jsonl": (0, 0, 0),
        "hh_rlhf_harmless_test/test.chosen.jsonl": (10, 5, 8),
        "hh_rlhf_harmless_test/test.rejected.jsonl": (15, 7, 12),
        "imdb_cleanlab/train.jsonl": (8, 9, 0), "imdb_cleanlab/test.jsonl": (7, 7, 0),
        "openai_toy_chat/train.jsonl": (0, 0, 0), "sms_spam/data.jsonl": (314, 6, 316),
        "snips2017/train.jsonl": (0, 0, 0), "trec/train.jsonl": (0, 0, 0),
    ]

    @Test(arguments: expected.keys.sorted())
    func countsMatchTheReviewedHits(_ path: String) throws {
        let parts = path.split(separator: "/").map(String.init)
        guard let folder = RepositoryPaths.sharedData(parts[0]) else { return }
        let text = try String(
            contentsOf: folder.appendingPathComponent(parts[1]), encoding: .utf8)
        let dataset = FixtureDataset.make([(name: parts[1], split: .train, jsonl: text)])
        let result = PIICheck(options: .init()).run(
            CheckInput(dataset: dataset, index: DatasetIndex(dataset: dataset)))
        let (records, emails, phones) = try #require(Self.expected[path])
        #expect(result.metrics["records_with_pii"] == Double(records))
        #expect(result.metrics["email"] == Double(emails))
        #expect(result.metrics["phone"] == Double(phones))
        for kind in [PIIKind.creditCard, .iban, .apiKey, .jwt, .ipAddress] {
            #expect(result.metrics[kind.rawValue] == 0, "\(kind)")
        }
        #expect(result.findings.allSatisfy { $0.location?.line != nil })
    }
}
