import Glibc
public import PVEConfig
public import PVERuntime
import PVESystem

/// Where the host's storage tools are (Debian's paths by default).
public struct StorageTools: Sendable, Hashable {
    /// `mkfs.ext4`.
    public var mkfs: String
    /// `losetup`.
    public var losetup: String
    /// `mount`.
    public var mount: String
    /// `umount`.
    public var umount: String

    /// Creates a tool set.
    public init(mkfs: String, losetup: String, mount: String, umount: String) {
        self.mkfs = mkfs
        self.losetup = losetup
        self.mount = mount
        self.umount = umount
    }

    /// Debian's (and Proxmox VE's) locations.
    public static let debian = StorageTools(
        mkfs: "/usr/sbin/mkfs.ext4", losetup: "/usr/sbin/losetup", mount: "/usr/bin/mount",
        umount: "/usr/bin/umount")
}

/// The effects of the storage layer: creating, formatting and removing volumes on `dir` storages
/// and mounting a container's volumes. Host files go through `RootFS`, programs through a
/// `CommandRunner` (tests substitute a recording one).
public struct StorageHost: Sendable {
    /// Runs `mkfs.ext4`, `losetup`, `mount`, `umount`.
    public var runner: any CommandRunner
    /// Where those programs are.
    public var tools: StorageTools
    /// The host's root directory (`/`; tests may use another directory for file operations).
    public var hostRoot: String

    /// Test hook: whether a bind mount is checked to have arrived where it was meant to (off for
    /// runners that mount nothing).
    package var verifiesBindMounts = true

    /// Test hook: the text of `/proc/self/mounts` (nil: read the real one).
    package var mountTableOverride: (@Sendable () -> [UInt8])?

    /// Creates the effect layer.
    public init(runner: any CommandRunner = SpawnRunner(), tools: StorageTools = .debian, hostRoot: String = "/") {
        self.runner = runner
        self.tools = tools
        self.hostRoot = hostRoot
    }

    func hostFileSystem() throws(StorageError) -> RootFS {
        do { return try RootFS(path: hostRoot) } catch { throw StorageError(error.description) }
    }

    /// Runs file operations, turning a `FileError` into a `StorageError`.
    func files<T>(_ body: () throws(FileError) -> T) throws(StorageError) -> T {
        do { return try body() } catch { throw StorageError(error.description) }
    }

    func run(_ program: String, _ arguments: [String]) throws(StorageError) -> CommandResult {
        do {
            return try runner.run(Command(program, arguments)).checked()
        } catch {
            throw StorageError(error.description)
        }
    }

    // MARK: - Allocation

    /// The names in a storage's `images/<vmid>` directory (empty when it does not exist).
    public func existingImageNames(_ storage: StorageDefinition, vmid: String) throws(StorageError) -> [String] {
        let directory = try storage.contentDirectory("images") + "/" + vmid
        let fs = try hostFileSystem()
        return try files { () throws(FileError) -> [String] in
            guard try fs.info(directory, followSymlinks: true)?.kind == .directory else { return [] }
            return try fs.list(directory)
        }
    }

    /// Plans and creates a new container volume for a `STORAGE:SIZE` request, as `pct create` and
    /// `pct set -mpN STORAGE:SIZE` do: a directory owned by the container's root for size 0,
    /// else a sparse raw image formatted ext4 (Proxmox: `PVE::LXC::alloc_disk`). Nothing is left
    /// behind when a step fails.
    /// - Returns: the allocation (its ``VolumeAllocation/volumeID`` goes into the config).
    public func allocate(
        _ request: NewVolumeRequest, vmid: String, config: StorageConfig, rootOwner: ContainerRootOwner
    ) throws(StorageError) -> VolumeAllocation {
        let storage = try config.storage(request.storage)
        try storage.requireDirectory(for: "allocate on")
        var plan = try VolumeAllocation.plan(request, vmid: vmid, config: config, existingNames: [], node: node)
        try activate(storage)
        plan = try VolumeAllocation.plan(
            request, vmid: vmid, config: config, existingNames: try existingImageNames(storage, vmid: vmid), node: node)
        try create(plan, storage: storage, rootOwner: rootOwner)
        return plan
    }

    /// This host's node name: the host name up to the first dot (Proxmox: `PVE::INotify::nodename`).
    public var node: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.split(separator: ".", omittingEmptySubsequences: false).first ?? "")
    }

    /// Makes a `dir` storage usable (Proxmox: `DirPlugin::activate_storage`): a declared mount
    /// point must be mounted, the base directory is created unless `create-base-path 0`
    /// (`mkdir 0`), and must then exist; the content directories are created unless
    /// `create-subdirs 0` (`mkdir 0`).
    public func activate(_ storage: StorageDefinition) throws(StorageError) {
        try storage.requireDirectory(for: "activate")
        guard let path = storage.path, !path.isEmpty else { throw StorageError("storage definition has no path") }
        if let mountPoint = storage.declaredMountPoint, !(try isMounted(mountPoint)) {
            throw StorageError(
                "unable to activate storage '\(storage.id)' - directory is expected to be a mount point but is not mounted: '\(mountPoint)'"
            )
        }
        let fs = try hostFileSystem()
        func flag(_ key: String) -> Bool? { storage.options[key].map { $0 != "0" } }
        if flag("create-base-path") ?? flag("mkdir") ?? true {
            try files { () throws(FileError) in try fs.makeDirectories(path, mode: 0o755, owner: nil) }
        }
        let isDirectory = try files { () throws(FileError) in try fs.info(path, followSymlinks: true)?.kind == .directory }
        guard isDirectory else {
            throw StorageError("unable to activate storage '\(storage.id)' - directory '\(path)' does not exist or is unreachable")
        }
        guard flag("create-subdirs") ?? true, flag("mkdir") ?? true else { return }
        let content = storage.content
        for type in ContentDirectory.defaults.keys.sorted()
        where content.contains(type) || (type == "backup" && content.contains("rootdir")) {
            let directory = try storage.contentDirectory(type)
            do {
                try fs.makeDirectories(directory, mode: 0o755, owner: nil)
            } catch {
                throw StorageError("failed to create content directory '\(directory)' for content '\(type)' - \(error.reason)")
            }
        }
    }

    /// Creates a planned volume (Proxmox: `Plugin::alloc_image`, then `format_disk` or the chown
    /// of `create_disks`).
    public func create(
        _ plan: VolumeAllocation, storage: StorageDefinition, rootOwner: ContainerRootOwner
    ) throws(StorageError) {
        let fs = try hostFileSystem()
        let imagesRoot = try storage.contentDirectory("images")
        let path = plan.path
        let exists = try files { () throws(FileError) -> Bool in
            try fs.makeDirectories(imagesRoot, mode: 0o755, owner: nil)
            if try fs.info(plan.directory, followSymlinks: true) == nil {
                try fs.makeDirectory(plan.directory, mode: 0o740, owner: nil)
            }
            return try fs.info(path, followSymlinks: false) != nil
        }
        if exists { throw StorageError("disk image '\(path)' already exists") }
        switch plan.format {
        case .subvol:
            do {
                try fs.makeDirectory(path, mode: 0o755, owner: nil)
            } catch {
                throw StorageError("unable to create subvol '\(path)' - \(error.reason)")
            }
            do {
                try fs.changeOwner(path, to: FileOwner(uid: rootOwner.uid, gid: rootOwner.gid))
            } catch {
                try? fs.removeDirectory(path)
                throw StorageError(error.description)
            }
        case .raw:
            do {
                try fs.createSparseFile(path, size: plan.size, mode: 0o640)
            } catch {
                try? fs.unlink(path)
                try? fs.removeDirectory(plan.directory)
                throw StorageError(error.description)
            }
            do {
                try format(path, rootOwner: rootOwner)
            } catch {
                try? fs.unlink(path)
                throw error
            }
        }
    }

    /// Makes an ext4 file system as Proxmox does for container images (Proxmox: `PVE::LXC::mkfs`:
    /// multi-mount protection, root directory owned by the container's root).
    public func format(_ path: String, rootOwner: ContainerRootOwner) throws(StorageError) {
        _ = try run(tools.mkfs, ["-O", "mmp", "-E", "root_owner=\(rootOwner.uid):\(rootOwner.gid)", path])
    }

    /// Removes a volume of a `dir` storage: the image file, or the directory with its content,
    /// never following a symlink (Proxmox: `Plugin::free_image`).
    public func free(_ volumeID: String, config: StorageConfig) throws(StorageError) {
        let (_, volume) = try config.volume(volumeID)
        let path = try config.path(of: volumeID)
        let fs = try hostFileSystem()
        if volume.format == "subvol" {
            // Rooted at the volume's directory: nothing the guest left in it can lead outside.
            let slash = path.lastIndex(of: "/") ?? path.startIndex
            let name = String(path[path.index(after: slash)...])
            let parent = try files { () throws(FileError) in try RootFS(path: String(path[..<slash])) }
            try files { () throws(FileError) in try Self.removeTree(parent, "/" + name) }
        } else {
            try files { () throws(FileError) in try fs.unlink(path) }
        }
    }
}

extension StorageHost {
    /// Removes `path` and everything below it inside `fs`, without following symlinks.
    static func removeTree(_ fs: RootFS, _ path: String) throws(FileError) {
        guard let info = try fs.info(path, followSymlinks: false) else { return }
        if info.kind == .directory {
            for name in try fs.list(path) { try removeTree(fs, path + "/" + name) }
            try fs.removeDirectory(path)
        } else {
            try fs.unlink(path)
        }
    }

    /// Allocates every `STORAGE:SIZE` request among a container's `rootfs`/`mpN` values, as
    /// `pct create` and `pct set -mpN STORAGE:SIZE` do (Proxmox: `PVE::LXC::create_disks`):
    /// each request becomes a new volume and the value names it, with `size` set; other values are
    /// kept. When one allocation fails, the volumes made so far are removed again.
    /// - Parameters:
    ///   - mountPoints: the values by key (`rootfs`, `mp0`, …), in key order.
    ///   - vmid: the container.
    ///   - config: the storage configuration.
    ///   - rootOwner: the container's root (owner of new directories and ext4 roots).
    /// - Returns: the values with allocated volumes filled in, and the new volume IDs.
    public func createDisks(
        _ mountPoints: [(key: String, value: MountPoint)], vmid: String, config: StorageConfig,
        rootOwner: ContainerRootOwner
    ) throws(StorageError) -> (mountPoints: [(key: String, value: MountPoint)], volumes: [String]) {
        var result: [(key: String, value: MountPoint)] = []
        var created: [String] = []
        do {
            for (key, value) in mountPoints {
                var mountPoint = value
                if let request = mountPoint.newVolumeRequest {
                    let allocation = try allocate(request, vmid: vmid, config: config, rootOwner: rootOwner)
                    created.append(allocation.volumeID)
                    mountPoint.volume = allocation.volumeID
                    mountPoint.size = request.bytes
                }
                result.append((key, mountPoint))
            }
        } catch {
            for volume in created { try? free(volume, config: config) }
            throw error
        }
        return (result, created)
    }
}
