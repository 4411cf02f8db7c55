import Foundation
import PreflightTestSupport
import Testing

/// `assertGolden` must fail loudly; these run only when not recording.
@Suite(.enabled(if: !isRecordingGoldens))
struct GoldenAssertTests {
    private func temporary(_ name: String, _ contents: String?) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        if let contents { try Data(contents.utf8).write(to: url) }
        return url
    }

    @Test func matchingBytesPass() throws {
        let url = try temporary("a.txt", "same\n")
        assertGolden(Data("same\n".utf8), path: url)
    }

    @Test func missingGoldenFailsWithTheRecordCommand() throws {
        let url = try temporary("missing.txt", nil)
        withKnownIssue {
            assertGolden(Data("x".utf8), path: url)
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("PREFLIGHT_RECORD=1 swift test") }
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func differentTextNamesTheLine() throws {
        let url = try temporary("a.txt", "one\ntwo\n")
        withKnownIssue {
            assertGolden(Data("one\nTWO\n".utf8), path: url)
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains(#"line 2: expected "two", got "TWO""#) }
        }
    }

    @Test func differentJSONValuesNameThePath() throws {
        let url = try temporary("a.json", #"{"a": {"b": [1, 2]}}"#)
        withKnownIssue {
            assertGolden(Data(#"{"a": {"b": [1, 3]}}"#.utf8), path: url)
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("$.a.b[1]: expected 2, got 3") }
        }
    }

    @Test func sameJSONValuesWithOtherBytesStillFail() throws {
        let url = try temporary("a.json", #"{"a": 1}"#)
        withKnownIssue {
            assertGolden(Data(#"{"a":1}"#.utf8), path: url)
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("same JSON values, bytes") }
        }
    }
}
