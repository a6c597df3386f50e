/// A guest OS type as Proxmox names it (the `ostype` config key and the setup plugin names).
///
/// An extensible "enum": the known values are static members; unknown strings can still be
/// represented (e.g. an `ostype` from a newer Proxmox).
public struct OSType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let debian = OSType("debian")
    public static let devuan = OSType("devuan")
    public static let ubuntu = OSType("ubuntu")
    public static let centos = OSType("centos")
    public static let fedora = OSType("fedora")
    public static let opensuse = OSType("opensuse")
    public static let archlinux = OSType("archlinux")
    public static let alpine = OSType("alpine")
    public static let gentoo = OSType("gentoo")
    public static let nixos = OSType("nixos")
    public static let openeuler = OSType("openeuler")
    public static let unmanaged = OSType("unmanaged")

    /// Every type Proxmox has a setup plugin for (`PVE::LXC::Setup` `$plugins`).
    public static let all: [OSType] = [
        .alpine, .archlinux, .centos, .debian, .devuan, .fedora, .gentoo, .openeuler, .opensuse, .ubuntu, .nixos,
        .unmanaged,
    ]

    public var description: String { rawValue }
}

/// The result of OS detection: which setup plugin Proxmox would use and the version it parsed.
///
/// Proxmox counterpart: the plugin object built by `PVE::LXC::Setup->new` (its `{version}` field).
public struct DetectedOS: Sendable, Hashable {
    /// The plugin type Proxmox would pick.
    public var type: OSType
    /// The version as the plugin stores it in `$self->{version}` (e.g. `"11.3"`, `"3.13.1"`,
    /// `"8"`, `"20240101"`); empty when the plugin keeps none.
    public var version: String
    /// Warnings Proxmox would log (`warn`) on the way, in order, with Proxmox's texts.
    public var warnings: [String]

    public init(type: OSType, version: String, warnings: [String] = []) {
        self.type = type
        self.version = version
        self.warnings = warnings
    }
}
