import PVECore
package import PVEGuestOS

/// Gentoo (OpenRC): `/etc/inittab` agettys, netifrc `/etc/conf.d/net`, `/etc/conf.d/hostname`.
///
/// Proxmox: `PVE::LXC::Setup::Gentoo` (keeps no version; `/dev/lxc/` ttys unsupported).
package struct GentooFamily: VersionResolvingFamily {
    package var osType: OSType { .gentoo }
    package var version: String { "0" }

    package init(os: DetectedOS, config: GuestSetupConfig) {}
    package init() {}

    /// Checks `/etc/gentoo-release` like the plugin constructor (OS detection does the same check).
    func resolved(_ ctx: SetupContext) throws(SetupError) -> Self {
        try ReleaseVersions.checkGentoo(ctx)
        return self
    }

    package func devttyDirectory(_ ctx: SetupContext) -> String { "" }

    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSecuretty(&ctx, devttydir: devttyDirectory(ctx))
        try BaseSetup.removeLXCNameFromEtcHosts(&ctx)
    }

    /// Replaces the getty lines of `/etc/inittab` (which must exist) by `agetty` lines for the tty count.
    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        let path = "/etc/inittab"
        let lines = Bytes.splitLines(try ctx.contents(path)).filter { !Self.isGettyLine($0) }
        var out = Bytes.joinLines(lines)
        let count = ctx.config.ttyCount
        if count >= 1 {
            for id in 1...count where id != 7 {
                out += "\(id)::respawn:/sbin/agetty 38400 tty\(id)\n".bytes
            }
        }
        try ctx.setContents(path, out)
    }

    /// `/^\s*c?\d+:\d*:[^:]*:.*getty/`: the id is digits, with or without a leading `c`.
    static func isGettyLine(_ line: ArraySlice<UInt8>) -> Bool {
        DebianSetup.inittabGettyMatch(line, idPrefix: [UInt8(ascii: "c")]) || DebianSetup.inittabGettyMatch(line, idPrefix: [])
    }

    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        try GentooNetifrc.setup(&ctx)
    }

    /// `/etc/hosts` like Base, and `hostname="<short name>"` as the whole `/etc/conf.d/hostname`
    /// (which must exist: Proxmox reads it first).
    /// - throws: Perl's `Can't call method "close" on an undefined value …` when it is missing.
    package func setHostname(_ ctx: inout SetupContext) throws(SetupError) {
        let hostname = BaseSetup.nonEmpty(ctx.config.hostname) ?? "localhost"
        let short = String(hostname.prefix { $0 != "." })
        let path = "/etc/conf.d/hostname"
        guard ctx.isFile(path) || ctx.isDirectory(path) else {
            // Proxmox reads the old name through a file handle it never checks, so Perl dies here.
            throw SetupError(
                "Can't call method \"close\" on an undefined value at /usr/share/perl5/PVE/LXC/Setup/Gentoo.pm line 178.",
                path: path)
        }
        let (v4, v6) = try BaseSetup.primaryIPs(ctx.config)
        let (search, _) = BaseSetup.lookupDNS(ctx)
        try BaseSetup.updateEtcHosts(&ctx, hostIP: v4 ?? v6, newName: hostname, search: search)
        try ctx.setContents(path, "hostname=\"\(short)\"\n".bytes)
    }
}
