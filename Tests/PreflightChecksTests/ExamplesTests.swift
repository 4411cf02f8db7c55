import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

/// One documented example of a built-in check.
struct ExampleCase: CustomTestStringConvertible, Sendable {
    let type: any Check.Type
    let index: Int
    var example: CheckExample { type.descriptor.examples[index] }
    var testDescription: String { "\(type.descriptor.id) #\(index + 1)" }

    static let all: [ExampleCase] = BuiltInChecks.all.flatMap { type in
        type.descriptor.examples.indices.map { ExampleCase(type: type, index: $0) }
    }
}

@Test(arguments: ExampleCase.all)
func documentedExample(_ c: ExampleCase) throws {
    let findings = try CheckExampleRunner.run(c.example, of: c.type)
    let problems = CheckExampleRunner.mismatches(c.example, findings: findings)
    #expect(problems.isEmpty, "\(c.testDescription): \(problems.joined(separator: "\n"))")
}

@Test func everyCheckHasPassingAndFailingExamples() {
    for type in BuiltInChecks.all {
        let d = type.descriptor
        #expect(d.examples.contains { $0.expectation == .passes }, "\(d.id) has no passing example")
        #expect(d.examples.contains { $0.expectation != .passes }, "\(d.id) has no failing example")
        #expect(d.summary.hasSuffix("."), "\(d.id) summary must end with a period")
    }
}

@Test func registryOrderAndIDs() {
    let ids: [String] = BuiltInChecks.all.map { type in type.descriptor.id.rawValue }
    #expect(
        ids == [
            "malformed_record", "volume", "class_balance", "split_shift", "label_hygiene",
            "coverage",
            "failure_taxonomy",
            "exact_duplicates",
            "near_duplicates", "conflicting_labels", "conflicting_answers", "chat_format",
            "token_budget", "text_quality", "output_consistency", "pii", "label_issues",
            "class_confusion",
            "split_leakage",
        ])
}
