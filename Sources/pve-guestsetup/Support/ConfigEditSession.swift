import Glibc
import PVEConfig
import PVESystem

/// The one way a command rewrites a container config, as Proxmox's API does it
/// (`PVE::AbstractConfig::lock_config` around load, check, change, write):
///
/// 1. take the per-VMID lock `/run/lock/lxc/pve-config-<vmid>.lock` (`flock`, 10 s timeout,
///    `trying to acquire lock...` while waiting; Proxmox's message on timeout);
/// 2. read the file (bounded, never blocking) and print the warnings Proxmox's reader prints
///    (a byte-order mark, unknown keys, ...);
/// 3. refuse a locked config (`CT is locked (<lock>)`) unless `skipLock`, and a stale `--digest`;
/// 4. let the command change the parsed config, then check that Proxmox's writer accepts it;
/// 5. write only the changed lines (or the canonical form), atomically, keeping owner, group and
///    mode, through a symlink if the config is one; release the lock.
///
/// Used by `config set` and `config snapshot`, and meant for the `pct`-style `<vmid>` commands.
struct ConfigEditSession {
    /// How the edit is checked and written.
    struct Options {
        /// Skip the `lock:` check (`--skiplock`).
        var skipLock = false
        /// Refuse the edit unless the file's SHA-1 is this (`--digest`).
        var digest: String? = nil
        /// Write Proxmox's canonical form instead of editing only the affected lines.
        var canonical = false
        /// Check the `lock:` key at all (snapshot operations check their own locks).
        var checkLock = true
    }

    /// Proxmox's wait for a config lock (`lock_config`), in seconds.
    static let lockTimeout = 10.0

    /// `/run/lock/lxc`, Proxmox's lock directory; `PVE_GUESTSETUP_LOCK_DIR` overrides it (tests).
    static var lockDirectory: String {
        guard let value = getenv("PVE_GUESTSETUP_LOCK_DIR"), value.pointee != 0 else { return "/run/lock/lxc" }
        return String(cString: value)
    }

    /// The lock file of `vmid` (`PVE::LXC::Config::config_file_lock`).
    static func lockPath(vmid: String) -> String { "\(lockDirectory)/pve-config-\(vmid).lock" }

    let path: String
    let vmid: String
    var options: Options

    /// Runs the whole edit; `change` gets the parsed config and edits it in place (it prints its
    /// own warnings). Returns whether the file changed.
    @discardableResult
    func run(console: inout Console, change: (inout ContainerConfig, inout Console) throws -> Void) throws -> Bool {
        var waited = false
        let lockPath = Self.lockPath(vmid: vmid)
        let lock: FileLock
        do {
            _ = mkdir(Self.lockDirectory, 0o755)  // like Proxmox's `mkdir $lockdir` (exists: fine)
            lock = try FileLock(path: lockPath, timeout: Self.lockTimeout) {
                waited = true
                console.err("trying to acquire lock...")
            }
        } catch {
            if waited { console.err(" failed\n") }
            // `PVE::Tools::lock_file_full`'s text.
            let reason = error.reason == "got timeout" ? error.reason : "can't open file - \(error.reason)"
            throw CommandFailure("can't lock file '\(lockPath)' - \(reason)")
        }
        if waited { console.err(" OK\n") }
        defer { lock.release() }

        let bytes: [UInt8]
        do {
            bytes = try ConfigFileIO.read(path)
        } catch {
            throw CommandFailure(error.description)
        }
        var document: ConfigDocument
        do {
            document = try ConfigDocument(bytes: bytes, file: path, vmid: vmid, isKnownZone: ConfigFileIO.hostTimeZones)
        } catch {
            throw CommandFailure(error.description)
        }
        ConfigCommand.printProxmoxWarnings(document.diagnostics, console: &console)
        var config = document.config
        if options.checkLock && !options.skipLock {
            do throws(ConfigOperationError) {
                try config.checkLock()
            } catch {
                throw CommandFailure(error.message)
            }
        }
        if let digest = options.digest, !digest.isEmpty, digest != config.digest {
            throw CommandFailure("detected modified configuration - file changed by other user? Try again.")
        }
        try change(&config, &console)
        let output: [UInt8]
        do {
            let canonical = try ConfigWriter.write(config)  // Proxmox's writer must accept the result
            if options.canonical {
                output = canonical
            } else {
                document.update(to: config)
                output = document.bytes
            }
        } catch {
            throw CommandFailure(error.message)
        }
        guard output != bytes else { return false }
        try ConfigCommand.replace(path, with: output)
        return true
    }
}
