public import PVEGuestOS

/// NixOS: only systemd-networkd files, host name, DNS and accounts; no init, time zone or template
/// changes (the system configuration owns them).
///
/// Proxmox: `PVE::LXC::Setup::NixOS` (keeps no version).
public struct NixOSFamily: GuestFamily {
    public var osType: OSType { .nixos }
    public var version: String { "0" }

    public init(os: DetectedOS, config: GuestSetupConfig) {}
    public init() {}

    public func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {}
    public func setupInit(_ ctx: inout SetupContext) throws(SetupError) {}
    public func setTimezone(_ ctx: inout SetupContext) throws(SetupError) {}

    public func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSystemdNetworkd(&ctx)
    }
}
