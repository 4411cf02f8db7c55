import Testing

@testable import PreflightCore

struct YAMLNodeTests {
    func parse(_ text: String) throws(YAMLSyntaxError) -> YAMLNode {
        try YAMLNode.parse(text, file: "t.yaml")
    }

    @Test func marksAreOneBasedLineAndColumn() throws {
        let root = try parse("a: 1\nb:\n  - x\n  - 'y'\nc: {d: e}\n")
        #expect(root.mark == YAMLMark(file: "t.yaml", line: 1, column: 1))
        let pairs = try #require(root.pairs)
        #expect(pairs.map { $0.key.mark.line } == [1, 2, 5])
        #expect(pairs[0].value.mark.description == "t.yaml:1:4")
        let items = try #require(root["b"]?.items)
        #expect(items.map(\.mark.description) == ["t.yaml:3:5", "t.yaml:4:5"])
        #expect(root["c"]?["d"]?.mark.description == "t.yaml:5:8")
    }

    @Test func plainAndQuotedScalarsAreKeptApart() throws {
        let root = try parse("a: true\nb: \"true\"\nc: 'x'\nd: |\n  block\ne: 12\nf: ~\ng:\n")
        #expect(root["a"]?.kind == .scalar("true", plain: true))
        #expect(root["b"]?.kind == .scalar("true", plain: false))
        #expect(root["c"]?.kind == .scalar("x", plain: false))
        #expect(root["d"]?.kind == .scalar("block\n", plain: false))
        #expect(root["a"]?.kindName == "boolean")
        #expect(root["b"]?.kindName == "string")
        #expect(root["e"]?.kindName == "number")
        #expect(root["f"]?.isNull == true)
        #expect(root["g"]?.isNull == true)
        #expect(root["b"]?.isNull == false)
    }

    @Test func sequencesAndMappingsKeepOrder() throws {
        let root = try parse("z: [3, 1, 2]\na:\n  y: 1\n  x: 2\n")
        #expect(root.pairs?.map { $0.key.scalar } == ["z", "a"])
        #expect(root["z"]?.items?.map(\.scalar) == ["3", "1", "2"])
        #expect(root["a"]?.pairs?.map { $0.key.scalar } == ["y", "x"])
        #expect(root["a"]?.kindName == "mapping")
        #expect(root["z"]?.kindName == "list")
        #expect(root["missing"] == nil)
    }

    @Test func aliasesExpandToTheAnchoredNode() throws {
        let root = try parse("base: &b\n  x: 1\n  y: [a, b]\nuse: *b\nname: &n hello\nagain: *n\n")
        #expect(root["use"]?.kind == root["base"]?.kind)
        #expect(root["use"]?["y"]?.items?.count == 2)
        #expect(root["again"]?.scalar == "hello")
    }

    @Test func unknownAliasIsAnError() {
        #expect(throws: YAMLSyntaxError.self) { try parse("a: *nowhere\n") }
    }

    @Test func aliasBombIsRejectedQuickly() throws {
        // "Billion laughs": 9 levels of 9 aliases each expand to 9^9 nodes.
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...8 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        // Rejected by counting nodes, not by expanding them (expanding would not finish).
        do {
            _ = try parse(text)
            Issue.record("alias bomb accepted")
        } catch {
            #expect(error.problem.contains("nodes"))
            #expect(error.problem.contains("1000000"))
            #expect(error.mark.file == "t.yaml")
        }
    }

    @Test func largeButBoundedAliasUseIsAccepted() throws {
        let text =
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        let root = try parse(text)
        #expect(root["b"]?.items?.count == 10)
    }

    @Test func syntaxErrorsCarryTheirPosition() {
        do {
            _ = try parse("a: 1\nb: [1, 2\nc: 3\n")
            Issue.record("accepted")
        } catch {
            #expect(error.mark.file == "t.yaml")
            #expect(error.mark.line == 3)
            #expect(error.mark.column == 2)
            #expect(error.problem == "did not find expected ',' or ']'")
        }
        do {
            _ = try parse("a: b: c\n")
            Issue.record("accepted")
        } catch {
            #expect(error.mark.description == "t.yaml:1:5")
            #expect(error.problem == "mapping values are not allowed in this context")
        }
        do {
            _ = try parse("a:\n\t- b\n")
            Issue.record("accepted")
        } catch {
            #expect(error.mark.line == 2)
        }
    }

    @Test(arguments: ["", "\n", "# only a comment\n", "---\n", "--- # comment\n...\n"])
    func emptyDocumentIsAnEmptyMapping(text: String) throws {
        let root = try parse(text)
        #expect(root.kind == .mapping([]))
        #expect(root.mark.file == "t.yaml")
    }

    @Test func onlyTheFirstDocumentIsRead() throws {
        let root = try parse("a: 1\n---\nb: 2\n")
        #expect(root.pairs?.count == 1)
        #expect(root["a"]?.scalar == "1")
    }

    @Test func nonASCIIScalarsSurvive() throws {
        let root = try parse("greeting: \"héllo 👋\"\nkey: ünïcode\n")
        #expect(root["greeting"]?.scalar == "héllo 👋")
        #expect(root["key"]?.scalar == "ünïcode")
        #expect(root["key"]?.mark.column == 6)
    }
}
