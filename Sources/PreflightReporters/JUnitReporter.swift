import CLibXML2
import Foundation
import PreflightCore

/// Renders the report as JUnit XML, for CI systems that show test results.
///
/// The document is described by `schemas/junit-preflight.xsd`:
/// - one `<testsuites>` holding one `<testsuite>` per input file (named by its path, in report
///   order), preceded by a suite named `(dataset)` for dataset-level findings, and followed by
///   a suite for any other path a finding names;
/// - in every suite, one `<testcase>` per check (`classname="preflight.<check_id>"`);
/// - `<failure>` when the check has findings at or above `failOn` in that suite: `message`
///   counts them ("2 errors, 1 warning"), `type` is the highest severity, and the body lists
///   them one per line (`path:line: severity: message [code] (hint: …)`; a message's own line
///   breaks continue on lines indented by two spaces);
/// - `<skipped>` with the check's summary as `message` when the check was skipped or disabled
///   (and has no failing findings there);
/// - `<system-out>` listing the findings below `failOn`, in the same line format.
///
/// Escaping is libxml2's (`xmlTextWriter`), by construction. Characters XML 1.0 cannot carry
/// (control characters other than tab, LF and CR; U+FFFE, U+FFFF) become U+FFFD. The output
/// has no clock: `time="0"`, and `timestamp` only when the report has `generatedAt`.
public struct JUnitReporter: Reporter {
    /// The name of the suite holding dataset-level findings; never a path we read.
    public static let datasetSuiteName = "(dataset)"

    /// Creates a JUnit reporter.
    public init() {}

    /// Renders the report as UTF-8 JUnit XML ending with a newline.
    /// - Throws: `ReportError.renderFailed` when libxml2 cannot write the document.
    /// - Complexity: O(s · (c + f)) for s suites, c checks and f findings.
    public func render(_ report: AuditReport) throws -> Data {
        let suites = Self.suites(report)
        let writer = try XMLWriter()
        try writer.startDocument()
        try writer.start("testsuites")
        try writer.attribute("name", "preflight")
        try writer.attribute("tests", String(suites.reduce(0) { $0 + $1.tests }))
        try writer.attribute("failures", String(suites.reduce(0) { $0 + $1.failures }))
        try writer.attribute("errors", "0")
        try writer.attribute("skipped", String(suites.reduce(0) { $0 + $1.skipped }))
        try writer.attribute("time", "0")
        for suite in suites { try write(suite, report: report, to: writer) }
        try writer.end()
        return try writer.finish()
    }

    private func write(_ suite: Suite, report: AuditReport, to writer: XMLWriter) throws {
        try writer.start("testsuite")
        try writer.attribute("name", suite.name)
        try writer.attribute("tests", String(suite.tests))
        try writer.attribute("failures", String(suite.failures))
        try writer.attribute("errors", "0")
        try writer.attribute("skipped", String(suite.skipped))
        try writer.attribute("time", "0")
        if let timestamp = report.metadata.generatedAt {
            try writer.attribute("timestamp", timestamp)
        }
        for testCase in suite.cases {
            try writer.start("testcase")
            try writer.attribute("name", testCase.check.id.rawValue)
            try writer.attribute("classname", "preflight.\(testCase.check.id.rawValue)")
            try writer.attribute("time", "0")
            if let worst = testCase.failing.map(\.severity).max() {
                try writer.start("failure")
                try writer.attribute("message", Self.countSummary(testCase.failing))
                try writer.attribute("type", worst.rawValue)
                try writer.text(Self.lines(testCase.failing))
                try writer.end()
            } else if testCase.isSkipped {
                try writer.start("skipped")
                try writer.attribute("message", testCase.check.summary)
                try writer.end()
            }
            if !testCase.other.isEmpty {
                try writer.start("system-out")
                try writer.text(Self.lines(testCase.other))
                try writer.end()
            }
            try writer.end()
        }
        try writer.end()
    }
}

// MARK: - Model

extension JUnitReporter {
    struct TestCase {
        var check: CheckSummary
        /// Findings at or above `failOn`, in report order.
        var failing: [Finding]
        /// Findings below `failOn`, in report order.
        var other: [Finding]
        var isFailure: Bool { !failing.isEmpty }
        var isSkipped: Bool { failing.isEmpty && check.status == .skipped }
    }

    struct Suite {
        var name: String
        var cases: [TestCase]
        var tests: Int { cases.count }
        var failures: Int { cases.filter(\.isFailure).count }
        var skipped: Int { cases.filter(\.isSkipped).count }
    }

    /// The dataset suite, one suite per input, then one per other path findings name (in
    /// order of first appearance, which is report order).
    static func suites(_ report: AuditReport) -> [Suite] {
        var names: [String] = [datasetSuiteName]
        var seen: Set<String> = []
        for input in report.inputs where seen.insert(input.path).inserted {
            names.append(input.path)
        }
        for case let location? in report.findings.map(\.location)
        where seen.insert(location.path).inserted {
            names.append(location.path)
        }
        var byPath: [String: [Finding]] = [:]
        for finding in report.findings {
            byPath[finding.location?.path ?? datasetSuiteName, default: []].append(finding)
        }
        return names.map { name in
            let findings = byPath[name] ?? []
            let cases = report.checks.map { check in
                let mine = findings.filter { $0.checkID == check.id }
                return TestCase(
                    check: check, failing: mine.filter { $0.severity >= report.failOn },
                    other: mine.filter { $0.severity < report.failOn })
            }
            return Suite(name: name, cases: cases)
        }
    }

    /// "2 errors, 1 warning": the count per severity, most severe first.
    static func countSummary(_ findings: [Finding]) -> String {
        Severity.allCases.reversed().compactMap { severity in
            let count = findings.filter { $0.severity == severity }.weightedCount
            guard count > 0 else { return nil }
            return "\(count) \(severity.rawValue)\(count == 1 ? "" : "s")"
        }.joined(separator: ", ")
    }

    /// One line per finding, ending with a newline.
    static func lines(_ findings: [Finding]) -> String {
        findings.map { line($0) + "\n" }.joined()
    }

    /// `path:line: severity: message [code] (hint: …)`; the location is `path record N` when
    /// the line is unknown and absent for dataset-level findings. A line feed inside the text
    /// continues on a line indented by two spaces, so each finding starts a line (a carriage
    /// return is kept: libxml2 writes it as `&#13;`).
    static func line(_ finding: Finding) -> String {
        var text = ""
        if let location = finding.location {
            text += location.path
            if let line = location.line {
                text += ":\(line)"
            } else if let record = location.record {
                text += " record \(record)"
            }
            text += ": "
        }
        text += "\(finding.severity.rawValue): \(finding.message) [\(finding.code)]"
        if let hint = finding.hint { text += " (hint: \(hint))" }
        return text.replacingOccurrences(of: "\n", with: "\n  ")
    }
}

// MARK: - libxml2 writer

/// A thin owner of an `xmlTextWriter` writing to memory, two-space indented.
///
/// Every string passes through `sanitized` first: libxml2 escapes markup but writes
/// characters XML forbids as they are.
final class XMLWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr
    private var finished = false

    init() throws(ReportError) {
        guard let buffer = xmlBufferCreate() else { throw Self.failure("xmlBufferCreate") }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw Self.failure("xmlNewTextWriterMemory")
        }
        self.buffer = buffer
        self.writer = writer
        xmlTextWriterSetIndent(writer, 1)
        _ = Self.withXMLString("  ") { xmlTextWriterSetIndentString(writer, $0) }
    }

    deinit {
        if !finished { xmlFreeTextWriter(writer) }
        xmlBufferFree(buffer)
    }

    func startDocument() throws(ReportError) {
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start the document")
    }

    func start(_ name: String) throws(ReportError) {
        let rc = Self.withXMLString(name) { xmlTextWriterStartElement(writer, $0) }
        try check(rc, "start <\(name)>")
    }

    func attribute(_ name: String, _ value: String) throws(ReportError) {
        let rc = Self.withXMLString(name) { name in
            Self.withXMLString(Self.sanitized(value)) {
                xmlTextWriterWriteAttribute(writer, name, $0)
            }
        }
        try check(rc, "write attribute '\(name)'")
    }

    func text(_ content: String) throws(ReportError) {
        let rc = Self.withXMLString(Self.sanitized(content)) {
            xmlTextWriterWriteString(writer, $0)
        }
        try check(rc, "write text")
    }

    func end() throws(ReportError) {
        try check(xmlTextWriterEndElement(writer), "end an element")
    }

    /// Ends the document, frees the writer and returns the bytes.
    func finish() throws(ReportError) -> Data {
        try check(xmlTextWriterEndDocument(writer), "end the document")
        xmlFreeTextWriter(writer)  // flushes into the buffer
        finished = true
        guard let content = xmlBufferContent(buffer) else { return Data() }
        return Data(bytes: content, count: Int(xmlBufferLength(buffer)))
    }

    private func check(_ rc: Int32, _ what: String) throws(ReportError) {
        if rc < 0 { throw Self.failure(what) }
    }

    private static func failure(_ what: String) -> ReportError {
        .renderFailed(format: "junit", reason: "libxml2 could not \(what)")
    }

    private static func withXMLString<R>(_ string: String, _ body: (UnsafePointer<xmlChar>) -> R)
        -> R
    {
        string.withCString { $0.withMemoryRebound(to: xmlChar.self, capacity: 1, body) }
    }

    /// The string with every character XML 1.0 cannot carry replaced by U+FFFD: C0 controls
    /// other than tab, LF and CR, and the non-characters U+FFFE and U+FFFF (surrogates cannot
    /// occur in a Swift string).
    static func sanitized(_ string: String) -> String {
        func allowed(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
            default: false
            }
        }
        guard !string.unicodeScalars.allSatisfy(allowed) else { return string }
        var scalars = String.UnicodeScalarView()
        for scalar in string.unicodeScalars {
            scalars.append(allowed(scalar) ? scalar : "\u{FFFD}")
        }
        return String(scalars)
    }
}
