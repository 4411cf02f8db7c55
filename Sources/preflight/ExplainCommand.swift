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

    @OptionGroup var inputs: InputOptions

    @OptionGroup var rules: RulesOptions

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

        let dataset = try inputs.load(ruleSet.dataset, console: console)
        let explanation: CheckExplanation?
        do {
            explanation = try configured.explain(
                CheckInput(
                    dataset: dataset, index: DatasetIndex(dataset: dataset),
                    coverage: ruleSet.coverage, taxonomy: ruleSet.taxonomy))
        } catch {
            console.err("error: \(error)")
            throw CommandExit.usage
        }
        if let explanation { console.out(ExplanationRenderer().renderText(explanation)) }
    }
}
