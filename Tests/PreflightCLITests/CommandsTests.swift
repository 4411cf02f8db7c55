import Foundation
import PreflightChecks
import PreflightTestSupport
import Testing

/// `preflight checks` and `preflight rules`.
@Suite struct CommandsTests {
    @Test func catalogListsEveryCheck() {
        let result = runCLI(["checks"])
        #expect(result.code == 0)
        for type in BuiltInChecks.all {
            #expect(result.stdout.contains(type.descriptor.id.rawValue))
            #expect(result.stdout.contains(type.descriptor.summary))
        }
    }

    @Test func defaultRuleFileEqualsRulesDefaults() throws {
        let result = runCLI(["rules", "--defaults"])
        #expect(result.code == 0)
        let onDisk = try String(
            contentsOf: RepositoryPaths.rules.appendingPathComponent("default.yaml"),
            encoding: .utf8)
        #expect(
            result.stdout == onDisk,
            "rules/default.yaml is stale: run 'swift run preflight rules --defaults > rules/default.yaml'"
        )
    }

    @Test func readmeCatalogIsCurrent() throws {
        let catalog = runCLI(["checks", "--markdown"]).stdout
        let readme = try String(
            contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(
            readme.contains(catalog),
            "README's check catalog is stale: paste 'preflight checks --markdown'")
    }

    @Test func effectiveRulesMergeProfileAndFile() throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-eff-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "version: 1\nchecks:\n  class_balance:\n    warning_ratio: 3\n".write(
            to: file, atomically: true, encoding: .utf8)
        let result = runCLI(["rules", "--effective", "--profile", "strict", "--rules", file.path])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("warning_ratio: 3"))
        #expect(result.stdout.contains("missing_heldout: error"))
    }

    @Test func everyProfileIsValid() throws {
        for name in ["default", "classification", "chat-sft", "strict"] {
            let result = runCLI(["rules", "--effective", "--profile", name])
            #expect(result.code == 0, "profile \(name): \(result.stderr)")
        }
    }

    @Test func helpExitsZero() {
        let result = runCLI(["audit", "--help"])
        #expect(result.code == 0)
        #expect(result.stdout.contains("--fail-on"))
    }
}
