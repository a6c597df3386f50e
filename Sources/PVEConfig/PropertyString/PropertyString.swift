/// Proxmox property strings (`name=eth0,bridge=vmbr0,ip=dhcp`): raw layer.
///
/// Placeholder API, to be completed by the property-string issue. Other modules may rely on
/// `PropertyString.rawEntries(_:)`'s shape.
public enum PropertyString {
    /// One `key=value` part of a property string; `key == nil` for a bare value (the default key).
    public struct Entry: Sendable, Hashable {
        public var key: String?
        public var value: String
        public init(key: String?, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Splits a property string into its parts without any schema check: parts are separated by
    /// `,`, a part is `key=value` or a bare value; empty parts are skipped.
    public static func rawEntries(_ string: String) -> [Entry] {
        string.split(separator: ",", omittingEmptySubsequences: true).map { part in
            if let eq = part.firstIndex(of: "=") {
                return Entry(key: String(part[..<eq]), value: String(part[part.index(after: eq)...]))
            }
            return Entry(key: nil, value: String(part))
        }
    }
}
