import CLibXML2
import Foundation
import Testing

/// A rendered page parsed back with libxml2's HTML parser, for structural assertions.
public struct HTMLPage {
    /// libxml2's global state, set up once (tests parse pages on several threads).
    private static let libraryReady: Void = xmlInitParser()

    /// Every element name, in document order (lowercased).
    public var elements: [String] = []
    /// Every attribute as (element, name, value).
    public var attributes: [(element: String, name: String, value: String)] = []
    /// The text content of the page (text nodes concatenated, `<style>` excluded).
    public var text = ""

    /// Parses a page; errors in it are tolerated as browsers tolerate them.
    /// - Throws: `HTMLPageError.unparsable` when libxml2 returns no document.
    public init(_ data: Data) throws {
        _ = Self.libraryReady
        let options = Int32(
            HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
                | HTML_PARSE_NOWARNING.rawValue)
        let doc = data.withUnsafeBytes { bytes in
            htmlReadMemory(
                bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                "report.html", "UTF-8", options)
        }
        guard let doc else { throw HTMLPageError.unparsable }
        defer { xmlFreeDoc(doc) }
        walk(xmlDocGetRootElement(doc), parent: "")
    }

    private mutating func walk(_ node: xmlNodePtr?, parent: String) {
        var current = node
        while let n = current {
            switch n.pointee.type {
            case XML_ELEMENT_NODE:
                let name = Self.string(n.pointee.name).lowercased()
                elements.append(name)
                var attribute = n.pointee.properties
                while let a = attribute {
                    let value = xmlGetProp(n, a.pointee.name)
                    attributes.append(
                        (name, Self.string(a.pointee.name).lowercased(), Self.string(value)))
                    free(value)  // xmlFree is free unless an allocator was installed
                    attribute = a.pointee.next
                }
                walk(n.pointee.children, parent: name)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if parent != "style" { text += Self.string(n.pointee.content) }
            default: break
            }
            current = n.pointee.next
        }
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    private static func string(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String {
        string(UnsafePointer(pointer))
    }

    /// How many elements named `element` the page has.
    public func count(_ element: String) -> Int { elements.filter { $0 == element }.count }

    /// Records an issue for active content (script, frames, objects, embeds, external
    /// resources), event-handler attributes, `javascript:` or external URLs, and a missing
    /// Content-Security-Policy or charset `<meta>`.
    public func expectInert(
        policy: String = "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for name in ["script", "iframe", "object", "embed", "frame", "applet", "link", "img"] {
            #expect(count(name) == 0, "found <\(name)>", sourceLocation: sourceLocation)
        }
        for attribute in attributes {
            #expect(
                !attribute.name.hasPrefix("on"),
                "event handler \(attribute.name) on <\(attribute.element)>",
                sourceLocation: sourceLocation)
            if ["href", "src", "xlink:href", "action", "formaction"].contains(attribute.name) {
                let value = attribute.value.trimmingCharacters(in: .whitespaces).lowercased()
                #expect(
                    !value.hasPrefix("javascript:") && !value.hasPrefix("http:")
                        && !value.hasPrefix("https:") && !value.hasPrefix("//"),
                    "URL \(attribute.value) on <\(attribute.element)>",
                    sourceLocation: sourceLocation)
            }
        }
        #expect(
            attributes.contains {
                $0.element == "meta" && $0.name == "content"
                    && $0.value == policy
            },
            "no Content-Security-Policy meta", sourceLocation: sourceLocation)
        #expect(
            attributes.contains {
                $0.element == "meta" && $0.name == "http-equiv"
                    && $0.value == "Content-Security-Policy"
            }, sourceLocation: sourceLocation)
        #expect(
            attributes.contains {
                $0.element == "meta" && $0.name == "charset" && $0.value.lowercased() == "utf-8"
            }, sourceLocation: sourceLocation)
    }
}

/// Raised when libxml2 cannot parse a page at all.
public enum HTMLPageError: Error {
    /// libxml2 returned no document.
    case unparsable
}
