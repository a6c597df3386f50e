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
    package mutating func next() -> (part: RawPart, start: Int)? {
        if done { return nil }
        let start = position
        var end = start
        var firstEquals = -1
        while end < bytes.count {
            let b = bytes[end]
            if b == ASCII.comma { break }
            if b == ASCII.equals, firstEquals < 0 { firstEquals = end }
            end += 1
        }
        if end >= bytes.count { done = true } else { position = end + 1 }
        return (Self.classify(bytes, start, end, firstEquals), start)
    }

    @inline(__always)
    private static func classify(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ eq: Int) -> RawPart {
        if eq < 0 {
            for i in start..<end where !ASCII.isSpace(s[i]) { return .bare(start..<end) }
            return .blank
        }
        if eq > start {
            var valueEnd = end
            if valueEnd > eq + 1, s[valueEnd - 1] == ASCII.newline { valueEnd -= 1 }
            if valueEnd > eq + 1 {
                var hasNewline = false
                for i in (eq + 1)..<valueEnd where s[i] == ASCII.newline {
                    hasNewline = true
                    break
                }
                if !hasNewline { return .pair(key: start..<eq, value: (eq + 1)..<valueEnd) }
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
