import PVEConfig

/// `pve-guestsetup propstr KIND VALUE`: parse, validate and print a container property string
/// the way Proxmox stores it.
enum PropstrCommand: CLICommand {
    static let kinds = ["rootfs", "mp", "unused", "net", "dev", "features"]

    static let spec = CommandSpec(
        name: "propstr",
        abstract: "Parse, validate and canonicalise a Proxmox property string.",
        usage: "propstr <kind> [--] <value> [--json] [--mac-prefix <prefix>] [--schema-only]",
        discussion: """
            Prints the value as Proxmox would store it: the default key bare, then required keys, then
            the rest in byte order; booleans as 0/1; sizes as Proxmox prints them. For 'net', Proxmox's
            network parser sets type=veth and generates an hwaddr when none is given (--schema-only
            skips that). Invalid input prints Proxmox's error (every '<key>: <message>' line) on
            stderr and exits 1. --json prints the parsed hash as compact JSON with sorted keys.
            """,
        arguments: [
            ("kind", "One of: rootfs, mp, unused, net, dev, features."),
            ("value", "The property string, e.g. 'name=eth0,bridge=vmbr0,ip=dhcp'."),
        ],
        options: [
            .flag("--json", help: "Print the decoded fields as a JSON object."),
            .value("--mac-prefix", valueName: "prefix", help: "Datacenter mac_prefix for a generated hwaddr (net)."),
            .flag("--schema-only", help: "net: print the schema parse only, without the type/hwaddr fill-in."),
        ],
        examples: [
            ("propstr net 'name=eth0,bridge=vmbr0,ip=dhcp'", "Canonical form, with a generated hwaddr."),
            ("propstr rootfs 'local-lvm:vm-100-disk-0,size=8G' --json", "The parsed fields as JSON."),
        ],
        jsonFields: [
            ("volume, mp, type", "rootfs, mp, unused: the volume, the mount path and bind, device or volume."),
            (
                "acl, backup, idmap, keepattrs, mountoptions, quota, replicate, ro, shared, size",
                "rootfs, mp: as given; size in bytes, idmap as [type, ct, host, count] lists."
            ),
            ("name, bridge, firewall, gw, gw6, host-managed, hwaddr, ip, ip6, link_down, mtu, rate, tag, trunks", "net: as given (type and hwaddr filled in)."),
            ("path, deny-write, gid, mode, uid", "dev: as given."),
            ("force_rw_sys, fuse, keyctl, mknod, mount, nesting", "features: as given."),
        ],
        completions: ["kind": .words(kinds)]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        // A value starting with '-' can follow a '--' terminator.
        var arguments = parsed
        arguments.positionals += parsed.afterTerminator ?? []
        let positionals = try arguments.requirePositionals(["kind", "value"])
        let (kind, value) = (positionals[0], positionals[1])
        guard kinds.contains(kind) else {
            throw UsageError("The value '\(kind)' is invalid for '<kind>' (one of: \(kinds.joined(separator: ", ")))")
        }
        let prefix = parsed.value("--mac-prefix")
        let result: (text: String, json: JSON)
        do {
            result = try render(kind: kind, value: value, macPrefix: prefix, fill: !parsed.flag("--schema-only"))
        } catch {
            throw CommandFailure(error.description, exitCode: 1)
        }
        console.out((parsed.flag("--json") ? result.json.rendered(pretty: false) : result.text) + "\n")
        return 0
    }

    /// The canonical text and the JSON view of `value` parsed as `kind`.
    ///
    /// The JSON object is the hash Proxmox's parser returns, encoded the way Perl's JSON module
    /// does with sorted keys: booleans as `1`/`0`, numbers as written (strings), `size` in bytes,
    /// mount points with `type` (and `mp` `/` for rootfs), `idmap` as `[type, ct, disk, count]` lists.
    static func render(
        kind: String, value: String, macPrefix: String?, fill: Bool = true
    ) throws(PropertyStringError) -> (String, JSON) {
        var o: [(String, JSON)] = []
        let text: String
        switch kind {
        case "rootfs", "mp":
            let m = try MountPoint(parsing: value, kind: kind == "rootfs" ? .rootfs : .mountPoint)
            o = [("volume", .string(m.volume)), ("mp", .string(m.mp)), ("type", .string(m.volumeType.rawValue))]
            add(&o, "acl", m.acl)
            add(&o, "backup", m.backup)
            if let idmap = m.idmap {
                o.append(
                    idmap == "passthrough"
                        ? ("idmap", .string(idmap))
                        : ("idmap", .array(idmap.split(separator: ";").map { .array($0.split(separator: ":").map { .string(String($0)) }) })))
            }
            add(&o, "keepattrs", m.keepattrs)
            add(&o, "mountoptions", m.mountoptions)
            add(&o, "quota", m.quota)
            add(&o, "replicate", m.replicate)
            add(&o, "ro", m.ro)
            add(&o, "shared", m.shared)
            if let size = m.size { o.append(("size", .int(Int(clamping: size)))) }
            text = m.propertyString
        case "unused":
            let u = try UnusedVolume(parsing: value)
            o = [("volume", .string(u.volume)), ("type", .string(u.volume.hasPrefix("/dev/") ? "device" : u.volume.hasPrefix("/") ? "bind" : "volume"))]
            text = u.propertyString
        case "net":
            let n =
                fill
                ? try NetworkInterface(parsing: value, macGenerator: { NetworkInterface.randomMAC(prefix: macPrefix) })
                : try NetworkInterface(parsing: value)
            o = [("name", .string(n.name))]
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
            text = n.propertyString
        case "dev":
            let d = try Device(parsing: value)
            o = [("path", .string(d.path))]
            add(&o, "deny-write", d.denyWrite)
            add(&o, "gid", d.gid)
            add(&o, "mode", d.mode)
            add(&o, "uid", d.uid)
            text = d.propertyString
        default:
            let f = try Features(parsing: value)
            add(&o, "force_rw_sys", f.forceRwSys)
            add(&o, "fuse", f.fuse)
            add(&o, "keyctl", f.keyctl)
            add(&o, "mknod", f.mknod)
            add(&o, "mount", f.mount)
            add(&o, "nesting", f.nesting)
            text = f.propertyString
        }
        o.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return (text, .object(o))
    }

    private static func add(_ o: inout [(String, JSON)], _ key: String, _ value: String?) {
        if let value { o.append((key, .string(value))) }
    }

    private static func add(_ o: inout [(String, JSON)], _ key: String, _ value: Bool?) {
        if let value { o.append((key, .int(value ? 1 : 0))) }
    }
}
