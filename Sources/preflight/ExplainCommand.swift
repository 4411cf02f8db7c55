import ArgumentParser
import Foundation
import PreflightChecks
import PreflightCore
import PreflightReaders
import PreflightReporters

/// `preflight explain <check> <paths…>`: evidence about how a check decides on a dataset,
/// e.g. how the `near_duplicates` threshold falls on it, so options are set from the data.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show how a check decides on a dataset, to set its options from evidence.",
        discussion: """
            Reads the inputs like 'audit' and prints what the check sees, e.g. for \
            near_duplicates: the shingle scheme and why, the LSH detection curve, the \
            histogram of verified similarities and sample pairs just above and just below \
            the threshold. Explainable checks: near_duplicates.
            """)

    @Argument(help: ArgumentHelp("The check to explain, e.g. near_duplicates.", valueName: "check"))
    var check: String

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

    @OptionGroup var rules: RulesOptions

    func validate() throws {
        if paths.isEmpty && train.isEmpty && validation.isEmpty && test.isEmpty
            && regression.isEmpty
        {
            throw ValidationError(
                "give at least one file or folder, e.g. 'preflight explain \(check) data/'")
        }
        if paths.filter({ $0 == "-" }).count
            + [train, validation, test, regression].joined().filter({ $0 == "-" }).count > 1
        {
            throw ValidationError("standard input ('-') can be read only once")
        }
    }

    func run() throws {
        let console = Console.current
        let (ruleSet, checks) = try rules.configuredChecks(console: console)
        let explainable = checks.filter(\.isExplainable).map(\.descriptor.id.rawValue)
        guard
            let configured = checks.first(where: {
                $0.descriptor.id.rawValue == check
                    || $0.descriptor.aliases.map(\.rawValue).contains(check)
            })
        else {
            var message = "error: unknown check '\(check)'"
            if let near = Suggestion.closest(
                to: check, in: checks.map(\.descriptor.id.rawValue))
            {
                message += "; did you mean '\(near)'?"
            }
            console.err(message + " ('preflight checks' lists them)")
            throw CommandExit.usage
        }
        guard configured.isExplainable else {
            console.err(
                "error: check '\(configured.descriptor.id)' has no explanation; explainable checks: "
                    + explainable.joined(separator: ", "))
            throw CommandExit.usage
        }

        let dataset: Dataset
        do {
            dataset = try DatasetLoader.load(
                inputSpecs(), options: LoadOptions(dataset: ruleSet.dataset, progress: nil))
        } catch {
            console.err("error: \(error)")
            throw error.isUsageError ? CommandExit.usage : CommandExit.input
        }
        let explanation: CheckExplanation?
        do {
            explanation = try configured.explain(
                CheckInput(dataset: dataset, index: DatasetIndex(dataset: dataset)))
        } catch {
            console.err("error: \(error)")
            throw CommandExit.usage
        }
        if let explanation { console.out(ExplanationRenderer().renderText(explanation)) }
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
}
