import PVEConfig
import PVECore
package import PVEGuestOS

/// Ubuntu: Debian with upstart ttys (12.04/14.04), systemd gettys (≥ 16.10), presets (≥ 23.04),
/// ifupdown before 17.10 and systemd-networkd from 17.10.
///
/// Proxmox: `PVE::LXC::Setup::Ubuntu`.
package struct UbuntuFamily: GuestFamily {
    package var osType: OSType { .ubuntu }
    /// `DISTRIB_RELEASE`, e.g. `16.04`.
    package var version: String
    /// The version as a number (Perl compares `$version >= '17.10'` numerically).
    var number: Double { Double(version) ?? 0 }

    /// Releases Proxmox knows (`$known_versions` of `Ubuntu.pm`).
    static let knownVersions: Set<String> = [
        "26.10", "26.04", "25.10", "25.04", "24.10", "24.04", "23.10", "23.04", "22.10", "22.04", "21.10", "21.04",
        "20.10", "20.04", "19.10", "19.04", "18.10", "18.04", "17.10", "17.04", "16.10", "16.04", "15.10", "15.04",
        "14.04", "12.04",
    ]

    /// - throws: `unsupported ancient Ubuntu version '<v>'` (unknown and older than 17),
    ///   `unsupported and unexpected Ubuntu version '<v>'`.
    package init(os: DetectedOS, config: GuestSetupConfig) throws(SetupError) {
        version = os.version
        if Self.knownVersions.contains(version) { return }
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let major = Int(parts[0])
        else {
            throw SetupError("unsupported and unexpected Ubuntu version '\(version)'")
        }
        if major < 17 { throw SetupError("unsupported ancient Ubuntu version '\(version)'") }
    }

    package init(version: String) { self.version = version }

    package func devttyDirectory(_ ctx: SetupContext) -> String { "" }
    package func snakeoilFixup(_ ctx: inout SetupContext) throws(SetupError) { try DebianSetup.snakeoilFixup(&ctx) }

    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {
        if number >= 17.10 && number < 23.04 {
            ctx.mkdir("/etc/systemd/system/multi-user.target.wants")
            ctx.mkdir("/etc/systemd/system/socket.target.wants")
            ctx.symlink(
                "/lib/systemd/system/systemd-networkd.service",
                at: "/etc/systemd/system/multi-user.target.wants/systemd-networkd.service")
            ctx.symlink(
                "/lib/systemd/system/systemd-networkd.socket",
                at: "/etc/systemd/system/socket.target.wants/systemd-networkd.socket")
        }
        if number >= 17.10 {
            ctx.unlink("/etc/netplan/10-lxc.yaml")
        }
        if version == "15.04" || version == "15.10" || version == "16.04" {
            try BaseSetup.setupSecuretty(&ctx, devttydir: devttyDirectory(ctx), add: ["pts/0"])
        }
        if version == "12.04" {
            let path = "/etc/udev/udev.conf"
            var data = try ctx.contents(path)
            let needle = Array("=\"err\"".utf8)
            if let i = Bytes.firstIndex(of: needle, in: data) {
                data.replaceSubrange(i..<(i + needle.count), with: "=0".utf8)
            }
            try ctx.setContents(path, data)
        }
    }

    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        if number >= 23.04 {
            try BaseSetup.setupSystemdPreset(&ctx, extra: ["systemd-networkd.service": true])
        }
        if number >= 16.10 {
            try BaseSetup.setupContainerGettyService(&ctx, devttydir: devttyDirectory(ctx))
        }
        if version == "12.04" || version == "14.04" {
            let count = ctx.config.ttyCount
            for i in 1..<7 {
                let path = "/etc/init/tty\(i).conf"
                if i <= count {
                    try ctx.setContents(path, Self.upstartTTY(i).bytes)
                } else {
                    ctx.unlink(path)
                }
            }
        }
    }

    static func upstartTTY(_ i: Int) -> String {
        let indent = String(repeating: " ", count: 12)
        return """
            # tty\(i) - getty
            #
            # This service maintains a getty on tty\(i) from the point the system is
            # started until it is shut down again.

            start on stopped rc RUNLEVEL=[2345] and (
            \(indent)not-container or
            \(indent)container CONTAINER=lxc or
            \(indent)container CONTAINER=lxc-libvirt)

            stop on runlevel [!2345]

            respawn
            exec /sbin/getty -8 38400 tty\(i)

            """
    }

    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        if number >= 17.10 {
            try BaseSetup.setupSystemdNetworkd(&ctx)
        } else {
            try IfupdownNetwork.setup(&ctx, networks: try ctx.config.interfaces(), style: .legacy)
        }
    }
}
