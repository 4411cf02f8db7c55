/// SVG elements added to the document tree, with coordinates written deterministically.
enum SVG {
    /// An `<svg>` of the given size (scaled down to fit its container), labelled for
    /// assistive technology.
    static func root(
        in parent: HTMLElement, width: Double, height: Double, label: String
    ) -> HTMLElement {
        parent.add(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg", "width": n(width), "height": n(height),
                "viewBox": "0 0 \(n(width)) \(n(height))", "role": "img", "aria-label": label,
            ])
    }

    static func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, in svg: HTMLElement
    ) {
        guard width > 0, height > 0 else { return }
        svg.add(
            "rect",
            [
                "x": n(x), "y": n(y), "width": n(width), "height": n(height), "fill": fill,
                "rx": "2",
            ])
    }

    static func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, in svg: HTMLElement
    ) {
        svg.add(
            "line", ["x1": n(x1), "y1": n(y1), "x2": n(x2), "y2": n(y2), "stroke": stroke])
    }

    static func text(
        _ content: String, x: Double, y: Double, anchor: String = "start",
        className: String? = nil, size: Double? = nil,
        weight: String? = nil, in svg: HTMLElement
    ) {
        let element = svg.add("text", ["x": n(x), "y": n(y), "text-anchor": anchor])
        if let className { element.set("class", className) }
        if let size { element.set("font-size", n(size)) }
        if let weight { element.set("font-weight", weight) }
        element.text(content)
    }

    /// A coordinate with at most one decimal, locale-independent: `12`, `12.5`.
    static func n(_ value: Double) -> String {
        let tenths = Int((value.isFinite ? value * 10 : 0).rounded())
        let sign = tenths < 0 ? "-" : ""
        let whole = tenths.magnitude / 10
        let fraction = tenths.magnitude % 10
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}

/// Colour arithmetic for shades.
enum Colour {
    /// The colour `t` of the way from `a` to `b` (`#rrggbb`, t clamped to [0, 1]).
    static func mix(_ a: String, _ b: String, _ t: Double) -> String {
        let t = min(1, max(0, t.isFinite ? t : 0))
        let ca = components(a)
        let cb = components(b)
        var out = "#"
        for (from, to) in zip(ca, cb) {
            let start = Double(from)
            let value = Int((start + (Double(to) - start) * t).rounded())
            let hex = String(value, radix: 16)
            out += hex.count == 1 ? "0" + hex : hex
        }
        return out
    }

    private static func components(_ hex: String) -> [Int] {
        let digits = Array(hex.dropFirst())
        guard digits.count == 6 else { return [0, 0, 0] }
        return stride(from: 0, to: 6, by: 2).map {
            Int(String(digits[$0...$0 + 1]), radix: 16) ?? 0
        }
    }
}
