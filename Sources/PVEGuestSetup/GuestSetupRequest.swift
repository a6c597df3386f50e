public import Glibc
public import PVESystem

/// Everything a setup run needs besides the config and the guest: the hook, the post-create
/// credentials, the host's facts, the clock and the random source.
///
/// ```swift
/// var request = GuestSetupRequest(hook: .postCreate)
/// request.rootPassword = "$5$SALT$PASS"
/// request.host = HostEnvironment(search: "example.com", nameservers: ["192.0.2.53"], timezone: "Etc/UTC")
/// ```
public struct GuestSetupRequest: Sendable {
    /// The hook to run.
    public var hook: SetupHook
    /// `post-create`: root's password (clear text or a crypt hash); `nil` locks it (`*`).
    public var rootPassword: String?
    /// `post-create`: authorized keys for root, one per line.
    public var sshKeys: String?
    /// The host's resolv.conf values and time zone.
    public var host: HostEnvironment
    /// The current time in Unix seconds (shadow's last-change day, password salts).
    public var now: Int64
    /// `nil` (the default): random, as in production Proxmox (crontab minutes from a fresh seed,
    /// random connection UUIDs). A value makes the run reproducible: Perl's `srand(seed)` for the
    /// crontab minutes and all-zero connection UUIDs, as in Proxmox's own tests.
    public var seed: UInt64?
    /// The ids files get when no id map applies (root under Proxmox).
    public var processOwner: FileOwner
    /// Makes SSH host keys after `post-create`; `nil` skips them.
    public var sshKeyGenerator: (any SSHHostKeyGenerator)?
    /// Compute the changes without writing them.
    public var dryRun: Bool

    /// A request for `hook`; every other value can be set afterwards.
    public init(
        hook: SetupHook, rootPassword: String? = nil, sshKeys: String? = nil, host: HostEnvironment = HostEnvironment(),
        now: Int64 = Int64(time(nil)), seed: UInt64? = nil, processOwner: FileOwner = .root,
        sshKeyGenerator: (any SSHHostKeyGenerator)? = nil, dryRun: Bool = false
    ) {
        self.hook = hook
        self.rootPassword = rootPassword
        self.sshKeys = sshKeys
        self.host = host
        self.now = now
        self.seed = seed
        self.processOwner = processOwner
        self.sshKeyGenerator = sshKeyGenerator
        self.dryRun = dryRun
    }

    /// The seed for Perl's `rand()`: `seed`, or a fresh one from the clock and process id.
    var randomSeed: UInt64 {
        seed ?? (UInt64(truncatingIfNeeded: time(nil)) ^ (UInt64(getpid()) << 20))
    }
}

/// What a setup run did: Proxmox's messages, each step's file operations and the resulting
/// changes (applied unless the request was a dry run).
public struct GuestSetupResult: Sendable {
    /// Messages in the order Proxmox prints them.
    public var messages: [SetupMessage]
    /// What each step did to which path, and why.
    public var records: [ChangeRecord]
    /// Every path whose state differs from before the run.
    public var changes: [OverlayFileSystem.Change]

    /// Creates a result.
    public init(messages: [SetupMessage], records: [ChangeRecord], changes: [OverlayFileSystem.Change]) {
        self.messages = messages
        self.records = records
        self.changes = changes
    }

    /// The per-file account: action, steps, mode and owner of each path.
    public var report: SetupReport { SetupReport(changes: changes, records: records) }

    /// The warnings among ``messages``.
    public var warnings: [String] { messages.filter { $0.kind == .warning }.map(\.text) }
}
