import PVECore
package import PVEGuestOS

/// openSUSE Leap, Tumbleweed, Slowroll and SLES: sysconfig `ifcfg-*`/`ifroute-*` (plus
/// systemd-networkd files when the guest ships networkd), systemd gettys.
///
/// Proxmox: `PVE::LXC::Setup::SUSE`. The release checks (Leap 15/16/42, 13.x ≤ 13.2, SLES 12,
/// Tumbleweed dates from 2017) happen in OS detection, which knows the os-release `ID`.
package struct SUSEFamily: VersionResolvingFamily {
    package var osType: OSType { .opensuse }
    /// `VERSION_ID` of os-release, e.g. `15.5` or `20240115`.
    package var version: String

    package init(os: DetectedOS, config: GuestSetupConfig) {
        version = os.version
    }

    package init(version: String) { self.version = version }

    /// This family with the release checked and read from os-release if detection supplied none.
    func resolved(_ ctx: SetupContext) throws(SetupError) -> Self {
        version.isEmpty ? Self(version: try ReleaseVersions.suse(ctx)) : self
    }

    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSecuretty(&ctx, devttydir: devttyDirectory(ctx))
        if !ctx.isFile("/etc/locale.conf") {
            try ctx.setContents("/etc/locale.conf", "LANG=C.utf8".bytes)
        }
        if !ctx.isFile("/etc/localtime") {
            ctx.symlink("/usr/share/zoneinfo/UTC", at: "/etc/localtime")
        }
        try BaseSetup.removeLXCNameFromEtcHosts(&ctx)
    }

    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.fixupOldGetty(&ctx)
        try BaseSetup.setupContainerGettyService(&ctx, devttydir: devttyDirectory(ctx))
    }

    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        try SUSEIfcfg.setup(&ctx)
        if ctx.isFile("/usr/lib/systemd/systemd-networkd") {
            try BaseSetup.setupSystemdNetworkd(&ctx)
        }
    }
}
