import PreflightCore

/// Decides a file's shape and field mapping from its first records' key sets.
enum ShapeDetector {
    /// Records sampled for detection.
    static let sampleSize = 1000
    /// Text field candidates, in order of preference.
    static let textCandidates = [
        "text", "sentence", "input_text", "utterance", "query", "question", "content", "review",
        "document", "message",
    ]
    /// Label field candidates, in order of preference.
    static let labelCandidates = [
        "label", "intent", "class", "category", "target", "sentiment", "labels",
    ]
    /// Id field candidates, in order of preference.
    static let idCandidates = ["id", "_id", "uid", "guid", "example_id", "record_id"]

    /// The field lists detection looks for, after rule overrides.
    struct Candidates: Sendable {
        var text: [String]
        var label: [String]
        /// True when the rules named the text fields: then all of them are required.
        var textFromRules: Bool

        init(rules: DatasetRules) {
            text = rules.textFields ?? ShapeDetector.textCandidates
            textFromRules = rules.textFields != nil
            label = rules.labelField.map { [$0] } ?? ShapeDetector.labelCandidates
        }

        func hasText(_ fields: [DataField]) -> Bool {
            textFromRules
                ? text.allSatisfy { name in fields.contains { $0.name == name } }
                : fields.contains { text.contains($0.name) }
        }

        func hasLabel(_ fields: [DataField]) -> Bool { fields.contains { label.contains($0.name) } }
    }

    /// The shape one record's keys fit, by structure first, then text and label fields.
    static func recordShape(_ value: DataValue, candidates: Candidates) -> Shape {
        guard case .object(let fields) = value else { return .unknown }
        func has(_ name: String) -> Bool { fields.contains { $0.name == name } }
        if case .array = value["messages"] { return .chat }
        if case .array = value["conversations"] { return .sharegpt }
        if has("chosen"), has("rejected") { return .preference }
        if has("prompt"), has("completion") { return .promptCompletion }
        if has("instruction"), has("output") { return .instruction }
        if candidates.hasText(fields) {
            return candidates.hasLabel(fields) ? .classification : .text
        }
        return .unknown
    }

    /// Detects the schema from the first `sampleSize` values, applying rule overrides.
    ///
    /// The shape is the majority of the sampled records' shapes (ties go to the earlier
    /// shape in `Shape.allCases`, `unknown` last). Text and label fields are the candidates
    /// present in the most records of that shape (ties go to the earlier candidate); the
    /// id field likewise over all sampled records.
    /// - Complexity: O(k·f) for k sampled records with f fields each.
    static func detect(_ values: ArraySlice<ParsedValue>, rules: DatasetRules) -> DatasetSchema {
        let candidates = Candidates(rules: rules)
        var shapeCounts: [Shape: Int] = [:]
        var shapes: [Shape] = []
        for parsed in values {
            let shape = recordShape(parsed.value, candidates: candidates)
            shapes.append(shape)
            shapeCounts[shape, default: 0] += 1
        }
        var detected = Shape.unknown
        var best = 0
        for shape in Shape.allCases where shape != .unknown {
            let n = shapeCounts[shape, default: 0]
            if n > best {
                best = n
                detected = shape
            }
        }
        if shapeCounts[.unknown, default: 0] > best { detected = .unknown }
        // A label field named by the rules is binding: it implies a labelled shape unless
        // the rules also name the shape (records without it become `missing_field` issues).
        let shape = rules.shape ?? (rules.labelField != nil ? .classification : detected)

        // Fields: count candidates over the records that fit the chosen shape (all records
        // when none does, e.g. a shape forced by the rules).
        var sample = zip(values, shapes).filter {
            $0.1 == shape || (shape == .text && $0.1 == .classification)
        }.map(\.0.value)
        if sample.isEmpty { sample = values.map(\.value) }
        let textFields: [String]
        let labelField: String?
        if let forced = rules.textFields {
            textFields = forced
        } else if shape == .classification || shape == .text {
            textFields = [mostPresent(candidates.text, in: sample) ?? "text"]
        } else {
            textFields = []
        }
        if let forced = rules.labelField {
            labelField = forced
        } else if shape == .classification {
            labelField = mostPresent(candidates.label, in: sample) ?? "label"
        } else {
            labelField = nil
        }
        let idField = rules.idField ?? mostPresent(idCandidates, in: values.map(\.value))
        let fromRules = rules.shape != nil || rules.textFields != nil || rules.labelField != nil
        return DatasetSchema(
            shape: shape, textFields: textFields, labelField: labelField, idField: idField,
            source: fromRules ? "rules" : "detected")
    }

    /// The first field the rules map that occurs in no value, as an error for `path`.
    ///
    /// Checks `label_field`, then each of `text_fields`, then `id_field`. A file without
    /// parsed values (empty, or only malformed lines) is not checked: there is nothing to
    /// compare with.
    /// - Complexity: O(f) per mapped field present in an early record; O(n·f) for n values of
    ///   f fields when a field is missing (the error path).
    static func missingMappedField(_ values: [ParsedValue], rules: DatasetRules, path: String)
        -> IngestError?
    {
        guard !values.isEmpty else { return nil }
        var mapped: [(setting: String, field: String, candidates: [String])] = []
        if let label = rules.labelField { mapped.append(("label_field", label, labelCandidates)) }
        for text in rules.textFields ?? [] { mapped.append(("text_fields", text, textCandidates)) }
        if let id = rules.idField { mapped.append(("id_field", id, idCandidates)) }
        for (setting, field, candidates) in mapped {
            if values.contains(where: { $0.value[field] != nil }) { continue }
            var seen = Set<String>()
            for parsed in values { seen.formUnion(parsed.value.fieldNames) }
            let names = seen.sorted()
            let suggestion =
                Suggestion.closest(to: field, in: names)
                ?? candidates.first { seen.contains($0) }
            return .mappedFieldNotFound(
                path: path, setting: setting, field: field,
                available: Array(names.prefix(IngestError.availableLimit + 1)),
                suggestion: suggestion)
        }
        return nil
    }

    /// The candidate present in the most values; ties go to the earlier candidate.
    static func mostPresent(_ names: [String], in values: [DataValue]) -> String? {
        var best: (String, Int)?
        for name in names {
            let n = values.reduce(0) { $0 + ($1[name] != nil ? 1 : 0) }
            if n > 0, n > (best?.1 ?? 0) { best = (name, n) }
        }
        return best?.0
    }
}
