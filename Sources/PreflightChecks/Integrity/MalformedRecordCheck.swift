import PreflightCore

/// Flags records a reader could not use: invalid JSON or UTF-8, missing or mistyped fields,
/// empty texts, ragged CSV rows.
///
/// Why it matters: a training job either fails on such lines or silently drops them, so
/// the data trained on is not the data reviewed. A file without a single usable record is
/// almost always a wrong format or field mapping.
///
/// False positives: records with an unusual but intended layout (for example a label field
/// under another name) are reported as `missing_field` until the rules map that field.
public struct MalformedRecordCheck: Check {
    public typealias Options = NoOptions

    public static let descriptor = CheckDescriptor(
        id: "malformed_record", title: "Malformed records",
        summary: "Flags records that cannot be parsed or lack a required field.",
        category: .integrity, defaultSeverity: .error, prerequisites: [.enoughExamples],
        examples: [
            .passes(
                jsonl: """
                    {"text": "hello", "label": "greeting"}
                    {"text": "bye", "label": "farewell"}
                    """),
            .fails(
                jsonl: """
                    {"text": "hello", "label": "greeting"}
                    ↓{"text": "bye", "label"
                    ↓{"text": "no label here"}
                    """),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Reports one finding per record issue, and one per file with no usable record.
    /// - Complexity: O(issues + files).
    public func run(_ input: CheckInput) -> CheckOutcome {
        var findings: [Finding] = []
        var malformed = 0
        var total = 0
        for file in input.dataset.files {
            malformed += file.malformedCount
            total += file.malformedCount + file.records.count
            for issue in file.issues {
                findings.append(
                    Finding(
                        checkID: Self.descriptor.id, code: issue.code, severity: .error,
                        message: issue.message, hint: Self.hint(for: issue.code),
                        location: file.location(of: issue)))
            }
            if file.omittedIssues > 0 {
                findings.append(
                    Finding(
                        checkID: Self.descriptor.id, code: "more_malformed", severity: .error,
                        message: "file '\(file.path)' has "
                            + "\(Format.count(file.omittedIssues, "more malformed record")) "
                            + "than the first \(InputFile.keptIssues) listed here"
                            + " (\(Format.count(file.malformedCount, "malformed record")) in all)",
                        hint:
                            "fix the listed problems first: a whole file of them is usually a wrong format or field mapping",
                        location: file.fileLocation,
                        metrics: [FindingLimit.omittedMetric: Double(file.omittedIssues)]))
            }
            if file.records.isEmpty && file.malformedCount == 0 {
                findings.append(
                    Finding(
                        checkID: Self.descriptor.id, code: "empty_file", severity: .error,
                        message: file.byteCount == 0
                            ? "file '\(file.path)' is empty (0 bytes)"
                            : "file '\(file.path)' has no records (\(Format.count(file.byteCount, "byte")): "
                                + "blank lines, an empty list, or a CSV header only)",
                        hint:
                            "check that the file was exported completely, or leave it out of the inputs"
                    ))
            }
            if file.records.isEmpty && file.malformedCount > 0 {
                findings.append(
                    Finding(
                        checkID: Self.descriptor.id, code: "no_valid_records", severity: .error,
                        message: "file '\(file.path)' has 0 well-formed records and "
                            + "\(Format.count(file.malformedCount, "malformed record"))",
                        hint: "check the file format and the field mapping in the rules"))
            }
        }
        let share = total == 0 ? 0 : Double(malformed) / Double(total)
        let summary =
            malformed == 0
            ? "no malformed records"
            : "\(Format.count(malformed, "malformed record")) (\(Format.percent(share)))"
        return CheckOutcome(
            findings: findings,
            metrics: ["malformed_records": Double(malformed), "share": share],
            summary: summary)
    }

    /// What to do about an issue, by code.
    static func hint(for code: String) -> String {
        switch code {
        case "invalid_json": "fix the JSON on this line or remove the line"
        case "invalid_utf8": "re-encode the file as UTF-8"
        case "missing_field": "add the field, or map the field name in the rules' 'dataset' section"
        case "empty_text": "fill in the text or remove the record"
        case "wrong_type": "write the field with the expected type"
        case "ragged_row": "give the row as many columns as the header"
        case "not_an_object": "write each record as a JSON object"
        case "mixed_shape": "keep one record shape per file"
        case "invalid_yaml": "fix the YAML syntax at this position"
        case "invalid_csv": "fix the quoting of this row"
        default: "fix or remove this record"
        }
    }
}
