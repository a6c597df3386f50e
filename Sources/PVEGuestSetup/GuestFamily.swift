package import PVEGuestOS

/// One distribution family's setup behaviour: Proxmox's setup plugin class.
///
/// Proxmox models this as a class hierarchy (`PVE::LXC::Setup::Plugin` → `Base` → `Debian` →
/// `Ubuntu` …). Here every requirement has a default implementation that does what `Base.pm`
/// does (the bodies live in `BaseSetup`, so an override can still call the "super" behaviour);
/// a family type overrides what its plugin overrides. `setupInit` and `setupNetwork` have no
/// default: `Base.pm` dies for them too.
///
/// Add a family: create a type under `Families/`, conform it, and register it in
/// `GuestFamilies.factories`.
package protocol GuestFamily: Sendable {
    /// The plugin type (`ostype`).
    var osType: OSType { get }
    /// The version as the plugin stores it (`$self->{version}`), as text.
    var version: String { get }

    /// `devttydir`: prefix of tty device names (`lxc/` or empty).
    func devttyDirectory(_ ctx: SetupContext) -> String
    /// `template_fixup` (post-create and restore).
    func templateFixup(_ ctx: inout SetupContext) throws(SetupError)
    /// `snakeoil_fixup` (post-create).
    func snakeoilFixup(_ ctx: inout SetupContext) throws(SetupError)
    /// `setup_init`: gettys, inittab, presets.
    func setupInit(_ ctx: inout SetupContext) throws(SetupError)
    /// `setup_network`.
    func setupNetwork(_ ctx: inout SetupContext) throws(SetupError)
    /// `set_hostname`.
    func setHostname(_ ctx: inout SetupContext) throws(SetupError)
    /// `set_dns`.
    func setDNS(_ ctx: inout SetupContext) throws(SetupError)
    /// `set_timezone`.
    func setTimezone(_ ctx: inout SetupContext) throws(SetupError)
    /// `set_user_password`.
    func setUserPassword(_ ctx: inout SetupContext, user: String, password: String?) throws(SetupError)
    /// `set_user_authorized_ssh_keys`.
    func setUserAuthorizedSSHKeys(_ ctx: inout SetupContext, user: String, keys: String) throws(SetupError)
    /// `clear_machine_id`.
    func clearMachineID(_ ctx: inout SetupContext, clone: Bool) throws(SetupError)
    /// `ssh_host_key_types_to_generate`: key type and file base name, in generation order.
    var sshHostKeyTypes: [(type: String, basename: String)] { get }
    /// `get_ct_init_path`.
    func initPath(_ ctx: SetupContext) throws(SetupError) -> String?
    /// `check_systemd_nesting`: a warning text, or nil.
    func checkSystemdNesting(_ ctx: SetupContext, initPath: String?) throws(SetupError) -> String?
    /// `unified_cgroupv2_support`.
    func unifiedCgroupV2Support(_ ctx: SetupContext, initPath: String?) throws(SetupError) -> Bool
    /// `pre_start_hook` (inside the guest).
    func preStartHook(_ ctx: inout SetupContext) throws(SetupError)
    /// `post_create_hook` (inside the guest).
    func postCreateHook(_ ctx: inout SetupContext, rootPassword: String?, sshKeys: String?) throws(SetupError)
    /// `post_clone_hook` (inside the guest).
    func postCloneHook(_ ctx: inout SetupContext) throws(SetupError)
}

extension GuestFamily {
    package func devttyDirectory(_ ctx: SetupContext) -> String { ctx.config.unprivileged ? "" : "lxc/" }
    package func templateFixup(_ ctx: inout SetupContext) throws(SetupError) {}
    package func snakeoilFixup(_ ctx: inout SetupContext) throws(SetupError) {}
    package func setHostname(_ ctx: inout SetupContext) throws(SetupError) { try BaseSetup.setHostname(&ctx) }
    package func setDNS(_ ctx: inout SetupContext) throws(SetupError) { try BaseSetup.setDNS(&ctx) }
    package func setTimezone(_ ctx: inout SetupContext) throws(SetupError) { try BaseSetup.setTimezone(&ctx) }
    package func setUserPassword(_ ctx: inout SetupContext, user: String, password: String?) throws(SetupError) {
        try BaseSetup.setUserPassword(&ctx, user: user, password: password)
    }
    package func setUserAuthorizedSSHKeys(_ ctx: inout SetupContext, user: String, keys: String) throws(SetupError) {
        try BaseSetup.setUserAuthorizedSSHKeys(&ctx, user: user, keys: keys)
    }
    package func clearMachineID(_ ctx: inout SetupContext, clone: Bool) throws(SetupError) {
        try BaseSetup.clearMachineID(&ctx, clone: clone)
    }
    package var sshHostKeyTypes: [(type: String, basename: String)] {
        [("rsa", "ssh_host_rsa_key"), ("ecdsa", "ssh_host_ecdsa_key"), ("ed25519", "ssh_host_ed25519_key")]
    }
    package func initPath(_ ctx: SetupContext) throws(SetupError) -> String? { try BaseSetup.initPath(ctx) }
    package func checkSystemdNesting(_ ctx: SetupContext, initPath: String?) throws(SetupError) -> String? {
        try BaseSetup.checkSystemdNesting(ctx, initPath: initPath)
    }
    package func unifiedCgroupV2Support(_ ctx: SetupContext, initPath: String?) throws(SetupError) -> Bool {
        try BaseSetup.unifiedCgroupV2Support(ctx, initPath: initPath)
    }
    package func preStartHook(_ ctx: inout SetupContext) throws(SetupError) { try BaseSetup.preStartHook(self, &ctx) }
    package func postCreateHook(_ ctx: inout SetupContext, rootPassword: String?, sshKeys: String?) throws(SetupError) {
        try BaseSetup.postCreateHook(self, &ctx, rootPassword: rootPassword, sshKeys: sshKeys)
    }
    package func postCloneHook(_ ctx: inout SetupContext) throws(SetupError) { try BaseSetup.postCloneHook(self, &ctx) }
}

extension SetupContext {
    /// Runs one named step: records it as the current step and tags its error with the name.
    package mutating func step(_ name: String, _ body: (inout SetupContext) throws(SetupError) -> Void) throws(SetupError) {
        let previous = currentStep
        currentStep = name
        defer { currentStep = previous }
        do {
            try body(&self)
        } catch {
            var e = error
            if e.step == nil { e.step = name }
            throw e
        }
    }
}
