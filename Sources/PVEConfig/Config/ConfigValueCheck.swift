import PVECore
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
            if value.count == 1 && (value[0] == ASCII.zero || value[0] == ASCII.zero + 1) { return .verbatim }
        case .integer:
            if !value.isEmpty && value.count < 20 && value[0] != ASCII.zero && value.allSatisfy(ASCII.isDigit) { return .verbatim }
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
                lineBreaks |= ByteWords.bytes(word, equalTo: ASCII.newline)
                lineBreaks |= ByteWords.bytes(word, equalTo: ASCII.carriageReturn)
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
