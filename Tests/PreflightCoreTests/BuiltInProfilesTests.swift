import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore

struct BuiltInProfilesTests {
    /// `rules/*.yaml` on disk, by stem, sorted.
    func filesOnDisk() throws -> [(name: String, bytes: [UInt8])] {
        let folder = RepositoryPaths.rules
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }
        return try names.map { file in
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            return (String(file.dropLast(".yaml".count)), Array(data))
        }.sorted { $0.name < $1.name }
    }

    @Test func embeddedProfilesMatchRulesOnDisk() throws {
        let disk = try filesOnDisk()
        let embedded = EmbeddedProfiles.files
        #expect(!disk.isEmpty)
        #expect(embedded.map(\.name) == disk.map(\.name), "run scripts/embed-profiles")
        for (file, profile) in zip(disk, embedded) where file.name == profile.name {
            #expect(
                Array(profile.text.utf8) == file.bytes,
                "rules/\(file.name).yaml changed: run scripts/embed-profiles")
        }
    }

    @Test func namesAreSortedAndIncludeDefault() {
        #expect(BuiltInProfiles.names == BuiltInProfiles.names.sorted())
        #expect(BuiltInProfiles.names.contains("default"))
    }

    @Test func everyProfileParses() throws {
        for name in BuiltInProfiles.names {
            let rules = try BuiltInProfiles.load(named: name)
            #expect(rules.sources == ["rules/\(name).yaml"])
            #expect(rules.texts == [BuiltInProfiles.text(named: name)])
        }
    }

    @Test func unknownProfileIsAnError() {
        #expect(BuiltInProfiles.text(named: "nope") == nil)
        let near = rulesError { () throws(RulesError) in
            _ = try BuiltInProfiles.load(named: "defualt")
        }
        #expect(near == "error: unknown profile 'defualt'; did you mean 'default'?")
        let far = rulesError { () throws(RulesError) in
            _ = try BuiltInProfiles.load(named: "paranoid")
        }
        #expect(
            far
                == "error: unknown profile 'paranoid'; known profiles: \(BuiltInProfiles.names.joined(separator: ", "))"
        )
    }
}
