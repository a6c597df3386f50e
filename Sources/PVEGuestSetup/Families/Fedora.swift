import PVECore
package import PVEGuestOS

/// Fedora: systemd-networkd from 25 (plus the RedHat writer up to 24, or up to 27 when
/// `/etc/sysconfig/network` exists), presets with networkd enabled from 37.
///
/// Proxmox: `PVE::LXC::Setup::Fedora` (a `CentOS` subclass).
package struct FedoraFamily: VersionResolvingFamily {
    package var osType: OSType { .fedora }
    /// `VERSION_ID` of os-release, e.g. `38`.
    package var version: String

    /// An empty detected version is read from os-release when a hook runs.
    /// - throws: `unsupported Fedora release '<v>'` below 22 (numerically; missing counts as empty).
    package init(os: DetectedOS, config: GuestSetupConfig) throws(SetupError) {
        if os.version.isEmpty {
            version = ""
        } else {
            self = try Self(version: os.version)
        }
    }

    /// This family with `VERSION_ID` read from the guest if detection supplied none.
    func resolved(_ ctx: SetupContext) throws(SetupError) -> Self {
        version.isEmpty ? try Self(version: ReleaseVersions.versionID(ctx, minimum: 22, name: "Fedora")) : self
    }

    /// - throws: `unsupported Fedora release '<v>'` below 22.
    package init(version: String) throws(SetupError) {
        guard PerlNumber.value(of: version) >= 22 else { throw SetupError("unsupported Fedora release '\(version)'") }
        self.version = version
    }

    var number: Double { PerlNumber.value(of: version) }

    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSecuretty(&ctx, devttydir: devttyDirectory(ctx))
        ctx.unlink("/etc/systemd/system/getty@.service")
        try BaseSetup.removeLXCNameFromEtcHosts(&ctx)
    }

    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupContainerGettyService(&ctx, devttydir: devttyDirectory(ctx))
        if number >= 37 {
            try BaseSetup.setupSystemdPreset(&ctx, extra: ["systemd-networkd.service": true])
        }
    }

    package func setHostname(_ ctx: inout SetupContext) throws(SetupError) {
        try RedHatSetup.setHostname(&ctx)
    }

    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        let sysconfigUsed = ctx.isFile("/etc/sysconfig/network")
        if number <= 24 || (number <= 27 && sysconfigUsed) {
            try RedHatSetup.setupNetwork(&ctx)
        }
        if number >= 25 {
            try BaseSetup.setupSystemdNetworkd(&ctx)
        }
    }
}
