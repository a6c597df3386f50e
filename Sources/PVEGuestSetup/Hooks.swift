public import PVEGuestOS
public import PVESystem

/// The three setup hooks Proxmox runs inside a container's root file system.
public enum SetupHook: String, Sendable, Hashable, CaseIterable {
    /// `pct create` from a template (`post_create_hook`).
    case postCreate = "post-create"
    /// Every container start (`lxc-pve-prestart-hook` → `pre_start_hook`).
    case preStart = "pre-start"
    /// `pct clone` (`post_clone_hook`).
    case postClone = "post-clone"
}

extension BaseSetup {
    /// `Base.pm: pre_start_hook`: `/fastboot`, init, network, hostname, DNS, time zone.
    public static func preStartHook(_ family: some GuestFamily, _ ctx: inout SetupContext) throws(SetupError) {
        try ctx.step("pre_start_hook") { (c: inout SetupContext) throws(SetupError) in
            try c.setContents("/fastboot", [])
        }
        try ctx.step("setup_init") { (c: inout SetupContext) throws(SetupError) in try family.setupInit(&c) }
        try ctx.step("setup_network") { (c: inout SetupContext) throws(SetupError) in try family.setupNetwork(&c) }
        try ctx.step("set_hostname") { (c: inout SetupContext) throws(SetupError) in try family.setHostname(&c) }
        try ctx.step("set_dns") { (c: inout SetupContext) throws(SetupError) in try family.setDNS(&c) }
        try ctx.step("set_timezone") { (c: inout SetupContext) throws(SetupError) in try family.setTimezone(&c) }
    }

    /// `Base.pm: post_create_hook`, in Proxmox's order.
    public static func postCreateHook(
        _ family: some GuestFamily, _ ctx: inout SetupContext, rootPassword: String?, sshKeys: String?
    ) throws(SetupError) {
        try ctx.step("clear_machine_id") { (c: inout SetupContext) throws(SetupError) in
            try family.clearMachineID(&c, clone: false)
        }
        try ctx.step("snakeoil_fixup") { (c: inout SetupContext) throws(SetupError) in try family.snakeoilFixup(&c) }
        try ctx.step("template_fixup") { (c: inout SetupContext) throws(SetupError) in try family.templateFixup(&c) }
        try ctx.step("randomize_crontab") { (c: inout SetupContext) throws(SetupError) in try randomizeCrontab(&c) }
        try ctx.step("set_user_password") { (c: inout SetupContext) throws(SetupError) in
            try family.setUserPassword(&c, user: "root", password: rootPassword)
        }
        if let sshKeys, !sshKeys.isEmpty, sshKeys != "0" {
            try ctx.step("set_user_authorized_ssh_keys") { (c: inout SetupContext) throws(SetupError) in
                try family.setUserAuthorizedSSHKeys(&c, user: "root", keys: sshKeys)
            }
        }
        try ctx.step("setup_init") { (c: inout SetupContext) throws(SetupError) in try family.setupInit(&c) }
        try ctx.step("setup_network") { (c: inout SetupContext) throws(SetupError) in try family.setupNetwork(&c) }
        try ctx.step("set_hostname") { (c: inout SetupContext) throws(SetupError) in try family.setHostname(&c) }
        try ctx.step("set_dns") { (c: inout SetupContext) throws(SetupError) in try family.setDNS(&c) }
        try ctx.step("set_timezone") { (c: inout SetupContext) throws(SetupError) in try family.setTimezone(&c) }
    }

    /// `Base.pm: post_clone_hook`.
    public static func postCloneHook(_ family: some GuestFamily, _ ctx: inout SetupContext) throws(SetupError) {
        try ctx.step("clear_machine_id") { (c: inout SetupContext) throws(SetupError) in
            try family.clearMachineID(&c, clone: true)
        }
    }
}

/// Runs a hook the way `PVE::LXC::Setup` does: the plugin's hook inside the guest, then the
/// host-side steps (SSH host keys after create, the systemd nesting check, the cgroup v2 check).
///
/// Proxmox: `PVE::LXC::Setup::post_create_hook`, `pre_start_hook`, `post_clone_hook`.
public enum GuestSetup {
    /// Runs `hook` for `family` on `ctx.fs`. Messages and change records accumulate in `ctx`.
    public static func run(
        _ hook: SetupHook, family: any GuestFamily, context ctx: inout SetupContext,
        rootPassword: String? = nil, sshKeys: String? = nil
    ) throws(SetupError) {
        switch hook {
        case .postCreate:
            try family.postCreateHook(&ctx, rootPassword: rootPassword, sshKeys: sshKeys)
            try ctx.step("rewrite_ssh_host_keys") { (c: inout SetupContext) throws(SetupError) in
                try BaseSetup.rewriteSSHHostKeys(family, &c)
            }
            try checkSystemdNesting(family, &ctx)
        case .preStart:
            try family.preStartHook(&ctx)
            try checkSystemdNesting(family, &ctx)
        case .postClone:
            try family.postCloneHook(&ctx)
            try checkSystemdNesting(family, &ctx)
        }
    }

    static func checkSystemdNesting(_ family: any GuestFamily, _ ctx: inout SetupContext) throws(SetupError) {
        try ctx.step("check_systemd_nesting") { (c: inout SetupContext) throws(SetupError) in
            let initPath = try family.initPath(c)
            if let warning = try family.checkSystemdNesting(c, initPath: initPath) { c.warn(warning) }
        }
    }

    /// Runs `hook` transactionally on `fs`: all changes are made on an overlay and written to
    /// `fs` only if every step succeeded (`dryRun` never writes).
    /// - returns: the context (messages, records) and the overlay's changes.
    public static func apply(
        _ hook: SetupHook, os: DetectedOS, on fs: any GuestFileSystem, config: GuestSetupConfig,
        host: HostEnvironment, now: Int64, seed: UInt64, processOwner: FileOwner = .root,
        rootPassword: String? = nil, sshKeys: String? = nil, sshKeyGenerator: (any SSHHostKeyGenerator)? = nil,
        dryRun: Bool = false
    ) throws(SetupError) -> (context: SetupContext, changes: [OverlayFileSystem.Change]) {
        let overlay = OverlayFileSystem(base: fs)
        var ctx = try SetupContext(
            fs: overlay, config: config, host: host, now: now, seed: seed, processOwner: processOwner,
            sshKeyGenerator: sshKeyGenerator)
        let family = try GuestFamilies.family(for: os, config: config)
        try run(hook, family: family, context: &ctx, rootPassword: rootPassword, sshKeys: sshKeys)
        let changes = overlay.changes()
        if !dryRun {
            do {
                try overlay.commit()
            } catch {
                throw SetupError(error)
            }
        }
        return (ctx, changes)
    }
}
