/// The volume work around snapshot operations, which stays outside the config: storage
/// snapshots, rollbacks and the guest's run state. Implement it to drive real storage; the
/// default implementations (and `NoSnapshotStorage`) do nothing and never fail.
///
/// Proxmox: the `__snapshot_*` storage hooks of `PVE::LXC::Config` (`PVE::Storage::volume_snapshot`,
/// `volume_snapshot_delete`, `volume_rollback_is_possible`, `volume_snapshot_rollback`, `has_feature`).
public protocol SnapshotStorage {
    /// Whether every volume of `section` can be snapshotted (`has_feature('snapshot')`);
    /// false makes `prepare` fail with `snapshot feature is not available`.
    func canSnapshot(_ section: ConfigSection, snapshot: String) -> Bool
    /// Takes the storage snapshot of one mount point (`rootfs`, `mpN`) of the new snapshot.
    func snapshotVolume(key: String, volume: String, snapshot: String) throws(ConfigOperationError)
    /// Deletes the storage snapshot of one mount point. Returns whether a snapshot was actually
    /// removed; Proxmox then records the volume as unused in the main section (the writer drops it
    /// again while `rootfs`/`mpN` still use it).
    func deleteVolumeSnapshot(key: String, volume: String, snapshot: String) throws(ConfigOperationError) -> Bool
    /// Fails when the volume cannot be rolled back to `snapshot`.
    func checkRollback(key: String, volume: String, snapshot: String) throws(ConfigOperationError)
    /// Rolls one volume back to `snapshot`.
    func rollbackVolume(key: String, volume: String, snapshot: String) throws(ConfigOperationError)
    /// Whether the container is running (rollback stops it first with `stopForRollback`).
    var isRunning: Bool { get }
    /// Stops the container before a rollback (Proxmox: `vm_stop` with kill); returns whether it stopped.
    func stopForRollback() -> Bool
}

extension SnapshotStorage {
    public func canSnapshot(_ section: ConfigSection, snapshot: String) -> Bool { true }
    public func snapshotVolume(key: String, volume: String, snapshot: String) throws(ConfigOperationError) {}
    public func deleteVolumeSnapshot(key: String, volume: String, snapshot: String) throws(ConfigOperationError) -> Bool {
        false
    }
    public func checkRollback(key: String, volume: String, snapshot: String) throws(ConfigOperationError) {}
    public func rollbackVolume(key: String, volume: String, snapshot: String) throws(ConfigOperationError) {}
    public var isRunning: Bool { false }
    public func stopForRollback() -> Bool { true }
}

/// Storage that does nothing: snapshot operations become pure config transformations.
public struct NoSnapshotStorage: SnapshotStorage, Sendable {
    /// The storage that cannot snapshot anything.
    public init() {}
}
