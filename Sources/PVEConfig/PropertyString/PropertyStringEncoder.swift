/// Encodes ``PropertyStringValue`` types as canonical property strings
/// (Proxmox: `PVE::JSONSchema::print_property_string`): the default key's value bare first, then
/// required (non-optional) keys in byte order, then the optional keys present, in byte order;
/// `nil` optionals are left out; booleans print as `1`/`0`.
public struct PropertyStringEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// Encodes `value`.
    ///
    /// - Throws: ``PropertyStringError`` `illegal value with commas for <key>` when a value
    ///   contains a comma (property strings cannot escape it), or when a value is not a scalar.
    public func encode<T: PropertyStringValue>(_ value: T) throws(PropertyStringError) -> String {
        let state = EncodingState()
        do {
            try value.encode(to: PropertyStringValueEncoder(state: state))
        } catch let error as PropertyStringError {
            throw error
        } catch {
            throw PropertyStringError(message: "\(error)", offset: 0)
        }
        var required: [(String, String)] = []
        var optional: [(String, String)] = []
        var bare: String? = nil
        for (key, entry) in state.order.compactMap({ k in state.values[k].map { (k, $0) } }) {
            if entry.text.contains(",") {
                throw PropertyStringError(message: "illegal value with commas for \(key)", offset: 0)
            }
            if key == T.defaultKey {
                bare = entry.text
            } else if entry.required {
                required.append((key, entry.text))
            } else {
                optional.append((key, entry.text))
            }
        }
        let byBytes: ((String, String), (String, String)) -> Bool = { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        let parts = required.sorted(by: byBytes) + optional.sorted(by: byBytes)
        return PropertyStringWriter.build { w in
            if let bare { w.bare(bare) }
            for (k, v) in parts { w.add(k, v) }
        }
    }
}

final class EncodingState {
    struct Entry {
        var text: String
        var required: Bool
    }

    var values: [String: Entry] = [:]
    var order: [String] = []

    func put(_ key: String, _ text: String, required: Bool) {
        if values[key] == nil { order.append(key) }
        values[key] = Entry(text: text, required: required)
    }
}

struct PropertyStringValueEncoder: Encoder {
    let state: EncodingState
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(state: state))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { UnsupportedEncoding() }
    func singleValueContainer() -> any SingleValueEncodingContainer { UnsupportedEncoding() }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let state: EncodingState
        var codingPath: [any CodingKey] { [] }

        private func put(_ key: Key, _ text: String, required: Bool = true) {
            state.put(key.stringValue, text, required: required)
        }

        mutating func encodeNil(forKey key: Key) throws {}
        mutating func encode(_ value: Bool, forKey key: Key) throws { put(key, value ? "1" : "0") }
        mutating func encode(_ value: String, forKey key: Key) throws { put(key, value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { put(key, ScalarEncoder.number(value)) }
        mutating func encode(_ value: Float, forKey key: Key) throws { put(key, ScalarEncoder.number(Double(value))) }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { put(key, String(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            put(key, try ScalarEncoder.text(of: value))
        }

        // `encodeIfPresent` marks a key optional (synthesized Codable uses it for `Optional`s).
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
            if let value { put(key, value ? "1" : "0", required: false) }
        }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
            if let value { put(key, value, required: false) }
        }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
            if let value { put(key, ScalarEncoder.number(value), required: false) }
        }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws {
            if let value { put(key, ScalarEncoder.number(Double(value)), required: false) }
        }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { optionalInteger(value, key) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { put(key, try ScalarEncoder.text(of: value), required: false) }
        }

        private func optionalInteger<T: FixedWidthInteger>(_ value: T?, _ key: Key) {
            if let value { put(key, String(value), required: false) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(KeyedContainer<NestedKey>(state: EncodingState()))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            UnsupportedEncoding()
        }
        mutating func superEncoder() -> any Encoder { PropertyStringValueEncoder(state: state) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { PropertyStringValueEncoder(state: state) }
    }
}

/// Turns a single scalar `Encodable` (a `String`-backed enum, a wrapper) into its text.
final class ScalarEncoder: Encoder, SingleValueEncodingContainer {
    var text: String? = nil
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func number(_ value: Double) -> String {
        if abs(value) < 1e15, let integer = Int64(exactly: value) { return String(integer) }
        return String(value)
    }

    static func text<T: Encodable>(of value: T) throws -> String {
        let encoder = ScalarEncoder()
        try value.encode(to: encoder)
        guard let text = encoder.text else {
            throw PropertyStringError(message: "a property string value must be a single scalar", offset: 0)
        }
        return text
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(PropertyStringValueEncoder.KeyedContainer<Key>(state: EncodingState()))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { UnsupportedEncoding() }
    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() throws {}
    func encode(_ value: Bool) throws { text = value ? "1" : "0" }
    func encode(_ value: String) throws { text = value }
    func encode(_ value: Double) throws { text = Self.number(value) }
    func encode(_ value: Float) throws { text = Self.number(Double(value)) }
    func encode(_ value: Int) throws { text = String(value) }
    func encode(_ value: Int8) throws { text = String(value) }
    func encode(_ value: Int16) throws { text = String(value) }
    func encode(_ value: Int32) throws { text = String(value) }
    func encode(_ value: Int64) throws { text = String(value) }
    func encode(_ value: UInt) throws { text = String(value) }
    func encode(_ value: UInt8) throws { text = String(value) }
    func encode(_ value: UInt16) throws { text = String(value) }
    func encode(_ value: UInt32) throws { text = String(value) }
    func encode(_ value: UInt64) throws { text = String(value) }
    func encode<T: Encodable>(_ value: T) throws { text = try Self.text(of: value) }
}

/// Lists and nested containers have no property-string form; encoding one fails.
struct UnsupportedEncoding: UnkeyedEncodingContainer, SingleValueEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    var count: Int { 0 }
    private func fail() throws -> Never {
        throw PropertyStringError(message: "a property string value must be a single scalar", offset: 0)
    }
    mutating func encodeNil() throws { try fail() }
    mutating func encode<T: Encodable>(_ value: T) throws { try fail() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(PropertyStringValueEncoder.KeyedContainer<NestedKey>(state: EncodingState()))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
    mutating func superEncoder() -> any Encoder { PropertyStringValueEncoder(state: EncodingState()) }
}
