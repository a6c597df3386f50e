import PVECore
/// The type of a top-level config key (`type` in Proxmox's `$confdesc`).
public enum ConfigValueType: String, Sendable, Hashable {
    /// `0`/`1` (also `on`/`off`, `yes`/`no`, `true`/`false` on input).
    case boolean
    /// A whole number.
    case integer
    /// A decimal number.
    case number
    /// Text, possibly with a `format`.
    case string
}

/// Named value formats of top-level keys (`format` in `$confdesc`). Property-string formats are
/// checked by the property-string parser, the others by their Proxmox verifier.
public enum ConfigKeyFormat: String, Sendable, Hashable {
    /// `pve-startup-order`.
    case startupOrder = "pve-startup-order"
    /// `dns-name`.
    case dnsName = "dns-name"
    /// `dns-name-list`.
    case dnsNameList = "dns-name-list"
    /// `lxc-ip-with-ll-iface-list`.
    case nameserverList = "lxc-ip-with-ll-iface-list"
    /// `pve-ct-timezone`.
    case timezone = "pve-ct-timezone"
    /// `pve-configid`.
    case configID = "pve-configid"
    /// `pve-volume-id`.
    case volumeID = "pve-volume-id"
    /// `pve-tag-list`.
    case tagList = "pve-tag-list"
    /// The `rootfs` property string.
    case rootfs
    /// The `mpN` property string (`pve-ct-mountpoint`).
    case mountPoint = "pve-ct-mountpoint"
    /// The `netN` property string (`pve-lxc-network`).
    case network = "pve-lxc-network"
    /// The `unusedN` property string.
    case unused
    /// The `devN` property string.
    case device
    /// The `features` property string.
    case features
}

/// One entry of the key schema (Proxmox: `PVE::LXC::Config` `$confdesc`).
public struct ConfigKeySchema: Sendable, Hashable {
    /// The key, or its family name with `N` for indexed keys (`net0` → `netN`).
    public var name: String
    /// The value type (`type`).
    public var type: ConfigValueType
    /// The named format the value must have (`format`), if any.
    public var format: ConfigKeyFormat?
    /// Allowed values (`enum`); only enforced by the edit API, not when reading a file.
    public var allowedValues: [String]?
    /// The smallest allowed number (`minimum`), if any.
    public var minimum: Int?
    /// The largest allowed number (`maximum`), if any.
    public var maximum: Int?
    /// The longest allowed value in bytes (`maxLength`), if any.
    public var maxLength: Int?
    /// `pattern`, described in words (checked in code, see `ConfigValidation`).
    public var pattern: String?
    /// The documented default, as Proxmox prints it.
    public var defaultValue: String?
    /// Proxmox's description of the key.
    public var summary: String

    init(
        _ name: String, _ type: ConfigValueType, format: ConfigKeyFormat? = nil, enum allowed: [String]? = nil,
        min: Int? = nil, max: Int? = nil, maxLength: Int? = nil, pattern: String? = nil, default def: String? = nil,
        _ summary: String
    ) {
        self.name = name
        self.type = type
        self.format = format
        self.allowedValues = allowed
        self.minimum = min
        self.maximum = max
        self.maxLength = maxLength
        self.pattern = pattern
        self.defaultValue = def
        self.summary = summary
    }
}

/// The schema of every top-level container config key.
///
/// Proxmox: `PVE::LXC::Config` `$confdesc` (plus `netN` ×32, `mpN` ×256, `unusedN` ×256, `devN` ×256).
public enum ConfigSchema {
    /// Highest number of `netN` keys (`$MAX_LXC_NETWORKS`).
    public static let maxNetworks = 32
    /// Highest number of `mpN` keys (`$MAX_MOUNT_POINTS`).
    public static let maxMountPoints = 256
    /// Highest number of `unusedN` keys (`$MAX_UNUSED_DISKS`).
    public static let maxUnusedVolumes = 256
    /// Highest number of `devN` keys (`$MAX_DEVICES`).
    public static let maxDevices = 256

    /// The plain (non-indexed) keys, sorted by name.
    public static let plainKeys: [ConfigKeySchema] = [
        .init("arch", .string, enum: ["amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"], default: "amd64", "OS architecture type."),
        .init("cmode", .string, enum: ["shell", "console", "tty"], default: "tty", "Console mode."),
        .init("console", .boolean, default: "1", "Attach a console device (/dev/console) to the container."),
        .init("cores", .integer, min: 1, max: 8192, "The number of cores assigned to the container."),
        .init("cpulimit", .number, min: 0, max: 8192, default: "0", "Limit of CPU usage."),
        .init("cpuunits", .integer, min: 0, max: 500_000, default: "cgroup v1: 1024, cgroup v2: 100", "CPU weight for a container."),
        .init("debug", .boolean, default: "0", "Try to be more verbose (debug log level on start)."),
        .init("description", .string, maxLength: 8192, "Description for the Container; saved as comment lines."),
        .init("entrypoint", .string, pattern: "no control characters except TAB", default: "/sbin/init", "Command to run as init."),
        .init("env", .string, pattern: "NAME=value items joined by NUL", "The container runtime environment as NUL-separated list."),
        .init("features", .string, format: .features, "Allow containers access to advanced features."),
        .init("hookscript", .string, format: .volumeID, "Script executed during various steps in the container's lifetime."),
        .init("hostname", .string, format: .dnsName, maxLength: 255, "Set a host name for the container."),
        .init(
            "lock", .string,
            enum: ["backup", "create", "destroyed", "disk", "fstrim", "migrate", "mounted", "rollback", "snapshot", "snapshot-delete"],
            "Lock/unlock the container."),
        .init("memory", .integer, min: 16, default: "512", "Amount of RAM for the container in MB."),
        .init("nameserver", .string, format: .nameserverList, "Sets DNS server IP address for a container."),
        .init("onboot", .boolean, default: "0", "Specifies whether a container will be started during system bootup."),
        .init(
            "ostype", .string,
            enum: ["debian", "devuan", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine", "gentoo", "nixos", "unmanaged"],
            "OS type."),
        .init("parent", .string, format: .configID, maxLength: 40, "Parent snapshot name (internal)."),
        .init("protection", .boolean, default: "0", "Sets the protection flag of the container."),
        .init("rootfs", .string, format: .rootfs, "Use volume as container root."),
        .init("searchdomain", .string, format: .dnsNameList, "Sets DNS search domains for a container."),
        .init("snaptime", .integer, min: 0, "Timestamp for snapshots."),
        .init("startup", .string, format: .startupOrder, "Startup and shutdown behavior."),
        .init("swap", .integer, min: 0, default: "512", "Amount of SWAP for the container in MB."),
        .init("tags", .string, format: .tagList, "Tags of the Container (meta information)."),
        .init("template", .boolean, default: "0", "Enable/disable Template."),
        .init("timezone", .string, format: .timezone, "Time zone to use in the container."),
        .init("tty", .integer, min: 0, max: 6, default: "2", "Specify the number of tty available to the container."),
        .init("unprivileged", .boolean, default: "0", "Makes the container run as unprivileged user."),
    ]

    static let network = ConfigKeySchema("netN", .string, format: .network, "Specifies network interfaces for the container.")
    static let mountPoint = ConfigKeySchema("mpN", .string, format: .mountPoint, "Use volume as container mount point.")
    static let unused = ConfigKeySchema("unusedN", .string, format: .unused, "Reference to unused volumes (internal).")
    static let device = ConfigKeySchema("devN", .string, format: .device, "Device to pass through to the container.")

    /// The schema of `key`, or nil when Proxmox does not know the key (`unknown setting`).
    public static func schema(for key: String) -> ConfigKeySchema? {
        var lo = 0
        var hi = plainKeys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let name = plainKeys[mid].name
            if name == key { return plainKeys[mid] }
            if ByteText.less(name, key) { lo = mid + 1 } else { hi = mid }
        }
        guard let (family, index) = splitIndexed(key) else { return nil }
        switch family {
        case "net": return index < maxNetworks ? network : nil
        case "mp": return index < maxMountPoints ? mountPoint : nil
        case "unused": return index < maxUnusedVolumes ? unused : nil
        case "dev": return index < maxDevices ? device : nil
        default: return nil
        }
    }

    /// Type and format of a key without the descriptive parts (cheap to copy; the reader's lookup).
    struct Kind: Sendable {
        var type: ConfigValueType
        var format: ConfigKeyFormat? = nil
    }

    /// The type and format of `key` (nil: unknown setting).
    static func kind(for key: String) -> Kind? {
        var key = key
        return key.withUTF8 { kind(forBytes: $0) }
    }

    /// The type and format of the key spelt by `key` (nil: unknown setting).
    static func kind(forBytes key: UnsafeBufferPointer<UInt8>) -> Kind? {
        let n = key.count
        guard n > 0 else { return nil }
        if let kind = plainKind(key) { return kind }
        // Indexed families: letters then a canonical decimal index.
        var i = n
        while i > 0 && ASCII.isDigit(key[i - 1]) { i -= 1 }
        guard i > 0, i < n, n - i <= 4, !(key[i] == ASCII.zero && n - i > 1) else { return nil }
        var index = 0
        for d in key[i..<n] { index = index * 10 + Int(d - ASCII.zero) }
        func family(_ name: StaticString) -> Bool {
            guard name.utf8CodeUnitCount == i else { return false }
            let p = name.utf8Start
            for k in 0..<i where p[k] != key[k] { return false }
            return true
        }
        if family("net") { return index < maxNetworks ? Kind(type: .string, format: .network) : nil }
        if family("mp") { return index < maxMountPoints ? Kind(type: .string, format: .mountPoint) : nil }
        if family("unused") { return index < maxUnusedVolumes ? Kind(type: .string, format: .unused) : nil }
        if family("dev") { return index < maxDevices ? Kind(type: .string, format: .device) : nil }
        return nil
    }

    /// The kind of a plain (non-indexed) key: dispatch on length and first byte, then one or two
    /// byte comparisons (the reader looks up every line's key). Agrees with `plainKeys` (tested).
    private static func plainKind(_ key: UnsafeBufferPointer<UInt8>) -> Kind? {
        @inline(__always) func isKey(_ name: StaticString) -> Bool { Bytes.equals(key, name) }
        let string = Kind(type: .string)
        let boolean = Kind(type: .boolean)
        let integer = Kind(type: .integer)
        switch (key.count, key[0]) {
        case (3, UInt8(ascii: "e")): return isKey("env") ? string : nil
        case (3, UInt8(ascii: "t")): return isKey("tty") ? integer : nil
        case (4, UInt8(ascii: "a")): return isKey("arch") ? string : nil
        case (4, UInt8(ascii: "l")): return isKey("lock") ? string : nil
        case (4, UInt8(ascii: "s")): return isKey("swap") ? integer : nil
        case (4, UInt8(ascii: "t")): return isKey("tags") ? Kind(type: .string, format: .tagList) : nil
        case (5, UInt8(ascii: "c")):
            if isKey("cores") { return integer }
            return isKey("cmode") ? string : nil
        case (5, UInt8(ascii: "d")): return isKey("debug") ? boolean : nil
        case (6, UInt8(ascii: "m")): return isKey("memory") ? integer : nil
        case (6, UInt8(ascii: "o")):
            if isKey("onboot") { return boolean }
            return isKey("ostype") ? string : nil
        case (6, UInt8(ascii: "p")): return isKey("parent") ? Kind(type: .string, format: .configID) : nil
        case (6, UInt8(ascii: "r")): return isKey("rootfs") ? Kind(type: .string, format: .rootfs) : nil
        case (7, UInt8(ascii: "c")): return isKey("console") ? boolean : nil
        case (7, UInt8(ascii: "s")): return isKey("startup") ? Kind(type: .string, format: .startupOrder) : nil
        case (8, UInt8(ascii: "c")):
            if isKey("cpulimit") { return Kind(type: .number) }
            return isKey("cpuunits") ? integer : nil
        case (8, UInt8(ascii: "f")): return isKey("features") ? Kind(type: .string, format: .features) : nil
        case (8, UInt8(ascii: "h")): return isKey("hostname") ? Kind(type: .string, format: .dnsName) : nil
        case (8, UInt8(ascii: "s")): return isKey("snaptime") ? integer : nil
        case (8, UInt8(ascii: "t")):
            if isKey("template") { return boolean }
            return isKey("timezone") ? Kind(type: .string, format: .timezone) : nil
        case (10, UInt8(ascii: "e")): return isKey("entrypoint") ? string : nil
        case (10, UInt8(ascii: "h")): return isKey("hookscript") ? Kind(type: .string, format: .volumeID) : nil
        case (10, UInt8(ascii: "n")): return isKey("nameserver") ? Kind(type: .string, format: .nameserverList) : nil
        case (10, UInt8(ascii: "p")): return isKey("protection") ? boolean : nil
        case (11, UInt8(ascii: "d")): return isKey("description") ? string : nil
        case (12, UInt8(ascii: "s")): return isKey("searchdomain") ? Kind(type: .string, format: .dnsNameList) : nil
        case (12, UInt8(ascii: "u")): return isKey("unprivileged") ? boolean : nil
        default: return nil
        }
    }

    /// Splits `net12` into (`net`, 12); nil unless the key is letters followed by a canonical
    /// decimal index (no leading zeros, as Proxmox's keys `net0`…`net31` are spelt).
    static func splitIndexed(_ key: String) -> (String, Int)? {
        var key = key
        return key.withUTF8 { u in
            var i = u.count
            while i > 0 && ASCII.isDigit(u[i - 1]) { i -= 1 }
            guard i > 0, i < u.count, u.count - i <= 4 else { return nil }
            if u[i] == ASCII.zero && u.count - i > 1 { return nil }
            var n = 0
            for b in u[i...] { n = n * 10 + Int(b - ASCII.zero) }
            return (String(decoding: UnsafeBufferPointer(rebasing: u[..<i]), as: UTF8.self), n)
        }
    }

    /// Whether `key` is one of the volume keys `rootfs`, `mp0`…`mp255`
    /// (Proxmox: `valid_volume_keys`).
    public static func isVolumeKey(_ key: String) -> Bool {
        if key == "rootfs" { return true }
        if let (f, n) = splitIndexed(key), f == "mp", n < maxMountPoints { return true }
        return false
    }

    /// The volume keys in Proxmox's iteration order: `rootfs`, `mp0`, …, `mp255`.
    public static let volumeKeys: [String] = ["rootfs"] + (0..<maxMountPoints).map { "mp\($0)" }

    /// Whether `key` matches `^unused\d+$`.
    static func isUnusedKey(_ key: String) -> Bool {
        let u = key.utf8
        guard u.count > 6, key.hasPrefix("unused") else { return false }
        return u.dropFirst(6).allSatisfy { ASCII.isDigit($0) }
    }
}

/// Validity of raw `lxc.*` keys (Proxmox: `PVE::LXC::Config::is_valid_lxc_conf_key`).
public enum LXCKeyValidity: Sendable, Hashable {
    /// Accepted silently.
    case accepted
    /// Accepted with a warning (deprecated or renamed key); the text is Proxmox's without the `vm N - ` prefix.
    case acceptedWithWarning(String)
    /// Refused with a specific reason (`lxc.rootfs.path`, `lxc.rootfs.options`).
    case refused(String)
    /// Not a key Proxmox allows (`unable to parse config`).
    case unknown

    /// Classifies `key` in Proxmox's order: `lxc.limit.*`, deprecated names, allowed list, cgroup v1,
    /// `lxc.cgroup2.*`/`lxc.prlimit.*`/`lxc.net.*`.
    public static func of(_ key: String) -> LXCKeyValidity {
        // The listed keys start with none of the prefixes below, so one lookup decides them
        // whatever Proxmox's order of tests (checked by a test).
        if let listed = listedKeys[key] { return listed }
        if key.hasPrefix("lxc.limit.") { return .acceptedWithWarning("\(key): lxc.limit.* was renamed to lxc.prlimit.*") }
        if key.hasPrefix("lxc.cgroup.") { return .acceptedWithWarning("\(key) is deprecated, this will be a hard error in the future!") }
        if key.hasPrefix("lxc.cgroup2.") || key.hasPrefix("lxc.prlimit.") || key.hasPrefix("lxc.net.") { return .accepted }
        return .unknown
    }

    /// The allowed, deprecated and refused keys with their validity.
    static let listedKeys: [String: LXCKeyValidity] = {
        var table: [String: LXCKeyValidity] = [:]
        for key in allowed { table[key] = .accepted }
        for (key, new) in deprecated { table[key] = .acceptedWithWarning("\(key) is deprecated and was renamed to \(new)") }
        for (key, reason) in refused { table[key] = .refused(reason) }
        return table
    }()

    static let refused: [String: String] = [
        "lxc.rootfs.path": "lxc.rootfs.path is auto generated from rootfs",
        "lxc.rootfs.options": "lxc.rootfs.options is not supported, please use mount point options in the \"rootfs\" key",
    ]

    static let allowed: Set<String> = [
        "lxc.apparmor.profile", "lxc.apparmor.allow_incomplete", "lxc.apparmor.allow_nesting", "lxc.apparmor.raw",
        "lxc.selinux.context", "lxc.include", "lxc.arch", "lxc.uts.name", "lxc.signal.halt", "lxc.signal.reboot",
        "lxc.signal.stop", "lxc.init.cmd", "lxc.init.cwd", "lxc.init.uid", "lxc.init.gid", "lxc.init.groups",
        "lxc.pty.max", "lxc.console.logfile", "lxc.console.path", "lxc.tty.max", "lxc.devtty.dir", "lxc.hook.autodev",
        "lxc.autodev", "lxc.kmsg", "lxc.mount.fstab", "lxc.mount.entry", "lxc.mount.auto", "lxc.rootfs.mount",
        "lxc.cap.drop", "lxc.cap.keep", "lxc.seccomp.profile", "lxc.seccomp.notify.proxy", "lxc.seccomp.notify.cookie",
        "lxc.idmap", "lxc.hook.pre-start", "lxc.hook.pre-mount", "lxc.hook.mount", "lxc.hook.start", "lxc.hook.stop",
        "lxc.hook.post-stop", "lxc.hook.clone", "lxc.hook.destroy", "lxc.hook.version", "lxc.log.level", "lxc.log.file",
        "lxc.start.auto", "lxc.start.delay", "lxc.start.order", "lxc.group", "lxc.environment", "lxc.environment.runtime",
        "lxc.environment.hooks", "lxc.sysctl.fs.mqueue", "lxc.sysctl.kernel.msgmax", "lxc.sysctl.kernel.msgmnb",
        "lxc.sysctl.kernel.msgmni", "lxc.sysctl.kernel.sem", "lxc.sysctl.kernel.shmall", "lxc.sysctl.kernel.shmmax",
        "lxc.sysctl.kernel.shmmni", "lxc.sysctl.kernel.shm_rmid_forced",
    ]

    static let deprecated: [String: String] = [
        "lxc.aa_profile": "lxc.apparmor.profile",
        "lxc.aa_allow_incomplete": "lxc.apparmor.allow_incomplete",
        "lxc.console": "lxc.console.path",
        "lxc.devttydir": "lxc.tty.dir",
        "lxc.haltsignal": "lxc.signal.halt",
        "lxc.rebootsignal": "lxc.signal.reboot",
        "lxc.stopsignal": "lxc.signal.stop",
        "lxc.id_map": "lxc.idmap",
        "lxc.init_cmd": "lxc.init.cmd",
        "lxc.loglevel": "lxc.log.level",
        "lxc.logfile": "lxc.log.file",
        "lxc.mount": "lxc.mount.fstab",
        "lxc.network.type": "lxc.net.INDEX.type",
        "lxc.network.flags": "lxc.net.INDEX.flags",
        "lxc.network.link": "lxc.net.INDEX.link",
        "lxc.network.mtu": "lxc.net.INDEX.mtu",
        "lxc.network.name": "lxc.net.INDEX.name",
        "lxc.network.hwaddr": "lxc.net.INDEX.hwaddr",
        "lxc.network.ipv4": "lxc.net.INDEX.ipv4.address",
        "lxc.network.ipv4.gateway": "lxc.net.INDEX.ipv4.gateway",
        "lxc.network.ipv6": "lxc.net.INDEX.ipv6.address",
        "lxc.network.ipv6.gateway": "lxc.net.INDEX.ipv6.gateway",
        "lxc.network.script.up": "lxc.net.INDEX.script.up",
        "lxc.network.script.down": "lxc.net.INDEX.script.down",
        "lxc.pts": "lxc.pty.max",
        "lxc.se_context": "lxc.selinux.context",
        "lxc.seccomp": "lxc.seccomp.profile",
        "lxc.tty": "lxc.tty.max",
        "lxc.utsname": "lxc.uts.name",
    ]
}
