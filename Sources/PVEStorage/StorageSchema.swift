/// What Proxmox knows about each storage type: the keys a section of that type may carry, which
/// of them are required, the property types and formats, and the content types and image formats
/// the type supports (Proxmox: the `type`/`options`/`plugindata` of each `PVE::Storage::*Plugin`
/// and the shared property list of `PVE::Storage::Plugin`).
package enum StorageSchema {
    /// How a property's value is checked (Proxmox: the JSON schema of the property).
    package enum ValueType: Sendable, Hashable {
        /// `0` or `1`; a key without a value means `1`.
        case boolean
        /// `[+-]?\d+`, stored as its numeric value, optionally within bounds or from a list.
        case integer(minimum: Int? = nil, maximum: Int? = nil, allowed: [String]? = nil)
        /// Any text, optionally checked by a format, a list of allowed values or a length limit.
        case string(format: Format? = nil, allowed: [String]? = nil, maxLength: Int? = nil)
    }

    /// The named formats storage properties use (Proxmox: `register_format` names).
    package enum Format: Sendable, Hashable {
        case storagePath, storageServer, contentList, nodeList, storageOptions, dirOverrideList
        case volumeID, volumeGroupName, portalDNS, portalDNSList, configID, zfsBlockSize
        /// The `fingerprint-sha256` pattern (32 hex byte pairs separated by `:`).
        case fingerprint
        /// Property-string formats (`prune-backups`, `bwlimit`, fingerprints) taken as they are.
        case unchecked
    }

    /// One storage type: its keys (`required` ones must be present) and supported contents/formats.
    package struct TypeInfo: Sendable {
        package var name: String
        package var required: [String]
        package var optional: [String]
        /// Content types a section may list, and the default when it lists none.
        package var validContent: Set<String>
        package var defaultContent: [String]
        /// Image formats the type supports (empty: none, every `format` value is dropped).
        package var formats: Set<String>

        package func allows(_ key: String) -> Bool { required.contains(key) || optional.contains(key) }
    }

    /// Types whose storages Proxmox marks `shared` however they are configured
    /// (Proxmox: `@PVE::Storage::Plugin::SHARED_STORAGE`).
    package static let sharedTypes: Set<String> = [
        "iscsi", "nfs", "cifs", "rbd", "cephfs", "iscsidirect", "zfs", "drbd", "pbs",
    ]

    /// Every content type Proxmox knows (those of `dir`, plus `import`).
    package static let contentTypes: Set<String> = [
        "images", "rootdir", "vztmpl", "iso", "backup", "snippets", "none", "import",
    ]

    private static let fileContent: Set<String> = [
        "images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import",
    ]
    private static let fileCommon = [
        "nodes", "disable", "prune-backups", "max-protected-backups", "content", "format", "mkdir",
        "create-base-path", "create-subdirs", "preallocation",
    ]

    /// The registered types, by name.
    package static let types: [String: TypeInfo] = {
        let list: [TypeInfo] = [
            TypeInfo(
                name: "dir", required: ["path"],
                optional: fileCommon + [
                    "content-dirs", "shared", "is_mountpoint", "bwlimit", "snapshot-as-volume-chain",
                ],
                validContent: fileContent.union(["none"]), defaultContent: ["images", "rootdir"],
                formats: ["raw", "qcow2", "vmdk", "subvol"]),
            TypeInfo(
                name: "btrfs", required: ["path"],
                optional: fileCommon + ["shared", "is_mountpoint", "nocow"],
                validContent: fileContent.union(["none"]), defaultContent: ["images", "rootdir"],
                formats: ["raw", "subvol"]),
            TypeInfo(
                name: "nfs", required: ["export", "path", "server"],
                optional: fileCommon + ["content-dirs", "options", "bwlimit", "snapshot-as-volume-chain"],
                validContent: fileContent, defaultContent: ["images"], formats: ["raw", "qcow2", "vmdk"]),
            TypeInfo(
                name: "cifs", required: ["path", "server", "share"],
                optional: fileCommon + [
                    "content-dirs", "subdir", "username", "password", "domain", "smbversion", "bwlimit",
                    "options", "snapshot-as-volume-chain",
                ],
                validContent: fileContent, defaultContent: ["images"], formats: ["raw", "qcow2", "vmdk"]),
            TypeInfo(
                name: "cephfs", required: ["path"],
                optional: [
                    "content-dirs", "monhost", "nodes", "subdir", "disable", "options", "username", "content",
                    "format", "mkdir", "create-base-path", "create-subdirs", "fuse", "bwlimit", "keyring",
                    "prune-backups", "max-protected-backups", "fs-name",
                ],
                validContent: ["vztmpl", "iso", "backup", "snippets", "import"], defaultContent: ["backup"],
                formats: []),
            TypeInfo(
                name: "esxi", required: ["server", "username"],
                optional: ["nodes", "shared", "disable", "content", "password", "skip-cert-verification", "port"],
                validContent: ["import"], defaultContent: ["import"], formats: ["raw", "qcow2", "vmdk"]),
            TypeInfo(
                name: "iscsi", required: ["portal", "target"], optional: ["nodes", "disable", "content", "bwlimit"],
                validContent: ["images", "none"], defaultContent: ["images"], formats: []),
            TypeInfo(
                name: "iscsidirect", required: ["portal", "target"],
                optional: ["nodes", "disable", "content", "bwlimit"],
                validContent: ["images", "none"], defaultContent: ["images"], formats: []),
            TypeInfo(
                name: "lvm", required: ["vgname"],
                optional: [
                    "nodes", "shared", "disable", "saferemove", "saferemove-stepsize", "saferemove_throughput",
                    "content", "base", "tagged_only", "bwlimit", "snapshot-as-volume-chain",
                ],
                validContent: ["images", "rootdir"], defaultContent: ["images"], formats: ["raw", "qcow2"]),
            TypeInfo(
                name: "lvmthin", required: ["thinpool", "vgname"], optional: ["nodes", "disable", "content", "bwlimit"],
                validContent: ["images", "rootdir"], defaultContent: ["images", "rootdir"], formats: []),
            TypeInfo(
                name: "pbs", required: ["datastore", "server"],
                optional: [
                    "namespace", "port", "nodes", "disable", "content", "username", "password", "encryption-key",
                    "master-pubkey", "prune-backups", "max-protected-backups", "fingerprint",
                ],
                validContent: ["backup", "none"], defaultContent: ["backup"], formats: []),
            TypeInfo(
                name: "rbd", required: [],
                optional: [
                    "nodes", "disable", "monhost", "pool", "data-pool", "namespace", "username", "content", "krbd",
                    "keyring", "bwlimit",
                ],
                validContent: ["images", "rootdir"], defaultContent: ["images"], formats: []),
            TypeInfo(
                name: "zfs", required: ["blocksize", "iscsiprovider", "pool", "portal", "target"],
                optional: [
                    "nodes", "disable", "nowritecache", "sparse", "comstar_hg", "comstar_tg", "lio_tpg", "content",
                    "bwlimit", "zfs-base-path",
                ],
                validContent: ["images"], defaultContent: ["images"], formats: []),
            TypeInfo(
                name: "zfspool", required: ["pool"],
                optional: ["blocksize", "sparse", "nodes", "disable", "content", "bwlimit", "mountpoint"],
                validContent: ["images", "rootdir"], defaultContent: ["images", "rootdir"], formats: ["raw", "subvol"]),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }()

    /// The property list shared by all types (Proxmox registers every plugin's properties in one list).
    package static let properties: [String: ValueType] = [
        // PVE::Storage::Plugin
        "nodes": .string(format: .nodeList),
        "content": .string(format: .contentList),
        "disable": .boolean,
        "prune-backups": .string(format: .unchecked),
        "max-protected-backups": .integer(minimum: -1),
        "shared": .boolean,
        "subdir": .string(format: .storagePath),
        "format": .string(allowed: ["raw", "qcow2", "subvol", "vmdk"]),
        "preallocation": .string(allowed: ["off", "metadata", "falloc", "full"]),
        "content-dirs": .string(format: .dirOverrideList),
        "options": .string(format: .storageOptions),
        "port": .integer(minimum: 1, maximum: 65535),
        "snapshot-as-volume-chain": .boolean,
        // dir, btrfs
        "path": .string(format: .storagePath),
        "mkdir": .boolean,
        "create-base-path": .boolean,
        "create-subdirs": .boolean,
        "is_mountpoint": .string(),
        "bwlimit": .string(format: .unchecked),
        "nocow": .boolean,
        // nfs, cifs, cephfs
        "export": .string(format: .storagePath),
        "server": .string(format: .storageServer),
        "share": .string(),
        "password": .string(maxLength: 256),
        "domain": .string(maxLength: 256),
        "smbversion": .string(allowed: ["default", "2.0", "2.1", "3", "3.0", "3.11"]),
        "fuse": .boolean,
        "fs-name": .string(format: .configID),
        // esxi, iscsi, lvm
        "skip-cert-verification": .boolean,
        "target": .string(),
        "portal": .string(format: .portalDNS),
        "vgname": .string(format: .volumeGroupName),
        "base": .string(format: .volumeID),
        "saferemove": .boolean,
        "saferemove-stepsize": .integer(allowed: ["1", "2", "4", "8", "16", "32"]),
        "saferemove_throughput": .string(),
        "tagged_only": .boolean,
        "thinpool": .string(format: .volumeGroupName),
        // pbs, rbd
        "datastore": .string(),
        "fingerprint": .string(format: .fingerprint),
        "encryption-key": .string(),
        "master-pubkey": .string(),
        "monhost": .string(format: .portalDNSList),
        "pool": .string(),
        "data-pool": .string(),
        "namespace": .string(),
        "username": .string(),
        "authsupported": .string(),
        "krbd": .boolean,
        "keyring": .string(),
        // zfs, zfspool
        "iscsiprovider": .string(),
        "nowritecache": .boolean,
        "comstar_tg": .string(),
        "comstar_hg": .string(),
        "lio_tpg": .string(),
        "zfs-base-path": .string(format: .storagePath),
        "blocksize": .string(format: .zfsBlockSize),
        "sparse": .boolean,
        "mountpoint": .string(format: .storagePath),
        // the section header's own fields
        "type": .string(),
        "storage": .string(),
    ]
}
