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

    @Option(
        name: .customLong("max-record-size"),
        help: ArgumentHelp(
            "The largest record read, in bytes (suffix K, M or G for KiB, MiB, GiB); a longer "
                + "record is a malformed_record finding, skipped without being held in memory.",
            valueName: "SIZE"))
    var maxRecordSize: ByteSize = ByteSize(bytes: 64 << 20)

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
                inputSpecs(),
                options: LoadOptions(
                    dataset: rules, maxRecordBytes: maxRecordSize.bytes, progress: progress))
        } catch {
            console.err("error: \(error)")
            throw error.isUsageError ? CommandExit.usage : CommandExit.input
        }
    }
}

/// A size in bytes from the command line: `1048576`, `512K`, `64M`, `1G` (binary units).
struct ByteSize: ExpressibleByArgument, Equatable {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(argument.uppercased())
        var unit = 1
        if let last = digits.last, let u = units[last] {
            unit = u
            digits = digits.dropLast()
            if digits.last == "I" || digits.last == "B" { return nil }
        } else if digits.hasSuffix("B") {
            return nil
        }
        guard let n = Int(digits), n > 0 else { return nil }
        let (product, overflow) = n.multipliedReportingOverflow(by: unit)
        guard !overflow, product <= Int(Int32.max) else { return nil }
        bytes = product
    }

    var defaultValueDescription: String { bytes % (1 << 20) == 0 ? "\(bytes >> 20)M" : "\(bytes)" }
}
