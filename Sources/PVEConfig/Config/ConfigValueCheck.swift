/// Value checks of top-level keys as Proxmox does them while reading a file
/// (Proxmox: `PVE::LXC::Config::check_type`).
enum ConfigValueCheck {
    /// Checks `value` for `key`; returns the value as Proxmox stores it (booleans as `1`/`0`,
    /// integers without leading zeros) or the reason the check failed (Proxmox's text, no newline).
    static func checkType(key: String, value: [UInt8]) -> Result<[UInt8], ValueError> {
        guard let kind = ConfigSchema.kind(for: key) else {
            return .failure(ValueError("unknown setting '\(key)'"))
        }
        return checkType(type: kind.type, format: kind.format, value: value)
    }

    static func checkType(schema: ConfigKeySchema, value: [UInt8]) -> Result<[UInt8], ValueError> {
        checkType(type: schema.type, format: schema.format, value: value)
    }

    /// The reader's fast path: `nil` when the value is stored as it is.
    enum Outcome {
        case verbatim
        case normalized([UInt8])
        case failure(ValueError)
    }

    static func check(key: String, keyBytes: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard let kind = ConfigSchema.kind(forBytes: keyBytes) else {
            return .failure(ValueError("unknown setting '\(key)'"))
        }
        for b in value where b == ASCII.newline || b == ASCII.carriageReturn {
            return .failure(ValueError("property contains a line feed"))
        }
        switch kind.type {
        case .boolean:
            if value.count == 1 && (value[0] == ASCII.zero || value[0] == ASCII.zero + 1) { return .verbatim }
        case .integer:
            if !value.isEmpty && value.count < 20 && value[0] != ASCII.zero && value.allSatisfy(ASCII.isDigit) { return .verbatim }
        case .number:
            if isNumber(Array(value)) { return .verbatim }
        case .string:
            guard let format = kind.format else { return .verbatim }
            if let reason = formatChecker(format, String(decoding: value, as: UTF8.self)) { return .failure(ValueError(reason)) }
            return .verbatim
        }
        switch checkType(type: kind.type, format: kind.format, value: Array(value)) {
        case .success(let v): return v.elementsEqual(value) ? .verbatim : .normalized(v)
        case .failure(let e): return .failure(e)
        }
    }

    static func checkType(type: ConfigValueType, format: ConfigKeyFormat?, value: [UInt8]) -> Result<[UInt8], ValueError> {
        if value.contains(ASCII.newline) || value.contains(ASCII.carriageReturn) {
            return .failure(ValueError("property contains a line feed"))
        }
        switch type {
        case .boolean:
            if value == [ASCII.zero + 1] || matchesIgnoringCase(value, ["on", "yes", "true"]) { return .success([ASCII.zero + 1]) }
            if value == [ASCII.zero] || matchesIgnoringCase(value, ["off", "no", "false"]) { return .success([ASCII.zero]) }
            return .failure(ValueError("type check ('boolean') failed - got '\(value.utf8String)'"))
        case .integer:
            guard !value.isEmpty, value.allSatisfy(ASCII.isDigit) else {
                return .failure(ValueError("type check ('integer') failed - got '\(value.utf8String)'"))
            }
            return .success(PerlNumber.integerString(value))
        case .number:
            guard isNumber(value) else {
                return .failure(ValueError("type check ('number') failed - got '\(value.utf8String)'"))
            }
            return .success(value)
        case .string:
            if let format, let reason = formatChecker(format, value.utf8String) {
                return .failure(ValueError(reason))
            }
            return .success(value)
        }
    }

    /// `^\d+(\.\d+)?$`.
    static func isNumber(_ v: [UInt8]) -> Bool {
        var i = 0
        while i < v.count && ASCII.isDigit(v[i]) { i += 1 }
        guard i > 0 else { return false }
        if i == v.count { return true }
        guard v[i] == ASCII.dot else { return false }
        i += 1
        let fracStart = i
        while i < v.count && ASCII.isDigit(v[i]) { i += 1 }
        return i > fracStart && i == v.count
    }

    private static func matchesIgnoringCase(_ v: [UInt8], _ words: [StaticString]) -> Bool {
        for w in words where w.utf8CodeUnitCount == v.count {
            let p = w.utf8Start
            var ok = true
            for k in 0..<v.count where ASCII.lowercased(v[k]) != p[k] {
                ok = false
                break
            }
            if ok { return true }
        }
        return false
    }

    /// The seam to the format checks (`PVE::JSONSchema::check_format`): returns the reason a value
    /// does not match its format, or nil. Property-string formats are checked by the property-string
    /// layer once it is available; until then every value is accepted.
    static let formatChecker: @Sendable (ConfigKeyFormat, String) -> String? = { _, _ in nil }

    struct ValueError: Error, Sendable, Hashable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

/// How Perl prints `int($digits)`.
enum PerlNumber {
    /// `int("0512")` → `512`; beyond the 64-bit range Perl works with a double and prints it with
    /// `%.15g` (`99999999999999999999` → `1e+20`).
    static func integerString(_ digits: [UInt8]) -> [UInt8] {
        var start = 0
        while start < digits.count - 1 && digits[start] == ASCII.zero { start += 1 }
        if start == 0 && digits.count < 20 { return digits }
        let trimmed = Array(digits[start...])
        if trimmed.count < 20 { return trimmed }
        if trimmed.count == 20 && !Array("18446744073709551615".utf8).lexicographicallyPrecedes(trimmed) {
            return trimmed
        }
        guard let d = Double(trimmed.utf8String) else { return Array("Inf".utf8) }
        if d.isInfinite { return Array("Inf".utf8) }
        return Array(formatG15(d).utf8)
    }

    /// `printf("%.15g", d)` for a non-negative integral double ≥ 1e15.
    static func formatG15(_ d: Double) -> String {
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
