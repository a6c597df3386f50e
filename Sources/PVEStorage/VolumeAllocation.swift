public import PVEConfig
import PVECore

/// The plan for one new container volume on a `dir` storage, computed without touching anything
/// (Proxmox: `PVE::LXC::alloc_disk` → `PVE::Storage::vdisk_alloc` → `Plugin::alloc_image`).
///
/// Size 0 gives a directory (`subvol-<vmid>-disk-N.subvol`), any other size a raw image file
/// (`vm-<vmid>-disk-N.raw`) to be formatted ext4; both live in `<path>/images/<vmid>/`.
public struct VolumeAllocation: Sendable, Hashable {
    /// What is created.
    public enum Format: String, Sendable, Hashable {
        /// A sparse file holding an ext4 file system, loop-mounted.
        case raw
        /// A plain directory, bind-mounted.
        case subvol
    }

    /// The storage ID.
    public var storage: String
    /// The owning container.
    public var vmid: String
    /// Raw image or directory.
    public var format: Format
    /// The file or directory name (`vm-100-disk-0.raw`).
    public var name: String
    /// The directory the volume goes into (`/var/lib/vz/images/100`).
    public var directory: String
    /// The size in bytes (0 for a directory).
    public var size: UInt64

    /// The new volume's ID (`local:100/vm-100-disk-0.raw`).
    public var volumeID: String { "\(storage):\(vmid)/\(name)" }
    /// The new volume's host path.
    public var path: String { directory + "/" + name }

    /// Plans the volume for a `STORAGE:SIZE` request.
    /// - Parameters:
    ///   - request: the storage and size (`local:8`).
    ///   - vmid: the owning container.
    ///   - config: the storage configuration.
    ///   - existingNames: the names already in `<path>/images/<vmid>/` (Proxmox lists them to find a free name).
    ///   - node: this host's node name (a storage restricted by `nodes` must list it).
    /// - Throws: Proxmox's messages (`storage 'x' does not exist`, `content type 'rootdir' is not
    ///   available or configured on storage 'x'`, `VMID 'x' contains illegal characters`,
    ///   `storage 'x' is disabled`, `storage 'x' is not available on node 'n'`,
    ///   `unable to allocate an image name for VM 100 in storage 'x'`), or a refusal naming the
    ///   storage type when it is not `dir`.
    public static func plan(
        _ request: NewVolumeRequest, vmid: String, config: StorageConfig, existingNames: [String], node: String
    ) throws(StorageError) -> VolumeAllocation {
        let storage = try config.storage(request.storage)
        let hasRootdir = storage.content.contains("rootdir")
        guard hasRootdir || storage.type == "zfspool" else {
            throw StorageError(
                "content type 'rootdir' is not available or configured on storage '\(storage.id)'")
        }
        try storage.requireDirectory(for: "allocate on")
        if vmid.isEmpty { throw StorageError("no VMID specified") }
        guard ASCII.isDigits(vmid) else { throw StorageError("VMID '\(vmid)' contains illegal characters") }
        try storage.checkEnabled(node: node)
        let format: Format = request.bytes > 0 ? .raw : .subvol
        let name = try nextDiskName(vmid: vmid, format: format, existingNames: existingNames, storage: storage.id)
        let directory = try storage.contentDirectory("images") + "/" + vmid
        return VolumeAllocation(
            storage: storage.id, vmid: vmid, format: format, name: name, directory: directory, size: request.bytes)
    }

    /// The first free `vm-<vmid>-disk-N.raw` / `subvol-<vmid>-disk-N.subvol` name, N from 0 to 1023
    /// (Proxmox: `find_free_diskname` on a storage that supports subvols: any existing
    /// `vm-`, `base-`, `subvol-` or `basevol-<vmid>-disk-N` takes N, whatever its format).
    public static func nextDiskName(
        vmid: String, format: Format, existingNames: [String], storage: String
    ) throws(StorageError) -> String {
        var taken: Set<String> = []
        for name in existingNames where isListedImage(name) {
            if let number = diskNumber(name, vmid: vmid) { taken.insert(number) }
        }
        let prefix = format == .subvol ? "subvol" : "vm"
        for n in 0..<1024 where !taken.contains(String(n)) {
            return "\(prefix)-\(vmid)-disk-\(n).\(format.rawValue)"
        }
        throw StorageError("unable to allocate an image name for VM \(vmid) in storage '\(storage)'")
    }

    /// Whether Proxmox's image listing reports the file: a name ending in a format it supports
    /// that parses as a volume file name.
    static func isListedImage(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot > name.startIndex,
            ["raw", "qcow2", "vmdk", "subvol"].contains(String(name[name.index(after: dot)...]))
        else { return false }
        return (try? DirVolume.parseNameDir(name)) != nil
    }

    /// `(vm|base|subvol|basevol)-<vmid>-disk-(\d+)` anywhere in the name: the digits as written.
    static func diskNumber(_ name: String, vmid: String) -> String? {
        let bytes = Array(name.utf8)
        let needles = ["vm", "base", "subvol", "basevol"].map { Array("\($0)-\(vmid)-disk-".utf8) }
        for start in bytes.indices {  // leftmost match first, as a regex search finds it
            for needle in needles where start + needle.count <= bytes.count {
                guard bytes[start..<(start + needle.count)].elementsEqual(needle) else { continue }
                let digits = bytes[(start + needle.count)...].prefix(while: ASCII.isDigit)
                if !digits.isEmpty { return String(decoding: digits, as: UTF8.self) }
            }
        }
        return nil
    }
}
