import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore

/// Exact counting against the reference libraries: fixtures written by
/// `scripts/make-tokenizer-fixtures.py` with expected counts from Hugging Face `tokenizers`
/// and tiktoken, and pieces from the `regex` module; real tokenizer files when present.
@Suite struct TokenizerTests {
    static let folder = RepositoryPaths.tests("PreflightCoreTests")
        .appendingPathComponent("Fixtures/Tokenizers")

    struct Expected: Decodable {
        var texts: [String]
        var counts: [String: [Int]]
        var splits: [String: [[String]]]
    }

    static let expected: Expected = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode(Expected.self, from: data)
    }()

    @Test(arguments: [
        "bytelevel-nfkc.tokenizer.json", "metaspace-fallback.tokenizer.json",
        "split-sequence.tokenizer.json", "tiny.tiktoken",
    ])
    func fixtureCountsMatchTheReferenceLibrary(_ file: String) throws {
        let counter = try TokenizerFile.load(path: Self.folder.appendingPathComponent(file).path)
        #expect(counter.isExact)
        let expected = try #require(Self.expected.counts[file])
        #expect(expected.count == Self.expected.texts.count)
        for (text, count) in zip(Self.expected.texts, expected) {
            #expect(counter.count(text) == count, "\(file): \(text.debugDescription)")
        }
    }

    @Test(arguments: [
        ("gpt2", SplitPattern.gpt2), ("cl100k", .cl100k(digits: 3)), ("o200k", .o200k),
    ])
    func splitsMatchThePublishedRegexes(_ name: String, _ pattern: SplitPattern) throws {
        let expected = try #require(Self.expected.splits[name])
        for (text, pieces) in zip(Self.expected.texts, expected) {
            var t = TokenText()
            t.reset(text.utf8)
            var out: [Range<Int>] = []
            pattern.split(t, 0..<t.count, behavior: .removed, invert: true, into: &out)
            let ours = out.map { r in
                String(
                    decoding: t.bytes[Int(t.offsets[r.lowerBound])..<Int(t.offsets[r.upperBound])],
                    as: UTF8.self)
            }
            #expect(ours == pieces, "\(name): \(text.debugDescription)")
        }
    }

    @Test func rankCountChoosesTheSplit() throws {
        let tiny = try TokenizerFile.load(
            path: Self.folder.appendingPathComponent("tiny.tiktoken").path)
        #expect(tiny.name.contains("r50k_base split"))
        #expect(tiny.tiktokenSplit == .gpt2)
    }

    @Test func countsAreTheSameFromManyThreads() throws {
        let counter = try TokenizerFile.load(
            path: Self.folder.appendingPathComponent("bytelevel-nfkc.tokenizer.json").path)
        let texts = Self.expected.texts
        let serial = texts.map(counter.count)
        let results = UnsafeMutableBufferPointer<Int>.allocate(capacity: texts.count * 8)
        defer { results.deallocate() }
        let box = ResultsBox(base: results.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: 8) { k in
            for (i, t) in texts.enumerated() { box.base[k * texts.count + i] = counter.count(t) }
        }
        for k in 0..<8 {
            #expect(Array(results[(k * texts.count)..<((k + 1) * texts.count)]) == serial)
        }
    }

    struct ResultsBox: @unchecked Sendable { let base: UnsafeMutablePointer<Int> }

    // MARK: - Bad files

    func error(_ text: String, path: String = "tok.json") -> TokenizerError? {
        do {
            _ = try TokenizerFile.load(bytes: Array(text.utf8), path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func unsupportedComponentsNameTheFileAndTheComponent() throws {
        let model = #""model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}"#
        let pre = try #require(
            error(#"{"pre_tokenizer": {"type": "BertPreTokenizer"}, \#(model)}"#))
        #expect(
            pre.description.hasPrefix(
                "tok.json: error: pre_tokenizer 'BertPreTokenizer' is not supported;"))
        #expect(!pre.isInputError)
        let norm = try #require(error(#"{"normalizer": {"type": "Precompiled"}, \#(model)}"#))
        #expect(
            norm.description.hasPrefix(
                "tok.json: error: normalizer 'Precompiled' is not supported;"))
        let regex = try #require(
            error(
                #"{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\w+"}, "behavior": "Isolated"}, \#(model)}"#
            ))
        #expect(regex.description.contains(#"'Split' with the regex '\w+' is not supported"#))
        let wordPiece = try #require(error(#"{"model": {"type": "WordPiece", "vocab": {}}}"#))
        #expect(wordPiece.description.contains("model type 'WordPiece' is not supported"))
        let merge = try #require(
            error(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}"#))
        #expect(merge.description.contains("uses 'b', which is not in the vocabulary"))
        let dropout = try #require(
            error(#"{"model": {"type": "BPE", "dropout": 0.1, "vocab": {}, "merges": []}}"#))
        #expect(dropout.description.contains("'dropout'"))
    }

    @Test func badRanksFilesSayWhichLine() throws {
        let bad = try #require(error("IQ== 0\nIg== 1\nnot a rank line\n", path: "x.tiktoken"))
        #expect(bad.description.hasPrefix("x.tiktoken:3: error: expected 'BASE64 RANK'"))
        let rank = try #require(error("IQ== 0\nIg== -4\n", path: "x.tiktoken"))
        #expect(rank.description.hasPrefix("x.tiktoken:2: error: rank '-4'"))
        let twice = try #require(error("IQ== 0\nIQ== 1\n", path: "x.tiktoken"))
        #expect(twice.description.hasPrefix("x.tiktoken:2: error: token 'IQ==' is listed twice"))
        let bytes = try #require(error("IQ== 0\n", path: "x.tiktoken"))
        #expect(
            bytes.description
                == "x.tiktoken: error: byte 0x00 has no rank; a tiktoken ranks file has every single byte as a token"
        )
        let empty = try #require(error(" \n", path: "x"))
        #expect(empty.description.hasPrefix("x: error: the file is empty"))
        let json = try #require(error("{not json", path: "t.json"))
        #expect(json.description.hasPrefix("t.json: error: not valid JSON"))
    }

    @Test func missingFilesAndFoldersCannotBeRead() {
        #expect(throws: TokenizerError.self) {
            try TokenizerFile.load(path: "/nonexistent/tok.json")
        }
        do {
            _ = try TokenizerFile.load(path: Self.folder.path)
            Issue.record("a folder loaded")
        } catch {
            #expect(error.isInputError)
            #expect(error.description.contains("is a folder"))
        }
    }

    // MARK: - The estimate

    @Test func estimateIsCloseOnEnglishAndZeroOnEmpty() {
        let e = EstimatedTokenCounter()
        #expect(!e.isExact)
        #expect(e.count("") == 0)
        // cl100k_base: 10 tokens.
        #expect((9...11).contains(e.count("The quick brown fox jumps over the lazy dog.")))
        // cl100k_base: 22 tokens.
        let longer =
            "Preflight audits fine-tuning datasets: JSONL, CSV, YAML and JSON files, before training."
        #expect((18...26).contains(e.count(longer)))
        #expect(e.count("x") == 1)
    }

    // MARK: - Real files (skipped when absent)

    @Test func realCl100kAndO200kCounts() throws {
        guard let cl = RepositoryPaths.referenceTokenizer(RepositoryPaths.cl100kFile),
            let o2 = RepositoryPaths.referenceTokenizer(RepositoryPaths.o200kFile)
        else { return }
        let cl100k = try TokenizerFile.load(path: cl)
        let o200k = try TokenizerFile.load(path: o2)
        #expect(cl100k.name.contains("cl100k_base split, 100,256 ranks"))
        #expect(o200k.name.contains("o200k_base split, 199,998 ranks"))
        // Counts from tiktoken 0.14.
        #expect(cl100k.count("Hello world, don't stop!") == 7)
        #expect(cl100k.count("你好，世界") == 6)
        #expect(cl100k.count("The quick brown fox jumps over the lazy dog.") == 10)
        #expect(o200k.count("Hello world, don't stop!") == 6)
        #expect(o200k.count("你好，世界") == 3)
    }
}
