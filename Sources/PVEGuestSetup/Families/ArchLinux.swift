package import PVEGuestOS

/// Arch Linux: systemd-networkd (enabled through the preset) and systemd gettys.
///
/// Proxmox: `PVE::LXC::Setup::ArchLinux` (keeps no version).
package struct ArchLinuxFamily: GuestFamily {
    package var osType: OSType { .archlinux }
    package var version: String { "0" }

    package init(os: DetectedOS, config: GuestSetupConfig) {}
    package init() {}

    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSecuretty(&ctx, devttydir: devttyDirectory(ctx))
        try BaseSetup.removeLXCNameFromEtcHosts(&ctx)
    }

    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSystemdPreset(&ctx, extra: ["systemd-networkd.service": true])
        try BaseSetup.setupContainerGettyService(&ctx, devttydir: devttyDirectory(ctx))
    }

    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSystemdNetworkd(&ctx)
    }
}
