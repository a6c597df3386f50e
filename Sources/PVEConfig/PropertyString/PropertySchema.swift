/// A property-string format: the keys a value may have and how each is checked
/// (Proxmox: a `format` hash as passed to `PVE::JSONSchema::parse_property_string`).
/// Immutable after `init`; the unsafe buffers are owned by the instance and freed in `deinit`,
/// which is why the `Sendable` conformance is unchecked.
package final class PropertySchema: @unchecked Sendable {
    /// JSON-schema `type` of a key.
    package enum ValueType: Sendable {
        case string, boolean, integer, number

        var name: String {
            switch self {
            case .string: "string"
            case .boolean: "boolean"
            case .integer: "integer"
            case .number: "number"
            }
        }
    }

    /// A named `format` (a Perl validator).
    package enum Format: Sendable {
        case mountPointString, deviceString, diskSize, macAddress, ipv4Config, ipv6Config, ipv4, ipv6, volumeID

        func check(_ s: UnsafeBufferPointer<UInt8>) -> String? {
            switch self {
            case .mountPointString: FormatCheck.mountPointString(s)
            case .deviceString: FormatCheck.deviceString(s)
            case .diskSize: FormatCheck.diskSize(s)
            case .macAddress: FormatCheck.macAddress(s)
            case .ipv4Config: FormatCheck.ipv4Config(s)
            case .ipv6Config: FormatCheck.ipv6Config(s)
            case .ipv4: FormatCheck.ipv4(s)
            case .ipv6: FormatCheck.ipv6(s)
            case .volumeID: FormatCheck.volumeID(s)
            }
        }
    }

    /// A `pattern`, matched against the whole value (`m/^$pattern$/`).
    package enum Pattern: Sendable {
        /// `[-_.\w\d]+` (net `name`, `bridge`).
        case interfaceName
        /// `\d+(?:;\d+)*` (net `trunks`).
        case trunks
        /// `(discard|lazytime|noatime|nodev|noexec|nosuid)(;…)*` (mount `mountoptions`).
        case mountOptions
        /// `passthrough` or `[ug]:\d+:\d+:[1-9]\d*(;…)*` (mount `idmap`).
        case idmap
        /// `[a-zA-Z0-9_; ]+` (features `mount`).
        case featureMount
        /// `0[0-7]{3}` (dev `mode`).
        case octalMode

        func matches(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
            let s = Bytes.dollarTrimmed(raw)
            switch self {
            case .interfaceName:
                guard !s.isEmpty else { return false }
                for b in s where !(ASCII.isWord(b) || b == ASCII.minus || b == ASCII.dot) { return false }
                return true
            case .trunks:
                return Pattern.isList(s, separator: ASCII.semicolon) { Bytes.isDigits($0) }
            case .mountOptions:
                return Pattern.isList(s, separator: ASCII.semicolon) { item in
                    Bytes.equals(item, "discard") || Bytes.equals(item, "lazytime") || Bytes.equals(item, "noatime")
                        || Bytes.equals(item, "nodev") || Bytes.equals(item, "noexec") || Bytes.equals(item, "nosuid")
                }
            case .idmap:
                if Bytes.equals(s, "passthrough") { return true }
                return Pattern.isList(s, separator: ASCII.semicolon) { Pattern.isIDMapEntry($0) }
            case .featureMount:
                guard !s.isEmpty else { return false }
                for b in s where !(ASCII.isWord(b) || b == ASCII.semicolon || b == ASCII.space) { return false }
                return true
            case .octalMode:
                guard s.count == 4, s[0] == ASCII.zero else { return false }
                for b in s.dropFirst() where b &- ASCII.zero >= 8 { return false }
                return true
            }
        }

        static func isList(
            _ s: UnsafeBufferPointer<UInt8>, separator: UInt8, _ item: (UnsafeBufferPointer<UInt8>) -> Bool
        ) -> Bool {
            var start = 0
            for i in 0...s.count where i == s.count || s[i] == separator {
                guard item(UnsafeBufferPointer(rebasing: s[start..<i])) else { return false }
                start = i + 1
            }
            return true
        }

        /// `[ug]:[0-9]+:[0-9]+:[1-9][0-9]*`.
        static func isIDMapEntry(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
            guard s.count >= 7, s[0] == UInt8(ascii: "u") || s[0] == UInt8(ascii: "g"), s[1] == ASCII.colon
            else { return false }
            var fields = 0
            var start = 2
            for i in 2...s.count where i == s.count || s[i] == ASCII.colon {
                let field = UnsafeBufferPointer(rebasing: s[start..<i])
                guard Bytes.isDigits(field) else { return false }
                fields += 1
                if fields == 3, field[0] == ASCII.zero { return false }
                start = i + 1
            }
            return fields == 3
        }
    }

    /// One key of the format.
    package struct Key: Sendable {
        package var name: String
        package var bytes: [UInt8]
        package var type: ValueType
        package var optional: Bool
        package var format: Format?
        package var pattern: Pattern?
        package var minimum: Int?
        package var maximum: Int?
        package var minLength: Int?
        package var maxLength: Int?
        package var enumeration: [String]?

        package init(
            _ name: String, _ type: ValueType, optional: Bool = true, format: Format? = nil,
            pattern: Pattern? = nil, minimum: Int? = nil, maximum: Int? = nil, minLength: Int? = nil,
            maxLength: Int? = nil, enumeration: [String]? = nil
        ) {
            self.minLength = minLength
            self.maxLength = maxLength
            self.name = name
            self.bytes = Array(name.utf8)
            self.type = type
            self.optional = optional
            self.format = format
            self.pattern = pattern
            self.minimum = minimum
            self.maximum = maximum
            self.enumeration = enumeration
        }
    }

    /// The checks of one key without any reference-counted storage, for the hot path.
    package struct Rule: Sendable {
        var type: ValueType
        var optional: Bool
        var format: Format?
        var pattern: Pattern?
        var minimum: Int?
        var maximum: Int?
        var minLength: Int?
        var maxLength: Int?
        var hasEnumeration: Bool
    }

    /// Keys sorted in byte order (Proxmox's print order for non-default keys).
    package let keys: [Key]
    /// Index of the `default_key`, if any.
    package let defaultKey: Int?
    /// `keys[i]`'s rules.
    private let rules: UnsafeMutableBufferPointer<Rule>
    /// All key names back to back; `nameEnds[i]` is the end of `keys[i]`'s name.
    private let nameBytes: UnsafeMutableBufferPointer<UInt8>
    private let nameEnds: UnsafeMutableBufferPointer<Int>

    package init(_ keys: [Key], defaultKey: String? = nil) {
        let sorted = keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        self.keys = sorted
        self.defaultKey = defaultKey.flatMap { name in sorted.firstIndex { $0.name == name } }
        let rules = sorted.map {
            Rule(
                type: $0.type, optional: $0.optional, format: $0.format, pattern: $0.pattern, minimum: $0.minimum,
                maximum: $0.maximum, minLength: $0.minLength, maxLength: $0.maxLength,
                hasEnumeration: $0.enumeration != nil)
        }
        self.rules = .allocate(capacity: rules.count)
        _ = self.rules.initialize(from: rules)
        let names = sorted.flatMap(\.bytes)
        self.nameBytes = .allocate(capacity: names.count)
        _ = self.nameBytes.initialize(from: names)
        var end = 0
        let ends = sorted.map {
            end += $0.bytes.count
            return end
        }
        self.nameEnds = .allocate(capacity: ends.count)
        _ = self.nameEnds.initialize(from: ends)
    }

    deinit {
        rules.deallocate()
        nameBytes.deallocate()
        nameEnds.deallocate()
    }

    /// Index of the key named `name` (a programming error if absent: returns 0).
    package func index(named name: String) -> Int {
        keys.firstIndex { $0.name == name } ?? 0
    }

    /// Index of the key spelled by `s`, or nil for a key the schema does not define.
    @inline(__always)
    package func index(of s: UnsafeBufferPointer<UInt8>) -> Int? {
        var start = 0
        for i in 0..<nameEnds.count {
            let end = nameEnds[i]
            defer { start = end }
            guard end - start == s.count else { continue }
            var equal = true
            for j in 0..<s.count where nameBytes[start + j] != s[j] {
                equal = false
                break
            }
            if equal { return i }
        }
        return nil
    }

    /// A key's value in the input: its byte range and where its key started.
    package struct Slot: Sendable, Equatable {
        package var value: Range<Int>
        package var keyOffset: Int
    }

    /// The result of `parse`: one optional slot per schema key (valid only inside `parse`'s
    /// closure), plus unknown keys.
    package struct Parsed {
        package var slots: UnsafeMutableBufferPointer<Slot?>
        package var unknown: [(key: Range<Int>, value: Range<Int>)]

        package subscript(_ index: Int) -> Slot? { slots[index] }
    }

    /// Validates `s` like ``parse(_:_:)`` without reading any value.
    package func check(_ s: UnsafeBufferPointer<UInt8>) throws(PropertyStringError) {
        try parse(s) { _ in }
    }

    /// Proxmox's `parse_property_string` followed by `check_object` (no additional properties);
    /// on success runs `body` with the parsed slots (which live on the stack).
    package func parse<R>(
        _ s: UnsafeBufferPointer<UInt8>, _ body: (Parsed) throws(PropertyStringError) -> R
    ) throws(PropertyStringError) -> R {
        try withUnsafeTemporaryAllocation(of: Slot?.self, capacity: keys.count) {
            (slots) throws(PropertyStringError) -> R in
            slots.initialize(repeating: nil)
            return try body(try parse(s, into: slots))
        }
    }

    private func parse(
        _ s: UnsafeBufferPointer<UInt8>, into slots: UnsafeMutableBufferPointer<Slot?>
    ) throws(PropertyStringError) -> Parsed {
        var parsed = Parsed(slots: slots, unknown: [])
        var sawBareValue = false
        var parser = PropertyStringParser(s)
        while let (part, start) = parser.next() {
            switch part {
            case .blank:
                continue
            case .pair(let keyRange, let valueRange):
                let key = UnsafeBufferPointer(rebasing: s[keyRange])
                if let index = index(of: key) {
                    if parsed.slots[index] != nil { throw .duplicateKey(keys[index].name, offset: start) }
                    parsed.slots[index] = Slot(value: valueRange, keyOffset: start)
                } else {
                    for other in parsed.unknown where s[other.key].elementsEqual(key) {
                        throw .duplicateKey(Bytes.string(key), offset: start)
                    }
                    parsed.unknown.append((keyRange, valueRange))
                }
            case .bare(let valueRange):
                guard let defaultKey else { throw .noDefaultKey(offset: start) }
                if sawBareValue { throw .duplicateKey(keys[defaultKey].name, offset: start) }
                sawBareValue = true
                // Perl replaces an earlier `key=` value only when it is false ("" or "0").
                if let existing = parsed.slots[defaultKey] {
                    let v = s[existing.value]
                    guard v.count == 1, v.first == ASCII.zero else {
                        throw .duplicateKey(keys[defaultKey].name, offset: start)
                    }
                }
                parsed.slots[defaultKey] = Slot(value: valueRange, keyOffset: start)
            case .malformed:
                throw .missingKey(offset: start)
            }
        }
        var errors: [PropertyStringError.Entry] = []
        for index in 0..<rules.count {
            guard let slot = parsed.slots[index] else {
                if !rules[index].optional {
                    errors.append(.init(key: keys[index].name, message: SchemaMessage.missing, offset: s.count))
                }
                continue
            }
            let value = UnsafeBufferPointer(rebasing: s[slot.value])
            let allowed = rules[index].hasEnumeration ? keys[index].enumeration : nil
            if let message = Self.check(value, rules[index], enumeration: allowed) {
                errors.append(.init(key: keys[index].name, message: message, offset: slot.value.lowerBound))
            }
        }
        for unknown in parsed.unknown {
            errors.append(
                .init(
                    key: Bytes.string(UnsafeBufferPointer(rebasing: s[unknown.key])), message: SchemaMessage.unknownKey,
                    offset: unknown.key.lowerBound))
        }
        if !errors.isEmpty { throw PropertyStringError(entries: errors) }
        return parsed
    }

    /// `check_prop` for one present value, stopping at the first failure: type, format, pattern,
    /// maxLength, minLength, maximum and minimum (only if the value looks numeric), enum.
    package static func check(
        _ value: UnsafeBufferPointer<UInt8>, _ key: Rule, enumeration: [String]?
    ) -> String? {
        switch key.type {
        case .string: break
        case .boolean:
            if parsePerlBoolean(value) == nil { return SchemaMessage.typeCheck("boolean", got: Bytes.string(value)) }
            return nil
        case .integer:
            if !PerlNumber.isInteger(value) { return SchemaMessage.typeCheck("integer", got: Bytes.string(value)) }
        case .number:
            if !PerlNumber.isNumber(value) { return SchemaMessage.typeCheck("number", got: Bytes.string(value)) }
        }
        if let format = key.format, let message = format.check(value) {
            return SchemaMessage.invalidFormat(message)
        }
        if let pattern = key.pattern, !pattern.matches(value) {
            return SchemaMessage.patternMismatch
        }
        // Perl's length() counts bytes here (Proxmox's strings are byte strings).
        if let maxLength = key.maxLength, value.count > maxLength { return SchemaMessage.maxLength(maxLength) }
        if let minLength = key.minLength, value.count < minLength { return SchemaMessage.minLength(minLength) }
        if key.maximum != nil || key.minimum != nil, PerlNumber.isNumber(value) {
            let number = PerlNumber.value(value)
            if let maximum = key.maximum, number > Double(maximum) { return SchemaMessage.maximum(maximum) }
            if let minimum = key.minimum, number < Double(minimum) { return SchemaMessage.minimum(minimum) }
        }
        if let allowed = enumeration {
            let text = Bytes.string(value)
            if !allowed.contains(text) { return SchemaMessage.enumeration(text, allowed) }
        }
        return nil
    }
}
