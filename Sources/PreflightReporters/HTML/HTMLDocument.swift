import CLibXML2
import Foundation
import PreflightCore

/// An HTML document built with libxml2's tree API and written by its HTML serializer.
///
/// Every string reaches the tree as a text node (`xmlNewDocText`) or an attribute value
/// (`xmlNewProp`), neither of which interprets markup or entity references, and the
/// serializer escapes both: report data is escaped by construction. Characters XML cannot
/// carry become U+FFFD first (`XMLWriter.sanitized`).
final class HTMLDocument {
    private let doc: htmlDocPtr
    /// The `<html>` element.
    let root: HTMLElement

    /// libxml2's global state, set up once before the first document: reports may be rendered
    /// on several threads at once (see SWIFT-NOTES.md). A `static let` runs its initializer once.
    private static let libraryReady: Void = xmlInitParser()

    /// An empty `<!DOCTYPE html><html lang="en">` document.
    init() throws(ReportError) {
        _ = Self.libraryReady
        guard let doc = htmlNewDocNoDtD(nil, nil) else { throw Self.failure("create a document") }
        self.doc = doc
        _ = Self.withXMLString("html") { xmlCreateIntSubset(doc, $0, nil, nil) }
        guard let node = Self.withXMLString("html", { xmlNewDocNode(doc, nil, $0, nil) }) else {
            xmlFreeDoc(doc)
            throw Self.failure("create <html>")
        }
        xmlDocSetRootElement(doc, node)
        root = HTMLElement(node: node, doc: doc)
        root.set("lang", "en")
    }

    deinit { xmlFreeDoc(doc) }

    /// The document as UTF-8 HTML ending with a newline, indented by libxml2's formatter.
    /// - Throws: `ReportError.renderFailed` when libxml2 cannot allocate its output buffer.
    func serialize() throws(ReportError) -> Data {
        // No encoder: the serializer writes UTF-8 text as it is (HTML documents keep non-ASCII
        // characters), matching `<meta charset="utf-8">`.
        guard let output = xmlAllocOutputBuffer(nil) else {
            throw Self.failure("allocate an output buffer")
        }
        htmlDocContentDumpFormatOutput(output, doc, nil, 1)
        xmlOutputBufferFlush(output)
        var data = Data()
        if let content = xmlOutputBufferGetContent(output) {
            data = Data(bytes: content, count: Int(xmlOutputBufferGetSize(output)))
        }
        xmlOutputBufferClose(output)
        if data.last != UInt8(ascii: "\n") { data.append(UInt8(ascii: "\n")) }
        return data
    }

    static func failure(_ what: String) -> ReportError {
        .renderFailed(format: "html", reason: "libxml2 could not \(what)")
    }

    static func withXMLString<R>(_ string: String, _ body: (UnsafePointer<xmlChar>) -> R) -> R {
        string.withCString { $0.withMemoryRebound(to: xmlChar.self, capacity: 1, body) }
    }
}

/// An element of an `HTMLDocument`; valid while the document lives (the document owns it).
struct HTMLElement {
    let node: xmlNodePtr
    let doc: htmlDocPtr

    /// Appends a child element.
    /// - Parameters:
    ///   - name: The tag name, a constant of this module.
    ///   - attributes: Attribute names and values; values may be report data.
    ///   - text: Text content, appended as a text node.
    /// - Returns: The new element.
    @discardableResult
    func add(
        _ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String? = nil
    ) -> HTMLElement {
        // `xmlNewDocNode` with no content: nothing is parsed for entities.
        let child = HTMLDocument.withXMLString(name) { xmlNewDocNode(doc, nil, $0, nil) }
        guard let child else { return self }  // out of memory: libxml2 has reported it
        xmlAddChild(node, child)
        let element = HTMLElement(node: child, doc: doc)
        for (key, value) in attributes { element.set(key, value) }
        if let text { element.text(text) }
        return element
    }

    /// Appends text; the serializer escapes it.
    func text(_ content: String) {
        guard !content.isEmpty else { return }
        let node = HTMLDocument.withXMLString(XMLWriter.sanitized(content)) {
            xmlNewDocText(doc, $0)
        }
        if let node { xmlAddChild(self.node, node) }
    }

    /// Sets an attribute; the value is stored as text and escaped by the serializer.
    func set(_ name: String, _ value: String) {
        _ = HTMLDocument.withXMLString(name) { name in
            HTMLDocument.withXMLString(XMLWriter.sanitized(value)) { xmlSetProp(node, name, $0) }
        }
    }
}
