import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore

/// Every `RulesError` case, from a `Fixtures/Rules/bad-<case>.yaml`, with its exact message.
struct RulesErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var fixture: String
        var message: String
        var testDescription: String { fixture }
    }

    static let cases: [Case] = [
        Case(
            fixture: "bad-syntax.yaml",
            message: "bad-syntax.yaml:3:37: error: invalid YAML: did not find expected ',' or ']'"),
        Case(
            fixture: "bad-not-a-mapping.yaml",
            message:
                "bad-not-a-mapping.yaml:1:1: error: a rule file must be a mapping of keys to values"
        ),
        Case(
            fixture: "bad-missing-version.yaml",
            message:
                "bad-missing-version.yaml: error: missing 'version'; add 'version: 1' as the first line"
        ),
        Case(
            fixture: "bad-unsupported-version.yaml",
            message:
                "bad-unsupported-version.yaml:2:10: error: unsupported rule file version '2'; this preflight reads version 1, upgrade preflight or write 'version: 1'"
        ),
        Case(
            fixture: "bad-unknown-key.yaml",
            message:
                "bad-unknown-key.yaml:2:1: error: unknown top-level key 'chekcs'; did you mean 'checks'?"
        ),
        Case(
            fixture: "bad-duplicate-key.yaml",
            message:
                "bad-duplicate-key.yaml:6:5: error: 'severity' appears twice in 'checks.scripted'; keep one"
        ),
        Case(
            fixture: "bad-unknown-check.yaml",
            message:
                "bad-unknown-check.yaml:5:3: error: unknown check 'scriptd'; did you mean 'scripted'?"
        ),
        Case(
            fixture: "bad-invalid-value.yaml",
            message:
                "bad-invalid-value.yaml:4:15: error: invalid value for 'checks.scripted.severity': expected one of info, warning, error, found 'fatal'"
        ),
        Case(
            fixture: "bad-unknown-option.yaml",
            message:
                "bad-unknown-option.yaml:4:5: error: unknown option 'treshold' for check 'all_kinds'; did you mean 'threshold'?"
        ),
        Case(
            fixture: "bad-wrong-type.yaml",
            message:
                "bad-wrong-type.yaml:4:12: error: invalid value for 'checks.all_kinds.limit': expected an integer, found string 'many'"
        ),
        Case(
            fixture: "bad-failed-validate.yaml",
            message:
                "bad-failed-validate.yaml:5:18: error: invalid value for 'checks.all_kinds.error_ratio': must be above warning_ratio"
        ),
        Case(
            fixture: "bad-out-of-range.yaml",
            message:
                "bad-out-of-range.yaml:4:12: error: invalid value for 'checks.all_kinds.limit': must be at least 0"
        ),
        Case(
            fixture: "bad-boolean-yes.yaml",
            message:
                "bad-boolean-yes.yaml:4:14: error: invalid value for 'checks.scripted.enabled': expected true or false, found string 'yes'"
        ),
        Case(
            fixture: "bad-dataset-shape.yaml",
            message:
                "bad-dataset-shape.yaml:3:10: error: invalid value for 'dataset.shape': expected one of auto, classification, chat, sharegpt, prompt_completion, instruction, preference, text, found 'clasification'; did you mean 'classification'?"
        ),
        Case(
            fixture: "bad-unknown-dataset-key.yaml",
            message:
                "bad-unknown-dataset-key.yaml:3:3: error: unknown dataset key 'lable_field'; did you mean 'label_field'?"
        ),
        Case(
            fixture: "bad-enum-value.yaml",
            message:
                "bad-enum-value.yaml:4:11: error: invalid value for 'checks.all_kinds.mode': expected one of fast, thorough, paranoid, found 'thorogh'; did you mean 'thorough'?"
        ),
    ]

    /// Parses and configures a fixture against the test registry, as `preflight audit` would.
    static func error(of fixture: String) throws -> RulesError? {
        let text = try Fixtures.text("Rules/\(fixture)")
        do {
            let parsed = try RuleSet.parse(text, name: fixture)
            _ = try Auditor.configure(parsed, registry: TestRegistry.checks)
            return nil
        } catch { return error }
    }

    @Test(arguments: cases)
    func fixtureHasExactMessage(_ c: Case) throws {
        let error = try #require(try Self.error(of: c.fixture), "\(c.fixture) was accepted")
        #expect(error.description == c.message)
    }

    @Test func everyFixtureHasATest() throws {
        let folder = RepositoryPaths.tests("PreflightCoreTests").appendingPathComponent(
            "Fixtures/Rules")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("bad-") }.sorted()
        #expect(files == Self.cases.map(\.fixture).sorted())
    }

    @Test func cannotReadNamesThePathAndReason() {
        // Reading files is the CLI's job; Core only defines the message.
        let error = RulesError.cannotRead(path: "rules/missing.yaml", reason: "no such file")
        #expect(
            error.description == "rules/missing.yaml: error: cannot read rule file: no such file")
        #expect(error.mark == nil)
    }

    @Test func unknownProfileSuggestsOrListsProfiles() {
        #expect(
            RulesError.unknownProfile(name: "strcit", known: ["default", "strict"]).description
                == "error: unknown profile 'strcit'; did you mean 'strict'?")
        #expect(
            RulesError.unknownProfile(name: "paranoid", known: ["default", "strict"]).description
                == "error: unknown profile 'paranoid'; known profiles: default, strict")
    }

    @Test func unknownCheckWithoutSuggestionPointsAtTheCatalog() throws {
        let parsed = try rules("version: 1\nchecks:\n  zzzzzz: false\n")
        let message = rulesError { () throws(RulesError) in
            _ = try Auditor.configure(parsed, registry: TestRegistry.checks)
        }
        #expect(
            message
                == "test.yaml:3:3: error: unknown check 'zzzzzz'; 'preflight checks' lists the checks"
        )
    }

    @Test func marksOfFileErrorsPointIntoTheFile() throws {
        for c in Self.cases where c.fixture != "bad-missing-version.yaml" {
            let error = try #require(try Self.error(of: c.fixture))
            #expect(error.mark?.file == c.fixture, "\(c.fixture)")
        }
    }

    /// Every case is covered above; a new case fails to compile here until it gets a test.
    @Test func everyCaseIsCovered() throws {
        func name(_ error: RulesError) -> String {
            switch error {
            case .cannotRead: "cannotRead"
            case .syntax: "syntax"
            case .notAMapping: "notAMapping"
            case .missingVersion: "missingVersion"
            case .unsupportedVersion: "unsupportedVersion"
            case .unknownKey: "unknownKey"
            case .duplicateKey: "duplicateKey"
            case .unknownCheck: "unknownCheck"
            case .invalidValue: "invalidValue"
            case .unknownProfile: "unknownProfile"
            }
        }
        var covered: Set<String> = ["cannotRead", "unknownProfile"]
        for c in Self.cases {
            if let error = try Self.error(of: c.fixture) { covered.insert(name(error)) }
        }
        #expect(
            covered == [
                "cannotRead", "syntax", "notAMapping", "missingVersion", "unsupportedVersion",
                "unknownKey", "duplicateKey", "unknownCheck", "invalidValue", "unknownProfile",
            ])
    }
}
