import Foundation
import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

/// The house conventions of STYLE.md, enforced: every check file is registered, ids are
/// unique snake_case, every check has its own tests, and every message reads the same way.
@Suite struct ConventionsTests {
    static var checkSources: URL {
        RepositoryPaths.root.appendingPathComponent("Sources/PreflightChecks")
    }

    /// The `*Check.swift` files under Sources/PreflightChecks, as type names.
    static func checkFileTypeNames() throws -> Set<String> {
        var names = Set<String>()
        let walker = FileManager.default.enumerator(atPath: checkSources.path)
        while let path = walker?.nextObject() as? String {
            let file = (path as NSString).lastPathComponent
            if file.hasSuffix("Check.swift") { names.insert(String(file.dropLast(".swift".count))) }
        }
        return names
    }

    @Test func everyCheckFileIsRegistered() throws {
        let registered = Set(BuiltInChecks.all.map { type in String(describing: type) })
        let files = try Self.checkFileTypeNames()
        #expect(!files.isEmpty)
        #expect(
            files == registered,
            "files without registration: \(files.subtracting(registered)); registered without a file: \(registered.subtracting(files))"
        )
    }

    @Test func idsAreUniqueSnakeCaseAndAliasesDoNotCollide() {
        var seen = Set<String>()
        for type in BuiltInChecks.all {
            let d = type.descriptor
            for id in [d.id] + d.aliases {
                #expect(
                    id.rawValue.range(
                        of: "^[a-z][a-z0-9]*(_[a-z0-9]+)*$", options: .regularExpression) != nil,
                    "'\(id)' is not snake_case")
                #expect(seen.insert(id.rawValue).inserted, "'\(id)' is used twice")
            }
            #expect(!d.title.isEmpty)
        }
    }

    @Test func everyCheckHasItsOwnTestFile() {
        let tests = RepositoryPaths.tests("PreflightChecksTests")
        for type in BuiltInChecks.all {
            let file = tests.appendingPathComponent("\(String(describing: type))Tests.swift")
            #expect(
                FileManager.default.fileExists(atPath: file.path),
                "missing \(file.lastPathComponent)")
        }
    }

    @Test func optionKeysAreSnakeCaseAndDocumented() {
        for type in BuiltInChecks.all {
            guard let configured = try? Auditor.configure(RuleSet(), registry: [type]).first else {
                Issue.record("\(type.descriptor.id) does not configure with defaults")
                continue
            }
            for option in configured.effectiveOptions {
                #expect(
                    option.key.range(
                        of: "^[a-z][a-z0-9]*(_[a-z0-9]+)*$", options: .regularExpression) != nil,
                    "\(type.descriptor.id).\(option.key)")
                #expect(!option.doc.isEmpty, "\(type.descriptor.id).\(option.key) has no doc")
            }
        }
    }

    /// Messages start in lowercase and have no final period; every finding says what to do.
    @Test func findingsOfEveryFailingExampleReadTheHouseWay() throws {
        for type in BuiltInChecks.all {
            for example in type.descriptor.examples where example.expectation != .passes {
                let findings = try CheckExampleRunner.run(example, of: type)
                #expect(!findings.isEmpty, "\(type.descriptor.id): a failing example found nothing")
                for finding in findings {
                    let first = finding.message.first
                    #expect(
                        first.map { !$0.isUppercase } ?? false,
                        "\(finding.checkID): '\(finding.message)' must start in lowercase")
                    #expect(
                        !finding.message.hasSuffix("."),
                        "\(finding.checkID): '\(finding.message)' ends with a period")
                    #expect(
                        !(finding.hint ?? "").isEmpty,
                        "\(finding.checkID)/\(finding.code) has no hint")
                    #expect(
                        !(finding.hint ?? "").hasSuffix("."),
                        "\(finding.checkID): hint ends with a period")
                    #expect(
                        finding.code.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression)
                            != nil)
                }
            }
        }
    }
}
