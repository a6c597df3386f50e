public import PVEGuestOS

/// Arch Linux: systemd-networkd (enabled through the preset) and systemd gettys.
///
/// Proxmox: `PVE::LXC::Setup::ArchLinux` (keeps no version).
public struct ArchLinuxFamily: GuestFamily {
    public var osType: OSType { .archlinux }
    public var version: String { "0" }

    public init(os: DetectedOS, config: GuestSetupConfig) {}
    public init() {}

    public func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSecuretty(&ctx, devttydir: devttyDirectory(ctx))
        try BaseSetup.removeLXCNameFromEtcHosts(&ctx)
    }

    public func setupInit(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSystemdPreset(&ctx, extra: ["systemd-networkd.service": true])
        try BaseSetup.setupContainerGettyService(&ctx, devttydir: devttyDirectory(ctx))
    }

    public func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSystemdNetworkd(&ctx)
    }
}
