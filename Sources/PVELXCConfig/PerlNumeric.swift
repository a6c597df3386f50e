import Glibc

/// A number as Perl holds it after using a string in numeric context: an integer while it fits,
/// else a double. Used for the arithmetic Proxmox does on config values (memory, swap,
/// cpulimit), so that odd values (`1.5`, huge numbers, junk kept by the lenient reader) print
/// as Perl prints them.
enum PerlNumeric: Sendable, Hashable {
    case int(Int64)
    case double(Double)

    /// The numeric value of a string (leading white space, sign, digits, fraction, exponent;
    /// `inf`/`nan`; anything else after the number is ignored, nothing numeric is 0).
    init(_ text: String) {
        let b = Array(text.utf8)
        var i = 0
        while i < b.count, b[i] == 0x20 || (b[i] >= 0x09 && b[i] <= 0x0D) { i += 1 }
        let start = i
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        let rest = String(decoding: b[i...], as: UTF8.self).lowercased()
        if rest.hasPrefix("inf") {
            self = .double(negative ? -.infinity : .infinity)
            return
        }
        if rest.hasPrefix("nan") {
            self = .double(.nan)
            return
        }
        let digitsStart = i
        while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
        var intEnd = i
        var isInteger = true
        var fraction = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            var j = i + 1
            while j < b.count, b[j] >= 0x30 && b[j] <= 0x39 { j += 1 }
            fraction = j - i - 1
            if intEnd > digitsStart || fraction > 0 {
                isInteger = false
                i = j
            }
        }
        guard intEnd > digitsStart || fraction > 0 else {
            self = .int(0)
            return
        }
        if i < b.count, b[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if j < b.count, b[j] == UInt8(ascii: "+") || b[j] == UInt8(ascii: "-") { j += 1 }
            let expStart = j
            while j < b.count, b[j] >= 0x30 && b[j] <= 0x39 { j += 1 }
            if j > expStart {
                isInteger = false
                i = j
            }
        }
        if isInteger {
            intEnd = i
            if let v = Int64(String(decoding: b[digitsStart..<intEnd], as: UTF8.self)) {
                self = .int(negative ? -v : v)
                return
            }
        }
        self = .double(Double(String(decoding: b[start..<i], as: UTF8.self)) ?? 0)
    }

    /// The value as a double.
    var double: Double {
        switch self {
        case .int(let v): return Double(v)
        case .double(let d): return d
        }
    }

    /// `self * factor`, staying integral while the product fits.
    func times(_ factor: Int64) -> PerlNumeric {
        if case .int(let v) = self {
            let (p, overflow) = v.multipliedReportingOverflow(by: factor)
            if !overflow { return .int(p) }
        }
        return .double(double * Double(factor))
    }

    /// `self - n`.
    func minus(_ n: Int64) -> PerlNumeric {
        if case .int(let v) = self {
            let (d, overflow) = v.subtractingReportingOverflow(n)
            if !overflow { return .int(d) }
        }
        return .double(double - Double(n))
    }

    /// Perl's `int()`: truncation, an integer while it fits.
    var truncated: PerlNumeric {
        switch self {
        case .int: return self
        case .double(let d):
            guard d.isFinite else { return self }
            let t = d.rounded(.towardZero)
            if t >= -9.2e18 && t <= 9.2e18 { return .int(Int64(t)) }
            return .double(t)
        }
    }

    /// How Perl prints the number (`%.15g` for doubles).
    var text: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Inf" : "Inf" }
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            var buffer = [CChar](repeating: 0, count: 64)
            _ = withVaList([d]) { vsnprintf(&buffer, 64, "%.15g", $0) }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// Perl's truthiness of a string value: defined, not empty and not `0`.
@inline(__always)
func perlTrue(_ s: String?) -> Bool {
    guard let s else { return false }
    return !s.isEmpty && s != "0"
}
