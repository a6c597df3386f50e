import PVEConfig
import PVESystem

/// `pct mount` / `pct unmount` on a host's files: where the container configs, the storage
/// configuration and the LXC container directories are, and the effect layer that mounts.
///
/// ```swift
/// let storage = ContainerStorage(host: StorageHost())
/// let rootfs = try storage.mount(vmid: "100")   // /var/lib/lxc/100/rootfs, config locked 'mounted'
/// try storage.unmount(vmid: "100")
/// ```
public struct ContainerStorage: Sendable {
    /// The directory of `<vmid>.conf` files (Proxmox: `/etc/pve/lxc`).
    public var configDirectory: String
    /// The storage configuration file (absent: only the built-in `local` storage).
    public var storageConfigPath: String
    /// The LXC container directory (`<lxcpath>/<vmid>/rootfs` is mounted on).
    public var lxcPath: String
    /// The effect layer.
    public var host: StorageHost
    /// Where the per-container config locks are (`pve-config-<vmid>.lock`, Proxmox: `/run/lock/lxc`).
    public var lockDirectory: String
    /// How long to wait for another holder of the config lock, in seconds (Proxmox: 10).
    public var lockTimeout: Double = 10

    /// Creates the operations with Proxmox's default locations unless given.
    public init(
        configDirectory: String = "/etc/pve/lxc", storageConfigPath: String = "/etc/pve/storage.cfg",
        lxcPath: String = "/var/lib/lxc", host: StorageHost = StorageHost(), lockDirectory: String = "/run/lock/lxc"
    ) {
        self.lockDirectory = lockDirectory
        self.configDirectory = configDirectory
        self.storageConfigPath = storageConfigPath
        self.lxcPath = lxcPath
        self.host = host
    }

    /// Reads the storage configuration; a missing file gives the built-in `local` storage. Every
    /// problem in the file goes to `warn` (as Proxmox warns and goes on).
    public func storageConfig(warn: (String) -> Void = { _ in }) throws(StorageError) -> StorageConfig {
        let (config, diagnostics) = try StorageConfig.read(path: storageConfigPath)
        for diagnostic in diagnostics { warn(diagnostic.description) }
        return config
    }

    /// Mounts the container's rootfs and mount points under `<lxcpath>/<vmid>/rootfs` and sets the
    /// `mounted` lock, as `pct mount` does.
    /// - Returns: the rootfs directory.
    /// - Throws: `CT is locked (<lock>)`, a missing or unreadable config, storage and mount errors.
    ///   When mounting fails the lock is taken off again.
    @discardableResult
    public func mount(vmid: String, warn: (String) -> Void = { _ in }) throws(StorageError) -> String {
        try withConfigLock(vmid, warn: warn) { () throws(StorageError) in try mountLocked(vmid: vmid, warn: warn) }
    }

    private func mountLocked(vmid: String, warn: (String) -> Void) throws(StorageError) -> String {
        var document = try loadConfig(vmid)
        var config = document.config
        do { try config.setLock("mounted") } catch { throw StorageError(error.message) }
        let storage = try storageConfig(warn: warn)
        let plan = try ContainerMountPlan(config: config, vmid: vmid, storage: storage, lxcPath: lxcPath)
        let owner = try ContainerRootOwner(config: config)
        let unlocked = document.bytes
        document.update(to: config)
        try writeConfig(vmid, document.bytes)
        do {
            try host.mount(plan, storage: storage, rootOwner: owner, warn: warn)
        } catch {
            try? writeConfig(vmid, unlocked)
            throw error
        }
        return plan.rootDirectory
    }

    /// Unmounts what `mount` mounted, in reverse order, and removes the `mounted` lock, as
    /// `pct unmount` does.
    /// - Throws: the first failed unmount (the lock stays then), or Proxmox's lock messages
    ///   (`no lock found trying to remove 'mounted' lock`, `found lock 'x' trying to remove 'mounted' lock`).
    public func unmount(vmid: String, warn: (String) -> Void = { _ in }) throws(StorageError) {
        try withConfigLock(vmid, warn: warn) { () throws(StorageError) in try unmountLocked(vmid: vmid, warn: warn) }
    }

    private func unmountLocked(vmid: String, warn: (String) -> Void) throws(StorageError) {
        var document = try loadConfig(vmid)
        var config = document.config
        let targets = ContainerMountPlan.targets(config: config, vmid: vmid, lxcPath: lxcPath)
        try host.unmount(targets: targets, ignoringErrors: false, warn: warn)
        do { try config.removeLock("mounted") } catch { throw StorageError(error.message) }
        document.update(to: config)
        try writeConfig(vmid, document.bytes)
    }

    /// Runs `body` holding the container's config lock (Proxmox: `lock_config`, an exclusive
    /// `flock` on `<lockDirectory>/pve-config-<vmid>.lock`, waiting at most ``lockTimeout``).
    /// - Throws: `can't lock file '<path>' - got timeout`, or what `body` throws.
    public func withConfigLock<T>(
        _ vmid: String, warn: (String) -> Void = { _ in }, _ body: () throws(StorageError) -> T
    ) throws(StorageError) -> T {
        let path = lockDirectory + "/pve-config-" + vmid + ".lock"
        if let parent = try? RootFS(path: "/"), (try? parent.info(lockDirectory, followSymlinks: true)) == nil {
            try? parent.makeDirectory(lockDirectory, mode: 0o755, owner: nil)
        }
        let lock: FileLock
        do {
            lock = try FileLock(path: path, timeout: lockTimeout) { warn("trying to acquire lock...") }
        } catch {
            throw StorageError("can't lock file '\(path)' - \(error.reason)")
        }
        defer { lock.release() }
        return try body()
    }

    private var configFileSystem: RootFS {
        get throws(StorageError) {
            do { return try RootFS(path: configDirectory) } catch {
                throw StorageError("unable to open config directory '\(configDirectory)' - \(error.reason)")
            }
        }
    }

    func loadConfig(_ vmid: String) throws(StorageError) -> ConfigDocument {
        let path = configDirectory + "/" + vmid + ".conf"
        let bytes: [UInt8]
        let missing = StorageError("Configuration file '\(path)' does not exist")
        do {
            guard let read = try RootFS(path: configDirectory).readIfExists("/" + vmid + ".conf") else { throw missing }
            bytes = read
        } catch let error as StorageError {
            throw error
        } catch let error as FileError {
            if error.code == .notFound { throw missing }
            throw StorageError("unable to read '\(path)' - \(error.reason)")
        } catch {
            throw StorageError("\(error)")
        }
        do { return try ConfigDocument(bytes: bytes, file: path, vmid: vmid) } catch {
            throw StorageError(error.description)
        }
    }

    func writeConfig(_ vmid: String, _ bytes: [UInt8]) throws(StorageError) {
        do {
            try configFileSystem.write("/" + vmid + ".conf", bytes, options: WriteOptions(mode: 0o640))
        } catch let error as FileError {
            throw StorageError("unable to write '\(configDirectory)/\(vmid).conf' - \(error.reason)")
        } catch {
            throw StorageError("\(error)")
        }
    }

    /// Directory and name of a file path (`.` for a bare name).
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}

extension StorageConfig {
    /// Reads and parses a storage configuration file; a missing file reads as empty (the
    /// built-in `local` storage only), as Proxmox reads it.
    /// - Throws: `unable to read '<path>' - <reason>` when the file exists but cannot be read.
    public static func read(path: String) throws(StorageError) -> (config: StorageConfig, diagnostics: [StorageDiagnostic]) {
        let bytes: [UInt8]
        do {
            let (directory, name) = ContainerStorage.split(path)
            bytes = try RootFS(path: directory).readIfExists(name) ?? []
        } catch {
            if error.code == .notFound { return parse([], file: path) }
            throw StorageError("unable to read '\(path)' - \(error.reason)")
        }
        return parse(bytes, file: path)
    }
}
