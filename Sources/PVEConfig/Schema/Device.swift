import PVECore
/// A device passed through to a container, the value of `devN`
/// (Proxmox: `PVE::LXC::Config::$dev_desc`, `parse_device`, `print_device`).
///
/// ```swift
/// let dev = try Device(parsing: "mode=0660,/dev/ttyUSB0,deny-write=1,uid=5,gid=6")
/// dev.propertyString  // "/dev/ttyUSB0,deny-write=1,gid=6,mode=0660,uid=5"
/// ```
public struct Device: Sendable, Hashable {
    /// `path` (default key): host device path under `/dev/`.
    public var path: String
    /// `deny-write`: read-only access.
    public var denyWrite: Bool?
    /// `gid`: owner group in the container (integer ≥ 0, as written).
    public var gid: String?
    /// `mode`: octal access mode `0NNN`.
    public var mode: String?
    /// `uid`: owner user in the container (integer ≥ 0, as written).
    public var uid: String?

    /// Creates a device entry.
    public init(path: String, denyWrite: Bool? = nil, gid: String? = nil, mode: String? = nil, uid: String? = nil) {
        self.path = path
        self.denyWrite = denyWrite
        self.gid = gid
        self.mode = mode
        self.uid = uid
    }

    /// Parses and validates a `devN` value (Proxmox: `parse_device`).
    ///
    /// - Throws: ``PropertyStringError``; a value without path fails with `Path has to be defined`.
    public init(parsing text: String) throws(PropertyStringError) {
        self = try Bytes.withBytes(text) { (s) throws(PropertyStringError) -> Device in
            let schema = LXCSchemas.device
            let device = try schema.parse(s) { p in
                let string = { (name: String) in p.string(schema.index(named: name), s) }
                return string("path").map {
                    Device(
                        path: $0, denyWrite: p.bool(schema.index(named: "deny-write"), s), gid: string("gid"),
                        mode: string("mode"), uid: string("uid"))
                }
            }
            guard let device else { throw PropertyStringError(message: "Path has to be defined", offset: s.count) }
            return device
        }
    }

    /// The canonical text (Proxmox: `print_device`): bare path, then `deny-write gid mode uid`.
    public var propertyString: String {
        PropertyStringWriter.build { w in
            w.bare(path)
            w.add("deny-write", denyWrite)
            w.add("gid", gid)
            w.add("mode", mode)
            w.add("uid", uid)
        }
    }
}

/// Optional container features, the value of `features` (Proxmox: `PVE::LXC::Config::$features_desc`).
public struct Features: Sendable, Hashable {
    /// `force_rw_sys`: mount `/sys` read-write in unprivileged containers.
    public var forceRwSys: Bool?
    /// `fuse`: allow FUSE file systems.
    public var fuse: Bool?
    /// `keyctl`: allow `keyctl()` (unprivileged only).
    public var keyctl: Bool?
    /// `mknod`: allow `mknod()` of some device nodes (unprivileged only).
    public var mknod: Bool?
    /// `mount`: allowed file-system types, `;`-separated.
    public var mount: String?
    /// `nesting`: allow nested containers.
    public var nesting: Bool?

    /// Creates a feature set.
    public init(
        forceRwSys: Bool? = nil, fuse: Bool? = nil, keyctl: Bool? = nil, mknod: Bool? = nil, mount: String? = nil,
        nesting: Bool? = nil
    ) {
        self.forceRwSys = forceRwSys
        self.fuse = fuse
        self.keyctl = keyctl
        self.mknod = mknod
        self.mount = mount
        self.nesting = nesting
    }

    /// Parses and validates a `features` value (Proxmox: `PVE::LXC::Config::parse_features`):
    /// like the schema parse, except that `"0"` (false in Perl, like `""`) yields no features.
    /// ``ConfigValueFormat/check(_:as:)`` with `.features` is the stricter config-line check.
    ///
    /// - Throws: ``PropertyStringError``.
    public init(parsing text: String) throws(PropertyStringError) {
        if text == "0" {
            self.init()
            return
        }
        self = try Bytes.withBytes(text) { (s) throws(PropertyStringError) -> Features in
            let schema = LXCSchemas.features
            return try schema.parse(s) { p in
                let bool = { (name: String) in p.bool(schema.index(named: name), s) }
                return Features(
                    forceRwSys: bool("force_rw_sys"), fuse: bool("fuse"), keyctl: bool("keyctl"), mknod: bool("mknod"),
                    mount: p.string(schema.index(named: "mount"), s), nesting: bool("nesting"))
            }
        }
    }

    /// The canonical text: keys in byte order `force_rw_sys fuse keyctl mknod mount nesting`.
    public var propertyString: String {
        PropertyStringWriter.build { w in
            w.add("force_rw_sys", forceRwSys)
            w.add("fuse", fuse)
            w.add("keyctl", keyctl)
            w.add("mknod", mknod)
            w.add("mount", mount)
            w.add("nesting", nesting)
        }
    }

    /// `mount` split at `;` (spaces kept as Proxmox keeps them).
    public var mountTypes: [String] { mount.map { $0.split(separator: ";").map(String.init) } ?? [] }
}

/// A volume no longer mounted, the value of `unusedN` (Proxmox: `PVE::LXC::Config::$unused_desc`,
/// `print_ct_unused`).
public struct UnusedVolume: Sendable, Hashable {
    /// `volume` (default key): a storage volume ID.
    public var volume: String

    /// Creates an entry.
    public init(volume: String) {
        self.volume = volume
    }

    /// Parses and validates an `unusedN` value.
    ///
    /// - Throws: ``PropertyStringError``, e.g. `volume: invalid format - unable to parse volume ID 'x'`.
    public init(parsing text: String) throws(PropertyStringError) {
        self = try Bytes.withBytes(text) { (s) throws(PropertyStringError) -> UnusedVolume in
            try LXCSchemas.unused.parse(s) { p in UnusedVolume(volume: p.string(0, s) ?? "") }
        }
    }

    /// The canonical text: the bare volume ID.
    public var propertyString: String { volume }
}
