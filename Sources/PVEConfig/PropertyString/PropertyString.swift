import PVECore
/// Proxmox property strings (`name=eth0,bridge=vmbr0,ip=dhcp`): the schema-free raw layer.
///
/// Grammar (Proxmox: `PVE::JSONSchema::parse_property_string`):
/// - the text is split at **every** `,` — no quoting, no escaping;
/// - a part that is empty or only whitespace is skipped;
/// - `key=value` splits at the first `=`; the value may contain further `=`; no trimming;
/// - a part without `=` is a bare value for the format's default key.
///
/// For schema checks use the typed values (``NetworkInterface``, ``MountPoint``, …),
/// ``ConfigValueFormat/check(_:as:)`` or ``PropertyStringDecoder``.
public enum PropertyString {
    /// One `key=value` part of a property string; `key == nil` for a bare value (the default key).
    public struct Entry: Sendable, Hashable {
        /// The key, or nil for a bare value.
        public var key: String?
        /// The value (for `key=value`, everything after the first `=`).
        public var value: String
        /// Creates an entry.
        public init(key: String?, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Splits a property string into its parts without any schema check: parts are separated by
    /// `,`, blank parts are skipped, a part is `key=value` or a bare value. Lenient: a malformed
    /// part (`=x`, `k=`) is split at its first `=` as well (``entries(_:defaultKey:)`` rejects it).
    public static func rawEntries(_ string: String) -> [Entry] {
        Bytes.withBytes(string) { s in
            var result: [Entry] = []
            var parser = PropertyStringParser(s)
            while let (part, _) = parser.next() {
                switch part {
                case .blank: continue
                case .pair(let k, let v):
                    result.append(Entry(key: text(s, k), value: text(s, v)))
                case .bare(let v):
                    result.append(Entry(key: nil, value: text(s, v)))
                case .malformed(let r):
                    let eq = s[r].firstIndex(of: ASCII.equals) ?? r.upperBound
                    let valueStart = min(eq + 1, r.upperBound)
                    result.append(Entry(key: text(s, r.lowerBound..<eq), value: text(s, valueStart..<r.upperBound)))
                }
            }
            return result
        }
    }

    /// Splits a property string like ``rawEntries(_:)`` but rejects what Proxmox rejects before
    /// any schema check: malformed parts (`missing key in comma-separated list property`) and a
    /// key given twice (`duplicate key in comma-separated list property: <key>`; two bare values
    /// count as the key `defaultKey`, or fail with `value without key, but schema does not define
    /// a default key` when `defaultKey` is nil).
    ///
    /// - Throws: ``PropertyStringError`` with the byte offset of the offending part.
    public static func entries(_ string: String, defaultKey: String? = nil) throws(PropertyStringError) -> [Entry] {
        try Bytes.withBytes(string) { (s) throws(PropertyStringError) -> [Entry] in
            var result: [Entry] = []
            var parser = PropertyStringParser(s)
            var seen: Set<String> = []
            var sawBare = false
            while let (part, start) = parser.next() {
                switch part {
                case .blank: continue
                case .pair(let k, let v):
                    let key = text(s, k)
                    if !seen.insert(key).inserted { throw .duplicateKey(key, offset: start) }
                    result.append(Entry(key: key, value: text(s, v)))
                case .bare(let v):
                    guard let defaultKey else { throw .noDefaultKey(offset: start) }
                    if sawBare { throw .duplicateKey(defaultKey, offset: start) }
                    sawBare = true
                    let value = text(s, v)
                    if let i = result.firstIndex(where: { $0.key == defaultKey }) {
                        guard result[i].value == "0" else { throw .duplicateKey(defaultKey, offset: start) }
                        result.remove(at: i)
                    }
                    seen.insert(defaultKey)
                    result.append(Entry(key: nil, value: value))
                case .malformed:
                    throw .missingKey(offset: start)
                }
            }
            return result
        }
    }

    @inline(__always)
    static func text(_ s: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        Bytes.string(UnsafeBufferPointer(rebasing: s[r]))
    }

    /// Proxmox's `parse_boolean`: `1|on|yes|true` → true, `0|off|no|false` → false, any case;
    /// nil for anything else.
    public static func parseBoolean(_ text: String) -> Bool? {
        Bytes.withBytes(text) { parsePerlBoolean($0) }
    }
}
