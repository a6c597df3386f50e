import PVECore
/// A container network interface, the value of `netN` (format `pve-lxc-network`,
/// Proxmox: `PVE::LXC::Config::$netconf_desc`, `parse_lxc_network`, `print_lxc_network`).
///
/// Fields are named after Proxmox's keys. Numeric fields keep the text as written, because
/// Proxmox stores and prints them verbatim (`mtu=+100` stays `+100`); typed views
/// (``mtuValue``, ``tagValue``, ``rateValue``, ``trunkIDs``) convert them.
///
/// ```swift
/// let net = try NetworkInterface(parsing: "name=eth0,bridge=vmbr0,ip=dhcp")
/// net.propertyString  // "name=eth0,bridge=vmbr0,ip=dhcp"
/// ```
public struct NetworkInterface: Sendable, Hashable {
    /// `name`: interface name inside the container (required; `[-_.\w\d]+`).
    public var name: String
    /// `bridge`: host bridge to attach to.
    public var bridge: String?
    /// `firewall`: use the PVE firewall for this interface.
    public var firewall: Bool?
    /// `gw`: IPv4 default gateway.
    public var gw: String?
    /// `gw6`: IPv6 default gateway.
    public var gw6: String?
    /// `host-managed`: the host configures the IP (the container must not).
    public var hostManaged: Bool?
    /// `hwaddr`: unicast MAC address, as written (case kept).
    public var hwaddr: String?
    /// `ip`: `dhcp`, `manual` or IPv4/CIDR.
    public var ip: String?
    /// `ip6`: `auto`, `dhcp`, `manual` or IPv6/CIDR.
    public var ip6: String?
    /// `link_down`: disconnect the interface.
    public var linkDown: Bool?
    /// `mtu`: integer 64–65535, as written.
    public var mtu: String?
    /// `rate`: rate limit in MB/s (a number), as written.
    public var rate: String?
    /// `tag`: VLAN tag 1–4094, as written.
    public var tag: String?
    /// `trunks`: VLAN IDs, `;`-separated.
    public var trunks: String?
    /// `type`: interface type; only `veth` exists.
    public var type: String?

    /// Creates an interface; only `name` is required.
    public init(
        name: String, bridge: String? = nil, firewall: Bool? = nil, gw: String? = nil, gw6: String? = nil,
        hostManaged: Bool? = nil, hwaddr: String? = nil, ip: String? = nil, ip6: String? = nil,
        linkDown: Bool? = nil, mtu: String? = nil, rate: String? = nil, tag: String? = nil,
        trunks: String? = nil, type: String? = nil
    ) {
        self.name = name
        self.bridge = bridge
        self.firewall = firewall
        self.gw = gw
        self.gw6 = gw6
        self.hostManaged = hostManaged
        self.hwaddr = hwaddr
        self.ip = ip
        self.ip6 = ip6
        self.linkDown = linkDown
        self.mtu = mtu
        self.rate = rate
        self.tag = tag
        self.trunks = trunks
        self.type = type
    }

    /// Parses and validates a `netN` value exactly as the schema does, without filling in
    /// anything (Proxmox: `parse_property_string($netconf_desc, …)`).
    ///
    /// - Throws: ``PropertyStringError`` with Proxmox's messages.
    public init(parsing text: String) throws(PropertyStringError) {
        self = try Bytes.withBytes(text) { (s) throws(PropertyStringError) -> NetworkInterface in
            try NetworkInterface(bytes: s)
        }
    }

    /// Parses a `netN` value the way `parse_lxc_network` does: after validation `type` is set to
    /// `veth` and, when `hwaddr` is missing, `macGenerator()` supplies one (Proxmox uses
    /// `PVE::Tools::random_ether_addr`; see ``randomMAC(prefix:using:)``).
    ///
    /// Proxmox returns an empty map for `""` and `"0"`, which it then cannot print; this
    /// initializer reports that as the missing `name` error.
    public init(parsing text: String, macGenerator: () -> String) throws(PropertyStringError) {
        if text.isEmpty || text == "0" {
            throw PropertyStringError(entries: [.init(key: "name", message: SchemaMessage.missing, offset: text.utf8.count)])
        }
        try self.init(parsing: text)
        type = "veth"
        if hwaddr == nil || hwaddr == "" { hwaddr = macGenerator() }
    }

    package init(bytes s: UnsafeBufferPointer<UInt8>) throws(PropertyStringError) {
        self = try LXCSchemas.network.parse(s) { p in NetworkInterface(parsed: p, s) }
    }

    private init(parsed p: PropertySchema.Parsed, _ s: UnsafeBufferPointer<UInt8>) {
        // Indices follow the byte order of the keys (see LXCSchemas.network).
        name = p.string(NetworkInterface.Key.name, s) ?? ""
        bridge = p.string(NetworkInterface.Key.bridge, s)
        firewall = p.bool(NetworkInterface.Key.firewall, s)
        gw = p.string(NetworkInterface.Key.gw, s)
        gw6 = p.string(NetworkInterface.Key.gw6, s)
        hostManaged = p.bool(NetworkInterface.Key.hostManaged, s)
        hwaddr = p.string(NetworkInterface.Key.hwaddr, s)
        ip = p.string(NetworkInterface.Key.ip, s)
        ip6 = p.string(NetworkInterface.Key.ip6, s)
        linkDown = p.bool(NetworkInterface.Key.linkDown, s)
        mtu = p.string(NetworkInterface.Key.mtu, s)
        rate = p.string(NetworkInterface.Key.rate, s)
        tag = p.string(NetworkInterface.Key.tag, s)
        trunks = p.string(NetworkInterface.Key.trunks, s)
        type = p.string(NetworkInterface.Key.type, s)
    }

    /// Key indices in `LXCSchemas.network` (its keys in byte order; checked by a unit test).
    package enum Key {
        static let bridge = 0, firewall = 1, gw = 2, gw6 = 3, hostManaged = 4, hwaddr = 5, ip = 6, ip6 = 7
        static let linkDown = 8, mtu = 9, name = 10, rate = 11, tag = 12, trunks = 13, type = 14
    }

    /// The canonical text Proxmox stores (Proxmox: `print_lxc_network`): `name` first, then the
    /// other keys in byte order; booleans as `0`/`1`.
    public var propertyString: String {
        PropertyStringWriter.build { w in
            w.add("name", name)
            w.add("bridge", bridge)
            w.add("firewall", firewall)
            w.add("gw", gw)
            w.add("gw6", gw6)
            w.add("host-managed", hostManaged)
            w.add("hwaddr", hwaddr)
            w.add("ip", ip)
            w.add("ip6", ip6)
            w.add("link_down", linkDown)
            w.add("mtu", mtu)
            w.add("rate", rate)
            w.add("tag", tag)
            w.add("trunks", trunks)
            w.add("type", type)
        }
    }

    /// The parsed value as Proxmox's hash: Proxmox key names → values (booleans `0`/`1`),
    /// absent keys left out — what `parse_lxc_network` returns.
    public var fields: [String: String] {
        var f: [String: String] = ["name": name]
        func put(_ key: String, _ value: String?) { if let value { f[key] = value } }
        func put(_ key: String, _ value: Bool?) { if let value { f[key] = value ? "1" : "0" } }
        put("bridge", bridge)
        put("firewall", firewall)
        put("gw", gw)
        put("gw6", gw6)
        put("host-managed", hostManaged)
        put("hwaddr", hwaddr)
        put("ip", ip)
        put("ip6", ip6)
        put("link_down", linkDown)
        put("mtu", mtu)
        put("rate", rate)
        put("tag", tag)
        put("trunks", trunks)
        put("type", type)
        return f
    }

    /// `mtu` as an integer (nil if absent or out of `Int` range).
    public var mtuValue: Int? { mtu.flatMap { Int($0.hasPrefix("+") ? String($0.dropFirst()) : $0) } }
    /// `tag` as an integer (nil if absent or out of `Int` range).
    public var tagValue: Int? { tag.flatMap { Int($0.hasPrefix("+") ? String($0.dropFirst()) : $0) } }
    /// `rate` as a number (nil if absent).
    public var rateValue: Double? { rate.flatMap { Bytes.withBytes($0) { PerlNumber.value($0) } } }
    /// `trunks` split at `;` (empty if absent).
    public var trunkIDs: [Int] { trunks.map { $0.split(separator: ";").compactMap { Int($0) } } ?? [] }

    /// A random locally administered unicast MAC address the way Proxmox makes one
    /// (Proxmox: `PVE::Tools::random_ether_addr`): 6 random bytes, the first with the multicast
    /// bit cleared and the local bit set, printed `%02X` with `:`; a datacenter `mac_prefix`
    /// replaces the same number of leading characters (upper-cased).
    public static func randomMAC(prefix: String? = nil, using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = (bytes[0] & 0xFE) | 0x02
        let hex: [Character] = Array("0123456789ABCDEF")
        var text = ""
        for (i, b) in bytes.enumerated() {
            if i > 0 { text.append(":") }
            text.append(hex[Int(b >> 4)])
            text.append(hex[Int(b & 0x0F)])
        }
        if let prefix {
            let upper = prefix.uppercased()
            text = upper + String(text.dropFirst(upper.count))
        }
        return text
    }

    /// ``randomMAC(prefix:using:)`` with the system random number generator.
    public static func randomMAC(prefix: String? = nil) -> String {
        var rng = SystemRandomNumberGenerator()
        return randomMAC(prefix: prefix, using: &rng)
    }
}
