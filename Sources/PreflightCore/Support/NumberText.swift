/// Numbers as people read them in messages and reports.
public enum NumberText {
    /// An integer with `,` between thousands: `100256` gives `100,256`. Locale-independent.
    public static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = n < 0 ? "-" : ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }
}
