/// Byte-level helpers that reproduce the Perl idioms the setup code relies on
/// (`split(/\n/, ...)`, `\s`, `\h`, `chomp`).
enum Bytes {
    static let newline = UInt8(ascii: "\n")
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")
    static let hash = UInt8(ascii: "#")

    /// Perl's `\s` on a byte string: space, `\t`, `\n`, `\v`, `\f`, `\r`.
    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// Perl's `\h`: space, tab and U+00A0 (byte 0xA0 in a byte string).
    @inline(__always)
    static func isHorizontalSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0xA0
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Perl's `split(/\n/, $text)`: fields between newlines, trailing empty fields removed.
    static func splitLines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == newline {
                lines.append(text[start..<i])
                start = i + 1
            }
            i += 1
        }
        if start < text.endIndex { lines.append(text[start..<text.endIndex]) }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines
    }

    /// `join("\n", @lines) . "\n"`.
    static func joinLines<S: Collection>(_ lines: [S]) -> [UInt8] where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for (i, line) in lines.enumerated() {
            if i > 0 { out.append(newline) }
            out.append(contentsOf: line)
        }
        out.append(newline)
        return out
    }

    /// The first line without its newline, or `nil` for an empty file (Perl `<$fh>` + `chomp`).
    static func firstLine(_ text: [UInt8]) -> [UInt8]? {
        if text.isEmpty { return nil }
        if let nl = text.firstIndex(of: newline) { return Array(text[..<nl]) }
        return text
    }

    /// `true` when `line` starts with `prefix`.
    static func hasPrefix<C: Collection>(_ line: C, _ prefix: [UInt8]) -> Bool where C.Element == UInt8 {
        line.count >= prefix.count && line.prefix(prefix.count).elementsEqual(prefix)
    }

    /// Where `needle` first occurs in `haystack` (an unanchored literal match), or nil.
    static func firstIndex<C: Collection>(of needle: [UInt8], in haystack: C) -> C.Index?
    where C.Element == UInt8 {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        var remaining = haystack.count
        while remaining >= needle.count {
            if haystack[i...].prefix(needle.count).elementsEqual(needle) { return i }
            i = haystack.index(after: i)
            remaining -= 1
        }
        return nil
    }

    /// Whether `needle` occurs anywhere in `haystack`.
    static func contains<C: Collection>(_ haystack: C, _ needle: [UInt8]) -> Bool where C.Element == UInt8 {
        firstIndex(of: needle, in: haystack) != nil
    }

    /// Skips Perl-`\s` bytes from `index`.
    static func skipSpaces<C: Collection>(_ line: C, from index: C.Index) -> C.Index where C.Element == UInt8 {
        var i = index
        while i < line.endIndex, isSpace(line[i]) { i = line.index(after: i) }
        return i
    }

    /// Whitespace-separated words (Perl `split(/\s+/, ...)` after leading blanks are skipped).
    static func words<C: Collection>(_ line: C) -> [C.SubSequence] where C.Element == UInt8 {
        line.split(whereSeparator: isSpace)
    }

    static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// The UTF-8 bytes of the string.
    var bytes: [UInt8] { Array(utf8) }
}
