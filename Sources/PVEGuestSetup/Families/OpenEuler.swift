import PVECore
package import PVEGuestOS

/// openEuler: the RedHat writers (chosen by `/etc/redhat-release`), systemd gettys and presets.
///
/// Proxmox: `PVE::LXC::Setup::OpenEuler` (a `CentOS` subclass).
package struct OpenEulerFamily: VersionResolvingFamily {
    package var osType: OSType { .openeuler }
    /// `VERSION_ID` of os-release, e.g. `24.03`.
    package var version: String

    /// An empty detected version is read from os-release when a hook runs.
    /// - throws: `unsupported openEuler release '<v>'` below 24 (numerically).
    package init(os: DetectedOS, config: GuestSetupConfig) throws(SetupError) {
        if os.version.isEmpty {
            version = ""
        } else {
            self = try Self(version: os.version)
        }
    }

    /// This family with `VERSION_ID` read from the guest if detection supplied none.
    func resolved(_ ctx: SetupContext) throws(SetupError) -> Self {
        version.isEmpty ? try Self(version: ReleaseVersions.versionID(ctx, minimum: 24, name: "openEuler")) : self
    }

    /// - throws: `unsupported openEuler release '<v>'` below 24.
    package init(version: String) throws(SetupError) {
        guard PerlNumber.value(of: version) >= 24 else { throw SetupError("unsupported openEuler release '\(version)'") }
        self.version = version
    }

    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.removeLXCNameFromEtcHosts(&ctx)
        BaseSetup.setupSystemdDisableStaticUnits(&ctx, extra: ["dev-mqueue.mount"])
    }

    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupContainerGettyService(&ctx, devttydir: devttyDirectory(ctx))
        try BaseSetup.setupSystemdPreset(&ctx)
    }

    package func setHostname(_ ctx: inout SetupContext) throws(SetupError) {
        try RedHatSetup.setHostname(&ctx)
    }

    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        try RedHatSetup.setupNetwork(&ctx)
    }
}
