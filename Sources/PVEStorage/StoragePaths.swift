import PVEConfig

/// The default directory of each content type below a file-based storage's `path`
/// (Proxmox: `PVE::Storage::Plugin`'s `$vtype_subdirs`).
public enum ContentDirectory {
    /// Content type → directory relative to the storage path.
    public static let defaults: [String: String] = [
        "images": "images", "rootdir": "private", "iso": "template/iso", "vztmpl": "template/cache",
        "backup": "dump", "snippets": "snippets", "import": "import",
    ]
}

extension StorageDefinition {
    /// Refuses every type but `dir`, naming the type, for operations only `dir` storages support here.
    /// - Parameter operation: what was asked (`allocate`, `mount`, `resolve a path on`).
    public func requireDirectory(for operation: String) throws(StorageError) {
        guard type == "dir" else {
            throw StorageError(
                "cannot \(operation) storage '\(id)': storage type '\(type)' is not supported (only 'dir' storages are)")
        }
    }

    /// Refuses a disabled storage or one restricted to other nodes (Proxmox: `storage_check_enabled`).
    /// - Throws: `storage 'x' is disabled`, `storage 'x' is not available on node 'n'`.
    public func checkEnabled(node: String) throws(StorageError) {
        if isDisabled { throw StorageError("storage '\(id)' is disabled") }
        if let nodes = options["nodes"], !nodes.isEmpty, !nodes.split(separator: ",").contains(Substring(node)) {
            throw StorageError("storage '\(id)' is not available on node '\(node)'")
        }
    }

    /// The directory holding one content type (Proxmox: `get_subdir`): `path` joined with the
    /// `content-dirs` override or the default directory.
    /// - Throws: `storage definition has no path`, `unknown vtype 'x'`.
    public func contentDirectory(_ contentType: String) throws(StorageError) -> String {
        guard let path, !path.isEmpty else { throw StorageError("storage definition has no path") }
        guard let standard = ContentDirectory.defaults[contentType] else {
            throw StorageError("unknown vtype '\(contentType)'")
        }
        return path + "/" + (contentDirectories[contentType] ?? standard)
    }

    /// The host path of a volume on this `dir` storage (Proxmox: `filesystem_path`):
    /// `<path>/images/<vmid>/<name>` for images, `<path>/template/cache/<name>` for templates, ….
    public func path(ofVolume volname: String) throws(StorageError) -> String {
        try requireDirectory(for: "resolve a path on")
        let volume = try DirVolume(parsing: volname)
        var directory = try contentDirectory(volume.contentType)
        if volume.contentType == "images", let vmid = volume.vmid { directory += "/" + vmid }
        return directory + "/" + volume.name
    }
}

extension StorageConfig {
    /// The host path of a volume ID (Proxmox: `PVE::Storage::path`), or of a mount point's
    /// volume: an absolute host path (bind mount or device) is returned as it is.
    /// - Throws: `unable to parse volume ID 'x'`, `storage 'x' does not exist`, a refusal naming a
    ///   storage type other than `dir`, or the volume-name errors of ``DirVolume``.
    public func path(of volume: String) throws(StorageError) -> String {
        if volume.hasPrefix("/") { return volume }
        let id: VolumeID
        do { id = try VolumeID(parsing: volume) } catch { throw StorageError(error.message) }
        return try storage(id.storage).path(ofVolume: id.name)
    }

    /// The parsed volume name of a volume ID (Proxmox: `PVE::Storage::parse_volname`), on a `dir` storage.
    public func volume(_ volume: String) throws(StorageError) -> (storage: StorageDefinition, volume: DirVolume) {
        let id: VolumeID
        do { id = try VolumeID(parsing: volume) } catch { throw StorageError(error.message) }
        let definition = try storage(id.storage)
        try definition.requireDirectory(for: "use")
        return (definition, try DirVolume(parsing: id.name))
    }
}
