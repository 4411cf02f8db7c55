import Foundation
import PreflightCore

/// Builds in-memory datasets from JSONL text for tests.
///
/// TEMPORARY body: parses with Foundation's `JSONSerialization` and a simple projection,
/// until the readers module lands; the lead will switch the body to the real JSONL reader and
/// keep this signature.
/// - classification (`label` in any record): input = example = `text`, label = `label`,
///   id = `id`; a record without `label` is a `missing_field` issue.
/// - chat (`messages` in any record): example = every message as a `role: content` line;
///   input = the same without the last assistant message.
/// - otherwise text: input = example = `text`.
/// An unparseable line is an `invalid_json` issue; blank lines are skipped (but counted as
/// physical lines). Record ordinals count non-blank lines.
public enum FixtureDataset {
    /// A dataset with one input file per entry, in order.
    public static func make(_ files: [(name: String, split: SplitRole, jsonl: String)]) -> Dataset {
        Dataset(files: files.map { makeFile(name: $0.name, split: $0.split, jsonl: $0.jsonl) })
    }

    private static func makeFile(name: String, split: SplitRole, jsonl: String) -> InputFile {
        var parsed: [(line: Int, ordinal: Int, value: DataValue)] = []
        var issues: [RecordIssue] = []
        var ordinal = 0
        let lines = jsonl.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, raw) in lines.enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy(\.isWhitespace) { continue }
            ordinal += 1
            guard
                let object = try? JSONSerialization.jsonObject(
                    with: Data(line.utf8), options: [.fragmentsAllowed])
            else {
                issues.append(
                    RecordIssue(
                        line: i + 1, ordinal: ordinal, code: "invalid_json",
                        message: "line \(i + 1) is not valid JSON"))
                continue
            }
            let value = dataValue(object)
            guard case .object = value else {
                issues.append(
                    RecordIssue(
                        line: i + 1, ordinal: ordinal, code: "not_an_object",
                        message: "record is a \(value.kindName), not an object"))
                continue
            }
            parsed.append((i + 1, ordinal, value))
        }
        let shape: Shape =
            parsed.contains { $0.value["messages"] != nil }
            ? .chat
            : parsed.contains { $0.value["label"] != nil }
                ? .classification
                : parsed.isEmpty ? .unknown : .text
        var records: [Record] = []
        for (line, ordinal, value) in parsed {
            let id = value["id"]?.scalarText
            switch shape {
            case .chat:
                let messages = value["messages"]?.items ?? []
                let turns = messages.map { m in
                    "\(m["role"]?.scalarText ?? ""): \(m["content"]?.scalarText ?? "")"
                }
                let lastAssistant = messages.lastIndex { $0["role"]?.stringValue == "assistant" }
                let inputTurns = turns.indices.filter { $0 != lastAssistant }.map { turns[$0] }
                records.append(
                    Record(
                        line: line, ordinal: ordinal, id: id,
                        input: inputTurns.joined(separator: "\n"),
                        example: turns.joined(separator: "\n"), value: value))
            case .classification:
                guard let labelValue = value["label"], let text = labelValue.scalarText else {
                    issues.append(
                        RecordIssue(
                            line: line, ordinal: ordinal, code: "missing_field",
                            message: "record has no 'label' field", field: "label", id: id))
                    continue
                }
                let isNumeric: Bool = if case .number = labelValue { true } else { false }
                let input = value["text"]?.scalarText ?? ""
                records.append(
                    Record(
                        line: line, ordinal: ordinal, id: id, input: input, example: input,
                        label: LabelValue(text: text, isNumeric: isNumeric), value: value))
            default:
                let input = value["text"]?.scalarText ?? ""
                records.append(
                    Record(
                        line: line, ordinal: ordinal, id: id, input: input, example: input,
                        value: value))
            }
        }
        issues.sort { $0.line < $1.line }
        let schema = DatasetSchema(
            shape: shape, textFields: shape == .chat ? ["messages"] : ["text"],
            labelField: shape == .classification ? "label" : nil, idField: "id", source: "fixture")
        return InputFile(
            path: name, split: split, splitSource: "fixture", format: .jsonl, schema: schema,
            sha256: SHA256.hex(of: Array(jsonl.utf8)), byteCount: jsonl.utf8.count,
            records: records, issues: issues)
    }

    private static func dataValue(_ object: Any) -> DataValue {
        switch object {
        case let s as String: return .string(s)
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
            return .number("\(n)")
        case let a as [Any]: return .array(a.map(dataValue))
        case let d as [String: Any]:
            return .object(d.keys.sorted().map { DataField($0, dataValue(d[$0]!)) })
        default: return .null
        }
    }
}

extension DataValue {
    /// The elements, when this is an array.
    fileprivate var items: [DataValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}
