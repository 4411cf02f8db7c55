import Foundation
import PreflightChecks
import PreflightCore
import PreflightReaders
import PreflightTestSupport
import Testing

/// `token_budget` with a word counter (exact, so the arithmetic is visible), the estimate,
/// and OpenAI's published figures for its toy chat file with the real cl100k_base.
@Suite struct TokenBudgetCheckTests {
    /// One token per whitespace-separated word.
    struct WordCounter: TokenCounter {
        var isExact: Bool { true }
        var name: String { "words" }
        func count(_ text: String) -> Int { text.split(whereSeparator: \.isWhitespace).count }
    }

    func run(
        _ jsonl: String, _ configure: (inout TokenBudgetCheck.Options) -> Void = { _ in },
        tokenizer: (any TokenCounter)? = WordCounter()
    ) -> CheckOutcome {
        var options = TokenBudgetCheck.Options()
        configure(&options)
        let dataset = FixtureDataset.make(CheckExampleRunner.parse(jsonl).files)
        return TokenBudgetCheck(options: options).run(
            CheckInput(
                dataset: dataset, index: DatasetIndex(dataset: dataset), tokenizer: tokenizer))
    }

    // system: 3 + 1 + 2 = 6; user with a name: 3 + 1 + (1 + 1) + 1 = 7; assistant: 3 + 1 + 3 = 7;
    // plus 3 per conversation = 23 tokens, 3 of them assistant content (tokens 17..<20).
    static let chat = """
        {"messages": [{"role": "system", "content": "a b"}, {"role": "user", "content": "c", "name": "bob"}, {"role": "assistant", "content": "d e f"}]}
        """

    @Test func countsFollowOpenAIsPerMessageOverheads() {
        let out = run(Self.chat)
        #expect(out.findings.isEmpty)
        #expect(out.metrics["total_tokens"] == 23)
        #expect(out.metrics["assistant_tokens"] == 3)
        #expect(out.metrics["exact"] == 1)
        #expect(out.summary.contains("counted with words"))
        let zero = run(Self.chat) {
            $0.tokensPerMessage = 0
            $0.tokensPerConversation = 0
            $0.tokensPerName = 0
        }
        #expect(zero.metrics["total_tokens"] == 10)
    }

    @Test func rightTruncationNamesTheTurnThatIsCut() throws {
        let out = run(Self.chat) { $0.contextLength = 18 }
        let f = try #require(out.findings.first)
        #expect(out.findings.count == 1)
        #expect(f.code == "over_context")
        #expect(f.severity == .warning)
        #expect(
            f.message
                == "example has 23 tokens, over the context of 18: turn 3 ('assistant', messages[2]) is cut at token 18"
        )
        #expect(f.location?.line == 1)
        #expect(out.metrics["billed_tokens"] == 18)
        #expect(out.metrics["over_context"] == 1)
    }

    @Test func noTrainableTokenLeftIsAnError() throws {
        let out = run(Self.chat) { $0.contextLength = 17 }
        let f = try #require(out.findings.first)
        #expect(f.code == "no_trainable_tokens")
        #expect(f.severity == .error)
        #expect(f.message.hasSuffix("leaving no assistant or target token to train on"))
        // One more token keeps the first assistant token.
        #expect(run(Self.chat) { $0.contextLength = 18 }.findings.first?.code == "over_context")
    }

    @Test func leftTruncationCutsTheStart() throws {
        let out = run(Self.chat) {
            $0.contextLength = 10
            $0.truncation = .left
        }
        let f = try #require(out.findings.first)
        #expect(f.code == "over_context")
        #expect(
            f.message
                == "example has 23 tokens, over the context of 10: the first 13 tokens are cut, up to turn 3 ('assistant', messages[2])"
        )
        // Cutting into the reply primer only leaves no assistant token.
        let all = run(Self.chat) {
            $0.contextLength = 3
            $0.truncation = .left
        }
        #expect(all.findings.first?.code == "no_trainable_tokens")
    }

    @Test func overContextSeverityIsAnOption() {
        #expect(
            run(Self.chat) {
                $0.contextLength = 18
                $0.overContext = .off
            }.findings.isEmpty)
        #expect(
            run(Self.chat) {
                $0.contextLength = 18
                $0.overContext = .error
            }.findings.first?.severity
                == .error)
        // No trainable token left is an error whatever 'over_context' says.
        #expect(
            run(Self.chat) {
                $0.contextLength = 15
                $0.overContext = .off
            }.findings.map(\.code)
                == ["no_trainable_tokens"])
    }

    @Test func preferencePairsReportTheLongerSide() throws {
        let jsonl = #"{"prompt": "p", "chosen": "a", "rejected": "a b c d"}"#
        // prompt: 3 + 1 + 1; rejected: 3 + 1 + 4; + 3 = 16 (chosen: 13).
        let out = run(jsonl) { $0.contextLength = 12 }
        #expect(out.metrics["total_tokens"] == 16)
        let f = try #require(out.findings.first)
        #expect(f.message.contains("turn 2 ('assistant', rejected) is cut at token 12"))
        // A cut in the reply primer only.
        #expect(
            run(jsonl) { $0.contextLength = 14 }.findings.first?.message.hasSuffix(
                "the end of the example is cut at token 14") == true)
        #expect(run(jsonl) { $0.contextLength = 16 }.findings.isEmpty)
    }

    @Test func otherShapesCountTheirTurnsAsMessages() {
        // (3 + 1 + 2) + (3 + 1 + 1) + 3 = 14.
        let completion = run(#"{"prompt": "one two", "completion": "three"}"#)
        #expect(completion.metrics["total_tokens"] == 14)
        #expect(completion.metrics["assistant_tokens"] == 1)
        // Instruction and input on two lines: (3 + 1 + 4) + (3 + 1 + 1) + 3 = 16.
        let instruction = run(#"{"instruction": "do it", "input": "now please", "output": "done"}"#)
        #expect(instruction.metrics["total_tokens"] == 16)
        #expect(instruction.metrics["messages"] == nil)
    }

    @Test func findingsAreCappedWithOneForTheRest() throws {
        let jsonl = Array(repeating: Self.chat, count: 3).joined(separator: "\n")
        let out = run(jsonl) {
            $0.contextLength = 18
            $0.maxFindings = 1
        }
        #expect(out.findings.map(\.code) == ["over_context", "more_findings"])
        #expect(out.findings[1].location == nil)
        #expect(
            out.findings[1].message
                == "2 more examples over the context of 18 not listed ('max_findings' 1)")
        #expect(out.findings.weightedCount == 3)
        #expect(out.metrics["over_context"] == 3)
    }

    @Test func epochsFollowOpenAIsDefaultAndPricesGiveACost() {
        #expect(TokenBudgetCheck.defaultEpochs(examples: 5) == 20)
        #expect(TokenBudgetCheck.defaultEpochs(examples: 1) == 25)
        #expect(TokenBudgetCheck.defaultEpochs(examples: 50) == 3)
        #expect(TokenBudgetCheck.defaultEpochs(examples: 10_000) == 2)
        #expect(TokenBudgetCheck.defaultEpochs(examples: 100_000) == 1)
        let out = run(Self.chat) {
            $0.epochs = 2
            $0.pricePerMillionTokens = 1_000_000
        }
        #expect(out.metrics["epochs"] == 2)
        #expect(out.metrics["billed_tokens_x_epochs"] == 46)
        #expect(out.metrics["estimated_cost"] == 46)
        #expect(run(Self.chat).metrics["estimated_cost"] == nil)
    }

    @Test func withoutATokenizerCountsAreEstimatesAndSaySo() throws {
        let out = run(Self.chat, tokenizer: nil)
        let f = try #require(out.findings.first)
        #expect(f.code == "token_estimate")
        #expect(f.severity == .info)
        #expect(f.location == nil)
        #expect(f.hint?.contains("--tokenizer FILE") == true)
        #expect(out.metrics["exact"] == 0)
        #expect(out.summary.contains("estimated"))
    }

    @Test func labelledDataIsSkipped() {
        let out = run(#"{"text": "hello", "label": "greeting"}"#)
        #expect(out.skippedReason == "no conversational input")
    }

    @Test func tableHasTheNotebooksDistributions() throws {
        let out = run(
            Self.chat + "\n"
                + #"{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}"#
        )
        let table = try #require(out.tables.first)
        #expect(table.columns == ["distribution", "min", "max", "mean", "median", "p5", "p95"])
        #expect(
            table.rows.map { $0[0] } == [
                .text("messages"), .text("total tokens"), .text("assistant tokens"),
                .text("system turn tokens"), .text("user turn tokens"),
                .text("assistant turn tokens"),
            ])
        // Totals 23 and 13.
        #expect(table.rows[1][1] == .count(13))
        #expect(table.rows[1][2] == .count(23))
        #expect(table.rows[1][4] == .number(18))
        // Per turn, content only: the system turn has 2 words, user turns 1 and 1, assistant
        // turns 3 and 1.
        #expect(table.rows[3][1] == .count(2) && table.rows[3][2] == .count(2))
        #expect(table.rows[4][1] == .count(1) && table.rows[4][2] == .count(1))
        #expect(table.rows[5][1] == .count(1) && table.rows[5][2] == .count(3))
    }

    /// OpenAI's "Data preparation and analysis for chat model fine-tuning" notebook on its
    /// toy_chat_fine_tuning.jsonl: totals 26 to 8,032, assistant tokens 4 to 8,000, one
    /// example over 4,096, ~4,306 billed tokens, 20 epochs, ~86,120 charged.
    @Test func openAIToyChatReproducesTheNotebook() throws {
        guard let folder = RepositoryPaths.sharedData("openai_toy_chat"),
            let path = RepositoryPaths.referenceTokenizer(RepositoryPaths.cl100kFile)
        else { return }
        let counter = try TokenizerFile.load(path: path)
        let file = folder.appendingPathComponent("train.jsonl").path
        let dataset = try DatasetLoader.load([InputSpec(path: file)], options: LoadOptions())
        let out = TokenBudgetCheck(options: .init()).run(
            CheckInput(dataset: dataset, index: DatasetIndex(dataset: dataset), tokenizer: counter))
        #expect(out.metrics["examples"] == 5)
        #expect(out.metrics["max_tokens"] == 8032)
        #expect(out.metrics["billed_tokens"] == 4306)
        #expect(out.metrics["epochs"] == 20)
        #expect(out.metrics["billed_tokens_x_epochs"] == 86120)
        #expect(out.metrics["over_context"] == 1)
        let table = try #require(out.tables.first)
        #expect(table.rows[1][1] == .count(26))
        #expect(table.rows[1][2] == .count(8032))
        #expect(table.rows[2][1] == .count(4))
        #expect(table.rows[2][2] == .count(8000))
        #expect(out.findings.map(\.code) == ["over_context"])
        #expect(out.findings.first?.location?.line == 5)
        #expect(
            out.findings.first?.message
                == "example has 8,032 tokens, over the context of 4,096: turn 3 ('assistant', messages[2]) is cut at token 4,096"
        )
    }
}
