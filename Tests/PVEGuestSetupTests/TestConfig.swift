import PVEConfig
import PVEGuestOS
import PVESystem

@testable import PVEGuestSetup

extension GuestSetupConfig {
    /// The setup view of `<vmid>.conf` text, read leniently as Proxmox's reader does.
    init(configText text: String) throws(SetupError) {
        do {
            let read = try ConfigReader.read(Array(text.utf8), file: "100.conf", vmid: "100", mode: .lenient, digest: false)
            self.init(read.config)
        } catch {
            throw SetupError("\(error)")
        }
    }
}

extension GuestSetup {
    /// The library entry point with the request's fields as arguments (tests vary one at a time).
    static func apply(
        _ hook: SetupHook, os: DetectedOS, on fs: any GuestFileSystem, config: GuestSetupConfig,
        host: HostEnvironment, now: Int64, seed: UInt64?, processOwner: FileOwner = .root,
        rootPassword: String? = nil, sshKeys: String? = nil, sshKeyGenerator: (any SSHHostKeyGenerator)? = nil,
        dryRun: Bool = false
    ) throws(SetupError) -> GuestSetupResult {
        let request = GuestSetupRequest(
            hook: hook, rootPassword: rootPassword, sshKeys: sshKeys, host: host, now: now, seed: seed,
            processOwner: processOwner, sshKeyGenerator: sshKeyGenerator, dryRun: dryRun)
        return try apply(request, config: config, os: os, to: fs)
    }
}
