/// A `Codable` type that is stored as a Proxmox property string, for formats of your own.
///
/// Stored properties become keys; optional properties are optional keys, non-optional ones are
/// required (they are printed right after the default key, as Proxmox does). Supported value
/// types: `String`, `Bool` (Proxmox's boolean words in, `0`/`1` out), all integer types and
/// `Double`/`Float` (Perl's number grammar), and types that encode as one of those (e.g. a
/// `String`-backed enum).
///
/// ```swift
/// struct Backup: PropertyStringValue {
///     static let defaultKey: String? = "storage"
///     var storage: String
///     var compress: Bool?
///     var keep: Int?
/// }
/// let b = try PropertyStringDecoder().decode(Backup.self, from: "local,compress=yes")
/// try PropertyStringEncoder().encode(b)  // "local,compress=1"
/// ```
public protocol PropertyStringValue: Codable {
    /// The key a bare value (a part without `=`) belongs to, or nil if bare values are errors
    /// (Proxmox: the `default_key` schema attribute).
    static var defaultKey: String? { get }
}

extension PropertyStringValue {
    /// No default key unless the type declares one.
    public static var defaultKey: String? { nil }
}
