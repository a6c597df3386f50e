import PVECore
/// What a successful snapshot operation reports besides the new config.
public struct SnapshotOutcome: Sendable, Hashable {
    /// Warnings Proxmox prints (e.g. the removed cyclic `parent` reference), without newlines.
    public var warnings: [String] = []
    /// An outcome with Proxmox's warnings.
    public init(warnings: [String] = []) { self.warnings = warnings }
}

/// Snapshot operations as transformations of a config.
///
/// Each operation mirrors Proxmox's sequence of locked read-modify-write steps. On success `self`
/// is the final config. On failure `self` is the config Proxmox would have left on disk at that
/// point (usually unchanged; a failed volume step leaves `lock: snapshot-delete` or
/// `lock: rollback` and the partial state), and the error carries Proxmox's message.
///
/// Proxmox: `PVE::AbstractConfig::snapshot_create`, `__snapshot_prepare`, `__snapshot_commit`,
/// `snapshot_delete`, `snapshot_rollback` with the container hooks of `PVE::LXC::Config`.
extension ContainerConfig {
    /// Checks a new snapshot name as the API does (`pve-snapshot-name`: `pve-configid`, at most
    /// 40 characters; `current` and `vzdump` are reserved).
    public static func validateSnapshotName(_ name: String) throws(ConfigOperationError) {
        if name == "current" || name == "vzdump" {
            throw ConfigOperationError("unable to use snapshot name '\(name)' (reserved name)")
        }
        let u = Array(name.utf8)
        let valid =
            u.count >= 2 && ASCII.isLetter(u[0])
            && u.dropFirst().allSatisfy { ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == ASCII.underscore || $0 == ASCII.hyphen }
        guard valid else { throw ConfigOperationError("snapname: invalid format - invalid configuration ID '\(name)'") }
        guard u.count <= 40 else { throw ConfigOperationError("snapname: value may only be 40 characters long") }
    }

    /// The members a snapshot copies from its source (Proxmox: `__snapshot_copy_config`): all but
    /// `snapstate`, `snaptime`, `vmstate`, `lock`, `digest`, `description`, `unusedN`.
    static func snapshotCopy(of source: ConfigSection, into dest: inout ConfigSection) {
        for (key, value) in source.rawMembers {
            switch key {
            case "snapshots", "snapstate", "snaptime", "vmstate", "lock", "digest", "description": continue
            default:
                if ConfigSchema.isUnusedKey(key) { continue }
                dest.setRawValue(value, for: key)
            }
        }
        if let env = source.environmentBytes { dest.environmentBytes = env }
        if !source.lxc.isEmpty { dest.lxc = source.lxc }
    }

    /// Prepares a snapshot: locks the config with `snapshot` and adds the section with
    /// `snapstate: prepare`. Proxmox: `__snapshot_prepare`.
    ///
    /// - parameters:
    ///   - name: the snapshot's name.
    ///   - description: the snapshot's description (`comment`); ignored when empty or `0`.
    ///   - snaptime: creation time in Unix seconds.
    ///   - storage: the storage layer asked about the volumes (default: none).
    @discardableResult
    public mutating func prepareSnapshot(
        _ name: String, description: String? = nil, snaptime: Int, storage: some SnapshotStorage = NoSnapshotStorage()
    ) throws(ConfigOperationError) -> SnapshotOutcome {
        var conf = self
        var outcome = SnapshotOutcome()
        if conf.isTemplate { throw ConfigOperationError("you can't take a snapshot if it's a template") }
        try conf.checkLock()
        conf.main["lock"] = "snapshot"
        if conf.snapshots[name] != nil { throw ConfigOperationError("snapshot name '\(name)' already used") }
        if !storage.canSnapshot(conf.main, snapshot: name) { throw ConfigOperationError("snapshot feature is not available") }
        for snap in conf.snapshotNames where conf.snapshots[snap]?.rawValue("parent") == Array(name.utf8) {
            outcome.warnings.append("deleting parent '\(name)' reference from '\(snap)' to avoid bogus snapshot cycle.")
            conf.snapshots[snap]?.remove("parent")
        }
        var section = ConfigSection()
        Self.snapshotCopy(of: conf.main, into: &section)
        section["snapstate"] = "prepare"
        section["snaptime"] = String(snaptime)
        if let description, ByteText.isPerlTrue(Array(description.utf8)) { section.description = description }
        conf.snapshots[name] = section
        self = conf
        return outcome
    }

    /// Commits a prepared snapshot: drops its `snapstate`, unlocks, sets `parent`.
    /// Proxmox: `__snapshot_commit`.
    public mutating func commitSnapshot(_ name: String) throws(ConfigOperationError) {
        guard hasLock("snapshot") else { throw ConfigOperationError("missing snapshot lock") }
        guard var section = snapshots[name] else { throw ConfigOperationError("snapshot '\(name)' does not exist") }
        guard section.rawValue("snapstate") == Array("prepare".utf8) else { throw ConfigOperationError("wrong snapshot state") }
        section.remove("snapstate")
        snapshots[name] = section
        main.remove("lock")
        main["parent"] = name
    }

    /// Creates a snapshot: prepare, storage snapshots of every mount point, commit. On a storage
    /// failure the partial snapshot is deleted again (forced) and the error is rethrown.
    /// Proxmox: `snapshot_create`.
    @discardableResult
    public mutating func createSnapshot(
        _ name: String, description: String? = nil, snaptime: Int, storage: some SnapshotStorage = NoSnapshotStorage()
    ) throws(ConfigOperationError) -> SnapshotOutcome {
        var outcome = try prepareSnapshot(name, description: description, snaptime: snaptime, storage: storage)
        let section = snapshots[name] ?? ConfigSection()
        var done: Set<String> = []
        for v in VolumeInfo.volumes(of: section) {
            if name == "vzdump" && !Self.backupEnabled(key: v.key, section: section, isStorage: v.isStorage) {
                done.insert(v.key)
                continue
            }
            do throws(ConfigOperationError) {
                try storage.snapshotVolume(key: v.key, volume: v.volume, snapshot: name)
                done.insert(v.key)
            } catch {
                outcome.warnings.append("snapshot create failed: starting cleanup")
                do throws(ConfigOperationError) {
                    let cleanup = try deleteSnapshot(name, force: true, storage: storage, onlyKeys: done)
                    outcome.warnings.append(contentsOf: cleanup.warnings)
                } catch let cleanupError {
                    outcome.warnings.append(cleanupError.message)
                }
                throw ConfigOperationError(error.message + "\n")
            }
        }
        try commitSnapshot(name)
        return outcome
    }

    /// `mountpoint_backup_enabled`: `rootfs` always, volume mount points with `backup=1`.
    static func backupEnabled(key: String, section: ConfigSection, isStorage: Bool) -> Bool {
        key == "rootfs" || (isStorage && backupFlag(key: key, section: section))
    }

    /// The `backup` option of a mount point value.
    static func backupFlag(key: String, section: ConfigSection) -> Bool {
        guard let value = section.rawValue(key) else { return false }
        return VolumeInfo.backupFlag(key: key, value: value)
    }

    /// Deletes a snapshot: locks with `snapshot-delete`, marks it `snapstate: delete`, removes the
    /// storage snapshots (turning each processed volume into `unusedN` of the section unless
    /// forced), re-points `parent` references and drops the section. Proxmox: `snapshot_delete`.
    ///
    /// - parameters:
    ///   - name: the snapshot's name.
    ///   - force: go on when a storage snapshot cannot be removed (and skip the per-volume
    ///     bookkeeping).
    ///   - storage: the storage layer that removes the volume snapshots (default: none).
    @discardableResult
    public mutating func deleteSnapshot(
        _ name: String, force: Bool = false, storage: some SnapshotStorage = NoSnapshotStorage()
    ) throws(ConfigOperationError) -> SnapshotOutcome {
        try deleteSnapshot(name, force: force, storage: storage, onlyKeys: nil)
    }

    mutating func deleteSnapshot(
        _ name: String, force: Bool, storage: some SnapshotStorage, onlyKeys: Set<String>?
    ) throws(ConfigOperationError) -> SnapshotOutcome {
        var outcome = SnapshotOutcome()
        guard snapshots[name] != nil else { throw ConfigOperationError("snapshot '\(name)' does not exist") }
        let fromCreate = onlyKeys != nil
        if !fromCreate { try setLock("snapshot-delete") }
        let expected = fromCreate ? "snapshot" : "snapshot-delete"
        func ensureLock(_ c: ContainerConfig) throws(ConfigOperationError) {
            if !c.hasLock(expected) { throw ConfigOperationError("encountered invalid lock, expected '\(expected)'") }
        }
        try ensureLock(self)
        if isTemplate { throw ConfigOperationError("you can't delete a snapshot if vm is a template") }
        guard var section = snapshots[name] else { throw ConfigOperationError("snapshot '\(name)' does not exist") }
        section["snapstate"] = "delete"
        snapshots[name] = section

        var unused: [String] = []
        for v in VolumeInfo.volumes(of: section) {
            if name == "vzdump" && v.key != "rootfs" && !Self.backupFlag(key: v.key, section: section) { continue }
            if onlyKeys == nil || onlyKeys?.contains(v.key) == true {
                let skipBackup = name == "vzdump" && !Self.backupEnabled(key: v.key, section: section, isStorage: v.isStorage)
                if !skipBackup {
                    do throws(ConfigOperationError) {
                        if try storage.deleteVolumeSnapshot(key: v.key, volume: v.volume, snapshot: name) {
                            unused.append(v.volume)
                        }
                    } catch {
                        if !force { throw error }
                        outcome.warnings.append(error.message)
                    }
                }
            }
            if !force {
                try ensureLock(self)
                guard var s = snapshots[name] else { throw ConfigOperationError("snapshot '\(name)' does not exist") }
                s.remove(v.key)
                if v.isStorage { try s.addUnusedVolume(v.volume) }
                snapshots[name] = s
            }
        }

        try ensureLock(self)
        guard let final = snapshots[name] else { throw ConfigOperationError("snapshot '\(name)' does not exist") }
        let newParent = final.rawValue("parent")
        let nameBytes = Array(name.utf8)
        func unlink(_ s: inout ConfigSection) {
            guard let p = s.rawValue("parent"), ByteText.isPerlTrue(p), p == nameBytes else { return }
            if let newParent, ByteText.isPerlTrue(newParent) {
                s.setRawValue(newParent, for: "parent")
            } else {
                s.remove("parent")
            }
        }
        var conf = self
        unlink(&conf.main)
        for other in conf.snapshots.keys where other != name {
            if var s = conf.snapshots[other] {
                unlink(&s)
                conf.snapshots[other] = s
            }
        }
        conf.snapshots[name] = nil
        conf.main.remove("lock")
        for volume in unused { try conf.main.addUnusedVolume(volume) }
        self = conf
        return outcome
    }

    /// Rolls the main section back to a snapshot: checks, `lock: rollback`, storage rollbacks,
    /// then replaces the main section by the snapshot's content (keeping the description and the
    /// `unusedN` list, adding now-unreferenced volumes as unused, discarding pending changes) and
    /// sets `parent`. Proxmox: `snapshot_rollback`.
    public mutating func rollbackSnapshot(
        _ name: String, vmid: String = "100", storage: some SnapshotStorage = NoSnapshotStorage()
    ) throws(ConfigOperationError) {
        func snapshotSection(_ c: ContainerConfig) throws(ConfigOperationError) -> ConfigSection {
            if c.isTemplate { throw ConfigOperationError("you can't rollback if vm is a template") }
            guard let s = c.snapshots[name] else { throw ConfigOperationError("snapshot '\(name)' does not exist") }
            return s
        }
        func checkState(_ s: ConfigSection) throws(ConfigOperationError) {
            if let state = s.rawValue("snapstate"), ByteText.isPerlTrue(state) {
                throw ConfigOperationError("unable to rollback to incomplete snapshot (snapstate = \(state.utf8String))")
            }
        }
        // Pass 1.
        var snap = try snapshotSection(self)
        let volumes = VolumeInfo.volumes(of: snap)
        for v in volumes { try storage.checkRollback(key: v.key, volume: v.volume, snapshot: name) }
        try checkState(snap)
        try checkLock()
        if storage.isRunning { _ = storage.stopForRollback() }
        if storage.isRunning { throw ConfigOperationError("unable to rollback vm \(vmid): vm is running") }
        main["lock"] = "rollback"

        for v in volumes { try storage.rollbackVolume(key: v.key, volume: v.volume, snapshot: name) }

        // Pass 2.
        snap = try snapshotSection(self)
        try checkState(snap)
        if storage.isRunning { throw ConfigOperationError("unable to rollback vm \(vmid): vm is running") }
        guard hasLock("rollback") else { throw ConfigOperationError("got wrong lock") }
        var conf = self
        conf.main.remove("lock")
        let snapVolumes = Set(VolumeInfo.volumes(of: snap).filter(\.isStorage).map(\.volume))
        for v in VolumeInfo.volumes(of: conf.main) where v.isStorage && !snapVolumes.contains(v.volume) {
            try conf.main.addUnusedVolume(v.volume)
        }
        var newMain = ConfigSection()
        for (key, value) in conf.main.rawMembers where ConfigSchema.isUnusedKey(key) { newMain.setRawValue(value, for: key) }
        newMain.descriptionBytes = conf.main.descriptionBytes
        Self.snapshotCopy(of: snap, into: &newMain)
        newMain["parent"] = name
        conf.main = newMain
        conf.pending = ConfigSection()
        self = conf
    }
}
