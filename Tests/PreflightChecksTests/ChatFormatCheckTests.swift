import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// Runs `chat_format` on example-style files (`--- name.jsonl` headers; default train.jsonl).
private func chatFormat(_ files: String, options: String = "") throws -> CheckOutcome {
    let parsed = CheckExampleRunner.parse(files)
    return try CheckExampleRunner.run(
        ChatFormatCheck.self, options: options, on: FixtureDataset.make(parsed.files))
}

/// "line code" of every per-record finding, in report order.
private func lineCodes(_ outcome: CheckOutcome) -> [String] {
    outcome.findings.compactMap { f in f.location?.line.map { "\($0) \(f.code)" } }
}

private let openAIKeys = """
    roles: [system, user, assistant, tool]
    message_keys: [role, content, name, weight, tool_calls, tool_call_id, function_call]
    record_keys: [messages, tools, functions, parallel_tool_calls]
    string_content: true
    """

/// Every kind of chat defect, one per line, each reported on its line; the clean lines
/// (1, 2) are not.
@Test func everyChatDefectIsReportedOnItsLine() throws {
    let data = #"""
        {"messages": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 1}]}
        {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Oslo\"}"}}]}, {"role": "tool", "tool_call_id": "c1", "content": "sunny"}, {"role": "assistant", "content": "Sunny."}], "tools": [{"type": "function", "function": {"name": "weather"}}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "bot", "content": "Hello!"}]}
        {"messages": [{"role": "user", "content": "Hi", "mood": "happy"}, {"role": "assistant", "content": "Hello!"}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}], "source": "web"}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be kind."}, {"role": "assistant", "content": "Hello!"}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Yes?"}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Bye"}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": " \n "}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Yes?"}]}
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}, {"role": "assistant", "content": "Hello!"}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 2}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 0}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{city: Oslo}"}}]}, {"role": "tool", "tool_call_id": "c1", "content": "sunny"}, {"role": "assistant", "content": "Sunny."}], "tools": [{"type": "function", "function": {"name": "weather"}}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "stocks", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "c1", "content": "up"}, {"role": "assistant", "content": "Up."}], "tools": [{"type": "function", "function": {"name": "weather"}}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "tool", "tool_call_id": "c9", "content": "sunny"}, {"role": "assistant", "content": "Sunny."}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}, {"role": "user", "content": "Well?"}, {"role": "assistant", "content": "Sunny."}]}
        {"messages": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Hi"}]}
        {"messages": [{"role": "system", "content": "Be kind."}, {"role": "assistant", "content": "Hello!"}]}
        """#
    let outcome = try chatFormat(data, options: openAIKeys)
    #expect(
        lineCodes(outcome) == [
            "3 unknown_role", "4 unknown_key", "5 unknown_record_key", "6 system_not_first",
            "7 consecutive_roles", "8 last_turn_not_assistant", "9 empty_content",
            "10 non_string_content", "11 invalid_weight", "12 nothing_to_learn",
            "13 invalid_tool_arguments", "14 undeclared_tool", "15 tool_result_without_call",
            "16 tool_call_without_result", "17 no_assistant_turn", "18 no_user_message",
        ])
    // Every per-record finding names the message it is about where there is one.
    let unknownRole = try #require(outcome.findings.first { $0.code == "unknown_role" })
    #expect(unknownRole.location?.field == "messages[1]")
    #expect(unknownRole.message.contains("message 2 ('bot')"))
    // Some examples have a system message and others not: one dataset-level note.
    let system = try #require(outcome.findings.first { $0.code == "missing_system_message" })
    #expect(system.location == nil && system.severity == .info)
    #expect(system.message.hasPrefix("14 examples of 18 have no system message"))
}

/// With default options, record keys are not checked, content parts are allowed, and a
/// message key outside the shape's standard keys is a warning (an error only for a profile's
/// own list).
@Test func defaultOptionsWarnOnNonStandardMessageKeysAndAcceptContentParts() throws {
    let data = """
        {"messages": [{"role": "user", "content": "Hi", "mood": "happy"}, {"role": "assistant", "content": "Hello!"}], "source": "web"}
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}, {"role": "assistant", "content": "Hello!"}]}
        {"messages": [{"role": "developer", "content": "Be kind."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
        {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://example.test/cat.png"}}]}, {"role": "assistant", "content": "A cat."}]}
        {"messages": [{"role": "user", "content": [{"type": "text", "text": " "}]}, {"role": "assistant", "content": "Yes?"}]}
        """
    let outcome = try chatFormat(data)
    // An image part is content; a blank text part is not.
    #expect(lineCodes(outcome) == ["1 unknown_key", "5 empty_content"])
    #expect(outcome.findings.first { $0.code == "unknown_key" }?.severity == .warning)
    // Turning the order rules off silences them.
    let relaxed = try chatFormat(
        """
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Yes?"}, {"role": "user", "content": "Ok"}]}
        """, options: "alternate: false\nlast_assistant: false")
    #expect(lineCodes(relaxed).isEmpty)
}

@Test func shareGPTRolesAndOrder() throws {
    let data = """
        {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]}
        {"conversations": [{"from": "human", "value": "Hi"}, {"from": "user", "value": "Hello!"}]}
        {"conversations": [{"from": "human", "value": "Hi"}, {"from": "human", "value": "Hey"}, {"from": "gpt", "value": "Yes?"}]}
        {"conversations": [{"from": "system", "value": "Be kind."}, {"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]}
        """
    let outcome = try chatFormat(data, options: "missing_system: off")
    // 'user' is not a ShareGPT role; the order rules are not applied on top of that.
    #expect(lineCodes(outcome) == ["2 unknown_role", "3 consecutive_roles"])
}

@Test func preferencePairs() throws {
    let data = """
        {"prompt": "2+2?", "chosen": "4", "rejected": "5"}
        {"prompt": "2+2?", "chosen": "4", "rejected": "4"}
        {"chosen": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}], "rejected": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": " "}]}
        {"prompt": "Name a colour", "chosen": "Blue is a calm colour that many people like very much.", "rejected": "Red"}
        {"chosen": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}], "rejected": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Go away."}]}
        {"chosen": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}], "rejected": [{"role": "user", "content": "Hey"}, {"role": "assistant", "content": "Go away."}]}
        """
    let outcome = try chatFormat(data)
    #expect(
        lineCodes(outcome) == [
            "2 identical_pair", "3 empty_side", "4 length_ratio", "6 prompt_mismatch",
        ])
    let ratio = try #require(outcome.findings.first { $0.code == "length_ratio" })
    #expect(ratio.severity == .warning)
    #expect(ratio.message.hasPrefix("'chosen' is 18 times as long as 'rejected'"))
}

@Test func providerLimits() throws {
    let rows = (0..<5).map { i in
        #"{"messages": [{"role": "user", "content": "Q\#(i)"}, {"role": "assistant", "content": "A\#(i)"}]}"#
    }
    let files = "--- train.jsonl\n" + rows.joined(separator: "\n")
    let few = try chatFormat(files, options: "min_examples: 10")
    #expect(few.findings.map(\.code) == ["too_few_examples"])
    let file = few.findings[0].location
    #expect(file?.path == "train.jsonl" && file?.line == nil)
    let many = try chatFormat(files, options: "max_examples: 4\nmax_file_bytes: 100")
    #expect(Set(many.findings.map(\.code)) == ["too_many_examples", "file_too_large"])
    #expect(throws: (any Error).self) {
        try chatFormat(files, options: "min_examples: 10\nmax_examples: 4")
    }
}

@Test func findingsAreBoundedAndCounted() throws {
    let rows = (0..<30).map { i in
        #"{"messages": [{"role": "user", "content": "Q\#(i)"}, {"role": "bot", "content": "A\#(i)"}]}"#
    }
    let outcome = try chatFormat(rows.joined(separator: "\n"), options: "max_findings: 10")
    #expect(outcome.findings.filter { $0.location != nil }.count == 10)
    let more = try #require(outcome.findings.first { $0.code == "more_findings" })
    // One unknown role per record: 30 findings, 20 not listed.
    #expect(
        more.message
            == "20 more format problems not listed (unknown_role 20), over 'max_findings' 10")
    #expect(more.weight == 20)
    #expect(outcome.metrics["unknown_role"] == 30)
}

@Test func classificationDataIsSkipped() throws {
    let outcome = try chatFormat(#"{"text": "hello", "label": "greeting"}"#)
    #expect(outcome.skippedReason != nil)
}

/// The real defects of published chat sets, each with its line (see
/// `scripts/crosscheck-chat-format.py`, which finds the same lines independently).
@Suite struct ChatFormatRealDataTests {
    static func run(_ name: String, _ file: String, options: String = "") throws -> CheckOutcome {
        let url = RepositoryPaths.sharedData(name)!.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        return try CheckExampleRunner.run(
            ChatFormatCheck.self, options: options,
            on: FixtureDataset.make([(file, .train, text)]))
    }

    /// OpenAI's cookbook validation of its toy file finds no format errors, 1 example without
    /// a system message and 1 without a user message (line 4).
    @Test(.enabled(if: RepositoryPaths.sharedData("openai_toy_chat") != nil))
    func openAIToyChatMatchesThePublishedValidation() throws {
        let outcome = try Self.run("openai_toy_chat", "train.jsonl", options: openAIKeys)
        #expect(outcome.findings.allSatisfy { $0.severity < .error })
        #expect(lineCodes(outcome) == ["4 no_user_message"])
        #expect(outcome.metrics["examples_without_system"] == 1)
    }

    /// HH-RLHF harmless test, as chat: consecutive same-role turns and empty turns, kept as
    /// published.
    @Test(.enabled(if: RepositoryPaths.sharedData("hh_rlhf_harmless_test") != nil))
    func hhRLHFConsecutiveAndEmptyTurns() throws {
        let chosen = try Self.run("hh_rlhf_harmless_test", "test.chosen.jsonl")
        #expect(
            lineCodes(chosen) == [
                "87 empty_content", "517 empty_content", "668 consecutive_roles",
                "764 consecutive_roles", "926 empty_content", "1104 empty_content",
                "1255 consecutive_roles", "1320 consecutive_roles", "1689 consecutive_roles",
                "1850 consecutive_roles", "1953 consecutive_roles", "2037 consecutive_roles",
            ])
        let rejected = try Self.run("hh_rlhf_harmless_test", "test.rejected.jsonl")
        #expect(
            lineCodes(rejected) == [
                "668 consecutive_roles", "764 consecutive_roles", "1320 consecutive_roles",
                "1850 consecutive_roles", "1951 consecutive_roles",
            ])
    }

    /// FastChat's identity set is well-formed in all three forms: no false alarms.
    @Test(.enabled(if: RepositoryPaths.sharedData("fastchat_identity") != nil))
    func fastchatIdentityIsClean() throws {
        for file in ["train.jsonl", "train.sharegpt.jsonl", "train.yaml"] {
            let outcome = try Self.run("fastchat_identity", file)
            #expect(outcome.findings.isEmpty, "\(file): \(lineCodes(outcome).prefix(5))")
            #expect(outcome.metrics["examples"] == 500)
        }
    }
}
