package import PVEGuestOS

/// Unmanaged: Proxmox touches nothing inside the guest (no network, host name, DNS, password,
/// SSH host keys or init changes) and assumes cgroup v2 support.
///
/// Proxmox: `PVE::LXC::Setup::Unmanaged` (derives from `Plugin`, not `Base`).
package struct UnmanagedFamily: GuestFamily {
    package var osType: OSType { .unmanaged }
    package var version: String { "" }

    package init(os: DetectedOS, config: GuestSetupConfig) {}
    package init() {}

    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {}
    package func setupInit(_ ctx: inout SetupContext) throws(SetupError) {}
    package func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {}
    package func setHostname(_ ctx: inout SetupContext) throws(SetupError) {}
    package func setDNS(_ ctx: inout SetupContext) throws(SetupError) {}
    package func setTimezone(_ ctx: inout SetupContext) throws(SetupError) {}
    package func setUserPassword(_ ctx: inout SetupContext, user: String, password: String?) throws(SetupError) {}
    package var sshHostKeyTypes: [(type: String, basename: String)] { [] }
    package func initPath(_ ctx: SetupContext) throws(SetupError) -> String? { "/sbin/init" }
    package func checkSystemdNesting(_ ctx: SetupContext, initPath: String?) -> String? { nil }
    package func unifiedCgroupV2Support(_ ctx: SetupContext, initPath: String?) -> Bool { true }
    package func preStartHook(_ ctx: inout SetupContext) throws(SetupError) {}
    package func postCreateHook(_ ctx: inout SetupContext, rootPassword: String?, sshKeys: String?) throws(SetupError) {}
    package func postCloneHook(_ ctx: inout SetupContext) throws(SetupError) {}
}
