import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// The records of one JSONL file read through the real reader, with the file's shape.
private func records(_ jsonl: String) -> (records: [Record], shape: Shape) {
    let file = FixtureDataset.make([("train.jsonl", .train, jsonl)]).files[0]
    return (file.records, file.schema.shape)
}

private func parts(_ jsonl: String) -> [GenerativeParts?] {
    let (records, shape) = records(jsonl)
    return records.map { GenerativeParts($0, shape: shape) }
}

@Test func chatTargetIsTheFinalAssistantMessage() {
    let found = parts(
        """
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": [{"type": "text", "text": "Hel"}, "lo."]}]}
        {"messages": [{"role": "user", "content": "Hi"}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "tool_calls": [{"id": "x"}]}]}
        """)
    #expect(found[0]?.target == "Hello.")
    #expect(found[0]?.roleLabels == 2)
    #expect(found[0]?.rejected == nil)
    #expect(found[1]?.target == "Hel\nlo.")
    #expect(found[2] == nil)  // no final assistant turn
    #expect(found[3] == nil)  // tool calls only: no text to compare
}

@Test func shareGPTTargetIsTheFinalGPTTurn() {
    let found = parts(
        """
        {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}]}
        {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}, {"from": "human", "value": "Bye"}]}
        """)
    #expect(found[0]?.target == "Hello.")
    #expect(found[0]?.roleLabels == 1)
    #expect(found[1] == nil)
}

@Test func completionAndOutputAreTheTargets() {
    let completion = parts(#"{"prompt": "2+2?", "completion": 4}"#)
    #expect(completion[0]?.target == "4")
    #expect(completion[0]?.roleLabels == 0)
    let output = parts(#"{"instruction": "Add", "input": "2 and 2", "output": "4"}"#)
    #expect(output[0]?.target == "4")
}

@Test func preferenceSidesDropWhatTheInputHolds() {
    let found = parts(
        """
        {"prompt": "Q?", "chosen": "A\\nmore", "rejected": "B"}
        {"chosen": "Human: Q?\\nAssistant: A", "rejected": "Human: Q?\\nAssistant: B"}
        {"prompt": [{"role": "user", "content": "Q?"}], "chosen": [{"role": "assistant", "content": "A"}], "rejected": [{"role": "assistant", "content": "B"}]}
        {"chosen": [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "A"}], "rejected": [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "B"}]}
        {"chosen": "Same", "rejected": "Same"}
        """)
    #expect(found[0]?.target == "A\nmore")
    #expect(found[0]?.rejected == "B")
    #expect(found[1]?.target == "Assistant: A")
    #expect(found[1]?.rejected == "Assistant: B")
    #expect(found[1]?.roleLabels == 0)
    #expect(found[2]?.target == "A")
    #expect(found[2]?.roleLabels == 1)
    #expect(found[3]?.target == "A")
    #expect(found[3]?.rejected == "B")
    #expect(found[3]?.roleLabels == 1)
    #expect(found[4] == nil)  // identical sides: everything is shared, no target
}

@Test func theTargetCompletesTheProjectedInput() {
    // What the check compares is what the projector left out of `input`.
    let (chat, shape) = records(
        #"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}"#
    )
    let target = GenerativeParts(chat[0], shape: shape)!.target
    #expect(chat[0].example == chat[0].input + "\nassistant: " + target)
    let (completion, completionShape) = records(#"{"prompt": "Q", "completion": "A"}"#)
    #expect(
        completion[0].example
            == completion[0].input + "\n"
            + GenerativeParts(completion[0], shape: completionShape)!.target)
}

@Test func classificationHasNoParts() {
    #expect(parts(#"{"text": "hi", "label": "greeting"}"#) == [nil])
}

@Test func similarityTextLeavesOutLeadingSystemMessages() {
    let (found, _) = records(
        """
        {"messages": [{"role": "system", "content": "Réponds brièvement. 日本"}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}
        {"messages": [{"role": "system", "content": [{"type": "text", "text": "Be"}, {"type": "text", "text": "brief."}]}, {"role": "developer", "content": "No emoji."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be brief."}, {"role": "assistant", "content": "Hello."}]}
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "assistant", "content": "Hello."}]}
        """)
    let texts = found.map { ($0.similarityText(.input), $0.similarityText(.example)) }
    #expect(texts[0] == ("user: Hi", "user: Hi\nassistant: Hello."))
    #expect(texts[1] == ("user: Hi", "user: Hi\nassistant: Hello."))
    // Two leading system messages (one with content parts joined by a newline).
    #expect(texts[2] == ("user: Hi", "user: Hi\nassistant: Hello."))
    // A system message after the first user turn stays.
    #expect(found[3].systemPrefix == 0)
    #expect(texts[3].0 == "user: Hi\nsystem: Be brief.")
    // Nothing but the system message in the prompt: the whole prompt is compared.
    #expect(texts[4] == ("system: Be brief.", "assistant: Hello."))
}

@Test func similarityTextOfShareGPTAndOtherShapes() {
    let (sharegpt, _) = records(
        #"{"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}]}"#
    )
    #expect(sharegpt[0].similarityText(.input) == "human: Hi")
    let (completion, _) = records(#"{"prompt": "system: Q", "completion": "A"}"#)
    #expect(completion[0].systemPrefix == 0)
    #expect(completion[0].similarityText(.example) == "system: Q\nA")
}
