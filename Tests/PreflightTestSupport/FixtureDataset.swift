import Foundation
import PreflightCore
import PreflightReaders

/// Builds in-memory datasets from JSONL text for tests, through the real JSONL reader, so
/// check tests see exactly the records, issues, shapes and lines a user's file would give.
public enum FixtureDataset {
    /// A dataset with one input file per entry, in order.
    /// - Parameters:
    ///   - files: file name (its extension picks the reader), split role, and contents.
    ///   - rules: the `dataset:` settings (shape and field overrides).
    public static func make(
        _ files: [(name: String, split: SplitRole, jsonl: String)],
        rules: DatasetRules = DatasetRules()
    ) -> Dataset {
        Dataset(
            files: files.map { file in
                do {
                    return try DatasetLoader.read(
                        bytes: Array(file.jsonl.utf8), path: file.name, split: file.split,
                        splitSource: "test fixture", format: nil,
                        options: LoadOptions(dataset: rules))
                } catch {
                    // A fixture that cannot be read at all is a broken test, not a data finding.
                    preconditionFailure("fixture '\(file.name)' could not be read: \(error)")
                }
            })
    }
}
