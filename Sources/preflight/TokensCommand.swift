import ArgumentParser
import Foundation
import PreflightCore

/// `preflight tokens` (hidden, for developers): counts the tokens of texts read from
/// standard input, one JSON string per line, and prints one count per line. Used by
/// `scripts/crosscheck-tokenizers.py` to compare our counts with tiktoken and Hugging Face
/// tokenizers, and to calibrate the estimate.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Count the tokens of texts on standard input (one JSON string per line).",
        discussion: """
            Prints one count per input line. With --tokenizer FILE the counts are exact \
            (a tiktoken ranks file or a Hugging Face tokenizer.json with a BPE model); \
            without it they are Preflight's estimate. No special tokens are counted.
            """,
        shouldDisplay: false)

    @Option(
        name: .customLong("tokenizer"),
        help: ArgumentHelp(
            "A tiktoken ranks file or a Hugging Face tokenizer.json.", valueName: "FILE"))
    var tokenizerPath: String?

    func run() throws {
        let console = Console.current
        let counter: any TokenCounter
        if let path = tokenizerPath {
            do {
                counter = try TokenizerFile.load(path: path)
            } catch {
                console.err(error.description)
                throw error.isInputError ? CommandExit.input : CommandExit.usage
            }
        } else {
            counter = EstimatedTokenCounter()
        }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var out = ""
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            guard
                let text = try? JSONSerialization.jsonObject(
                    with: Data(line), options: [.fragmentsAllowed]) as? String
            else {
                console.err("<stdin>:\(lineNumber): error: expected a JSON string")
                throw CommandExit.usage
            }
            out += "\(counter.count(text))\n"
        }
        console.out(out)
    }
}
