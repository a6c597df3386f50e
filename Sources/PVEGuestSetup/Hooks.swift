public import PVEConfig
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
    package static func preStartHook(_ family: some GuestFamily, _ ctx: inout SetupContext) throws(SetupError) {
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
    package static func postCreateHook(
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
    package static func postCloneHook(_ family: some GuestFamily, _ ctx: inout SetupContext) throws(SetupError) {
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
    package static func run(
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

    /// Runs `request.hook` transactionally on `fs`: all changes are made on an overlay and
    /// written to `fs` only if every step succeeded (`request.dryRun` never writes).
    ///
    /// - parameters:
    ///   - request: the hook, credentials, host facts, clock and seed.
    ///   - config: the container config (its main section is read, see ``GuestSetupConfig``).
    ///   - os: the guest's OS as `OSDetector.detect` reports it.
    ///   - fs: the guest's root file system (a `RootFS`, or any other `GuestFileSystem`).
    /// - returns: the messages Proxmox would print, what each step did, and the file changes.
    /// - throws: ``SetupError`` with Proxmox's message and the failing step; nothing is written.
    public static func apply(
        _ request: GuestSetupRequest, config: ContainerConfig, os: DetectedOS, to fs: any GuestFileSystem
    ) throws(SetupError) -> GuestSetupResult {
        try apply(request, config: GuestSetupConfig(config), os: os, to: fs)
    }

    /// Runs a hook with the setup view of the config already built.
    /// - parameters:
    ///   - request: the hook, credentials, host facts, clock and seed.
    ///   - config: the parts of the container config setup reads.
    ///   - os: the guest's OS as `OSDetector.detect` reports it.
    ///   - fs: the guest's root file system.
    public static func apply(
        _ request: GuestSetupRequest, config: GuestSetupConfig, os: DetectedOS, to fs: any GuestFileSystem
    ) throws(SetupError) -> GuestSetupResult {
        let overlay = OverlayFileSystem(base: fs)
        var ctx = try SetupContext(
            fs: overlay, config: config, host: request.host, now: request.now, seed: request.randomSeed,
            processOwner: request.processOwner, sshKeyGenerator: request.sshKeyGenerator)
        ctx.connectionUUIDs = request.seed == nil ? .random : .zero
        let family = try GuestFamilies.family(for: os, config: config)
        try run(request.hook, family: family, context: &ctx, rootPassword: request.rootPassword, sshKeys: request.sshKeys)
        let changes = overlay.changes()
        if !request.dryRun {
            do {
                try overlay.commit()
            } catch {
                throw SetupError(error)
            }
        }
        return GuestSetupResult(messages: ctx.messages, records: ctx.records, changes: changes)
    }
}
