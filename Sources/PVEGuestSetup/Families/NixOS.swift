package import PVEGuestOS

/// NixOS: only systemd-networkd files, host name, DNS and accounts; no init, time zone or template
/// changes (the system configuration owns them).
///
/// Proxmox: `PVE::LXC::Setup::NixOS` (keeps no version).
package struct NixOSFamily: GuestFamily {
    package var osType: OSType { .nixos }
    package var version: String { "0" }

    package init(os: DetectedOS, config: GuestSetupConfig) {}
    package init() {}

    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {}
    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {}
    package func setTimezone(_ ctx: inout SetupContext) throws(SetupError) {}

    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.setupSystemdNetworkd(&ctx)
    }
}
