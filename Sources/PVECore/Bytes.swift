/// Byte-level helpers that reproduce the Perl idioms Proxmox's code relies on (`$`-anchored
/// matches, `split(/\n/, …)`, `chomp`, literal search), over buffers and byte collections.
public enum Bytes {
    @inlinable @inline(__always) public static var newline: UInt8 { ASCII.newline }
    @inlinable @inline(__always) public static var tab: UInt8 { ASCII.tab }
    @inlinable @inline(__always) public static var space: UInt8 { ASCII.space }
    @inlinable @inline(__always) public static var hash: UInt8 { ASCII.hash }

    /// Perl's `\s` on a byte string (``ASCII/isSpace(_:)``).
    @inlinable @inline(__always) public static func isSpace(_ b: UInt8) -> Bool { ASCII.isSpace(b) }

    /// Perl's `\h` on a byte string (``ASCII/isHorizontalSpace(_:)``).
    @inlinable @inline(__always) public static func isHorizontalSpace(_ b: UInt8) -> Bool { ASCII.isHorizontalSpace(b) }

    /// Perl's `\d` on a byte string.
    @inlinable @inline(__always) public static func isDigit(_ b: UInt8) -> Bool { ASCII.isDigit(b) }

    /// The bytes a Perl `$`-anchored match sees as the subject: Perl's `$` also matches before a
    /// final newline, so `m/^...$/` succeeds on `"value\n"` as if the newline were absent.
    @inlinable @inline(__always)
    public static func dollarTrimmed(_ s: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if let last = s.last, last == ASCII.newline {
            return UnsafeBufferPointer(rebasing: s.dropLast())
        }
        return s
    }

    /// Whether `s` equals the ASCII text `literal` (case-sensitive).
    @inlinable @inline(__always)
    public static func equals(_ s: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard s.count == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        for i in 0..<s.count where s[i] != p[i] { return false }
        return true
    }

    /// Whether `s` equals the ASCII text `literal`, ignoring ASCII case (`literal` is lower case).
    @inlinable @inline(__always)
    public static func equalsIgnoringCase(_ s: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard s.count == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        for i in 0..<s.count where ASCII.lowercased(s[i]) != p[i] { return false }
        return true
    }

    /// Whether all bytes are Perl whitespace (so `m/^\s*$/` matches); true for an empty buffer.
    @inlinable @inline(__always)
    public static func isBlank(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in s where !ASCII.isSpace(b) { return false }
        return true
    }

    /// Whether `s` is one or more ASCII digits (`m/^\d+$/` without the final-newline allowance).
    @inlinable @inline(__always)
    public static func isDigits(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !s.isEmpty else { return false }
        for b in s where !ASCII.isDigit(b) { return false }
        return true
    }

    /// Numeric value of a run of ASCII digits as Perl would compare it, saturating at a value
    /// larger than any bound the schemas use.
    @inlinable @inline(__always)
    public static func digitValue(_ s: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var v: UInt64 = 0
        for b in s {
            v = v &* 10 &+ UInt64(b &- ASCII.zero)
            if v > 1 << 60 { return 1 << 60 }
        }
        return v
    }

    /// The bytes of an ASCII literal.
    @inlinable @inline(__always)
    public static func buffer(_ literal: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    /// A `String` from a byte range.
    @inlinable @inline(__always)
    public static func string(_ s: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: s, as: UTF8.self)
    }

    /// Runs `body` over the UTF-8 bytes of `string` without copying when it is native.
    @inlinable @inline(__always)
    public static func withBytes<R, E: Error>(
        _ string: String, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R
    ) throws(E) -> R {
        var copy = string
        return try copy.withUTF8 { buf in Result { () throws(E) -> R in try body(buf) } }.get()
    }

    /// Perl's `split(/\n/, $text)`: fields between newlines, trailing empty fields removed.
    @inlinable public static func splitLines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
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
    @inlinable public static func joinLines<S: Collection>(_ lines: [S]) -> [UInt8] where S.Element == UInt8 {
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
    @inlinable public static func firstLine(_ text: [UInt8]) -> [UInt8]? {
        if text.isEmpty { return nil }
        if let nl = text.firstIndex(of: newline) { return Array(text[..<nl]) }
        return text
    }

    /// `true` when `line` starts with `prefix`.
    @inlinable public static func hasPrefix<C: Collection>(_ line: C, _ prefix: [UInt8]) -> Bool where C.Element == UInt8 {
        line.count >= prefix.count && line.prefix(prefix.count).elementsEqual(prefix)
    }

    /// Where `needle` first occurs in `haystack` (an unanchored literal match), or nil.
    @inlinable public static func firstIndex<C: Collection>(of needle: [UInt8], in haystack: C) -> C.Index?
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
    @inlinable public static func contains<C: Collection>(_ haystack: C, _ needle: [UInt8]) -> Bool where C.Element == UInt8 {
        firstIndex(of: needle, in: haystack) != nil
    }

    /// Skips Perl-`\s` bytes from `index`.
    @inlinable public static func skipSpaces<C: Collection>(_ line: C, from index: C.Index) -> C.Index where C.Element == UInt8 {
        var i = index
        while i < line.endIndex, isSpace(line[i]) { i = line.index(after: i) }
        return i
    }

    /// Whitespace-separated words (Perl `split(/\s+/, ...)` after leading blanks are skipped).
    @inlinable public static func words<C: Collection>(_ line: C) -> [C.SubSequence] where C.Element == UInt8 {
        line.split(whereSeparator: isSpace)
    }

    @inlinable public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// The UTF-8 bytes of the string.
    public var bytes: [UInt8] { Array(utf8) }
}
