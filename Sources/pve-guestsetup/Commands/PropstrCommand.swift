import PVEConfig

/// `pve-guestsetup propstr KIND VALUE`: parse, validate and print a container property string
/// the way Proxmox stores it.
enum PropstrCommand: CLICommand {
    static let kinds = ["rootfs", "mp", "unused", "net", "dev", "features"]

    static let spec = CommandSpec(
        name: "propstr",
        abstract: "Parse, validate and canonicalise a Proxmox property string.",
        usage: "propstr <kind> <value> [--json] [--mac-prefix <prefix>]",
        discussion: """
            Prints the value as Proxmox would store it: the default key bare, then required keys, then
            the rest in byte order; booleans as 0/1; sizes as Proxmox prints them. For 'net', Proxmox's
            network parser sets type=veth and generates an hwaddr when none is given. Invalid input
            prints Proxmox's error (every '<key>: <message>' line) on stderr and exits 1.
            """,
        arguments: [
            ("kind", "One of: rootfs, mp, unused, net, dev, features."),
            ("value", "The property string, e.g. 'name=eth0,bridge=vmbr0,ip=dhcp'."),
        ],
        options: [
            .flag("--json", help: "Print the decoded fields as a JSON object."),
            .value("--mac-prefix", valueName: "prefix", help: "Datacenter mac_prefix for a generated hwaddr (net)."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let positionals = try parsed.requirePositionals(["kind", "value"])
        let (kind, value) = (positionals[0], positionals[1])
        guard kinds.contains(kind) else {
            throw UsageError("The value '\(kind)' is invalid for '<kind>' (one of: \(kinds.joined(separator: ", ")))")
        }
        let prefix = parsed.value("--mac-prefix")
        let result: (text: String, json: JSON)
        do {
            result = try render(kind: kind, value: value, macPrefix: prefix)
        } catch {
            throw CommandFailure(error.description, exitCode: 1)
        }
        console.out(parsed.flag("--json") ? result.json.rendered() : result.text + "\n")
        return 0
    }

    /// The canonical text and the JSON view of `value` parsed as `kind`.
    static func render(kind: String, value: String, macPrefix: String?) throws(PropertyStringError) -> (String, JSON) {
        switch kind {
        case "rootfs", "mp":
            let m = try MountPoint(parsing: value, kind: kind == "rootfs" ? .rootfs : .mountPoint)
            var o: [(String, JSON)] = [("volume", .string(m.volume)), ("mp", .string(m.mp))]
            o.append(("type", .string(m.volumeType.rawValue)))
            add(&o, "acl", m.acl)
            add(&o, "backup", m.backup)
            add(&o, "idmap", m.idmap)
            add(&o, "keepattrs", m.keepattrs)
            add(&o, "mountoptions", m.mountoptions)
            add(&o, "quota", m.quota)
            add(&o, "replicate", m.replicate)
            add(&o, "ro", m.ro)
            add(&o, "shared", m.shared)
            if let size = m.size { o.append(("size", .int(Int(clamping: size)))) }
            return (m.propertyString, .object(o))
        case "unused":
            let u = try UnusedVolume(parsing: value)
            return (u.propertyString, .object([("volume", .string(u.volume))]))
        case "net":
            let n = try NetworkInterface(parsing: value, macGenerator: { NetworkInterface.randomMAC(prefix: macPrefix) })
            var o: [(String, JSON)] = [("name", .string(n.name))]
            add(&o, "bridge", n.bridge)
            add(&o, "firewall", n.firewall)
            add(&o, "gw", n.gw)
            add(&o, "gw6", n.gw6)
            add(&o, "host-managed", n.hostManaged)
            add(&o, "hwaddr", n.hwaddr)
            add(&o, "ip", n.ip)
            add(&o, "ip6", n.ip6)
            add(&o, "link_down", n.linkDown)
            add(&o, "mtu", n.mtu)
            add(&o, "rate", n.rate)
            add(&o, "tag", n.tag)
            add(&o, "trunks", n.trunks)
            add(&o, "type", n.type)
            return (n.propertyString, .object(o))
        case "dev":
            let d = try Device(parsing: value)
            var o: [(String, JSON)] = [("path", .string(d.path))]
            add(&o, "deny-write", d.denyWrite)
            add(&o, "gid", d.gid)
            add(&o, "mode", d.mode)
            add(&o, "uid", d.uid)
            return (d.propertyString, .object(o))
        default:
            let f = try Features(parsing: value)
            var o: [(String, JSON)] = []
            add(&o, "force_rw_sys", f.forceRwSys)
            add(&o, "fuse", f.fuse)
            add(&o, "keyctl", f.keyctl)
            add(&o, "mknod", f.mknod)
            add(&o, "mount", f.mount)
            add(&o, "nesting", f.nesting)
            return (f.propertyString, .object(o))
        }
    }

    private static func add(_ o: inout [(String, JSON)], _ key: String, _ value: String?) {
        if let value { o.append((key, .string(value))) }
    }

    private static func add(_ o: inout [(String, JSON)], _ key: String, _ value: Bool?) {
        if let value { o.append((key, .bool(value))) }
    }
}
