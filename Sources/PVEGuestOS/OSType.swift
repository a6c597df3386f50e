/// A guest OS type as Proxmox names it (the `ostype` config key and the setup plugin names).
///
/// An extensible "enum": the known values are static members; unknown strings can still be
/// represented (e.g. an `ostype` from a newer Proxmox).
public struct OSType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The type with this `ostype` name.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Debian (`/etc/debian_version`).
    public static let debian = OSType("debian")
    /// Devuan (`/etc/devuan_version`).
    public static let devuan = OSType("devuan")
    /// Ubuntu (`/etc/lsb-release`).
    public static let ubuntu = OSType("ubuntu")
    /// CentOS and the RHEL family (`/etc/redhat-release`).
    public static let centos = OSType("centos")
    /// Fedora.
    public static let fedora = OSType("fedora")
    /// openSUSE and SLES.
    public static let opensuse = OSType("opensuse")
    /// Arch Linux.
    public static let archlinux = OSType("archlinux")
    /// Alpine Linux.
    public static let alpine = OSType("alpine")
    /// Gentoo.
    public static let gentoo = OSType("gentoo")
    /// NixOS.
    public static let nixos = OSType("nixos")
    /// openEuler.
    public static let openeuler = OSType("openeuler")
    /// Anything Proxmox does not configure (`ostype: unmanaged`).
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

    /// A detection result.
    public init(type: OSType, version: String, warnings: [String] = []) {
        self.type = type
        self.version = version
        self.warnings = warnings
    }
}
