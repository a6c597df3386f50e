import PVECore
/// Decodes ``PropertyStringValue`` types from property strings, with Proxmox's parsing rules and
/// messages (Proxmox: `PVE::JSONSchema::parse_property_string` + `check_object`).
///
/// Errors per key are collected and thrown together as one `format error`, like Proxmox does:
/// a missing non-optional key, a key the type does not read (unknown key), and type-check
/// failures (`type check ('boolean') failed - got 'maybe'`).
public struct PropertyStringDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes `type` from `string`.
    ///
    /// - Throws: ``PropertyStringError``.
    public func decode<T: PropertyStringValue>(_ type: T.Type, from string: String) throws(PropertyStringError) -> T {
        let state = try DecodingState(string, defaultKey: T.defaultKey)
        let value: T
        do {
            value = try T(from: PropertyStringValueDecoder(state: state))
        } catch let error as PropertyStringError {
            throw error
        } catch {
            // Decoding stopped early: keys after the failing one were never asked for, so only
            // the errors recorded so far are reported (no unknown-key guesses).
            if state.errors.isEmpty { throw PropertyStringError(message: "\(error)", offset: 0) }
            throw PropertyStringError(entries: state.errors)
        }
        let errors = state.finishedErrors()
        if !errors.isEmpty { throw PropertyStringError(entries: errors) }
        return value
    }
}

final class DecodingState {
    struct Value {
        var text: String
        var offset: Int
    }

    var values: [String: Value] = [:]
    var order: [String] = []
    var requested: Set<String> = []
    var errors: [PropertyStringError.Entry] = []
    let length: Int

    init(_ string: String, defaultKey: String?) throws(PropertyStringError) {
        length = string.utf8.count
        var offsets: [Int] = []
        Bytes.withBytes(string) { s in
            var parser = PropertyStringParser(s)
            while let (part, _) = parser.next() {
                switch part {
                case .pair(_, let v), .bare(let v): offsets.append(v.lowerBound)
                default: break
                }
            }
        }
        let entries = try PropertyString.entries(string, defaultKey: defaultKey)
        for (i, entry) in entries.enumerated() {
            let key = entry.key ?? defaultKey ?? ""
            values[key] = Value(text: entry.value, offset: i < offsets.count ? offsets[i] : 0)
            order.append(key)
        }
    }

    func fail(_ key: String, _ message: String) {
        guard !errors.contains(where: { $0.key == key }) else { return }
        errors.append(.init(key: key, message: message, offset: values[key]?.offset ?? length))
    }

    func finishedErrors() -> [PropertyStringError.Entry] {
        var all = errors
        for key in order where !requested.contains(key) && !all.contains(where: { $0.key == key }) {
            all.append(.init(key: key, message: SchemaMessage.unknownKey, offset: values[key]?.offset ?? 0))
        }
        return all
    }
}

/// A placeholder thrown when a value cannot be produced; the real message is in `DecodingState`.
struct PropertyStringDecodingAbort: Error {}

struct PropertyStringValueDecoder: Decoder {
    let state: DecodingState
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedContainer<Key>(state: state))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch(
            [Any].self, .init(codingPath: codingPath, debugDescription: "property strings have no lists"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(
            Any.self, .init(codingPath: codingPath, debugDescription: "a property string is a keyed value"))
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let state: DecodingState
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { state.order.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool {
            state.requested.insert(key.stringValue)
            return state.values[key.stringValue] != nil
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            state.requested.insert(key.stringValue)
            return state.values[key.stringValue] == nil
        }

        /// The value's text; a missing key is recorded and yields nil.
        private func text(_ key: Key) -> String? {
            state.requested.insert(key.stringValue)
            guard let value = state.values[key.stringValue] else {
                state.fail(key.stringValue, SchemaMessage.missing)
                return nil
            }
            return value.text
        }

        // Scalars record a failure and return a placeholder so that the remaining keys are
        // still checked; the decoder throws the collected errors at the end.
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
            guard let t = text(key) else { return false }
            return (try? ScalarText.bool(t) { state.fail(key.stringValue, $0) }) ?? false
        }

        func decode(_ type: String.Type, forKey key: Key) throws -> String { text(key) ?? "" }

        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            guard let t = text(key) else { return 0 }
            return (try? ScalarText.number(t) { state.fail(key.stringValue, $0) }) ?? 0
        }

        func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
            Float(try decode(Double.self, forKey: key))
        }

        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

        private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
            guard let t = text(key) else { return 0 }
            return (try? ScalarText.integer(t) { state.fail(key.stringValue, $0) }) ?? 0
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let t = text(key) else { throw PropertyStringDecodingAbort() }
            do {
                return try T(from: ScalarDecoder(text: t, fail: { state.fail(key.stringValue, $0) }))
            } catch is PropertyStringDecodingAbort {
                throw PropertyStringDecodingAbort()
            } catch {
                state.fail(key.stringValue, "value '\(t)' is not valid here")
                throw PropertyStringDecodingAbort()
            }
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(
                type, .init(codingPath: [key], debugDescription: "property strings do not nest"))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch(
                [Any].self, .init(codingPath: [key], debugDescription: "property strings have no lists"))
        }

        func superDecoder() throws -> any Decoder { PropertyStringValueDecoder(state: state) }
        func superDecoder(forKey key: Key) throws -> any Decoder { PropertyStringValueDecoder(state: state) }
    }
}

/// Proxmox's scalar rules for one value's text.
enum ScalarText {
    static func bool(_ t: String, fail: (String) -> Void) throws -> Bool {
        guard let b = PropertyString.parseBoolean(t) else {
            fail(SchemaMessage.typeCheck("boolean", got: t))
            throw PropertyStringDecodingAbort()
        }
        return b
    }

    static func number(_ t: String, fail: (String) -> Void) throws -> Double {
        guard Bytes.withBytes(t, { PerlNumber.isNumber($0) }) else {
            fail(SchemaMessage.typeCheck("number", got: t))
            throw PropertyStringDecodingAbort()
        }
        return Bytes.withBytes(t) { PerlNumber.value($0) }
    }

    static func integer<T: FixedWidthInteger>(_ t: String, fail: (String) -> Void) throws -> T {
        guard Bytes.withBytes(t, { PerlNumber.isInteger($0) }) else {
            fail(SchemaMessage.typeCheck("integer", got: t))
            throw PropertyStringDecodingAbort()
        }
        let digits = t.hasPrefix("+") ? String(t.dropFirst()) : t
        guard let value = T(digits) else {
            if digits.hasPrefix("-") {
                fail(SchemaMessage.minimum(Int(clamping: T.min)))
            } else {
                fail(SchemaMessage.maximum(Int(clamping: T.max)))
            }
            throw PropertyStringDecodingAbort()
        }
        return value
    }
}

/// Decodes one value's text into a type that uses a single-value container.
struct ScalarDecoder: Decoder, SingleValueDecodingContainer {
    let text: String
    let fail: (String) -> Void
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "scalar value"))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "scalar value"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { false }
    func decode(_ type: Bool.Type) throws -> Bool { try ScalarText.bool(text, fail: fail) }
    func decode(_ type: String.Type) throws -> String { text }
    func decode(_ type: Double.Type) throws -> Double { try ScalarText.number(text, fail: fail) }
    func decode(_ type: Float.Type) throws -> Float { Float(try ScalarText.number(text, fail: fail)) }
    func decode(_ type: Int.Type) throws -> Int { try ScalarText.integer(text, fail: fail) }
    func decode(_ type: Int8.Type) throws -> Int8 { try ScalarText.integer(text, fail: fail) }
    func decode(_ type: Int16.Type) throws -> Int16 { try ScalarText.integer(text, fail: fail) }
    func decode(_ type: Int32.Type) throws -> Int32 { try ScalarText.integer(text, fail: fail) }
    func decode(_ type: Int64.Type) throws -> Int64 { try ScalarText.integer(text, fail: fail) }
    func decode(_ type: UInt.Type) throws -> UInt { try ScalarText.integer(text, fail: fail) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try ScalarText.integer(text, fail: fail) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try ScalarText.integer(text, fail: fail) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try ScalarText.integer(text, fail: fail) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try ScalarText.integer(text, fail: fail) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}
