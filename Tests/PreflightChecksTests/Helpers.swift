import PreflightChecks
import PreflightCore
import PreflightTestSupport

/// Runs `type` with `options` YAML on the files of an example-style text (`--- name` headers).
func outcome(
    _ type: any Check.Type, _ jsonl: String, options: String = "",
    findingLimit: Int = FindingLimit.defaultPerCode
) throws -> CheckOutcome {
    let parsed = CheckExampleRunner.parse(jsonl)
    return try CheckExampleRunner.run(
        type, options: options, on: FixtureDataset.make(parsed.files), findingLimit: findingLimit)
}

/// `file:line` of each located finding, for compact assertions.
func places(_ findings: [Finding]) -> [String] {
    findings.compactMap { $0.location.map { "\($0.path):\($0.line ?? 0)" } }.sorted()
}

/// Classification JSONL with one record per (text, label).
func jsonl(_ rows: [(String, String)]) -> String {
    rows.map { #"{"text": "\#($0.0)", "label": "\#($0.1)"}"# }.joined(separator: "\n")
}

/// A chat record as a JSON line: a system message, a user turn and an assistant turn (texts
/// without quotes or backslashes).
func chatLine(_ system: String, _ user: String, _ answer: String) -> String {
    #"{"messages": [{"role": "system", "content": "\#(system)"}, "#
        + #"{"role": "user", "content": "\#(user)"}, {"role": "assistant", "content": "\#(answer)"}]}"#
}
