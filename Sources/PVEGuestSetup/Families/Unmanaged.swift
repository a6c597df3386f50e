public import PVEGuestOS

/// Unmanaged: Proxmox touches nothing inside the guest (no network, host name, DNS, password,
/// SSH host keys or init changes) and assumes cgroup v2 support.
///
/// Proxmox: `PVE::LXC::Setup::Unmanaged` (derives from `Plugin`, not `Base`).
public struct UnmanagedFamily: GuestFamily {
    public var osType: OSType { .unmanaged }
    public var version: String { "" }

    public init(os: DetectedOS, config: GuestSetupConfig) {}
    public init() {}

    public func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {}
    public func setupInit(_ ctx: inout SetupContext) throws(SetupError) {}
    public func setupNetwork(_ ctx: inout SetupContext) throws(SetupError) {}
    public func setHostname(_ ctx: inout SetupContext) throws(SetupError) {}
    public func setDNS(_ ctx: inout SetupContext) throws(SetupError) {}
    public func setTimezone(_ ctx: inout SetupContext) throws(SetupError) {}
    public func setUserPassword(_ ctx: inout SetupContext, user: String, password: String?) throws(SetupError) {}
    public var sshHostKeyTypes: [(type: String, basename: String)] { [] }
    public func initPath(_ ctx: SetupContext) throws(SetupError) -> String? { "/sbin/init" }
    public func checkSystemdNesting(_ ctx: SetupContext, initPath: String?) -> String? { nil }
    public func unifiedCgroupV2Support(_ ctx: SetupContext, initPath: String?) -> Bool { true }
    public func preStartHook(_ ctx: inout SetupContext) throws(SetupError) {}
    public func postCreateHook(_ ctx: inout SetupContext, rootPassword: String?, sshKeys: String?) throws(SetupError) {}
    public func postCloneHook(_ ctx: inout SetupContext) throws(SetupError) {}
}
