import PVEConfig
import PVECore
package import PVEGuestOS

/// Alpine: OpenRC runlevel links, `/etc/inittab` gettys, Debian-style interfaces with IPv6
/// `dhcp`/`auto` written as `manual`.
///
/// Proxmox: `PVE::LXC::Setup::Alpine`.
package struct AlpineFamily: GuestFamily {
    package var osType: OSType { .alpine }
    /// First line of `/etc/alpine-release` (may be empty).
    package var version: String

    package init(os: DetectedOS, config: GuestSetupConfig) throws(SetupError) {
        version = os.version
    }

    package init(version: String) { self.version = version }

    package func devttyDirectory(_ ctx: SetupContext) -> String { "" }

    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {
        ctx.symlink("/etc/init.d/networking", at: "/etc/runlevels/boot/networking")
        ctx.symlink("/etc/init.d/bootmisc", at: "/etc/runlevels/boot/bootmisc")
        ctx.symlink("/etc/init.d/hostname", at: "/etc/runlevels/boot/hostname")
        ctx.symlink("/etc/init.d/killprocs", at: "/etc/runlevels/shutdown/killprocs")
        ctx.symlink("/etc/init.d/savecache", at: "/etc/runlevels/shutdown/savecache")
        try BaseSetup.setupSecuretty(&ctx, devttydir: devttyDirectory(ctx))
        try BaseSetup.removeLXCNameFromEtcHosts(&ctx)
    }

    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        let path = "/etc/inittab"
        guard ctx.isFile(path) else { return }
        let lines = Bytes.splitLines(try ctx.contents(path)).filter {
            !DebianSetup.inittabGettyMatch($0, idPrefix: Array("tty".utf8))
        }
        var out = Bytes.joinLines(lines)
        let count = ctx.config.ttyCount
        if count >= 1 {
            for id in 1...count where id != 7 {
                out += "tty\(id)::respawn:/sbin/getty 38400 tty\(id)\n".bytes
            }
        }
        try ctx.setContents(path, out)
    }

    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        var networks = try ctx.config.interfaces()
        for k in networks.indices where networks[k].ip6 == "dhcp" || networks[k].ip6 == "auto" {
            networks[k].ip6 = "manual"
        }
        let modern = IfupdownNetwork.atLeast(version, 3, 13)
        try IfupdownNetwork.setup(&ctx, networks: networks, style: modern ? .modern : .legacy)
    }

    package func unifiedCgroupV2Support(_ ctx: SetupContext, initPath: String?) -> Bool { true }
}
