import PVEConfig
import PVECore
package import PVEGuestOS

/// Debian: systemd gettys and presets, `/etc/inittab`, `/etc/network/interfaces`.
///
/// Proxmox: `PVE::LXC::Setup::Debian`.
package struct DebianFamily: GuestFamily {
    package var osType: OSType { .debian }
    /// The major version (`int()` of `/etc/debian_version`).
    package var major: Int
    package var version: String { String(major) }

    /// - throws: `unable to parse version info '<v>'`, `Container Debian version '<v>' is too old`.
    package init(os: DetectedOS, config: GuestSetupConfig) throws(SetupError) {
        major = try Self.parseMajor(os.version)
    }

    package init(major: Int) { self.major = major }

    /// `Debian::new`: the integer part of the (mapped) version, at least `debianMinimumRelease`.
    static func parseMajor(_ text: String) throws(SetupError) -> Int {
        let raw = debianVersionMap[text] ?? text
        let digits = raw.prefix { $0.isASCII && $0.isNumber }
        guard let v = Int(digits) else { throw SetupError("unable to parse version info '\(text)'") }
        if v < debianMinimumRelease { throw SetupError("Container Debian version '\(v)' is too old") }
        return v
    }

    package func devttyDirectory(_ ctx: SetupContext) -> String { "" }

    package func snakeoilFixup(_ ctx: inout SetupContext) throws(SetupError) {
        try DebianSetup.snakeoilFixup(&ctx)
    }

    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        try DebianSetup.setupInit(self, &ctx, major: major)
    }

    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        try IfupdownNetwork.setup(&ctx, networks: try ctx.config.interfaces(), style: major >= 10 ? .modern : .legacy)
    }
}

/// Debian's steps, shared with Devuan and Ubuntu (Proxmox: `PVE::LXC::Setup::Debian` subs).
package enum DebianSetup {
    /// `/sbin/init` links (one level) to something ending in `/systemd`.
    static func initIsSystemd(_ ctx: SetupContext) -> Bool {
        ctx.readLink("/sbin/init")?.hasSuffix("/systemd") ?? false
    }

    /// `Debian.pm: setup_init`: systemd gettys (+ preset from 12), then the inittab.
    package static func setupInit(_ family: some GuestFamily, _ ctx: inout SetupContext, major: Int) throws(SetupError) {
        if initIsSystemd(ctx) {
            try BaseSetup.setupContainerGettyService(&ctx, devttydir: family.devttyDirectory(ctx))
            if major >= 12 {
                try BaseSetup.setupSystemdPreset(&ctx, extra: ["systemd-networkd.service": false])
            }
        }
        try setupInittab(&ctx, major: major)
    }

    /// `Debian.pm: setup_inittab`.
    package static func setupInittab(_ ctx: inout SetupContext, major: Int) throws(SetupError) {
        let path = "/etc/inittab"
        guard ctx.isFile(path) else { return }
        let lines = Bytes.splitLines(try ctx.contents(path)).filter { !isGettyLine($0) && !isPowerLine($0) }
        var out = Bytes.joinLines(lines)
        out += "p0::powerfail:/sbin/init 0\n".bytes
        let count = ctx.config.ttyCount
        if count >= 1 {
            for id in 1...count where id != 7 {
                let levels = id == 1 ? "2345" : "23"
                let opt = major < 7 ? "-L" : "--noclear"
                out += "\(id):\(levels):respawn:/sbin/getty \(opt) 38400 tty\(id)\n".bytes
            }
        }
        try ctx.setContents(path, out)
    }

    /// `/^\s*\d+:\d*:[^:]*:.*getty/`.
    static func isGettyLine(_ line: ArraySlice<UInt8>) -> Bool {
        inittabGettyMatch(line, idPrefix: [])
    }

    /// Matches `^\s*<prefix>\d+:\d*:[^:]*:.*getty` (`<prefix>` literal, e.g. `tty` for Alpine).
    package static func inittabGettyMatch(_ line: ArraySlice<UInt8>, idPrefix: [UInt8]) -> Bool {
        var i = Bytes.skipSpaces(line, from: line.startIndex)
        guard Bytes.hasPrefix(line[i...], idPrefix) else { return false }
        i += idPrefix.count
        let d = i
        while i < line.endIndex, Bytes.isDigit(line[i]) { i += 1 }
        guard i > d, i < line.endIndex, line[i] == UInt8(ascii: ":") else { return false }
        i += 1
        while i < line.endIndex, Bytes.isDigit(line[i]) { i += 1 }
        guard i < line.endIndex, line[i] == UInt8(ascii: ":") else { return false }
        i += 1
        while i < line.endIndex, line[i] != UInt8(ascii: ":") { i += 1 }
        guard i < line.endIndex else { return false }
        return Bytes.contains(line[(i + 1)...], Array("getty".utf8))
    }

    /// `/^\s*p[fno0]:/`.
    static func isPowerLine(_ line: ArraySlice<UInt8>) -> Bool {
        let i = Bytes.skipSpaces(line, from: line.startIndex)
        guard line.endIndex - i >= 3, line[i] == UInt8(ascii: "p"), line[i + 2] == UInt8(ascii: ":") else { return false }
        return "fno0".utf8.contains(line[i + 1])
    }

    static let snakeoilUnit = """
        [Unit]
        Description="Regenerate pre-generated snakeoil certificate and key-pair once"
        ConditionPathExists=/etc/ssl/certs/ssl-cert-snakeoil.pem
        ConditionFirstBoot=yes
        Wants=first-boot-complete.target
        Before=first-boot-complete.target

        [Service]
        Type=oneshot
        ExecStart=make-ssl-cert -f generate-default-snakeoil

        """

    /// `Debian.pm: snakeoil_fixup`.
    package static func snakeoilFixup(_ ctx: inout SetupContext) throws(SetupError) {
        let key = "/etc/ssl/private/ssl-cert-snakeoil.key"
        guard ctx.isFile(key) else { return }
        if initIsSystemd(ctx) {
            let unit = "proxmox-regenerate-snakeoil.service"
            let unitPath = "/etc/systemd/system/\(unit)"
            ctx.info("Setting up '\(unit)' to regenerate snakeoil certificate..")
            try ctx.setContents(unitPath, snakeoilUnit.bytes)
            ctx.makePath("/etc/systemd/system/first-boot-complete.target.wants")
            ctx.symlink(unitPath, at: "/etc/systemd/system/first-boot-complete.target.wants/\(unit)")
        } else {
            ctx.warn("Template contains pre-generated snakeoil certificate!")
            ctx.warn("Run `make-ssl-cert generate-default-snakeoil -f` to regenerate it!")
        }
        ctx.unlink(key)
    }
}
