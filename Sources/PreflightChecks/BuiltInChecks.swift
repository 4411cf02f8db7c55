import PreflightCore

/// The built-in checks.
public enum BuiltInChecks {
    /// Every built-in check, in execution order.
    ///
    /// Checks are independent (each reads the dataset and the shared `DatasetIndex`), so the
    /// order only decides which check computes a shared index column first and the order of
    /// the report's check table.
    public static let all: [any Check.Type] = [
        MalformedRecordCheck.self,  // first: says which records every later check never sees
        VolumeCheck.self,  // before distribution checks: counts are the first readiness gate
        ClassBalanceCheck.self,  // computes the label-id column that label checks reuse
        SplitShiftCheck.self,  // after class_balance: reads its label column; no other order
        LabelHygieneCheck.self,  // after class_balance: reads its label ids from the index
        // After class_balance: reads the same label column for its slice × label table, and
        // computes the slice memberships (one pass over the records) that later checks
        // reading slices (split_shift, failure_taxonomy) find in the index.
        CoverageCheck.self,
        // After coverage: reads the same slice memberships (declared slices and the
        // taxonomy's inline predicates, evaluated together) from the index.
        FailureTaxonomyCheck.self,
        // Computes the normalized-input hashes and per-split hash groups.
        ExactDuplicatesCheck.self,
        // After exact_duplicates: near pairs skip records that are exact copies of an earlier
        // one, so the two checks never report the same record. Runs the near search with the
        // default threshold that conflicting_labels and split_leakage then read from the index.
        NearDuplicatesCheck.self,
        // After exact_duplicates: reads the same input hashes and groups from the index.
        ConflictingLabelsCheck.self,
        // After conflicting_labels, its counterpart for generative data: reads the prompt
        // (input) hashes and groups, and the prompt-keyed near search at the default
        // threshold, which split_leakage (key: input) then reads from the index.
        ConflictingAnswersCheck.self,
        // Independent of the others: validates conversations one record at a time.
        ChatFormatCheck.self,
        // Independent: counts the tokens of generative examples (one parallel pass).
        TokenBudgetCheck.self,
        // Content checks of texts and targets: each one parallel pass over the records; no
        // index column read or written, so their place only orders the report.
        TextQualityCheck.self,
        OutputConsistencyCheck.self,
        // Independent of the others: one pass of its own over every record's texts.
        PIICheck.self,
        // After conflicting_labels: exact conflicts are reported there first, and the label
        // noise checks reuse the label column and the near search already in the index. The
        // cross-validated scoring runs once for both (same folds and seed by default).
        LabelIssuesCheck.self,
        // After label_issues: reads the same confident-learning estimate from the index.
        ClassConfusionCheck.self,
        SplitLeakageCheck.self,  // last: reads the same hashes and groups for cross-split lookups
    ]
}
