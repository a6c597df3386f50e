/// A parsed container config (`/etc/pve/lxc/<vmid>.conf`): the main section, the optional
/// `[pve:pending]` section and the snapshots.
///
/// Proxmox: the hash returned by `PVE::LXC::Config::parse_pct_config` (`digest`, `snapshots`,
/// `pending` and the main section's members).
public struct ContainerConfig: Sendable, Hashable {
    /// The main (current) section.
    public var main: ConfigSection
    /// The `[pve:pending]` section (empty when there is none).
    public var pending: ConfigSection
    /// The snapshot sections by name, in name order.
    public var snapshots: ConfigSnapshots
    /// Lower-case hex SHA-1 of the bytes the config was read from (empty for a new config).
    public var digest: String

    /// A config from its sections (all empty by default).
    public init(main: ConfigSection = ConfigSection(), pending: ConfigSection = ConfigSection(), snapshots: ConfigSnapshots = [:], digest: String = "") {
        self.main = main
        self.pending = pending
        self.snapshots = snapshots
        self.digest = digest
    }

    /// A main-section member (see `ConfigSection.subscript`); no validation.
    public subscript(key: String) -> String? {
        get { main[key] }
        set { main[key] = newValue }
    }

    /// Snapshot names in the writer's order (ascending bytes).
    public var snapshotNames: [String] { snapshots.keys }
}
