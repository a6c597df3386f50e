import PVECore
/// Disk sizes as Proxmox parses and prints them (Proxmox: `PVE::JSONSchema::parse_size`,
/// `format_size`, format `disk-size`).
///
/// Accepted text: `^(\d+(\.\d+)?)([KMGT](?:iB)?)?$` — upper-case unit letters only, optional
/// `iB`, no space; no unit means bytes; K=1024 … T=1024⁴; the product is truncated to an integer.
public enum DiskSize {
    /// The number of bytes `text` denotes, or nil if Proxmox rejects it. Products beyond
    /// `UInt64.max` saturate (Proxmox would switch to floating point there).
    public static func parse(_ text: String) -> UInt64? {
        Bytes.withBytes(text) { parse($0) }
    }

    package static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let s = Bytes.dollarTrimmed(raw)
        var i = 0
        while i < s.count, ASCII.isDigit(s[i]) { i += 1 }
        let integerEnd = i
        guard integerEnd > 0 else { return nil }
        var fractionEnd = integerEnd
        if i < s.count, s[i] == ASCII.dot {
            var j = i + 1
            while j < s.count, ASCII.isDigit(s[j]) { j += 1 }
            if j > i + 1 {
                fractionEnd = j
                i = j
            }
        }
        var shift: UInt64 = 0
        if i < s.count {
            switch s[i] {
            case UInt8(ascii: "K"): shift = 10
            case UInt8(ascii: "M"): shift = 20
            case UInt8(ascii: "G"): shift = 30
            case UInt8(ascii: "T"): shift = 40
            default: return nil
            }
            i += 1
            if i < s.count {
                guard s.count - i == 2, s[i] == UInt8(ascii: "i"), s[i + 1] == UInt8(ascii: "B") else { return nil }
                i += 2
            }
        }
        guard i == s.count else { return nil }
        if fractionEnd == integerEnd {
            // Integer arithmetic, as Perl does while it fits.
            var value: UInt64 = 0
            for b in s[0..<integerEnd] {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(b &- ASCII.zero))
                if o1 || o2 { return saturated(Double(Bytes.string(UnsafeBufferPointer(rebasing: s[0..<integerEnd]))), shift) }
                value = a
            }
            if shift > 0, value > UInt64.max >> shift { return UInt64.max }
            return value << shift
        }
        let number = Double(Bytes.string(UnsafeBufferPointer(rebasing: s[0..<fractionEnd]))) ?? 0
        return saturated(number, shift)
    }

    private static func saturated(_ number: Double?, _ shift: UInt64) -> UInt64 {
        var x = number ?? 0
        // Perl multiplies by 1024 once per unit step, in floating point.
        for _ in 0..<(shift / 10) { x *= 1024 }
        if !(x < 18_446_744_073_709_551_616.0) { return UInt64.max }
        return UInt64(x)  // truncates toward zero, like Perl's int()
    }

    /// The text Proxmox prints for a byte count: the largest of K/M/G/T that divides it exactly,
    /// else plain bytes; `0` prints as `0T`.
    public static func format(_ bytes: UInt64) -> String {
        if bytes % 1024 != 0 { return String(bytes) }
        let kb = bytes / 1024
        if kb % 1024 != 0 { return String(kb) + "K" }
        let mb = kb / 1024
        if mb % 1024 != 0 { return String(mb) + "M" }
        let gb = mb / 1024
        if gb % 1024 != 0 { return String(gb) + "G" }
        return String(gb / 1024) + "T"
    }
}
