import PVECore
/// One comma-separated part of a property string, classified the way Proxmox's
/// `parse_property_string` does (offsets are byte offsets into the input).
package enum RawPart: Sendable, Equatable {
    /// Empty or whitespace-only (`m/^\s*$/`): ignored.
    case blank
    /// `key=value` (`m/^([^=]+)=(.+)$/`): the key is everything before the first `=`; the value
    /// is the rest, minus one final newline (Perl's `$`), never empty and without other newlines.
    case pair(key: Range<Int>, value: Range<Int>)
    /// A part without any `=`: a value for the format's default key.
    case bare(Range<Int>)
    /// A part with `=` that is not `key=value` (`=x`, `k=`): `missing key in comma-separated list property`.
    case malformed(Range<Int>)
}

/// The byte-level splitter: no quoting, no escaping, every `,` separates.
package struct PropertyStringParser {
    package let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var done = false

    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The next part and its start offset, or nil at the end.
    @inline(__always)
    package mutating func next() -> (part: RawPart, start: Int)? {
        if done { return nil }
        let start = position
        var end = bytes.count
        var firstEquals = -1
        // Newlines after the first `=` decide whether the value is a valid `.+$` match.
        var newlinesInValue = 0
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if Self.isSpecial(b) {
                if b == ASCII.comma {
                    end = i
                    break
                }
                if b == ASCII.equals {
                    if firstEquals < 0 { firstEquals = i }
                } else if firstEquals >= 0 {
                    newlinesInValue += 1
                }
            }
            i += 1
        }
        if end >= bytes.count { done = true } else { position = end + 1 }
        return (Self.classify(bytes, start, end, firstEquals, newlinesInValue), start)
    }

    /// `,`, `=` or a newline: the bytes the splitter has to look at, found with one bit test.
    @inline(__always)
    private static func isSpecial(_ b: UInt8) -> Bool {
        let mask: UInt64 = 1 << ASCII.comma | 1 << ASCII.equals | 1 << ASCII.newline
        return b < 64 && (mask &>> UInt64(b)) & 1 != 0
    }

    @inline(__always)
    private static func classify(
        _ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ eq: Int, _ newlines: Int
    ) -> RawPart {
        if eq < 0 {
            for i in start..<end where !ASCII.isSpace(s[i]) { return .bare(start..<end) }
            return .blank
        }
        // `m/^([^=]+)=(.+)$/`: a non-empty key, and a non-empty value without newlines except
        // one final newline, which `$` leaves out.
        if eq > start {
            let valueStart = eq + 1
            if newlines == 0, end > valueStart { return .pair(key: start..<eq, value: valueStart..<end) }
            if newlines == 1, end - 1 > valueStart, s[end - 1] == ASCII.newline {
                return .pair(key: start..<eq, value: valueStart..<(end - 1))
            }
        }
        return .malformed(start..<end)
    }
}

/// Proxmox's `parse_boolean`: `1|on|yes|true` → true, `0|off|no|false` → false (any case).
package func parsePerlBoolean(_ raw: UnsafeBufferPointer<UInt8>) -> Bool? {
    let s = Bytes.dollarTrimmed(raw)
    switch s.count {
    case 1:
        if s[0] == ASCII.one { return true }
        if s[0] == ASCII.zero { return false }
    case 2:
        if Bytes.equalsIgnoringCase(s, "on") { return true }
        if Bytes.equalsIgnoringCase(s, "no") { return false }
    case 3:
        if Bytes.equalsIgnoringCase(s, "yes") { return true }
        if Bytes.equalsIgnoringCase(s, "off") { return false }
    case 4:
        if Bytes.equalsIgnoringCase(s, "true") { return true }
    case 5:
        if Bytes.equalsIgnoringCase(s, "false") { return false }
    default: break
    }
    return nil
}
