/// Perl's number rules, the one home for them in the package: the predicates and conversions
/// `PVE::JSONSchema` uses, Perl's string → number conversion (`$version >= 10`), and how Perl
/// prints `int($digits)`.
public enum PerlNumber {
    /// `is_integer`: `m/^[+-]?\d+$/`.
    @inlinable public static func isInteger(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
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
    @inlinable public static func isNumber(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
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
    @inlinable public static func value(_ raw: UnsafeBufferPointer<UInt8>) -> Double {
        let s = Bytes.dollarTrimmed(raw)
        var text = Bytes.string(s)
        if text.hasSuffix(".") { text.removeLast() }  // "5." is 5 in Perl
        if text.hasPrefix(".") { text = "0" + text }
        if text.hasPrefix("+.") || text.hasPrefix("-.") { text.insert("0", at: text.index(after: text.startIndex)) }
        return Double(text) ?? 0
    }

    /// Perl's string → number conversion (`$version < 22`, `$template == 1`): leading whitespace,
    /// an optional sign, a decimal number with optional fraction and exponent, or `Inf`/`NaN`;
    /// text that does not start with a number is 0.
    @inlinable public static func value<C: Collection>(of text: C) -> Double where C.Element == UInt8 {
        let bytes = Array(text)
        var i = 0
        while i < bytes.count, ASCII.isSpace(bytes[i]) { i += 1 }
        var sign = 1.0
        if i < bytes.count, bytes[i] == ASCII.minus || bytes[i] == ASCII.plus {
            if bytes[i] == ASCII.minus { sign = -1 }
            i += 1
        }
        let rest = bytes[i...].prefix(3).map(ASCII.lowercased)
        if rest.elementsEqual("inf".utf8) { return sign * .infinity }
        if rest.elementsEqual("nan".utf8) { return .nan }
        let start = i
        while i < bytes.count, ASCII.isDigit(bytes[i]) { i += 1 }
        var hasDigits = i > start
        var dot: Int?
        if i < bytes.count, bytes[i] == ASCII.dot {
            var j = i + 1
            while j < bytes.count, ASCII.isDigit(bytes[j]) { j += 1 }
            if j > i + 1 { hasDigits = true }
            if hasDigits {
                dot = i
                i = j
            }
        }
        guard hasDigits else { return 0 }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if j < bytes.count, bytes[j] == ASCII.minus || bytes[j] == ASCII.plus { j += 1 }
            let expStart = j
            while j < bytes.count, ASCII.isDigit(bytes[j]) { j += 1 }
            if j > expStart { i = j }
        }
        var number = Array(bytes[start..<i])
        // `1.` → `1`, `1.e5` → `1e5`, `.5` → `0.5`: forms Perl accepts and `Double(_:)` may not.
        if let dot, dot + 1 == i || !ASCII.isDigit(bytes[dot + 1]) { number.remove(at: dot - start) }
        if number.first == ASCII.dot { number.insert(ASCII.zero, at: 0) }
        return sign * (Double(String(decoding: number, as: UTF8.self)) ?? 0)
    }

    /// ``value(of:)`` of a string.
    @inlinable public static func value(of text: String) -> Double { value(of: text.utf8) }

    /// `int("0512")` → `512`; beyond the 64-bit range Perl works with a double and prints it with
    /// `%.15g` (`99999999999999999999` → `1e+20`).
    @inlinable public static func integerString(_ digits: [UInt8]) -> [UInt8] {
        var start = 0
        while start < digits.count - 1 && digits[start] == ASCII.zero { start += 1 }
        if start == 0 && digits.count < 20 { return digits }
        let trimmed = Array(digits[start...])
        if trimmed.count < 20 { return trimmed }
        if trimmed.count == 20 && !Array("18446744073709551615".utf8).lexicographicallyPrecedes(trimmed) {
            return trimmed
        }
        guard let d = Double(String(decoding: trimmed, as: UTF8.self)) else { return Array("Inf".utf8) }
        if d.isInfinite { return Array("Inf".utf8) }
        return Array(formatG15(d).utf8)
    }

    /// `printf("%.15g", d)` for a non-negative integral double ≥ 1e15.
    @inlinable public static func formatG15(_ d: Double) -> String {
        // Exact decimal expansion of m·2^e with base-1e9 limbs (least significant first).
        let e = Int(d.exponent) - 52
        var limbs: [UInt64] = []
        var m = d.significandBitPattern | (1 << 52)
        while m > 0 {
            limbs.append(m % 1_000_000_000)
            m /= 1_000_000_000
        }
        if e > 0 {
            for _ in 0..<e {
                var carry: UInt64 = 0
                for i in limbs.indices {
                    let v = limbs[i] * 2 + carry
                    limbs[i] = v % 1_000_000_000
                    carry = v / 1_000_000_000
                }
                if carry > 0 { limbs.append(carry) }
            }
        }
        var digits: [UInt8] = []
        for (i, limb) in limbs.reversed().enumerated() {
            var s = Array(String(limb).utf8)
            if i > 0 { s = [UInt8](repeating: ASCII.zero, count: 9 - s.count) + s }
            digits.append(contentsOf: s)
        }
        var exponent = digits.count - 1
        var mantissa = Array(digits.prefix(15)).map { Int($0 - ASCII.zero) }
        let rest = digits.dropFirst(15)
        if let first = rest.first {
            let r = Int(first - ASCII.zero)
            let tail = rest.dropFirst().contains { $0 != ASCII.zero }
            let up = r > 5 || (r == 5 && (tail || mantissa[14] % 2 == 1))
            if up {
                var k = 14
                while k >= 0 {
                    mantissa[k] += 1
                    if mantissa[k] < 10 { break }
                    mantissa[k] = 0
                    k -= 1
                }
                if k < 0 {
                    mantissa.insert(1, at: 0)
                    mantissa.removeLast()
                    exponent += 1
                }
            }
        }
        while mantissa.count > 1 && mantissa.last == 0 { mantissa.removeLast() }
        var out = String(mantissa[0])
        if mantissa.count > 1 { out += "." + mantissa.dropFirst().map(String.init).joined() }
        out += "e+" + (exponent < 10 ? "0" : "") + String(exponent)
        return out
    }
}
