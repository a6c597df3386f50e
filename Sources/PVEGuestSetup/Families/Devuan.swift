import PVEConfig
package import PVEGuestOS

/// Devuan: Debian's behaviour with the Debian-equivalent version; always the old interfaces form.
///
/// Proxmox: `PVE::LXC::Setup::Devuan`.
package struct DevuanFamily: GuestFamily {
    package var osType: OSType { .devuan }
    /// The Debian-equivalent major version.
    package var major: Int
    package var version: String { String(major) }

    static let codenames: [String: Int] = [
        "jessie": 8, "ascii": 9, "ascii/ceres": 9, "beowulf": 10, "beowulf/ceres": 10, "chimaera": 11,
        "chimaera/ceres": 11, "daedalus": 12, "daedalus/ceres": 12, "excalibur": 13, "excalibur/ceres": 13,
    ]

    /// Accepts the mapped number or the codename from `/etc/devuan_version`.
    /// - throws: `unsupported Devuan version '<v>'`.
    package init(os: DetectedOS, config: GuestSetupConfig) throws(SetupError) {
        let v = os.version.lowercased()
        if let n = Self.codenames[v] {
            major = n
        } else if let n = Int(v) {
            major = n
        } else {
            throw SetupError("unsupported Devuan version '\(v)'")
        }
    }

    package init(major: Int) { self.major = major }

    package func devttyDirectory(_ ctx: SetupContext) -> String { "" }
    package func snakeoilFixup(_ ctx: inout SetupContext) throws(SetupError) { try DebianSetup.snakeoilFixup(&ctx) }
    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        try DebianSetup.setupInit(self, &ctx, major: major)
    }
    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        try IfupdownNetwork.setup(&ctx, networks: try ctx.config.interfaces(), style: .legacy)
    }
    package func unifiedCgroupV2Support(_ ctx: SetupContext, initPath: String?) -> Bool { true }
}
