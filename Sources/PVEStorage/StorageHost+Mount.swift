import PVERuntime
import PVESystem

extension StorageHost {
    /// Mounts a container's volumes below its rootfs directory in plan order, as `pct mount` does
    /// (Proxmox: `PVE::LXC::mount_all`): missing mount-point directories are created (owned by the
    /// container's root) and a symlink on the way is refused; images are loop-mounted, directories
    /// bind-mounted. When a mount fails, everything mounted so far is unmounted again.
    /// - Parameters:
    ///   - plan: the mounts.
    ///   - storage: the storage configuration the plan was made with (storages are activated first).
    ///   - rootOwner: owner of mount-point directories created inside the container.
    ///   - warn: receives Proxmox's warnings (`mounting container failed`, quota on bind mounts).
    public func mount(
        _ plan: ContainerMountPlan, storage: StorageConfig, rootOwner: ContainerRootOwner,
        warn: (String) -> Void = { _ in }
    ) throws(StorageError) {
        let fs = try hostFileSystem()
        try files { () throws(FileError) in try fs.makeDirectories(plan.rootDirectory, mode: 0o755, owner: nil) }
        try activateVolumes(plan, storage: storage)
        do {
            for mount in plan.mounts {
                try self.mount(mount, rootDirectory: plan.rootDirectory, rootOwner: rootOwner)
                switch mount.source {
                case .directory where mount.quota:
                    warn("cannot enable quota control for bind mounted subvolumes")
                case .hostDirectory where mount.quota:
                    warn("cannot enable quota control for bind mounts")
                default: break
                }
            }
        } catch {
            warn("mounting container failed")
            _ = try? unmount(plan, ignoringErrors: true, warn: warn)
            throw error
        }
    }

    /// Makes the plan's storages usable and checks that every volume exists (Proxmox:
    /// `PVE::Storage::activate_volumes`).
    /// - Throws: `storage 'x' is disabled`, `storage 'x' is not available on node 'n'`, the
    ///   activation errors, `volume 'store:name' does not exist`.
    public func activateVolumes(_ plan: ContainerMountPlan, storage: StorageConfig) throws(StorageError) {
        var activated: Set<String> = []
        let fs = try hostFileSystem()
        for mount in plan.mounts {
            guard let volumeID = mount.volumeID else { continue }
            let (definition, _) = try storage.volume(volumeID)
            if !activated.contains(definition.id) {
                try definition.checkEnabled(node: node)
                try activate(definition)
                activated.insert(definition.id)
            }
            let path = try storage.path(of: volumeID)
            if try files({ () throws(FileError) in try fs.info(path, followSymlinks: true) }) == nil {
                throw StorageError("volume '\(volumeID)' does not exist")
            }
        }
    }

    /// Unmounts a container's volumes in reverse plan order, skipping those not mounted
    /// (Proxmox: `PVE::LXC::umount_all`, `umount -d` so loop devices go too).
    /// - Parameters:
    ///   - plan: the container's mount plan.
    ///   - ignoringErrors: go on after a failed unmount (reporting it to `warn`).
    ///   - warn: receives the failures skipped with `ignoringErrors`.
    /// - Returns: whether every unmount succeeded.
    /// - Throws: the first failure, unless `ignoringErrors`.
    @discardableResult
    public func unmount(
        _ plan: ContainerMountPlan, ignoringErrors: Bool, warn: (String) -> Void = { _ in }
    ) throws(StorageError) -> Bool {
        try unmount(targets: plan.mounts.map(\.target), ignoringErrors: ignoringErrors, warn: warn)
    }

    /// Unmounts the given mount targets in reverse order, skipping those not mounted.
    /// - Parameters:
    ///   - targets: the targets in mount order (``ContainerMountPlan/targets(config:vmid:lxcPath:)``).
    ///   - ignoringErrors: go on after a failed unmount (reporting it to `warn`).
    ///   - warn: receives the failures skipped with `ignoringErrors`.
    /// - Returns: whether every unmount succeeded.
    @discardableResult
    public func unmount(
        targets: [String], ignoringErrors: Bool, warn: (String) -> Void = { _ in }
    ) throws(StorageError) -> Bool {
        var allDone = true
        for target in targets.reversed() {
            guard (try? isMounted(target)) ?? true else { continue }
            do {
                _ = try run(tools.umount, ["-d", target])
            } catch {
                guard ignoringErrors else { throw error }
                allDone = false
                warn(error.message)
            }
        }
        return allDone
    }

    /// Whether `path` is a mount point in this process's mount table (`/proc/self/mounts`).
    public func isMounted(_ path: String) throws(StorageError) -> Bool {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        if let override = mountTableOverride { return MountTable.mountPoints(override()).contains(path) }
        let table = try files { () throws(FileError) -> [UInt8] in
            try RootFS(path: "/proc/self").read("/mounts", limit: 64 << 20)
        }
        return MountTable.mountPoints(table).contains(path)
    }

    private func mount(_ mount: ContainerMount, rootDirectory: String, rootOwner: ContainerRootOwner) throws(StorageError) {
        try prepareTarget(mount.mountPath, rootDirectory: rootDirectory, rootOwner: rootOwner)
        switch mount.source {
        case .directory(let path), .hostDirectory(let path):
            if case .hostDirectory = mount.source {
                let fs = try hostFileSystem()
                let kind = try files { () throws(FileError) in try fs.info(path, followSymlinks: true)?.kind }
                if kind != .directory { throw StorageError("directory '\(path)' does not exist") }
            }
            // The source is walked without following symlinks, and after mounting the target must
            // lead to it (Proxmox: `bindmount` with `__bindmount_prepare` / `__bindmount_verify`).
            let source = try walkWithoutSymlinks(path, in: hostRoot, from: "")
            let steps = mount.mountArguments()
            _ = try run(tools.mount, steps[0])
            do throws(StorageError) {
                if steps.count > 1 { _ = try run(tools.mount, steps[1]) }
                let target = try walkWithoutSymlinks(mount.mountPath, in: rootDirectory, from: rootDirectory)
                if verifiesBindMounts, target != source { throw StorageError("detected mount path change at: \(path)") }
            } catch {
                _ = try? run(tools.umount, [mount.target])
                throw error
            }
        case .image(let path, _), .iso(let path):
            try withLoopDevice(path, readOnly: mount.readOnly) { (device) throws(StorageError) in
                for arguments in mount.mountArguments(device: device) { _ = try run(tools.mount, arguments) }
            }
        case .device:
            for arguments in mount.mountArguments() { _ = try run(tools.mount, arguments) }
        }
    }

    /// Walks `path` inside `root` component by component, refusing symlinks (`symlink encountered
    /// at: …`, the path shown with `display` in front), and returns the identity it leads to.
    func walkWithoutSymlinks(_ path: String, in root: String, from display: String) throws(StorageError) -> FileIdentity? {
        let fs = try files { () throws(FileError) in try RootFS(path: root) }
        var current = ""
        for component in path.split(separator: "/") where component != "." {
            current += "/" + component
            let kind = try files { () throws(FileError) in try fs.info(current, followSymlinks: false)?.kind }
            if kind == .symlink { throw StorageError("symlink encountered at: \(display)\(current)") }
        }
        return try files { () throws(FileError) in try fs.identity(current.isEmpty ? "/" : current) }
    }

    /// Attaches `file` to a loop device (reusing one already attached), runs `body` with it, and
    /// detaches it again (a mounted device then goes away with its unmount) (Proxmox: `run_with_loopdev`).
    func withLoopDevice(
        _ file: String, readOnly: Bool, _ body: (String) throws(StorageError) -> Void
    ) throws(StorageError) {
        let associated = try run(tools.losetup, ["--associated", file]).outputText
        for line in associated.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), Self.isLoopDevice(line[..<colon]) else { continue }
            try body(String(line[..<colon]))
            return
        }
        let output = try run(tools.losetup, ["--show", "-f", file] + (readOnly ? ["-r"] : [])).outputText
        guard let device = output.split(separator: "\n").last(where: { Self.isLoopDevice($0) }).map(String.init) else {
            throw StorageError("failed to setup loop device for \(file)")
        }
        do {
            try body(device)
        } catch {
            _ = try? run(tools.losetup, ["-d", device])
            throw error
        }
        _ = try run(tools.losetup, ["-d", device])
    }

    /// `^/dev/loop\d+$`.
    static func isLoopDevice(_ text: Substring) -> Bool {
        guard text.hasPrefix("/dev/loop") else { return false }
        let digits = text.dropFirst("/dev/loop".count)
        return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Walks from the rootfs directory to the mount point without following symlinks, creating
    /// missing directories (mode 0755, owned by the container's root) (Proxmox: `walk_tree_nofollow`).
    func prepareTarget(_ mountPath: String, rootDirectory: String, rootOwner: ContainerRootOwner) throws(StorageError) {
        let root = try files { () throws(FileError) in try RootFS(path: rootDirectory) }
        var current = ""
        for component in mountPath.split(separator: "/") where component != "." {
            current += "/" + component
            let hostPath = rootDirectory + current
            let kind = try files { () throws(FileError) in try root.info(current, followSymlinks: false)?.kind }
            switch kind {
            case .directory?:
                continue
            case .symlink?:
                throw StorageError("symlink encountered at: \(hostPath)")
            case nil:
                try files { () throws(FileError) in
                    try root.makeDirectory(current, mode: 0o755, owner: FileOwner(uid: rootOwner.uid, gid: rootOwner.gid))
                }
            case _?:
                throw StorageError("cannot open directory \(hostPath): Not a directory")
            }
        }
    }
}

/// Reading `/proc/self/mounts`.
enum MountTable {
    /// The mount points (second field), with the kernel's octal escapes (`\040` for a space) decoded.
    static func mountPoints(_ table: [UInt8]) -> Set<String> {
        var result: Set<String> = []
        for line in table.split(separator: 0x0A) {
            let fields = line.split(separator: 0x20)
            guard fields.count >= 2 else { continue }
            result.insert(unescape(Array(fields[1])))
        }
        return result
    }

    static func unescape(_ field: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < field.count {
            if field[i] == UInt8(ascii: "\\"), i + 3 < field.count,
                field[(i + 1)...(i + 3)].allSatisfy({ $0 >= 0x30 && $0 <= 0x37 })
            {
                out.append(field[(i + 1)...(i + 3)].reduce(0) { $0 &* 8 &+ ($1 - 0x30) })
                i += 4
            } else {
                out.append(field[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
