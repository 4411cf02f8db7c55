import PreflightCore
import Testing

@testable import PreflightReaders

@Suite struct RecordProjectorTests {
    private func only(_ text: String) throws -> Record {
        let file = try Fixture.read(text: text)
        #expect(file.issues.isEmpty, "\(file.issues)")
        return try #require(file.records.first)
    }

    @Test func chat() throws {
        let r = try only(
            #"{"messages": [{"role": "system", "content": "be nice"}, {"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image_url"}, {"type": "text", "text": "there"}]}, {"role": "assistant", "content": "hello"}]}"#
        )
        #expect(r.example == "system: be nice\nuser: hi\nthere\nassistant: hello")
        #expect(r.input == "system: be nice\nuser: hi\nthere")
        #expect(r.label == nil)
    }

    @Test func chatInputIsTheStartOfTheExample() throws {
        // One storage for both texts: the input is the example's first bytes, ending before a
        // final assistant message; whole when there is none; empty when that is the only one.
        let lastUser = try only(
            #"{"messages": [{"role": "assistant", "content": "héllo"}, {"role": "user", "content": "ça va?"}]}"#
        )
        #expect(lastUser.input == lastUser.example)
        #expect(lastUser.input == "assistant: héllo\nuser: ça va?")
        let onlyAssistant = try only(#"{"messages": [{"role": "assistant", "content": "hi"}]}"#)
        #expect(onlyAssistant.input.isEmpty && onlyAssistant.example == "assistant: hi")
        // A message ending in CR: the input ends inside the example's "\r\n" grapheme.
        let cr = try only(
            #"{"messages": [{"role": "user", "content": "é\r"}, {"role": "assistant", "content": "ok 😀"}]}"#
        )
        #expect(Array(cr.input.utf8) == Array("user: é\r".utf8))
        #expect(cr.example == "user: é\r\nassistant: ok 😀")
        #expect(String(cr.input).utf8.count == cr.input.utf8.count)
    }

    @Test func textsStoredApartWhenTheInputDoesNotStartTheExample() {
        var r = Record(line: 1, ordinal: 1, input: "abc", example: "xabc", value: .null)
        #expect(r.input == "abc" && r.example == "xabc")
        r.setTexts(input: "ab", example: "abc")
        #expect(r.input == "ab" && r.example == "abc")
        r.setTexts(input: "abcd", example: "abc")
        #expect(r.input == "abcd" && r.example == "abc")
        r.setTexts(input: "", example: "")
        #expect(r.input.isEmpty && r.example.isEmpty)
    }

    @Test func sharegpt() throws {
        let file = try Fixture.read("ShapeDetector", "sharegpt.jsonl")
        let r = try #require(file.records.first)
        #expect(r.example == "human: who are you\ngpt: a model")
        #expect(r.input == "human: who are you")
        #expect(r.id == "c1")
    }

    @Test func promptCompletionAndInstruction() throws {
        let pc = try only(#"{"prompt": "Say hi", "completion": "hi"}"#)
        #expect(pc.input == "Say hi" && pc.example == "Say hi\nhi")
        let ins = try only(#"{"instruction": "Translate", "input": "bonjour", "output": "hello"}"#)
        #expect(ins.input == "Translate\nbonjour" && ins.example == "Translate\nbonjour\nhello")
        let noInput = try only(#"{"instruction": "Greet", "input": "", "output": "hello"}"#)
        #expect(noInput.input == "Greet" && noInput.example == "Greet\nhello")
    }

    @Test func preference() throws {
        let p = try only(#"{"prompt": "2+2?", "chosen": "4", "rejected": "5"}"#)
        #expect(p.input == "2+2?" && p.example == "2+2?\n4\n5")
        let turns = try only(
            #"{"chosen": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "good"}], "rejected": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "bad"}]}"#
        )
        #expect(turns.input == "user: q")
        #expect(turns.example == "user: q\nassistant: good\nuser: q\nassistant: bad")
    }

    @Test func classificationLabelsAndIds() throws {
        let file = try Fixture.read(
            text: """
                {"id": 7, "text": "a", "label": 1}
                {"_id": "x", "text": "b", "label": "pos"}
                """)
        #expect(
            file.records.map(\.label) == [
                LabelValue(text: "1", isNumeric: true), LabelValue(text: "pos"),
            ])
        // The id field is decided per file: 'id' is the most present candidate.
        #expect(file.records.map(\.id) == ["7", nil])
    }

    @Test func malformedRecords() throws {
        let file = try Fixture.read(
            text: """
                {"id": "r1", "text": "ok", "label": "a"}
                {"id": "r2", "text": "no label"}
                {"id": "r3", "text": "null label", "label": null}
                {"id": "r4", "text": "  \\n ", "label": "a"}
                {"id": "r5", "text": {"nested": true}, "label": "a"}
                {"id": "r6", "text": "bool label", "label": true}
                {"id": "r7", "messages": [{"role": "user", "content": "hi"}]}
                {"id": "r8", "text": "ok again", "label": "b"}
                {"id": "r9", "other": 1}
                """)
        #expect(file.records.map(\.id) == ["r1", "r8"])
        #expect(
            file.issues.map(\.code) == [
                "missing_field", "missing_field", "empty_text", "wrong_type", "wrong_type",
                "mixed_shape", "missing_field",
            ])
        #expect(file.issues.map(\.line) == [2, 3, 4, 5, 6, 7, 9])
        #expect(file.issues.map(\.ordinal) == [2, 3, 4, 5, 6, 7, 9])
        #expect(file.issues.map(\.id) == ["r2", "r3", "r4", "r5", "r6", "r7", "r9"])
        #expect(file.issues[0].message == "missing required field 'label'")
        #expect(file.issues[0].field == "label")
        #expect(file.issues[2].message == "field 'text' is empty or whitespace-only")
        #expect(file.issues[3].message == "field 'text' must be a string, found an object")
        #expect(
            file.issues[4].message == "field 'label' must be a string or a number, found a boolean")
        #expect(
            file.issues[5].message
                == "record has the fields of a 'chat' example, but the file's shape is 'classification'"
        )
        #expect(file.issues[6].message == "missing required field 'text'")
    }

    @Test func chatProblems() throws {
        let file = try Fixture.read(
            text: """
                {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
                {"messages": [{"role": "user"}]}
                {"messages": [{"role": "user", "content": 3}]}
                {"messages": []}
                {"messages": "hello"}
                {"messages": [{"role": "assistant", "content": null, "tool_calls": []}, {"content": "x"}]}
                """)
        #expect(file.schema.shape == .chat)
        #expect(file.records.count == 1)
        #expect(
            file.issues.map(\.code) == [
                "missing_field", "wrong_type", "empty_text", "wrong_type", "missing_field",
            ])
        #expect(file.issues[0].message == "message 1 of 'messages' has no 'content'")
        #expect(file.issues[4].message == "message 2 of 'messages' has no 'role'")
    }

    /// Many records over several parallel units, with issues scattered: order and gaps hold.
    @Test func parallelProjectionKeepsOrder() throws {
        var text = ""
        for i in 1...20_000 {
            text +=
                i % 97 == 0
                ? #"{"id": \#(i), "text": "x"}"# + "\n"
                : #"{"id": \#(i), "text": "t\#(i)", "label": "a"}"# + "\n"
        }
        let file = try Fixture.read(text: text)
        #expect(file.records.count == 20_000 - 206)
        #expect(file.issues.count == 206)
        #expect(file.records.map(\.ordinal) == (1...20_000).filter { $0 % 97 != 0 })
        #expect(
            file.records.allSatisfy { $0.input == "t\($0.ordinal)" && $0.id == "\($0.ordinal)" })
        #expect(file.issues.map(\.line) == (1...20_000).filter { $0 % 97 == 0 })
    }

    @Test func isBlank() {
        #expect(RecordProjector.isBlank(" \t\n"))
        #expect(RecordProjector.isBlank("\u{00A0}\u{3000}"))
        #expect(!RecordProjector.isBlank(" é"))
        #expect(!RecordProjector.isBlank("a"))
    }

    @Test func chatRoleThatIsANumber() throws {
        let file = try Fixture.read(
            text: """
                {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
                {"messages": [{"role": 1, "content": "hi"}]}
                {"messages": [{"role": "user", "content": {"a": 1}}]}
                {"messages": [{"role": "user", "content": "again"}, {"role": "assistant", "content": "ok"}]}
                """)
        #expect(file.recordSummary == ["1:1", "4:4"])
        #expect(
            file.issues.map(\.message) == [
                "'role' of message 1 of 'messages' must be a string, found a number",
                "'content' of message 1 of 'messages' must be a string or a list of parts, found an object",
            ])
    }
}
