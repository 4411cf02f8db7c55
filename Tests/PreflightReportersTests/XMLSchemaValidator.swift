import CLibXML2
import Foundation

/// An XML element read back with libxml2: name, attributes, text content and child elements.
struct ParsedElement: Equatable {
    var name: String
    var attributes: [String: String]
    var text: String
    var children: [ParsedElement]

    func children(named name: String) -> [ParsedElement] { children.filter { $0.name == name } }
}

/// Validates XML against an XSD with libxml2's schema validation, collecting structured errors.
final class XMLSchemaValidator {
    private let schema: xmlSchemaPtr

    /// Compiles the schema at `url`.
    /// - Throws: The schema's own errors, as `XMLError`.
    init(contentsOf url: URL) throws {
        let bytes = try Data(contentsOf: url)
        let collector = ErrorCollector()
        let parsed: xmlSchemaPtr? = bytes.withUnsafeBytes { raw in
            // The parser context does not copy the buffer: parse while it is alive.
            guard
                let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                let context = xmlSchemaNewMemParserCtxt(base, Int32(raw.count))
            else { return nil }
            defer { xmlSchemaFreeParserCtxt(context) }
            xmlSchemaSetParserStructuredErrors(
                context, collectError, Unmanaged.passUnretained(collector).toOpaque())
            return xmlSchemaParse(context)
        }
        guard let parsed else { throw XMLError(messages: ["invalid schema"] + collector.messages) }
        schema = parsed
    }

    deinit { xmlSchemaFree(schema) }

    /// The validation errors of `data`, one message per error (with its line); empty when
    /// the document is well-formed and valid.
    func validate(_ data: Data) -> [String] {
        let collector = ErrorCollector()
        guard let document = XMLDocumentReader.read(data, collector: collector) else {
            return ["not well-formed"] + collector.messages
        }
        defer { xmlFreeDoc(document) }
        guard let context = xmlSchemaNewValidCtxt(schema) else { return ["no validation context"] }
        defer { xmlSchemaFreeValidCtxt(context) }
        xmlSchemaSetValidStructuredErrors(
            context, collectError, Unmanaged.passUnretained(collector).toOpaque())
        let rc = xmlSchemaValidateDoc(context, document)
        if rc != 0 && collector.messages.isEmpty { return ["validation failed with code \(rc)"] }
        return collector.messages
    }
}

/// Reads XML with libxml2 (no network) into `ParsedElement`s.
enum XMLDocumentReader {
    /// The root element of `data`.
    /// - Throws: `XMLError` with libxml2's messages when the document is not well-formed.
    static func root(_ data: Data) throws -> ParsedElement {
        let collector = ErrorCollector()
        guard let document = read(data, collector: collector) else {
            throw XMLError(messages: ["not well-formed"] + collector.messages)
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw XMLError(messages: ["no root element"])
        }
        return element(root)
    }

    fileprivate static func read(_ data: Data, collector: ErrorCollector) -> xmlDocPtr? {
        guard let context = xmlNewParserCtxt() else { return nil }
        defer { xmlFreeParserCtxt(context) }
        let document: xmlDocPtr? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else {
                return nil
            }
            return xmlCtxtReadMemory(
                context, base, Int32(raw.count), nil, nil,
                Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue))
        }
        if document == nil || context.pointee.wellFormed == 0 {
            if let error = xmlCtxtGetLastError(context), let message = error.pointee.message {
                collector.messages.append(
                    "line \(error.pointee.line): "
                        + String(cString: message)
                        .trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if let document { xmlFreeDoc(document) }
            return nil
        }
        return document
    }

    private static func element(_ node: xmlNodePtr) -> ParsedElement {
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            // An attribute's value is the list of its text children; reading them needs no
            // xmlFree (which, a global C variable, Swift 6 will not call).
            var value = ""
            var part = current.pointee.children
            while let text = part {
                if let content = text.pointee.content { value += String(cString: content) }
                part = text.pointee.next
            }
            attributes[name] = value
            attribute = current.pointee.next
        }
        var children: [ParsedElement] = []
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE: children.append(element(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            default: break
            }
            child = current.pointee.next
        }
        return ParsedElement(
            name: String(cString: node.pointee.name), attributes: attributes, text: text,
            children: children)
    }
}

/// Errors libxml2 reported.
struct XMLError: Error, CustomStringConvertible {
    var messages: [String]
    var description: String { messages.joined(separator: "; ") }
}

/// Collects libxml2's structured errors; passed to C as an unretained context pointer.
private final class ErrorCollector {
    var messages: [String] = []
}

private func collectError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let context, let error else { return }
    let collector = Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue()
    let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
    collector.messages.append(
        "line \(error.pointee.line): " + message.trimmingCharacters(in: .whitespacesAndNewlines))
}
