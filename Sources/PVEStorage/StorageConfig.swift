import PVEConfig

/// One section of `storage.cfg`: a storage's type, ID and options (Proxmox: one entry of
/// `$cfg->{ids}`).
///
/// Option values are kept in the form Proxmox writes them: booleans and integers as numbers
/// (`1`, `0`, `-1`), `content` as the comma-separated list of the content types the type supports,
/// `nodes` and `content-dirs` likewise.
public struct StorageDefinition: Sendable, Hashable {
    /// The storage type, lower case (`dir`, `nfs`, `lvmthin`, …).
    public var type: String
    /// The storage ID (`local`, `local-lvm`).
    public var id: String
    /// Option values by key, in the form Proxmox writes them.
    public var options: [String: String]
    /// The line of the section header (0 for storages that do not come from a file).
    public var line: Int

    /// Creates a storage definition.
    public init(type: String, id: String, options: [String: String] = [:], line: Int = 0) {
        self.type = type
        self.id = id
        self.options = options
        self.line = line
    }

    /// The built-in `local` storage Proxmox puts in place when `storage.cfg` has none (or one
    /// that is not a `dir` at `/var/lib/vz`) (Proxmox: `PVE::Storage::Plugin::parse_config`).
    public static var builtinLocal: StorageDefinition {
        StorageDefinition(
            type: "dir", id: "local",
            options: [
                "path": "/var/lib/vz", "prune-backups": "keep-all=1",
                "content": "backup,images,iso,rootdir,snippets,vztmpl",
            ])
    }

    /// `path`: the directory of a file-based storage.
    public var path: String? { options["path"] }

    /// `content`: the content types this storage holds (`images`, `rootdir`, `vztmpl`, …).
    public var content: Set<String> {
        Set(options["content"].map { $0.split(separator: ",").map(String.init) } ?? [])
    }

    /// `disable`: the storage is switched off.
    public var isDisabled: Bool { (options["disable"].flatMap { Int($0) } ?? 0) != 0 }

    /// Whether the storage counts as shared: `shared 1`, or a type Proxmox always treats as shared.
    public var isShared: Bool {
        StorageSchema.sharedTypes.contains(type) || (options["shared"].flatMap { Int($0) } ?? 0) != 0
    }

    /// `is_mountpoint`: the directory that must be a mount point before the storage is used
    /// (`yes`/`1`/`on`/`true`: `path` itself; `no`/`0`/…: none; any other text: that path)
    /// (Proxmox: `DirPlugin::parse_is_mountpoint`).
    public var declaredMountPoint: String? {
        guard let value = options["is_mountpoint"] else { return nil }
        switch value.lowercased() {
        case "1", "yes", "on", "true": return path
        case "0", "no", "off", "false": return nil
        default: return value
        }
    }

    /// `content-dirs`: per content type, the directory (relative to `path`) replacing the default.
    public var contentDirectories: [String: String] {
        var result: [String: String] = [:]
        for entry in ValueList.split(options["content-dirs"] ?? "") {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }
}

/// The storages of `/etc/pve/storage.cfg`, in file order (Proxmox: the result of
/// `PVE::Storage::config()`: section-config `ids` and `order`, with the built-in `local` storage
/// and per-type default contents filled in).
///
/// ```swift
/// let (config, diagnostics) = StorageConfig.parse(bytes, file: "/etc/pve/storage.cfg")
/// let local = config["local"]          // always a dir storage at /var/lib/vz
/// let text = StorageConfig.write(config)  // Proxmox's canonical form
/// ```
public struct StorageConfig: Sendable, Hashable {
    /// The storages in the order Proxmox writes them.
    public var storages: [StorageDefinition]

    /// Creates a config from storages, in order.
    public init(storages: [StorageDefinition]) {
        self.storages = storages
    }

    /// What Proxmox uses when `storage.cfg` does not exist: only the built-in `local` storage.
    public static var absentFile: StorageConfig { parse([], file: "storage.cfg").config }

    /// The storage with this ID.
    public subscript(id: String) -> StorageDefinition? {
        storages.first { $0.id == id }
    }

    /// The storage with this ID, or Proxmox's error (`storage 'x' does not exist`).
    public func storage(_ id: String) throws(StorageError) -> StorageDefinition {
        if id.isEmpty { throw StorageError("no storage ID specified") }
        guard let found = self[id] else { throw StorageError("storage '\(id)' does not exist") }
        return found
    }
}

/// A refused storage operation, with Proxmox's message where Proxmox has one.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message, without a final newline.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// A problem found while reading `storage.cfg`, with its position and Proxmox's wording.
public struct StorageDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// How Proxmox treats the problem.
    public enum Kind: Sendable, Hashable {
        /// Proxmox ignores the line, the value or the whole section, and warns.
        case error
        /// Proxmox keeps going with a changed value (an unsupported content type or format is dropped) and warns.
        case warning
    }

    /// Error or warning.
    public var kind: Kind
    /// The file name as given to the reader.
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based byte column.
    public var column: Int
    /// The section the problem is in, if any.
    public var section: String?
    /// What Proxmox's reader does about it (`skip section`, `ignore config line`, …) and why, in
    /// Proxmox's words, without the file and line prefix.
    public var message: String
    /// The complete line Proxmox's reader warns with (`file F line N (section 'x') - …`).
    public var proxmoxWarning: String

    /// Creates a diagnostic.
    public init(
        kind: Kind, file: String, line: Int, column: Int, section: String?, message: String, proxmoxWarning: String
    ) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.section = section
        self.message = message
        self.proxmoxWarning = proxmoxWarning
    }

    /// `FILE:LINE:COL: error: message` (or `warning:`).
    public var description: String {
        "\(file):\(line):\(column): \(kind == .error ? "error" : "warning"): \(message)"
    }
}
