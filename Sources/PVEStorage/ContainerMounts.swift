public import PVEConfig

/// The host IDs of a container's root user and group (Proxmox: `PVE::LXC::parse_id_maps`):
/// from the `lxc.idmap` entries mapping container ID 0, else 100000 for an unprivileged
/// container without entries, else 0.
public struct ContainerRootOwner: Sendable, Hashable {
    /// Host user ID of the container's root.
    public var uid: UInt32
    /// Host group ID of the container's root.
    public var gid: UInt32

    /// Creates an owner.
    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }

    /// Reads the owner from a container config.
    /// - Throws: `failed to parse idmap: <value>` for a malformed `lxc.idmap` entry.
    public init(config: ContainerConfig) throws(StorageError) {
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        var mapped = false
        for entry in config.main.lxc where entry.key == "lxc.idmap" {
            let fields = entry.value.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let numbers = fields.dropFirst().map { UInt64($0) }
            guard fields.count == 4, fields[0] == "u" || fields[0] == "g", numbers.allSatisfy({ $0 != nil }),
                !(entry.value.first.map { $0 == " " || $0 == "\t" } ?? true)
            else { throw StorageError("failed to parse idmap: \(entry.value)") }
            mapped = true
            if numbers[0] == 0, let host = numbers[1], host <= UInt64(UInt32.max) {
                if fields[0] == "u" { uid = UInt32(host) } else { gid = UInt32(host) }
            }
        }
        if !mapped, let flag = config.main["unprivileged"], StorageConfig.isPerlTrue(flag) {
            uid = 100_000
            gid = 100_000
        }
        self.init(uid: uid, gid: gid)
    }
}

/// One mount of a container volume below its rootfs directory (Proxmox: one
/// `mountpoint_mount` call of `PVE::LXC::mount_all`).
public struct ContainerMount: Sendable, Hashable {
    /// How the volume gets there.
    public enum Source: Sendable, Hashable {
        /// A raw image file, attached to a loop device and mounted (a base image read-only, `noload`).
        case image(path: String, isBase: Bool)
        /// An ISO image, mounted read-only through a loop device.
        case iso(path: String)
        /// A `subvol` volume's directory, bind-mounted.
        case directory(path: String)
        /// A host directory (a bind mount point), bind-mounted.
        case hostDirectory(path: String)
        /// A host block device, mounted.
        case device(path: String)
    }

    /// `rootfs` or `mpN`.
    public var key: String
    /// The path inside the container (`/` for the rootfs).
    public var mountPath: String
    /// The host directory mounted over (`<lxcpath>/<vmid>/rootfs/<mp>`).
    public var target: String
    /// What is mounted.
    public var source: Source
    /// Mount read-only.
    public var readOnly: Bool
    /// `mount -o` options: the allowed `mountoptions` (fewer when read-only), then `acl`.
    public var options: [String]
    /// Mount with journaled user and group quotas (`quota=1` on a writable image or device).
    public var quota: Bool
    /// The storage volume ID, when the volume is one (not a host path).
    public var volumeID: String?

    /// The `mount` arguments (after the program name) Proxmox runs for this mount, given the
    /// device (the loop device for images) (Proxmox: `__mountpoint_mount`, `__bindmount_do`).
    public func mountArguments(device: String? = nil) -> [[String]] {
        let extra = options.isEmpty ? [] : ["-o", options.joined(separator: ",")]
        let quotaOptions = ["-o", "usrjquota=aquota.user,grpjquota=aquota.group,jqfmt=vfsv0"]
        switch source {
        case .directory(let path), .hostDirectory(let path):
            let bind = [["-o", "bind"] + extra + [path, target]]
            return readOnly ? bind + [["-o", "bind,remount,ro", target]] : bind
        case .iso(let path):
            return [["-o", "ro"] + extra + [device ?? path, target]]
        case .image(let path, let isBase):
            if isBase { return [["-o", "ro,noload"] + extra + [device ?? path, target]] }
            return [extra + (quota ? quotaOptions : []) + (readOnly ? ["-o", "ro"] : []) + [device ?? path, target]]
        case .device(let path):
            return [extra + (readOnly ? ["-o", "ro"] : []) + (quota ? quotaOptions : []) + [path, target]]
        }
    }
}

/// The mounts of a container, in Proxmox's order: `rootfs`, then `mp0` … `mp255`
/// (Proxmox: `PVE::LXC::mount_all`; unmounting goes the other way, `umount_all`).
public struct ContainerMountPlan: Sendable, Hashable {
    /// `<lxcpath>/<vmid>/rootfs`.
    public var rootDirectory: String
    /// The mounts, first to last.
    public var mounts: [ContainerMount]

    /// Plans the mounts of `config`, resolving storage volumes through `storage`; nothing is touched.
    /// Values that do not parse are skipped, as Proxmox skips them.
    /// - Throws: Proxmox's messages (`storage 'x' does not exist`, `storage 'x' does not support
    ///   containers`, `unsupported image format 'x'`) or a refusal naming a storage type other than `dir`.
    public init(config: ContainerConfig, vmid: String, storage: StorageConfig, lxcPath: String) throws(StorageError) {
        rootDirectory = Self.rootDirectory(vmid: vmid, lxcPath: lxcPath)
        var mounts: [ContainerMount] = []
        for (key, mountPoint) in Self.mountPoints(config) {
            mounts.append(try Self.mount(key, mountPoint, rootDirectory: rootDirectory, storage: storage))
        }
        self.mounts = mounts
    }

    /// `<lxcpath>/<vmid>/rootfs`.
    public static func rootDirectory(vmid: String, lxcPath: String) -> String {
        var root = lxcPath
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        return root + "/" + vmid + "/rootfs"
    }

    /// The host directories the container's volumes are mounted on, in mount order, without
    /// looking at storages (Proxmox's `umount_all` needs no more).
    public static func targets(config: ContainerConfig, vmid: String, lxcPath: String) -> [String] {
        let root = rootDirectory(vmid: vmid, lxcPath: lxcPath)
        return mountPoints(config).map { target(root, $0.1.mp) }
    }

    /// The parsable `rootfs` and `mpN` values with a volume and a path, in key order (Proxmox:
    /// `foreach_volume`, which skips values that do not parse).
    static func mountPoints(_ config: ContainerConfig) -> [(String, MountPoint)] {
        var result: [(String, MountPoint)] = []
        for key in ["rootfs"] + (0..<256).map({ "mp\($0)" }) {
            guard let value = config.main[key],
                let mountPoint = try? MountPoint(parsing: value, kind: key == "rootfs" ? .rootfs : .mountPoint),
                !mountPoint.volume.isEmpty, !mountPoint.mp.isEmpty
            else { continue }
            result.append((key, mountPoint))
        }
        return result
    }

    /// `rootDirectory/mp` with repeated slashes collapsed.
    static func target(_ rootDirectory: String, _ mp: String) -> String {
        var out = ""
        for ch in rootDirectory + "/" + mp where !(ch == "/" && out.hasSuffix("/")) { out.append(ch) }
        return out
    }

    private static func mount(
        _ key: String, _ mp: MountPoint, rootDirectory: String, storage: StorageConfig
    ) throws(StorageError) -> ContainerMount {
        let readOnly = mp.ro == true
        let allowed =
            readOnly ? ["nodev", "noexec", "nosuid"] : ["discard", "lazytime", "noatime", "nodev", "noexec", "nosuid"]
        var options = mp.mountOptionList.filter { option in allowed.contains { option.contains($0) } }
        if mp.acl == true { options.append("acl") }
        let source: ContainerMount.Source
        var volumeID: String? = nil
        switch mp.volumeType {
        case .volume:
            let (definition, volume) = try storage.volume(mp.volume)
            let path = try storage.path(of: mp.volume)
            volumeID = mp.volume
            let format = volume.contentType == "iso" ? "iso" : volume.format
            switch format {
            case "subvol":
                source = .directory(path: path)
            case "raw", "iso":
                guard definition.content.contains("rootdir") else {
                    throw StorageError("storage '\(definition.id)' does not support containers")
                }
                source = format == "iso" ? .iso(path: path) : .image(path: path, isBase: volume.isBase)
            default:
                throw StorageError("unsupported image format '\(format)'")
            }
        case .bind:
            source = .hostDirectory(path: mp.volume)
        case .device:
            source = .device(path: mp.volume)
        }
        return ContainerMount(
            key: key, mountPath: mp.mp, target: Self.target(rootDirectory, mp.mp), source: source, readOnly: readOnly,
            options: options, quota: !readOnly && mp.quota == true, volumeID: volumeID)
    }
}
