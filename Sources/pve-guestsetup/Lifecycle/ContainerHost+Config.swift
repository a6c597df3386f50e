import Glibc
import PVEConfig
import PVERuntime
import PVEStorage
import PVESystem

/// What `set` was asked for (pure).
struct SetRequest: Sendable {
    var settings: [(key: String, value: String)] = []
    var deletes: [String] = []
    var reverts: [String] = []
    var digest: String? = nil
    var skipLock = false
}

/// The cgroup files a hot-applicable key sets on a running container (pure), for cgroup v2 or
/// v1 (Proxmox: `PVE::LXC::update_lxc_config`'s hotplug part through `PVE::CGroup`): memory and
/// swap in MiB (v1 limits memory+swap together), cpulimit in CPUs (0: no limit), cpuunits as the
/// CPU weight (v2) or shares (v1). Nil: not hot-applicable (queued as pending).
enum HotApply {
    static func cgroupSettings(
        _ key: String, _ value: String, config: ContainerConfig, v2: Bool
    ) -> [(file: String, value: String)]? {
        let mib: UInt64 = 1024 * 1024
        let memory = UInt64(config.main["memory"] ?? "512") ?? 512
        let swap = UInt64(config.main["swap"] ?? "512") ?? 512
        switch key {
        case "memory":
            guard let new = UInt64(value) else { return nil }
            if v2 { return [("memory.max", String(new * mib))] }
            let limit = ("memory.limit_in_bytes", String(new * mib))
            let both = ("memory.memsw.limit_in_bytes", String((new + swap) * mib))
            return new > memory ? [both, limit] : [limit, both]
        case "swap":
            guard let new = UInt64(value) else { return nil }
            if v2 { return [("memory.swap.max", String(new * mib))] }
            return [("memory.memsw.limit_in_bytes", String((memory + new) * mib))]
        case "cpulimit":
            guard let cpus = Double(value) else { return nil }
            let quota = Int((cpus * 100_000).rounded())
            if v2 { return [("cpu.max", cpus == 0 ? "max 100000" : "\(quota) 100000")] }
            return [("cpu.cfs_period_us", "100000"), ("cpu.cfs_quota_us", cpus == 0 ? "-1" : String(quota))]
        case "cpuunits":
            guard let units = Int(value) else { return nil }
            if v2 { return [("cpu.weight", String(min(max(units, 1), 10_000)))] }
            return [("cpu.shares", String(min(max(units, 2), 262_144)))]
        default:
            return nil
        }
    }
}

extension ContainerHost {
    /// `pct set`: on a stopped container the changes are applied; on a running one memory, swap,
    /// cpulimit and cpuunits are applied now through the container's cgroup and the rest is queued
    /// as pending (applied by the next start). `netN` values are completed (type, hwaddr).
    func set(_ vmid: String, _ request: SetRequest, warn: (String) -> Void) throws {
        let options = ConfigEditSession.Options(skipLock: request.skipLock, digest: request.digest)
        var allocated: [String] = []
        do {
            try editConfig(vmid, options: options, warn: warn) { (config: inout ContainerConfig) throws in
                try applySet(vmid, request, to: &config, allocated: &allocated, warn: warn)
            }
        } catch {
            // Volumes made for `-mpN STORAGE:SIZE` go again when the edit fails.
            if !allocated.isEmpty, let storageConfig = try? storage.storageConfig() {
                for volume in allocated {
                    try? storageHost.free(volume, config: storageConfig)
                    removeEmptyImageDirectory(volume, config: storageConfig)
                }
            }
            throw error
        }
    }

    /// The changes of `set` on the locked, loaded config.
    private func applySet(
        _ vmid: String, _ request: SetRequest, to config: inout ContainerConfig, allocated: inout [String],
        warn: (String) -> Void
    ) throws {
        let running = state(vmid) != .stopped
        for key in request.deletes {
            let warning = try failing { () throws(ConfigEditError) -> String? in
                running ? try config.queuePendingDeletion(key, vmid: vmid) : try config.deleteApplying(key, vmid: vmid)
            }
            if let warning { warn(warning) }
        }
        for (key, raw) in request.settings {
            var value = raw
            if key.hasPrefix("net"), Int(key.dropFirst(3)) != nil {
                value = try failing { () throws(PropertyStringError) in
                    try NetworkInterface(parsing: raw) { NetworkInterface.randomMAC(prefix: "BC:24:11") }.propertyString
                }
            }
            if key.hasPrefix("mp"), let mount = try? MountPoint(parsing: value, kind: .mountPoint), mount.newVolumeRequest != nil {
                // `-mpN STORAGE:SIZE`: a new volume, as pct set allocates it.
                let storageConfig = try failing { () throws(StorageError) in try storage.storageConfig(warn: warn) }
                let owner = try failing { () throws(StorageError) in try ContainerRootOwner(config: config) }
                let made = try failing { () throws(StorageError) in
                    try storageHost.createDisks([(key, mount)], vmid: vmid, config: storageConfig, rootOwner: owner)
                }
                allocated += made.volumes
                value = made.mountPoints[0].value.propertyString
            }
            value = try failing { () throws(ConfigEditError) in try ConfigValidation.validate(key: key, value: value) }
            if !running {
                try failing { () throws(ConfigEditError) in try config.setApplying(key, to: value, vmid: vmid) }
            } else if let settings = HotApply.cgroupSettings(key, value, config: config, v2: cgroupV2),
                applyCgroup(vmid, settings, warn: warn)
            {
                try failing { () throws(ConfigEditError) in try config.setApplying(key, to: value, vmid: vmid) }
            } else {
                try failing { () throws(ConfigEditError) in try config.queuePendingValue(key, value, vmid: vmid) }
            }
        }
        for key in request.reverts { config.revertPending(key) }
        config.cleanupPending()
    }

    /// Whether the host has the unified cgroup hierarchy (v2) at /sys/fs/cgroup.
    var cgroupV2: Bool {
        var st = stat()
        return stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0
    }

    /// Writes cgroup files of a running container through `lxc-cgroup`; false (with a warning)
    /// when LXC refuses one.
    func applyCgroup(_ vmid: String, _ settings: [(file: String, value: String)], warn: (String) -> Void) -> Bool {
        for setting in settings {
            let command = Command(lxc.toolPath("lxc-cgroup"), ["-P", lxcPath, "-n", vmid, setting.file, setting.value])
            guard let result = try? runner.run(command), result.status.isSuccess else {
                warn("unable to set \(setting.file) of CT \(vmid) now - queued as pending")
                return false
            }
        }
        return true
    }

    /// `pct unlock`: removes any `lock`.
    func unlock(_ vmid: String, warn: (String) -> Void) throws {
        let options = ConfigEditSession.Options(skipLock: true)
        try editConfig(vmid, options: options, warn: warn) { (config: inout ContainerConfig) in config.remove("lock", from: .main) }
    }

    /// `pct snapshot`, `delsnapshot`, `rollback` on the config (volumes of `dir` storages have no
    /// snapshots; their data is not copied).
    func snapshot(_ vmid: String, name: String, description: String?, warn: (String) -> Void) throws {
        try editConfig(vmid, options: Self.snapshotEdit, warn: warn) { (config: inout ContainerConfig) throws in
            let outcome = try failing { () throws(ConfigOperationError) in
                try ContainerConfig.validateSnapshotName(name)
                return try config.createSnapshot(name, description: description, snaptime: Int(HostFacts.now()))
            }
            for w in outcome.warnings { warn("warning: \(w)") }
        }
    }

    func deleteSnapshot(_ vmid: String, name: String, force: Bool, warn: (String) -> Void) throws {
        try editConfig(vmid, options: Self.snapshotEdit, warn: warn) { (config: inout ContainerConfig) throws in
            _ = try failing { () throws(ConfigOperationError) in try config.deleteSnapshot(name, force: force) }
        }
    }

    /// Snapshot operations check their own locks (as `config snapshot`).
    static var snapshotEdit: ConfigEditSession.Options { ConfigEditSession.Options(checkLock: false) }

    func rollback(_ vmid: String, name: String, warn: (String) -> Void) throws {
        if state(vmid) != .stopped { throw CommandFailure("CT \(vmid) is running - rollback needs a stopped container") }
        try editConfig(vmid, options: Self.snapshotEdit, warn: warn) { (config: inout ContainerConfig) throws in
            try failing { () throws(ConfigOperationError) in try config.rollbackSnapshot(name, vmid: vmid) }
        }
    }

    // MARK: - push / pull

    /// The running container's root as the rooted file layer sees it (`/proc/<pid>/root`).
    func runningRoot(_ vmid: String) throws(CommandFailure) -> RootFS {
        guard let status = try? lxc.status(of: vmid), status.state != .stopped, let pid = status.pid else {
            throw CommandFailure("CT \(vmid) not running")
        }
        do { return try RootFS(path: "/proc/\(pid)/root") } catch { throw CommandFailure(error.description) }
    }

    /// The host owner of a container uid/gid: shifted by 100000 for an unprivileged container.
    func hostID(_ id: UInt32, config: ContainerConfig) -> UInt32 {
        config.main["unprivileged"] == "1" ? id + UInt32(SubordinateIDs.base) : id
    }

    /// `pct push`: copies a host file into the running container, owned by `user`:`group`
    /// (numeric, default root) mapped for an unprivileged container, with `perms` (default 0644).
    func push(_ vmid: String, source: String, destination: String, perms: UInt32?, user: UInt32, group: UInt32) throws {
        let config = try readConfig(vmid).config
        let root = try runningRoot(vmid)
        guard let bytes = HostFacts.readHostFile(source) else { throw CommandFailure("unable to read '\(source)'") }
        let owner = FileOwner(uid: hostID(user, config: config), gid: hostID(group, config: config))
        do {
            try root.write(
                destination, bytes, options: WriteOptions(mode: perms ?? 0o644, owner: owner, forceMode: true, forceOwner: true))
        } catch {
            throw CommandFailure("unable to write '\(destination)' in CT \(vmid) - \(error.reason)")
        }
    }

    /// `pct pull`: copies a file out of the running container to the host.
    func pull(_ vmid: String, source: String, destination: String) throws {
        _ = try readConfig(vmid)
        let root = try runningRoot(vmid)
        let bytes: [UInt8]
        do { bytes = try root.read(source, limit: 1 << 30) } catch {
            throw CommandFailure("unable to read '\(source)' in CT \(vmid) - \(error.reason)")
        }
        do { try ConfigFileIO.replace(destination, with: bytes) } catch {
            throw CommandFailure("unable to write '\(destination)' - \(error.description)")
        }
    }

    // MARK: - Printing (pure)

    /// `pct config`: the main section (with pending changes applied unless `current`), or a snapshot.
    static func configText(_ config: ContainerConfig, current: Bool, snapshot: String?) throws(CommandFailure) -> String {
        let section = try configSection(config, current: current, snapshot: snapshot)
        let bytes = try failing { () throws(ConfigWriteError) in try ConfigWriter.write(ContainerConfig(main: section)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The section `pct config` shows: a snapshot's, the current one, or the one with pending changes applied.
    static func configSection(_ config: ContainerConfig, current: Bool, snapshot: String?) throws(CommandFailure) -> ConfigSection {
        if let snapshot {
            guard let s = config.snapshots[snapshot] else { throw CommandFailure("snapshot '\(snapshot)' does not exist") }
            return s
        }
        return current ? config.main : config.withPendingApplied
    }

    /// `pct pending` as one JSON object per key: current value, pending value, pending deletion.
    static func pendingJSON(_ config: ContainerConfig) -> [JSON] {
        let deletions = Set(config.pendingDeletions.map(\.key))
        var keys = Set(config.main.keys).union(config.pending.keys).union(deletions)
        keys.remove("delete")
        keys.remove("digest")
        return keys.sorted().map { key in
            .object([
                ("key", .string(key)),
                ("current", config.main[key].map(JSON.string) ?? .null),
                ("pending", config.pending[key].map(JSON.string) ?? .null),
                ("delete", .bool(deletions.contains(key))),
            ])
        }
    }

    /// `pct listsnapshot` as JSON objects: name, snaptime, description.
    static func snapshotListJSON(_ config: ContainerConfig) -> [JSON] {
        config.snapshots.map { (name, section) in
            .object([
                ("name", .string(name)),
                ("snaptime", section["snaptime"].flatMap { Int($0) }.map(JSON.int) ?? .null),
                ("description", section.descriptionBytes.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null),
            ])
        }
    }

    /// `pct pending`: `cur`, `new` and `del` lines per key, in key order.
    static func pendingText(_ config: ContainerConfig) -> String {
        let deletions = Set(config.pendingDeletions.map(\.key))
        var keys = Set(config.main.keys).union(config.pending.keys).union(deletions)
        keys.remove("delete")
        keys.remove("digest")
        var out = ""
        for key in keys.sorted() {
            let cur = config.main[key]
            let new = key == "delete" ? nil : config.pending[key]
            if let cur { out += "cur \(key): \(cur)\n" }
            if let new { out += "new \(key): \(new)\n" }
            if deletions.contains(key) { out += "del \(key): \(cur ?? "")\n" }
        }
        return out
    }

    /// `pct listsnapshot`: one line per snapshot, `current` last.
    static func snapshotListText(_ config: ContainerConfig) -> String {
        var out = ""
        for (name, section) in config.snapshots {
            out += "`-> \(name) \(section["snaptime"] ?? "") \(section.descriptionBytes.map { String(decoding: $0, as: UTF8.self) } ?? "")\n"
        }
        out += "`-> current You are here!\n"
        return out
    }
}
