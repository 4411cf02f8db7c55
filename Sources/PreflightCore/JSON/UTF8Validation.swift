/// UTF-8 validation over raw bytes, with the position of the first bad sequence.
public enum UTF8Validation {
    /// The offset of the first invalid sequence in `base[start..<end]`, or nil when valid.
    /// Surrogates (ED A0–BF) and overlong forms are invalid.
    /// - Complexity: O(n), eight ASCII bytes at a time.
    public static func firstInvalid(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int?
    {
        var i = start
        while i < end {
            if i + 8 <= end {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if w & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let b = base[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0:
                need = 2
                lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED:
                need = 2
                hi = 0x9F
            case 0xF0:
                need = 3
                lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4:
                need = 3
                hi = 0x8F
            default: return i
            }
            // The sequence's continuation bytes must all lie before `end`.
            guard i + need < end else { return i }
            let c1 = base[i + 1]
            if c1 < lo || c1 > hi { return i }
            var k = 2
            while k <= need {
                let c = base[i + k]
                if c < 0x80 || c > 0xBF { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }

    /// The number of characters (scalar starts) before `offset`, plus one: a 1-based column.
    public static func column(_ base: UnsafePointer<UInt8>, lineStart: Int, offset: Int) -> Int {
        var column = 1
        var i = lineStart
        while i < offset {
            if base[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }
}
