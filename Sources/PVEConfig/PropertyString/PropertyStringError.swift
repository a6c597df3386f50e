/// A property string (or a config value in a special format) that Proxmox would reject.
///
/// Two shapes exist, as in Proxmox:
/// - a **schema error**: `message == "format error"` and one ``Entry`` per failing key
///   (Proxmox: `PVE::JSONSchema::parse_property_string` raising `format error` with `errors`);
/// - a **plain error**: a single message and no entries, e.g.
///   `duplicate key in comma-separated list property: name` or `unable to parse startup options`.
///
/// ``description`` is the exact text Proxmox prints (its `$@`), including the trailing newline:
/// ```
/// format error
/// hwaddr: invalid format - value does not look like a valid unicast MAC address
///
/// mtu: value must have a minimum value of 64
/// ```
/// Entries are ordered by key (byte order); Proxmox prints them in hash order.
public struct PropertyStringError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One failing key of a schema error.
    public struct Entry: Sendable, Hashable {
        /// The property key, e.g. `mtu`.
        public var key: String
        /// Proxmox's message for this key, verbatim. Messages produced by a named format check
        /// (`invalid format - …`) end in `"\n"` exactly as Proxmox's do, which is why Proxmox's
        /// output shows a blank line after them.
        public var message: String
        /// Byte offset in the input: the start of the value (or of the key for an unknown key);
        /// the input's length for a missing required key.
        public var offset: Int

        /// Creates an entry.
        public init(key: String, message: String, offset: Int) {
            self.key = key
            self.message = message
            self.offset = offset
        }

        /// The `<key>: <message>` line as Proxmox prints it (without the final newline).
        public var line: String { key + ": " + message }
    }

    /// `format error` for a schema error, otherwise the whole message (without trailing newline).
    public var message: String
    /// The failing keys of a schema error (sorted by key); empty for a plain error.
    public var entries: [Entry]
    /// Byte offset in the input where the problem was found (the first entry's offset for a
    /// schema error).
    public var offset: Int

    /// A plain error: one message, no per-key entries.
    public init(message: String, offset: Int) {
        self.message = message
        self.entries = []
        self.offset = offset
    }

    /// A schema error (`format error`) with per-key entries; they are sorted by key.
    public init(entries: [Entry]) {
        self.message = "format error"
        self.entries = entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        self.offset = self.entries.first?.offset ?? 0
    }

    /// Whether this is a schema error with per-key entries.
    public var isFormatError: Bool { !entries.isEmpty }

    /// The message for `key`, if that key failed.
    public func message(forKey key: String) -> String? {
        entries.first { $0.key == key }?.message
    }

    /// Proxmox's exact error text, ending in a newline.
    public var description: String {
        var text = message + "\n"
        for entry in entries { text += entry.key + ": " + entry.message + "\n" }
        return text
    }
}

extension PropertyStringError {
    static func duplicateKey(_ key: String, offset: Int) -> PropertyStringError {
        PropertyStringError(message: "duplicate key in comma-separated list property: " + key, offset: offset)
    }

    static func missingKey(offset: Int) -> PropertyStringError {
        PropertyStringError(message: "missing key in comma-separated list property", offset: offset)
    }

    static func noDefaultKey(offset: Int) -> PropertyStringError {
        PropertyStringError(message: "value without key, but schema does not define a default key", offset: offset)
    }
}

/// Proxmox's per-key messages (`PVE::JSONSchema::check_prop`, `check_object`, `check_type`).
package enum SchemaMessage {
    package static let unknownKey =
        "property is not defined in schema and the schema does not allow additional properties"
    package static let missing = "property is missing and it is not optional"

    package static func typeCheck(_ type: String, got value: String) -> String {
        "type check ('\(type)') failed - got '\(value)'"
    }

    /// A named format's own message (which ends in a newline) behind `invalid format - `.
    package static func invalidFormat(_ formatMessage: String) -> String {
        "invalid format - " + formatMessage + "\n"
    }

    package static let patternMismatch = "value does not match the regex pattern"

    package static func maximum(_ n: Int) -> String { "value must have a maximum value of \(n)" }
    package static func minimum(_ n: Int) -> String { "value must have a minimum value of \(n)" }
    package static func maxLength(_ n: Int) -> String { "value may only be \(n) characters long" }
    package static func minLength(_ n: Int) -> String { "value must be at least \(n) characters long" }

    package static func enumeration(_ value: String, _ allowed: [String]) -> String {
        "value '\(value)' does not have a value in the enumeration '\(allowed.joined(separator: ", "))'"
    }
}
