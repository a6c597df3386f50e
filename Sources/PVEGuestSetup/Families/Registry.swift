package import PVEGuestOS

/// Which `GuestFamily` handles which `ostype`.
///
/// Proxmox: the `$plugins` table of `PVE::LXC::Setup` and each plugin's `new`.
package enum GuestFamilies {
    /// Builds a family from the detected OS (type and version as the plugin stores it) and the config;
    /// throws the plugin constructor's errors (e.g. unsupported versions).
    package typealias Factory = @Sendable (DetectedOS, GuestSetupConfig) throws(SetupError) -> any GuestFamily

    /// Registered families. Add one line per new family.
    package static let factories: [OSType: Factory] = [
        .debian: { (os, config) throws(SetupError) in try DebianFamily(os: os, config: config) },
        .devuan: { (os, config) throws(SetupError) in try DevuanFamily(os: os, config: config) },
        .ubuntu: { (os, config) throws(SetupError) in try UbuntuFamily(os: os, config: config) },
        .alpine: { (os, config) throws(SetupError) in try AlpineFamily(os: os, config: config) },
        .centos: { (os, config) throws(SetupError) in try CentOSFamily(os: os, config: config) },
        .fedora: { (os, config) throws(SetupError) in try FedoraFamily(os: os, config: config) },
        .openeuler: { (os, config) throws(SetupError) in try OpenEulerFamily(os: os, config: config) },
        .archlinux: { (os, config) throws(SetupError) in ArchLinuxFamily(os: os, config: config) },
        .opensuse: { (os, config) throws(SetupError) in SUSEFamily(os: os, config: config) },
        .gentoo: { (os, config) throws(SetupError) in GentooFamily(os: os, config: config) },
        .nixos: { (os, config) throws(SetupError) in NixOSFamily(os: os, config: config) },
        .unmanaged: { (os, config) throws(SetupError) in UnmanagedFamily(os: os, config: config) },
    ]

    /// The family for `os`; `ostype: unmanaged` always wins, as in `PVE::LXC::Setup->new`.
    /// - throws: `no such OS type '<type>'`.
    package static func family(for os: DetectedOS, config: GuestSetupConfig) throws(SetupError) -> any GuestFamily {
        var type = os.type
        if config.ostype == OSType.unmanaged.rawValue { type = .unmanaged }
        guard let factory = factories[type] ?? extraFactory(type) else {
            throw SetupError("no such OS type '\(type.rawValue)'")
        }
        return try factory(DetectedOS(type: type, version: os.version, warnings: os.warnings), config)
    }

    /// Families registered outside this table (none yet): kept as a seam for additions.
    static func extraFactory(_ type: OSType) -> Factory? { nil }
}
