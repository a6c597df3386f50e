import PVECore
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
        /// The allowed values as a range of `enumerationValues` (nil: no `enum`).
        var enumeration: Range<Int>?
        /// A string key whose only check is one format or one pattern: `validate` runs it
        /// without going through `problem`.
        var only: OnlyCheck = .none

        enum OnlyCheck: Sendable {
            case none
            case format(Format)
            case pattern(Pattern)
        }
    }

    /// Keys sorted in byte order (Proxmox's print order for non-default keys).
    package let keys: [Key]
    /// Index of the `default_key`, if any.
    package let defaultKey: Int?
    /// `keys[i]`'s rules.
    private let rules: UnsafeMutableBufferPointer<Rule>
    /// The byte ranges (in `enumerationBytes`) of every key's allowed values, back to back.
    private let enumerationValues: UnsafeMutableBufferPointer<Range<Int>>
    private let enumerationBytes: UnsafeMutableBufferPointer<UInt8>
    /// Bit `i` set: `keys[i]` is required.
    private let requiredKeys: UInt64
    /// Bit `i` set: `keys[i]` is a boolean.
    private let booleanKeys: UInt64
    /// Key lookup by hashing the packed name: `hashTable[hash(name)]` is the key index + 1, or 0.
    private let hashTable: UnsafeMutableBufferPointer<UInt8>
    private let hashMultiplier: UInt64
    /// `keys[i]` packed, for checking a hashed lookup.
    private let packedKeys: UnsafeMutableBufferPointer<PackedName>

    package init(_ keys: [Key], defaultKey: String? = nil) {
        precondition(keys.count <= 64, "a property-string schema has at most 64 keys")
        let sorted = keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        self.keys = sorted
        self.defaultKey = defaultKey.flatMap { name in sorted.firstIndex { $0.name == name } }
        var values: [Range<Int>] = []
        var bytes: [UInt8] = []
        var rules: [Rule] = []
        for key in sorted {
            var enumeration: Range<Int>?
            if let allowed = key.enumeration {
                let first = values.count
                for value in allowed {
                    values.append(bytes.count..<(bytes.count + value.utf8.count))
                    bytes.append(contentsOf: value.utf8)
                }
                enumeration = first..<values.count
            }
            var rule = Rule(
                type: key.type, optional: key.optional, format: key.format, pattern: key.pattern,
                minimum: key.minimum, maximum: key.maximum, minLength: key.minLength, maxLength: key.maxLength,
                enumeration: enumeration)
            if key.type == .string, key.minimum == nil, key.maximum == nil, key.minLength == nil, key.maxLength == nil,
                enumeration == nil
            {
                switch (key.format, key.pattern) {
                case (let format?, nil): rule.only = .format(format)
                case (nil, let pattern?): rule.only = .pattern(pattern)
                default: break
                }
            }
            rules.append(rule)
        }
        self.rules = Self.allocate(rules)
        self.enumerationValues = Self.allocate(values)
        self.enumerationBytes = Self.allocate(bytes)
        var required: UInt64 = 0
        var booleans: UInt64 = 0
        for (i, key) in sorted.enumerated() {
            if !key.optional { required |= 1 << i }
            if key.type == .boolean { booleans |= 1 << i }
        }
        self.requiredKeys = required
        self.booleanKeys = booleans
        let packed = sorted.map { PackedName($0.bytes) }
        self.packedKeys = Self.allocate(packed)
        // A multiplier under which the names that fit a packed name hash to distinct slots
        // (tried in a fixed order, so the table is the same on every run).
        precondition(Set(sorted.map(\.name)).count == sorted.count, "a property-string schema names each key once")
        var multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var table = [UInt8](repeating: 0, count: Self.hashTableSize)
        var attempts = 0
        search: while true {
            attempts += 1
            precondition(attempts < 1_000_000, "no collision-free key hash for this schema")
            table = [UInt8](repeating: 0, count: Self.hashTableSize)
            for (i, name) in packed.enumerated() where name.count <= PackedName.capacity {
                let h = Self.hash(name, multiplier)
                if table[h] != 0 {
                    multiplier &+= 0x2545_F491_4F6C_DD1D &* 2
                    continue search
                }
                table[h] = UInt8(i + 1)
            }
            break
        }
        self.hashTable = Self.allocate(table)
        self.hashMultiplier = multiplier
    }

    private static let hashTableSize = 256

    @inline(__always)
    private static func hash(_ name: PackedName, _ multiplier: UInt64) -> Int {
        Int(truncatingIfNeeded: ((name.low ^ name.high &* 0xFF51_AFD7_ED55_8CCD ^ UInt64(name.count)) &* multiplier) &>> 56)
    }

    private static func allocate<T>(_ elements: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: elements.count)
        _ = buffer.initialize(from: elements)
        return buffer
    }

    deinit {
        rules.deinitialize().deallocate()
        enumerationValues.deallocate()
        enumerationBytes.deallocate()
        hashTable.deallocate()
        packedKeys.deinitialize().deallocate()
    }

    /// Index of the key named `name` (a programming error if absent: returns 0).
    package func index(named name: String) -> Int {
        keys.firstIndex { $0.name == name } ?? 0
    }

    /// Index of the key spelled by `s`, or nil for a key the schema does not define.
    package func index(of s: UnsafeBufferPointer<UInt8>) -> Int? {
        index(ofKeyAt: 0..<s.count, in: s)
    }

    /// Index of the key spelled by `s[range]`, or nil for a key the schema does not define.
    @inline(__always)
    package func index(ofKeyAt range: Range<Int>, in s: UnsafeBufferPointer<UInt8>) -> Int? {
        guard range.count <= PackedName.capacity else {
            return longNameIndex(of: UnsafeBufferPointer(rebasing: s[range]))
        }
        let name = PackedName(s, range)
        let entry = Int(hashTable[Self.hash(name, hashMultiplier)])
        guard entry != 0, packedKeys[entry - 1] == name else { return nil }
        return entry - 1
    }

    /// The rare case of an input key longer than a packed name: compare the full names.
    private func longNameIndex(of s: UnsafeBufferPointer<UInt8>) -> Int? {
        keys.firstIndex { $0.bytes.elementsEqual(s) }
    }

    /// A key's value in the input: its byte range and where its key started.
    package struct Slot: Sendable, Equatable {
        package var value: Range<Int>
        package var keyOffset: Int
    }

    /// The result of `parse`: one slot per schema key, holding a value where `present` has the
    /// key's bit (valid only inside `parse`'s closure; other slots are uninitialized), plus
    /// unknown keys.
    package struct Parsed {
        package var storage: UnsafeMutablePointer<Slot>
        package var present: UInt64 = 0
        package var unknown: [(key: Range<Int>, value: Range<Int>)]

        package subscript(_ index: Int) -> Slot? { present & 1 << index != 0 ? storage[index] : nil }

        @inline(__always)
        mutating func set(_ index: Int, _ slot: Slot) {
            (storage + index).initialize(to: slot)
            present |= 1 << index
        }
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
        // `Slot` is a trivial type: the slots need no initialization or clean-up beyond `present`.
        try withUnsafeTemporaryAllocation(of: Slot.self, capacity: Swift.max(keys.count, 1)) {
            (slots) throws(PropertyStringError) -> R in
            return try body(try parse(s, into: slots.baseAddress!))
        }
    }

    private func parse(
        _ s: UnsafeBufferPointer<UInt8>, into slots: UnsafeMutablePointer<Slot>
    ) throws(PropertyStringError) -> Parsed {
        var parsed = Parsed(storage: slots, unknown: [])
        var sawBareValue = false
        var parser = PropertyStringParser(s)
        while let (part, start) = parser.next() {
            switch part {
            case .blank:
                continue
            case .pair(let keyRange, let valueRange):
                if let index = index(ofKeyAt: keyRange, in: s) {
                    if parsed.present & 1 << index != 0 { throw .duplicateKey(keys[index].name, offset: start) }
                    parsed.set(index, Slot(value: valueRange, keyOffset: start))
                } else {
                    let key = UnsafeBufferPointer(rebasing: s[keyRange])
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
                if let existing = parsed[defaultKey] {
                    let v = s[existing.value]
                    guard v.count == 1, v.first == ASCII.zero else {
                        throw .duplicateKey(keys[defaultKey].name, offset: start)
                    }
                }
                parsed.set(defaultKey, Slot(value: valueRange, keyOffset: start))
            case .malformed:
                throw .missingKey(offset: start)
            }
        }
        try validate(s, parsed)
        return parsed
    }

    /// Proxmox's `check_object` on the parsed slots: every present value passes its key's checks,
    /// every required key is present, and there are no unknown keys. All failures are collected.
    private func validate(_ s: UnsafeBufferPointer<UInt8>, _ parsed: Parsed) throws(PropertyStringError) {
        var errors: [PropertyStringError.Entry] = []
        // The present and the required keys, in key order.
        var pending = parsed.present | requiredKeys
        while pending != 0 {
            let index = pending.trailingZeroBitCount
            let bit: UInt64 = 1 << index
            pending &= pending &- 1
            guard parsed.present & bit != 0 else {
                errors.append(.init(key: keys[index].name, message: SchemaMessage.missing, offset: s.count))
                continue
            }
            let slot = parsed.storage[index]
            // The usual boolean, `0` or `1`, needs no further look.
            if booleanKeys & bit != 0, slot.value.count == 1, s[slot.value.lowerBound] & 0xFE == ASCII.zero { continue }
            let value = UnsafeBufferPointer(rebasing: s[slot.value])
            let message: String?
            // What `problem` would do for a key with a single check, without its other tests.
            switch rules[index].only {
            case .format(let format): message = format.check(value).map(SchemaMessage.invalidFormat)
            case .pattern(let pattern): message = pattern.matches(value) ? nil : SchemaMessage.patternMismatch
            case .none: message = problem(value, key: index)
            }
            if let message {
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
    }

    /// `check_prop` for the present value of `keys[index]`, stopping at the first failure: type,
    /// format, pattern, maxLength, minLength, maximum and minimum (only if the value looks
    /// numeric), enum. Messages are built only for a failing value.
    package func problem(_ value: UnsafeBufferPointer<UInt8>, key index: Int) -> String? {
        let rule = rules.baseAddress! + index
        switch rule.pointee.type {
        case .string: break
        case .boolean:
            if parsePerlBoolean(value) == nil { return SchemaMessage.typeCheck("boolean", got: Bytes.string(value)) }
            return nil
        case .integer:
            if !PerlNumber.isInteger(value) { return SchemaMessage.typeCheck("integer", got: Bytes.string(value)) }
        case .number:
            if !PerlNumber.isNumber(value) { return SchemaMessage.typeCheck("number", got: Bytes.string(value)) }
        }
        if let format = rule.pointee.format, let message = format.check(value) {
            return SchemaMessage.invalidFormat(message)
        }
        if let pattern = rule.pointee.pattern, !pattern.matches(value) {
            return SchemaMessage.patternMismatch
        }
        // Perl's length() counts bytes here (Proxmox's strings are byte strings).
        if let maxLength = rule.pointee.maxLength, value.count > maxLength { return SchemaMessage.maxLength(maxLength) }
        if let minLength = rule.pointee.minLength, value.count < minLength { return SchemaMessage.minLength(minLength) }
        if rule.pointee.maximum != nil || rule.pointee.minimum != nil, PerlNumber.isNumber(value) {
            if let maximum = rule.pointee.maximum, PerlNumber.compare(value, maximum) > 0 {
                return SchemaMessage.maximum(maximum)
            }
            if let minimum = rule.pointee.minimum, PerlNumber.compare(value, minimum) < 0 {
                return SchemaMessage.minimum(minimum)
            }
        }
        if let allowed = rule.pointee.enumeration, !isAllowed(value, allowed) {
            return SchemaMessage.enumeration(Bytes.string(value), keys[index].enumeration ?? [])
        }
        return nil
    }

    /// Whether `value` is one of the allowed values (Perl's `eq`: byte equality).
    private func isAllowed(_ value: UnsafeBufferPointer<UInt8>, _ allowed: Range<Int>) -> Bool {
        for range in enumerationValues[allowed] where range.count == value.count {
            if UnsafeBufferPointer(rebasing: enumerationBytes[range]).elementsEqual(value) { return true }
        }
        return false
    }
}

/// A key name of up to 16 bytes as two little-endian words plus its length, so that looking up
/// an input key is a few integer comparisons per schema key instead of a byte loop.
struct PackedName: Equatable {
    static let capacity = 16
    var low: UInt64 = 0
    var high: UInt64 = 0
    var count: Int

    /// Packs the first `capacity` bytes of `name` (longer names keep their full length, so they
    /// never equal a packed input key, which is at most `capacity` bytes long).
    init<C: Collection<UInt8>>(_ name: C) {
        count = name.count
        for (i, b) in name.prefix(Self.capacity).enumerated() {
            if i < 8 { low |= UInt64(b) << (8 * i) } else { high |= UInt64(b) << (8 * (i - 8)) }
        }
    }

    /// Packs `s[range]` (at most `capacity` bytes).
    @inline(__always)
    init(_ s: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        count = range.count
        guard count > 0 else { return }
        let at = range.lowerBound
        if at + 16 <= s.count {
            // Two loads, the bytes past the name cleared.
            let low = ByteWords.load(s, at: at)
            let high = ByteWords.load(s, at: at + 8)
            self.low = count >= 8 ? low : low & ((1 &<< UInt64(8 * count)) &- 1)
            self.high = count >= 16 ? high : (count <= 8 ? 0 : high & ((1 &<< UInt64(8 * (count - 8))) &- 1))
            return
        }
        low = ByteWords.packed(s, at: at, count: min(count, 8))
        if count > 8 { high = ByteWords.packed(s, at: at + 8, count: count - 8) }
    }
}

extension PerlNumber {
    /// The sign of `value - bound` as Perl's numeric comparison sees it, for a value that passed
    /// ``isNumber(_:)``. Plain digit strings short enough to be exact doubles are compared as
    /// integers (the common case, e.g. `mtu=1500`); everything else goes through ``value(_:)``.
    static func compare(_ raw: UnsafeBufferPointer<UInt8>, _ bound: Int) -> Int {
        let s = Bytes.dollarTrimmed(raw)
        if s.count <= 15, Bytes.isDigits(s) {
            let v = Int(Bytes.digitValue(s))
            return v > bound ? 1 : (v < bound ? -1 : 0)
        }
        let number = value(raw)
        return number > Double(bound) ? 1 : (number < Double(bound) ? -1 : 0)
    }
}
