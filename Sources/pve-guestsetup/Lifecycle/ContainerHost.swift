import Glibc
import PVEConfig
import PVEGuestOS
import PVEGuestSetup
import PVELXCConfig
import PVERuntime
import PVEStorage
import PVESystem

/// `pct`'s lifecycle on a plain LXC host: where the container configs, the storage configuration
/// and the LXC directories are, and the tools it runs. Every VMID command builds one from
/// `--config-dir`, `--storage-config` and `--lxcpath`.
struct ContainerHost: Sendable {
    var configDirectory = "/etc/pve/lxc"
    var storageConfigPath = "/etc/pve/storage.cfg"
    var lxcPath = "/var/lib/lxc"
    var lockDirectory = "/run/lock/lxc"
    var runner: any CommandRunner = SpawnRunner()
    var toolDirectory = "/usr/bin"
    var subuidPath = "/etc/subuid"
    var subgidPath = "/etc/subgid"
    var tar = "/bin/tar"
    /// Where Proxmox's bridge script would be; when absent, veths join their bridge with `lxc.net.N.link`.
    var lxcnetaddbr = "/usr/share/lxc/lxcnetaddbr"

    var lxc: LXC { LXC(runner: runner, toolDirectory: toolDirectory, lxcPath: lxcPath) }
    var storageHost: StorageHost { StorageHost(runner: runner) }
    var storage: ContainerStorage {
        ContainerStorage(
            configDirectory: configDirectory, storageConfigPath: storageConfigPath, lxcPath: lxcPath, host: storageHost,
            lockDirectory: lockDirectory)
    }

    func configPath(_ vmid: String) -> String { configDirectory + "/" + vmid + ".conf" }
    func lxcDirectory(_ vmid: String) -> String { lxcPath + "/" + vmid }
    func rootDirectory(_ vmid: String) -> String { ContainerMountPlan.rootDirectory(vmid: vmid, lxcPath: lxcPath) }

    // MARK: - Config file access (the one place the config-edit orchestrator of issue 14 replaces)

    /// Whether `<vmid>.conf` exists.
    func configExists(_ vmid: String) -> Bool {
        var st = stat()
        return lstat(configPath(vmid), &st) == 0
    }

    /// Reads `<vmid>.conf`.
    func readConfig(_ vmid: String) throws(CommandFailure) -> ConfigDocument {
        let path = configPath(vmid)
        guard configExists(vmid) else { throw CommandFailure("Configuration file '\(path)' does not exist") }
        let bytes: [UInt8]
        do { bytes = try ConfigFileIO.read(path) } catch { throw CommandFailure("unable to read '\(path)' - \(error.description)") }
        do { return try ConfigDocument(bytes: bytes, file: path, vmid: vmid) } catch { throw CommandFailure(error.description) }
    }

    /// Writes `<vmid>.conf` atomically (mode 0640).
    func writeConfig(_ vmid: String, _ bytes: [UInt8]) throws(CommandFailure) {
        do {
            let fs = try RootFS(path: configDirectory)
            try fs.write("/" + vmid + ".conf", bytes, options: WriteOptions(mode: 0o640))
        } catch {
            throw CommandFailure("unable to write '\(configPath(vmid))' - \(error)")
        }
    }

    /// Edits `<vmid>.conf` through the CLI's config-edit session (per-VMID flock, bounded read,
    /// Proxmox's reader warnings, `lock:` and `--digest` refusals, atomic write keeping owner and
    /// mode): the one place `set`, `unlock` and the snapshot verbs change a config.
    func editConfig(
        _ vmid: String, options: ConfigEditSession.Options = ConfigEditSession.Options(), warn: (String) -> Void,
        _ body: (inout ContainerConfig) throws -> Void
    ) throws {
        guard configExists(vmid) else { throw CommandFailure("Configuration file '\(configPath(vmid))' does not exist") }
        let captured = CapturedOutput()
        var console = captured.console
        defer {
            for line in captured.stderr.split(separator: "\n") { warn(String(line)) }
        }
        let session = ConfigEditSession(path: configPath(vmid), vmid: vmid, options: options)
        try session.run(console: &console) { (config: inout ContainerConfig, _: inout Console) throws in try body(&config) }
    }

    /// Runs `body` holding the per-VMID flock (`<lockDirectory>/pve-config-<vmid>.lock`).
    func locked<T>(_ vmid: String, _ body: () throws -> T) throws -> T {
        var result: Result<T, any Error>? = nil
        do {
            try storage.withConfigLock(vmid) { () throws(StorageError) in
                result = Result { try body() }
            }
        } catch {
            throw CommandFailure(error.message)
        }
        return try result!.get()
    }

    // MARK: - Guest setup (the one call site of PVEGuestSetup)

    /// Runs a setup hook on a mounted rootfs; skipped for `ostype: unmanaged`.
    func runGuestSetup(
        _ hook: SetupHook, rootfs: String, config: ContainerConfig, rootPassword: String? = nil, sshKeys: String? = nil,
        warn: (String) -> Void
    ) throws(CommandFailure) {
        let setupConfig = GuestSetupConfig(config)
        if setupConfig.ostype == "unmanaged" { return }
        let fs: RootFS
        do { fs = try RootFS(path: rootfs) } catch { throw CommandFailure("rootfs '\(rootfs)': \(error.reason)") }
        let os: DetectedOS
        do {
            os = try OSDetector.detect(in: fs, configuredType: setupConfig.ostype.map { OSType($0) })
        } catch {
            throw CommandFailure(error.message)
        }
        var host = HostEnvironment()
        if let resolv = HostFacts.readHostFile("/etc/resolv.conf") {
            let parsed = HostEnvironment.parseResolvConf(resolv)
            host.search = parsed.search
            host.nameservers = parsed.nameservers
        }
        let zone = HostFacts.timezone()
        host.timezone = zone
        host.localtime = "/usr/share/zoneinfo/\(zone)"
        let request = GuestSetupRequest(
            hook: hook, rootPassword: rootPassword, sshKeys: sshKeys, host: host, now: HostFacts.now(),
            sshKeyGenerator: SSHKeygen(runner: runner))
        let result: GuestSetupResult
        do {
            result = try GuestSetup.apply(request, config: setupConfig, os: os, to: fs)
        } catch {
            throw CommandFailure(ApplyCommand.failureText(error).replacing("apply: ", with: "", maxReplacements: 1))
        }
        for m in result.messages where m.kind == .warning { warn("WARN: " + m.text) }
    }

    // MARK: - Mounts

    /// Mounts rootfs and mount points under `<lxcpath>/<vmid>/rootfs` (no config lock change).
    func mountVolumes(_ vmid: String, config: ContainerConfig, warn: (String) -> Void) throws(CommandFailure) {
        do {
            let storageConfig = try storage.storageConfig(warn: warn)
            let plan = try ContainerMountPlan(config: config, vmid: vmid, storage: storageConfig, lxcPath: lxcPath)
            try storageHost.mount(plan, storage: storageConfig, rootOwner: try ContainerRootOwner(config: config), warn: warn)
        } catch {
            throw CommandFailure(error.message)
        }
    }

    /// Unmounts whatever of the container's volumes is mounted (errors become warnings).
    func unmountVolumes(_ vmid: String, config: ContainerConfig, warn: (String) -> Void) {
        let targets = ContainerMountPlan.targets(config: config, vmid: vmid, lxcPath: lxcPath)
        _ = try? storageHost.unmount(targets: targets, ignoringErrors: true, warn: warn)
    }
}

extension String {
    /// `self` with the first `maxReplacements` occurrences of `old` replaced.
    fileprivate func replacing(_ old: String, with new: String, maxReplacements: Int) -> String {
        guard maxReplacements > 0, let range = self.firstRange(of: old) else { return self }
        return String(self[..<range.lowerBound]) + new + String(self[range.upperBound...])
    }
}
