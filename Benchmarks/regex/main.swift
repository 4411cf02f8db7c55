// Regex benchmark: ByteRegex (our engine) against NSRegularExpression on synthetic
// support-ticket texts. Built by Benchmarks/regex.sh with the engine's sources; not a test.
import Foundation

struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
}

let openers = ["Hi", "Hello", "hey", "Dear support", "Good morning", "To whom it may concern", ""]
let subjects = [
    "my order", "the invoice", "my account", "the app", "a refund", "the subscription",
    "my password", "the delivery", "the chargeback", "my card", "the website", "the update",
]
let problems = [
    "is not working since yesterday", "was charged twice", "never arrived",
    "keeps crashing when I open it", "shows error code E%d", "is missing an item",
    "cannot be cancelled", "needs to be updated urgently", "was delivered to the wrong address",
    "stopped working after the last update", "says my API key is invalid",
]
let extras = [
    "Order #%d was placed on 2024-%02d-%02d.", "You can call me at 555-%04d.",
    "My email is user%d@example.com.", "See https://shop.example.com/orders/%d for details.",
    "I paid $%d.99 for it.", "Please help ASAP!!", "Thanks in advance.", "Thank you.",
    "This is really frustrating.", "I want to unsubscribe.", "Can you check?",
    "Спасибо за помощь.", "请尽快处理。", "Merci beaucoup.", "Is there any update?",
    "I have been a customer for %d years.", "The tracking number is %d.",
]

func fill(_ template: String, _ random: inout Random) -> String {
    var result = ""
    var rest = Substring(template)
    while let range = rest.range(of: "%") {
        result += rest[..<range.lowerBound]
        let after = rest[range.upperBound...]
        let spec = after.hasPrefix("02d") ? 3 : after.hasPrefix("04d") ? 3 : 1
        let value = random.next() % 100_000
        result +=
            after.hasPrefix("02d")
            ? String(format: "%02d", Int(value % 28) + 1)
            : after.hasPrefix("04d") ? String(format: "%04d", Int(value % 10_000)) : String(value)
        rest = after.dropFirst(spec)
    }
    return result + rest
}

func ticket(_ random: inout Random) -> String {
    var parts: [String] = []
    let opener = random.pick(openers)
    if !opener.isEmpty { parts.append(opener + ",") }
    parts.append("\(random.pick(subjects)) \(fill(random.pick(problems), &random)).")
    while parts.joined(separator: " ").utf8.count < 100 || (random.chance(40) && parts.count < 6) {
        parts.append(fill(random.pick(extras), &random))
    }
    var text = parts.joined(separator: " ")
    if random.chance(15) { text += " Why?" }
    if random.chance(5) { text = text.uppercased() }
    return String(text.utf8.prefix(250)) ?? text
}

let patterns: [(String, Bool)] = [
    (#"\b(refund|chargeback|invoice)\b"#, true),
    (#"\d{3}-\d{4}"#, false),
    (#"[\w.+-]+@[\w-]+\.[\w.]+"#, false),
    (#"https?://[^\s/]+"#, false),
    (#"^(hi|hello)\b"#, true),
    ("[А-Яа-я]", false),
    ("[一-鿿]", false),
    (#"\?$"#, false),
    (#"\b(password|passwd|api[_ ]?key)\b"#, true),
    (#"order #?\d{5,}"#, true),
    (#"\b(urgent|urgently|asap|immediately)\b"#, true),
    ("cancel|unsubscribe", false),
    (#"\$\d+(\.\d{2})?"#, false),
    (#"\b\d{4}-\d{2}-\d{2}\b"#, false),
    (#"(?i)^\s*(thanks|thank you)"#, false),
    ("!{2,}", false),
    (#"\b[A-Z]{4,}\b"#, false),
    (#"error code [A-Z]\d{3}"#, false),
    (#"[^\t\n -~]"#, false),
    (#"\bnot (working|work)\b"#, true),
]

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 1_000_000
let referenceCount = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 50_000
var random = Random(state: 42)
var buffer: [UInt8] = []
var offsets: [Int] = [0]
buffer.reserveCapacity(count * 180)
var strings: [String] = []
for index in 0..<count {
    let text = ticket(&random)
    buffer += text.utf8
    offsets.append(buffer.count)
    if index < referenceCount { strings.append(text) }
}
print(
    "\(count) texts, \(buffer.count / 1_000_000) MB, mean \(buffer.count / count) bytes; "
        + "NSRegularExpression on the first \(referenceCount)")

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func lpad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

print(
    "| \(pad("pattern", 42)) | \(lpad("match %", 7)) | \(lpad("ours rec/s", 12)) | "
        + "\(lpad("NSRegex rec/s", 13)) | \(lpad("speed-up", 8)) | \(lpad("ours s/1M", 9)) |")
print(
    "|\(String(repeating: "-", count: 44))|---------:|-------------:|--------------:|---------:|----------:|"
)
var totalOurs = 0.0
var totalReference = 0.0
var disagreements = 0
buffer.withUnsafeBytes { bytes in
    let only = CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) : nil
    for (number, (pattern, caseInsensitive)) in patterns.enumerated()
    where only == nil || only == number {
        let regex = try! ByteRegex(pattern, caseInsensitive: caseInsensitive)
        let reference = try! NSRegularExpression(
            pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
        var hits = 0
        let ours = seconds {
            for index in 0..<count {
                let slice = UnsafeRawBufferPointer(
                    rebasing: bytes[offsets[index]..<offsets[index + 1]])
                if regex.matches(slice) { hits += 1 }
            }
        }
        var referenceAnswers: [Bool] = []
        referenceAnswers.reserveCapacity(referenceCount)
        let theirs = seconds {
            for text in strings {
                referenceAnswers.append(
                    reference.firstMatch(
                        in: text, range: NSRange(location: 0, length: text.utf16.count))
                        != nil)
            }
        }
        for (index, text) in strings.enumerated()
        where regex.matches(text) != referenceAnswers[index] {
            disagreements += 1
        }
        let oursRate = Double(count) / ours
        let theirRate = Double(referenceCount) / theirs
        totalOurs += ours * 1_000_000 / Double(count)
        totalReference += theirs * 1_000_000 / Double(referenceCount)
        let shown = pattern + (caseInsensitive ? " (i)" : "")
        print(
            "| \(pad("`" + shown.replacingOccurrences(of: "|", with: "\\|") + "`", 42)) | "
                + "\(lpad(String(format: "%.1f", 100 * Double(hits) / Double(count)), 7)) | "
                + "\(lpad(String(format: "%.0f", oursRate), 12)) | "
                + "\(lpad(String(format: "%.0f", theirRate), 13)) | "
                + "\(lpad(String(format: "%.0fx", oursRate / theirRate), 8)) | "
                + "\(lpad(String(format: "%.3f", 1_000_000 / oursRate), 9)) |")
    }
}
print(
    "| \(pad("total, 20 patterns over 1M records", 42)) |         | "
        + "\(lpad(String(format: "%.2f s", totalOurs), 12)) | "
        + "\(lpad(String(format: "%.2f s", totalReference), 13)) | "
        + "\(lpad(String(format: "%.0fx", totalReference / totalOurs), 8)) |           |")
print("answers that differ from NSRegularExpression: \(disagreements)")

// The same patterns as one ByteRegexSet: one scan of each text answers all 20.
let set = ByteRegexSet(patterns.map { try! ByteRegex($0.0, caseInsensitive: $0.1) })
var setHits = [Int](repeating: 0, count: patterns.count)
let setSeconds = buffer.withUnsafeBytes { bytes in
    var matched = [Bool](repeating: false, count: patterns.count)
    return seconds {
        for index in 0..<count {
            let slice = UnsafeRawBufferPointer(
                rebasing: bytes[offsets[index]..<offsets[index + 1]])
            set.match(slice, into: &matched)
            for (k, m) in matched.enumerated() where m { setHits[k] += 1 }
        }
    }
}
var setDisagreements = 0
for (index, text) in strings.enumerated() {
    let together = set.matches(text)
    for (k, regex) in set.patterns.enumerated() where regex.matches(text) != together[k] {
        setDisagreements += 1
    }
    if index >= 20_000 { break }
}
print(
    String(
        format: "one ByteRegexSet of the 20 patterns: %.2f s per 1M records (%.1fx the sum of "
            + "separate scans); answers that differ from separate scans: %d",
        setSeconds * 1_000_000 / Double(count),
        totalOurs / (setSeconds * 1_000_000 / Double(count)), setDisagreements))
