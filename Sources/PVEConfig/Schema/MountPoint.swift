import PVECore
/// The root file system (`rootfs`) or a mount point (`mpN`) of a container
/// (Proxmox: `PVE::LXC::Config::$rootfs_desc`/`$mp_desc`, `parse_volume`, `print_ct_mountpoint`).
///
/// Parsing follows `parse_volume`: `size` becomes a byte count and, for `rootfs`, `mp` is `/`.
/// Printing follows `print_ct_mountpoint`: bare volume, `mp` (mount points only), then the
/// other keys in byte order, `size` through ``DiskSize/format(_:)``.
///
/// ```swift
/// let mp = try MountPoint(parsing: "mp=/data,local:x,backup=1", kind: .mountPoint)
/// mp.propertyString  // "local:x,mp=/data,backup=1"
/// ```
public struct MountPoint: Sendable, Hashable {
    /// Which key the value belongs to; the two accept different key sets.
    public enum Kind: Sendable, Hashable {
        /// `rootfs`: no `mp`, `backup` or `keepattrs`.
        case rootfs
        /// `mpN`: `mp` is required.
        case mountPoint
    }

    /// What `volume` refers to (Proxmox: `classify_mountpoint`).
    public enum VolumeType: String, Sendable, Hashable {
        /// A storage volume ID (`local-lvm:vm-100-disk-0`) or a `STORAGE:SIZE` request.
        case volume
        /// A host directory (starts with `/`, not `/dev/`).
        case bind
        /// A host block device (starts with `/dev/`).
        case device
    }

    /// `rootfs` or `mpN`.
    public var kind: Kind
    /// `volume` (default key): storage volume, host directory or device.
    public var volume: String
    /// `mp`: the path inside the container; `/` for `rootfs`.
    public var mp: String
    /// `acl`: force POSIX ACL support on or off.
    public var acl: Bool?
    /// `backup` (`mpN` only): include in backups.
    public var backup: Bool?
    /// `idmap`: `passthrough` or `;`-separated `u|g:ct:disk:count` entries, as written.
    public var idmap: String?
    /// `keepattrs` (`mpN` only): inherit owner and mode from an existing target directory.
    public var keepattrs: Bool?
    /// `mountoptions`: `;`-separated subset of discard, lazytime, noatime, nodev, noexec, nosuid.
    public var mountoptions: String?
    /// `quota`: enable user quotas.
    public var quota: Bool?
    /// `replicate`: include in storage replication (Proxmox's default is on).
    public var replicate: Bool?
    /// `ro`: read-only.
    public var ro: Bool?
    /// `shared`: a bind/device mount available on all nodes.
    public var shared: Bool?
    /// `size` in bytes.
    public var size: UInt64?

    /// Creates a mount point; `mp` defaults to `/` for `rootfs`.
    public init(
        kind: Kind, volume: String, mp: String? = nil, acl: Bool? = nil, backup: Bool? = nil,
        idmap: String? = nil, keepattrs: Bool? = nil, mountoptions: String? = nil, quota: Bool? = nil,
        replicate: Bool? = nil, ro: Bool? = nil, shared: Bool? = nil, size: UInt64? = nil
    ) {
        self.kind = kind
        self.volume = volume
        self.mp = mp ?? "/"
        self.acl = acl
        self.backup = backup
        self.idmap = idmap
        self.keepattrs = keepattrs
        self.mountoptions = mountoptions
        self.quota = quota
        self.replicate = replicate
        self.ro = ro
        self.shared = shared
        self.size = size
    }

    /// Parses and validates a `rootfs` or `mpN` value (Proxmox: `parse_volume`); `kind` defaults
    /// to `mpN`.
    ///
    /// - Throws: ``PropertyStringError`` with Proxmox's messages.
    public init(parsing text: String, kind: Kind = .mountPoint) throws(PropertyStringError) {
        self = try Bytes.withBytes(text) { (s) throws(PropertyStringError) -> MountPoint in
            try MountPoint(bytes: s, kind: kind)
        }
    }

    package init(bytes s: UnsafeBufferPointer<UInt8>, kind: Kind) throws(PropertyStringError) {
        let schema = kind == .rootfs ? LXCSchemas.rootfs : LXCSchemas.mountPoint
        self = try schema.parse(s) { p in MountPoint(parsed: p, s, schema: schema, kind: kind) }
    }

    private init(parsed p: PropertySchema.Parsed, _ s: UnsafeBufferPointer<UInt8>, schema: PropertySchema, kind: Kind) {
        func index(_ name: String) -> Int? { schema.keys.firstIndex { $0.name == name } }
        func string(_ name: String) -> String? { index(name).flatMap { p.string($0, s) } }
        func bool(_ name: String) -> Bool? { index(name).flatMap { p.bool($0, s) } }
        self.kind = kind
        volume = string("volume") ?? ""
        mp = kind == .rootfs ? "/" : (string("mp") ?? "")
        acl = bool("acl")
        backup = bool("backup")
        idmap = string("idmap")
        keepattrs = bool("keepattrs")
        mountoptions = string("mountoptions")
        quota = bool("quota")
        replicate = bool("replicate")
        ro = bool("ro")
        shared = bool("shared")
        if let i = index("size"), let slot = p[i] {
            size = DiskSize.parse(UnsafeBufferPointer(rebasing: s[slot.value]))
        } else {
            size = nil
        }
    }

    /// The canonical text Proxmox stores (Proxmox: `print_ct_mountpoint`).
    public var propertyString: String {
        PropertyStringWriter.build { w in
            w.bare(volume)
            if kind == .mountPoint { w.add("mp", mp) }
            w.add("acl", acl)
            w.add("backup", backup)
            w.add("idmap", idmap)
            w.add("keepattrs", keepattrs)
            w.add("mountoptions", mountoptions)
            w.add("quota", quota)
            w.add("replicate", replicate)
            w.add("ro", ro)
            w.add("shared", shared)
            w.add("size", size.map(DiskSize.format))
        }
    }

    /// What `volume` refers to (Proxmox: `classify_mountpoint`).
    public var volumeType: VolumeType {
        if volume.hasPrefix("/dev/") { return .device }
        if volume.hasPrefix("/") { return .bind }
        return .volume
    }

    /// The `STORAGE:SIZE` allocation request in `volume`, if it is one.
    public var newVolumeRequest: NewVolumeRequest? {
        volumeType == .volume ? NewVolumeRequest(volume: volume) : nil
    }

    /// `mountoptions` split at `;`.
    public var mountOptionList: [String] {
        mountoptions.map { $0.split(separator: ";").map(String.init) } ?? []
    }

    /// One `idmap` entry: `type:container:disk:count`.
    public struct IDMapEntry: Sendable, Hashable {
        /// `u` (user IDs) or `g` (group IDs).
        public var type: Character
        /// First ID inside the container.
        public var container: UInt64
        /// First ID on the disk.
        public var disk: UInt64
        /// Number of consecutive IDs.
        public var count: UInt64
    }

    /// `idmap` entries (empty for `passthrough` or when absent).
    public var idmapEntries: [IDMapEntry] {
        guard let idmap, idmap != "passthrough" else { return [] }
        return idmap.split(separator: ";").compactMap { entry in
            let f = entry.split(separator: ":", omittingEmptySubsequences: false)
            guard f.count == 4, let t = f[0].first, let c = UInt64(f[1]), let d = UInt64(f[2]),
                let n = UInt64(f[3])
            else { return nil }
            return IDMapEntry(type: t, container: c, disk: d, count: n)
        }
    }
}
