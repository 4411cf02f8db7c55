import ArgumentParser
import PreflightCore
import PreflightReaders

/// The inputs of a command that reads data: paths whose splits come from file names, and
/// files with an explicit split.
struct InputOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "Files or folders to read; splits inferred from file names.", valueName: "path"))
    var paths: [String] = []

    @Option(
        name: .customLong("train"),
        help: ArgumentHelp("A training file (repeatable).", valueName: "FILE"))
    var train: [String] = []
    @Option(
        name: .customLong("validation"),
        help: ArgumentHelp("A validation file (repeatable).", valueName: "FILE"))
    var validation: [String] = []
    @Option(
        name: .customLong("test"),
        help: ArgumentHelp("A test file (repeatable).", valueName: "FILE"))
    var test: [String] = []
    @Option(
        name: .customLong("regression"),
        help: ArgumentHelp("A regression file (repeatable).", valueName: "FILE"))
    var regression: [String] = []

    /// Every path named, in any role.
    var allPaths: [String] { paths + train + validation + test + regression }

    func validate() throws {
        if allPaths.isEmpty {
            throw ValidationError(
                "give at least one file or folder, e.g. 'data/' or '--train data/train.jsonl'")
        }
        if allPaths.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input ('-') can be read only once")
        }
    }

    /// Positional paths (roles from names) and role flags, in the order given.
    func inputSpecs() -> [InputSpec] {
        var specs = paths.map { InputSpec(path: $0) }
        for (files, role, flag) in [
            (train, SplitRole.train, "--train"), (validation, .validation, "--validation"),
            (test, .test, "--test"), (regression, .regression, "--regression"),
        ] {
            specs += files.map { InputSpec(path: $0, split: role, splitSource: "\(flag) flag") }
        }
        return specs
    }

    /// Reads every input, reporting a failure on standard error.
    /// - Throws: `CommandExit.usage` when a mapped field is missing from the data (a rules or
    ///   flags mistake), `CommandExit.input` when an input cannot be read at all.
    func load(
        _ rules: DatasetRules, console: Console,
        progress: (@Sendable (LoadProgress) -> Void)? = nil
    ) throws -> Dataset {
        do {
            return try DatasetLoader.load(
                inputSpecs(), options: LoadOptions(dataset: rules, progress: progress))
        } catch {
            console.err("error: \(error)")
            throw error.isUsageError ? CommandExit.usage : CommandExit.input
        }
    }
}
