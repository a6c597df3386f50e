/// Shared byte-level helpers that reproduce the Perl idioms Proxmox's validators rely on.
package enum Bytes {
    /// The bytes a Perl `$`-anchored match sees as the subject: Perl's `$` also matches before a
    /// final newline, so `m/^...$/` succeeds on `"value\n"` as if the newline were absent.
    @inline(__always)
    package static func dollarTrimmed(_ s: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if let last = s.last, last == ASCII.newline {
            return UnsafeBufferPointer(rebasing: s.dropLast())
        }
        return s
    }

    /// Whether `s` equals the ASCII text `literal` (case-sensitive).
    @inline(__always)
    package static func equals(_ s: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard s.count == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        for i in 0..<s.count where s[i] != p[i] { return false }
        return true
    }

    /// Whether `s` equals the ASCII text `literal`, ignoring ASCII case (`literal` is lower case).
    @inline(__always)
    package static func equalsIgnoringCase(_ s: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard s.count == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        for i in 0..<s.count where ASCII.lowercased(s[i]) != p[i] { return false }
        return true
    }

    /// Whether all bytes are Perl whitespace (so `m/^\s*$/` matches); true for an empty buffer.
    @inline(__always)
    package static func isBlank(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in s where !ASCII.isSpace(b) { return false }
        return true
    }

    /// Whether `s` is one or more ASCII digits (`m/^\d+$/` without the final-newline allowance).
    @inline(__always)
    package static func isDigits(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !s.isEmpty else { return false }
        for b in s where !ASCII.isDigit(b) { return false }
        return true
    }

    /// Numeric value of a run of ASCII digits as Perl would compare it, saturating at a value
    /// larger than any bound the schemas use.
    @inline(__always)
    package static func digitValue(_ s: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var v: UInt64 = 0
        for b in s {
            v = v &* 10 &+ UInt64(b &- ASCII.zero)
            if v > 1 << 60 { return 1 << 60 }
        }
        return v
    }

    /// The bytes of an ASCII literal.
    @inline(__always)
    package static func buffer(_ literal: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    /// A `String` from a byte range.
    @inline(__always)
    package static func string(_ s: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: s, as: UTF8.self)
    }

    /// Runs `body` over the UTF-8 bytes of `string` without copying when it is native.
    @inline(__always)
    package static func withBytes<R, E: Error>(
        _ string: String, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R
    ) throws(E) -> R {
        var copy = string
        return try copy.withUTF8 { buf in Result { () throws(E) -> R in try body(buf) } }.get()
    }
}

/// Perl's numeric predicates and conversions as `PVE::JSONSchema` uses them.
package enum PerlNumber {
    /// `is_integer`: `m/^[+-]?\d+$/`.
    package static func isInteger(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Bytes.dollarTrimmed(raw)
        var i = 0
        if i < s.count, s[i] == ASCII.plus || s[i] == ASCII.minus { i += 1 }
        guard i < s.count else { return false }
        while i < s.count {
            guard ASCII.isDigit(s[i]) else { return false }
            i += 1
        }
        return true
    }

    /// `is_number`: `m/^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/`.
    package static func isNumber(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Bytes.dollarTrimmed(raw)
        var i = 0
        if i < s.count, s[i] == ASCII.plus || s[i] == ASCII.minus { i += 1 }
        var intDigits = 0
        while i < s.count, ASCII.isDigit(s[i]) { i += 1; intDigits += 1 }
        var fracDigits = 0
        if i < s.count, s[i] == ASCII.dot {
            i += 1
            while i < s.count, ASCII.isDigit(s[i]) { i += 1; fracDigits += 1 }
        }
        guard intDigits + fracDigits > 0 else { return false }
        if i < s.count, s[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < s.count, s[i] == ASCII.plus || s[i] == ASCII.minus { i += 1 }
            var expDigits = 0
            while i < s.count, ASCII.isDigit(s[i]) { i += 1; expDigits += 1 }
            guard expDigits > 0 else { return false }
        }
        return i == s.count
    }

    /// The numeric value Perl gives a string that passed `isNumber`.
    package static func value(_ raw: UnsafeBufferPointer<UInt8>) -> Double {
        let s = Bytes.dollarTrimmed(raw)
        var text = Bytes.string(s)
        if text.hasSuffix(".") { text.removeLast() }  // "5." is 5 in Perl
        if text.hasPrefix(".") { text = "0" + text }
        if text.hasPrefix("+.") || text.hasPrefix("-.") { text.insert("0", at: text.index(after: text.startIndex)) }
        return Double(text) ?? 0
    }
}
