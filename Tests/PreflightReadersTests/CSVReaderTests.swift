import PreflightCore
import Testing

@testable import PreflightReaders

@Suite struct CSVReaderTests {
    @Test func quotedFields() throws {
        let file = try Fixture.read("CSVReader", "quotedFields.csv")
        #expect(file.issues.isEmpty)
        #expect(file.recordSummary == ["2:1", "3:2", "4:3", "7:4"])
        #expect(
            file.records.map(\.input) == [
                "hello, world", #"she said "hi""#, "line one\r\nline two\r\nline three", "plain",
            ])
        #expect(file.records.map(\.id) == ["1", "2", "3", "4"])
        #expect(file.records[3].label == LabelValue(text: "last"))
        #expect(file.format == .csv)
    }

    @Test(arguments: [",", ";", "\t", "|"])
    func delimiterDetection(delimiter: String) throws {
        let d = delimiter
        let text = "id\(d)text\(d)label\n1\(d)\"a\(d)b\"\(d)x\n2\(d)c\(d)y\n"
        let file = try Fixture.read(text: text, name: "train.csv")
        #expect(file.issues.isEmpty)
        #expect(file.records.map(\.input) == ["a\(d)b", "c"])
        #expect(file.records.map { $0.label?.text } == ["x", "y"])
    }

    @Test func tsvExtensionMeansTab() throws {
        let file = try Fixture.read(text: "text\tlabel\na,b\tx\n", name: "train.tsv")
        #expect(file.format == .tsv)
        #expect(file.records.first?.input == "a,b")
    }

    @Test func raggedRows() throws {
        let file = try Fixture.read("CSVReader", "raggedRows.csv")
        #expect(file.recordSummary == ["2:1", "6:4"])
        #expect(file.issueSummary == ["3:2:ragged_row", "4:3:ragged_row"])
        #expect(file.issues[0].message == "row has 2 fields, the header has 3")
        #expect(file.issues[1].message == "row has 4 fields, the header has 3")
    }

    @Test func unterminatedQuote() throws {
        let file = try Fixture.read("CSVReader", "unterminatedQuote.csv")
        #expect(file.recordSummary == ["2:1"])
        #expect(file.issueSummary == ["3:2:invalid_csv"])
        #expect(
            file.issues[0].message
                == "unterminated quoted field: the quote opened on line 3 is never closed")
    }

    @Test func headerNamesAreMadeUnique() throws {
        let file = try Fixture.read("CSVReader", "headerNames.csv")
        #expect(file.records.first?.value.fieldNames == ["text", "column_2", "text_2", "label"])
        #expect(file.records.first?.input == "hello")
    }

    @Test func invalidUTF8() throws {
        let file = try Fixture.read("CSVReader", "invalidUTF8.csv")
        #expect(file.recordSummary == ["3:2"])
        #expect(file.issueSummary == ["2:1:invalid_utf8"])
        #expect(
            file.issues[0].message
                == "invalid UTF-8 at line 2, column 6: byte 0xE9 is not valid UTF-8")
    }

    @Test func emptyFieldsAreEmptyStringsAndHeaderOnlyIsEmpty() throws {
        let file = try Fixture.read(text: "text,label,note\nhi,x,\n", name: "train.csv")
        #expect(file.records.first?.value["note"] == .string(""))
        #expect(try Fixture.read(text: "text,label\n", name: "train.csv").records.isEmpty)
    }

    @Test func uniqueNames() {
        #expect(CSVReader.uniqueNames(["a", "a", "", "a_2"]) == ["a", "a_2", "column_3", "a_2_2"])
    }

    // MARK: - Hostile input

    @Test func headerOnlyHasNoRecords() throws {
        let file = try Fixture.read(text: "text,label\r\n", name: "train.csv")
        #expect(file.records.isEmpty && file.issues.isEmpty)
    }

    /// A quote inside an unquoted field is kept as written.
    @Test func bareQuoteInsideAField() throws {
        let file = try Fixture.read(text: "text,label\nab\"c,x\nok,y\n", name: "train.csv")
        #expect(file.issues.isEmpty)
        #expect(file.records.map(\.input) == [#"ab"c"#, "ok"])
    }

    @Test func unterminatedQuoteAtEndKeepsEarlierRows() throws {
        let file = try Fixture.read(text: "text,label\nhello,a\n\"bye,b\n", name: "train.csv")
        #expect(file.recordSummary == ["2:1"])
        #expect(file.issueSummary == ["3:2:invalid_csv"])
    }

    /// A very wide row is read (in linear time: quadratic work on 100,000 columns would not
    /// finish; speed itself is the benchmarks' to measure).
    @Test func wideRow() throws {
        let n = 100_000
        let header = (0..<n).map { "c\($0)" }.joined(separator: ",")
        let row = [String](repeating: "v", count: n).joined(separator: ",")
        let file = try Fixture.read(
            text: header + "\n" + row + "\n" + row + ",extra\n", name: "train.csv")
        #expect(file.recordSummary == ["2:1"])
        #expect(file.issueSummary == ["3:2:ragged_row"])
    }
}
