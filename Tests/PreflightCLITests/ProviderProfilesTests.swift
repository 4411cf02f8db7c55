import Foundation
import PreflightTestSupport
import Testing

/// The provider profiles applied to the chat-format sample: each accepts and rejects what its
/// provider does (see the comments in `rules/<profile>.yaml`).
@Suite struct ProviderProfilesTests {
    /// Audits samples/chat-format with a profile; returns "line code" of its chat_format and
    /// token_budget findings, and the JSON report.
    static func audit(_ profile: String, _ extra: [String] = []) throws -> ([String], JSONValue) {
        let report = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-profile-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let arguments = [
            "audit", "samples/chat-format", "--profile", profile, "--report",
            "json=\(report.path)",
        ]
        let result = runCLI(arguments + extra)
        #expect(result.stderr == "", "\(result.stderr)")
        let json = try JSONValue.parse(Data(contentsOf: report))
        guard case .array(let findings)? = json["findings"] else { return ([], json) }
        let codes = findings.compactMap { f -> String? in
            guard case .string(let check)? = f["check"],
                check == "chat_format" || check == "token_budget",
                case .string(let code)? = f["code"]
            else { return nil }
            if case .number(let line)? = f["location"]?["line"] { return "\(Int(line)) \(code)" }
            return code
        }
        return (codes, json)
    }

    @Test func openAIChatAcceptsToolsAndWeights() throws {
        let (codes, _) = try Self.audit("openai-chat")
        // The sample's conversations use the OpenAI format; only the planted defects remain.
        #expect(
            codes.filter { !$0.hasPrefix("token_estimate") } == [
                "31 unknown_role", "32 consecutive_roles", "33 empty_content",
                "34 last_turn_not_assistant", "35 system_not_first", "36 invalid_tool_arguments",
                "37 undeclared_tool", "38 tool_result_without_call", "39 invalid_weight",
                "40 nothing_to_learn", "41 no_assistant_turn",
            ])
    }

    @Test func trlSFTHasNoWeightsAndTogetherNoTools() throws {
        // TRL has no per-message weights: every weighted turn (lines 1-30, 39, 40) is reported.
        let (trl, _) = try Self.audit("trl-sft")
        #expect(trl.filter { $0.hasSuffix(" weight_not_supported") }.count == 32)
        // Together accepts system, user and assistant only, and only `messages` at the top:
        // the tool turns and the `tools` key of lines 1-30 are reported.
        let (together, _) = try Self.audit("together-chat")
        #expect(together.contains("1 unknown_role"))
        #expect(together.contains("1 unknown_record_key"))
        #expect(!together.contains { $0.hasSuffix("weight_not_supported") })
    }

    @Test func profilesSetTheContext() throws {
        let (_, openAI) = try Self.audit("openai-chat")
        let (_, trl) = try Self.audit("trl-dpo")
        func context(_ json: JSONValue) -> String? {
            guard case .array(let checks)? = json["checks"],
                let budget = checks.first(where: { $0["id"] == .string("token_budget") }),
                case .string(let summary)? = budget["summary"]
            else { return nil }
            return summary
        }
        #expect(context(openAI)?.contains("context of 65,536") == true, "\(context(openAI) ?? "")")
        #expect(context(trl)?.contains("context of 1,024") == true, "\(context(trl) ?? "")")
    }

    @Test func everyProviderProfileIsListedAndLoads() {
        for name in ["openai-chat", "together-chat", "mistral-chat", "trl-sft", "trl-dpo"] {
            let result = runCLI(["rules", "--effective", "--profile", name])
            #expect(result.code == 0, "\(name): \(result.stderr)")
            #expect(result.stdout.contains("chat_format:"), "\(name)")
            #expect(result.stdout.contains("token_budget:"), "\(name)")
        }
    }
}
