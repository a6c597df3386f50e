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

    /// `plain`: the caller knows that `value` is ASCII without `\r` (it need not be scanned).
    static func check(
        keyBytes: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, plain: Bool = false,
        isKnownZone: ((String) -> Bool)?
    ) -> Outcome {
        guard let kind = ConfigSchema.kind(forBytes: keyBytes) else {
            return .failure(ValueError("unknown setting '\(String(decoding: keyBytes, as: UTF8.self))'"))
        }
        return check(kind: kind, value: value, plain: plain, isKnownZone: isKnownZone)
    }

    /// `check(keyBytes:value:plain:isKnownZone:)` for a key whose kind the caller looked up.
    @inline(__always)
    static func check(
        kind: ConfigSchema.Kind, value: UnsafeBufferPointer<UInt8>, plain: Bool, isKnownZone: ((String) -> Bool)?
    ) -> Outcome {
        // Values already in Proxmox's stored form; none of them can contain a line break.
        switch kind.type {
        case .boolean:
            if value.count == 1 && (value[0] == ConfigASCII.zero || value[0] == ConfigASCII.zero + 1) { return .verbatim }
        case .integer:
            if !value.isEmpty && value.count < 20 && value[0] != ConfigASCII.zero && value.allSatisfy(ConfigASCII.isDigit) { return .verbatim }
        case .number:
            if isNumber(value) { return .verbatim }
        case .string:
            break
        }
        let bytes = plain ? ValueBytes(hasLineBreak: false, isASCII: true) : ValueBytes(value)
        if bytes.hasLineBreak {
            return .failure(ValueError("property contains a line feed"))
        }
        switch kind.type {
        case .boolean, .integer, .number:
            break
        case .string:
            guard let format = kind.format else { return .verbatim }
            // ASCII bytes are exactly the UTF-8 of the decoded string: check them in place.
            let problem =
                bytes.isASCII
                ? formatProblem(format, utf8: value, isKnownZone: isKnownZone)
                : formatProblem(format, String(decoding: value, as: UTF8.self), isKnownZone: isKnownZone)
            if let problem {
                return .failure(ValueError(problem.reason, offset: problem.offset))
            }
            return .verbatim
        }
        switch checkType(type: kind.type, format: kind.format, value: Array(value)) {
        case .success(let v): return v.elementsEqual(value) ? .verbatim : .normalized(v)
        case .failure(let e): return .failure(e)
        }
    }

    static func checkType(type: ConfigValueType, format: ConfigKeyFormat?, value: [UInt8]) -> Result<[UInt8], ValueError> {
        if value.contains(ConfigASCII.newline) || value.contains(ConfigASCII.carriageReturn) {
            return .failure(ValueError("property contains a line feed"))
        }
        switch type {
        case .boolean:
            if value == [ConfigASCII.zero + 1] || matchesIgnoringCase(value, ["on", "yes", "true"]) { return .success([ConfigASCII.zero + 1]) }
            if value == [ConfigASCII.zero] || matchesIgnoringCase(value, ["off", "no", "false"]) { return .success([ConfigASCII.zero]) }
            return .failure(ValueError("type check ('boolean') failed - got '\(value.utf8String)'"))
        case .integer:
            guard !value.isEmpty, value.allSatisfy(ConfigASCII.isDigit) else {
                return .failure(ValueError("type check ('integer') failed - got '\(value.utf8String)'"))
            }
            return .success(ConfigPerlNumber.integerString(value))
        case .number:
            guard isNumber(value) else {
                return .failure(ValueError("type check ('number') failed - got '\(value.utf8String)'"))
            }
            return .success(value)
        case .string:
            if let format, let problem = formatProblem(format, value.utf8String) {
                return .failure(ValueError(problem.reason, offset: problem.offset))
            }
            return .success(value)
        }
    }

    /// `^\d+(\.\d+)?$`.
    static func isNumber(_ v: [UInt8]) -> Bool {
        v.withUnsafeBufferPointer { isNumber($0) }
    }

    /// `^\d+(\.\d+)?$`.
    static func isNumber(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < v.count && ConfigASCII.isDigit(v[i]) { i += 1 }
        guard i > 0 else { return false }
        if i == v.count { return true }
        guard v[i] == ConfigASCII.dot else { return false }
        i += 1
        let fracStart = i
        while i < v.count && ConfigASCII.isDigit(v[i]) { i += 1 }
        return i > fracStart && i == v.count
    }

    private static func matchesIgnoringCase(_ v: [UInt8], _ words: [StaticString]) -> Bool {
        for w in words where w.utf8CodeUnitCount == v.count {
            let p = w.utf8Start
            var ok = true
            for k in 0..<v.count where ConfigASCII.lowercased(v[k]) != p[k] {
                ok = false
                break
            }
            if ok { return true }
        }
        return false
    }

    /// The format checks (`PVE::JSONSchema::check_format`) through the property-string layer's
    /// `ConfigValueFormat`: the reason a value does not match its format (Proxmox's text without
    /// the final newline) and the byte offset of the problem, or nil.
    ///
    /// - parameter isKnownZone: the host's time-zone names (`zone.tab`); nil accepts every zone.
    static func formatProblem(_ format: ConfigKeyFormat, _ value: String, isKnownZone: ((String) -> Bool)? = nil)
        -> (reason: String, offset: Int)?
    {
        Bytes.withBytes(value) { formatProblem(format, utf8: $0, isKnownZone: isKnownZone) }
    }

    /// `formatProblem(_:_:isKnownZone:)` on the value's UTF-8 bytes.
    static func formatProblem(
        _ format: ConfigKeyFormat, utf8 value: UnsafeBufferPointer<UInt8>, isKnownZone: ((String) -> Bool)? = nil
    ) -> (reason: String, offset: Int)? {
        let f: ConfigValueFormat
        switch format {
        case .startupOrder: f = .startup
        case .dnsName: f = .dnsName
        case .dnsNameList: f = .dnsNameList
        case .nameserverList: f = .addressList
        case .timezone:
            guard let isKnownZone else { return nil }
            f = .timezone
            do throws(PropertyStringError) {
                try ConfigValueFormat.check(utf8: value, as: f, isKnownZone: isKnownZone)
                return nil
            } catch {
                return (trimmed(error.description), error.offset)
            }
        case .configID: f = .configID
        case .volumeID: f = .volumeID
        case .tagList: f = .tags
        case .rootfs: f = .rootfs
        case .mountPoint: f = .mountPoint
        case .network: f = .network
        case .unused: f = .unused
        case .device: f = .device
        case .features: f = .features
        }
        do throws(PropertyStringError) {
            try ConfigValueFormat.check(utf8: value, as: f, isKnownZone: { _ in false })
            return nil
        } catch {
            return (trimmed(error.description), error.offset)
        }
    }

    /// What the checks need to know about all bytes of a value, found in one pass that reads
    /// eight bytes at a time: a line break (Proxmox rejects `\n` and `\r` in any value) and
    /// whether the value is pure ASCII (then its bytes are exactly its UTF-8 and are checked in
    /// place).
    struct ValueBytes {
        var hasLineBreak: Bool
        var isASCII: Bool

        init(hasLineBreak: Bool, isASCII: Bool) {
            self.hasLineBreak = hasLineBreak
            self.isASCII = isASCII
        }

        init(_ v: UnsafeBufferPointer<UInt8>) {
            var all: UInt64 = 0
            var lineBreaks: UInt64 = 0
            // Overlapping reads are fine: every byte is looked at at least once.
            ByteWords.forEachWord(covering: v) { word in
                all |= word
                lineBreaks |= ByteWords.bytes(word, equalTo: ConfigASCII.newline)
                lineBreaks |= ByteWords.bytes(word, equalTo: ConfigASCII.carriageReturn)
            }
            hasLineBreak = lineBreaks != 0
            isASCII = all & ByteWords.repeated(0x80) == 0
        }
    }

    private static func trimmed(_ s: String) -> String {
        var s = s
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    struct ValueError: Error, Sendable, Hashable {
        var reason: String
        /// Byte offset of the problem inside the value.
        var offset: Int
        init(_ reason: String, offset: Int = 0) {
            self.reason = reason
            self.offset = offset
        }
    }
}

/// How Perl prints `int($digits)`.
enum ConfigPerlNumber {
    /// `int("0512")` → `512`; beyond the 64-bit range Perl works with a double and prints it with
    /// `%.15g` (`99999999999999999999` → `1e+20`).
    static func integerString(_ digits: [UInt8]) -> [UInt8] {
        var start = 0
        while start < digits.count - 1 && digits[start] == ConfigASCII.zero { start += 1 }
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
            if i > 0 { s = [UInt8](repeating: ConfigASCII.zero, count: 9 - s.count) + s }
            digits.append(contentsOf: s)
        }
        var exponent = digits.count - 1
        var mantissa = Array(digits.prefix(15)).map { Int($0 - ConfigASCII.zero) }
        let rest = digits.dropFirst(15)
        if let first = rest.first {
            let r = Int(first - ConfigASCII.zero)
            let tail = rest.dropFirst().contains { $0 != ConfigASCII.zero }
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
