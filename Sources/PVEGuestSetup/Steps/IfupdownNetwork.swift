package import PVEConfig
import PVECore
import PVESystem

/// `/etc/network/interfaces` for the ifupdown families (Debian, Devuan, Ubuntu < 17.10, Alpine):
/// Proxmox's merge of the existing file (foreign stanzas kept, managed stanzas rewritten, old
/// gateway route lines cleaned, missing stanzas appended, loopback added).
///
/// Proxmox: `PVE::LXC::Setup::Debian::setup_network` (re-used by `Alpine.pm`).
package enum IfupdownNetwork {
    /// How a static address is written.
    package enum Style: Sendable, Hashable {
        /// `address a.b.c.d/p` (Debian ≥ 10, Alpine ≥ 3.13).
        case modern
        /// `address a.b.c.d` + `netmask 255.255.255.0`.
        case legacy
    }

    /// The desired state of one interface.
    struct Interface {
        var address: String?
        var netmask: String?
        var cidr: String?
        var gateway: String?
        var needsRoute = false
        var address6: String?
        var netmask6: String?
        var cidr6: String?
        var gateway6: String?
        var needsRoute6 = false
        var isEmpty: Bool { address == nil && gateway == nil && address6 == nil && gateway6 == nil }
    }

    /// Debian.pm's `at_least($str, $major, $minor)` on a version text such as `3.13.1`.
    package static func atLeast(_ text: String, _ wantMajor: Int, _ wantMinor: Int) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard let first = parts.first, let major = Int(first.prefix { $0.isASCII && $0.isNumber }),
            !first.isEmpty, first.first?.isNumber == true
        else { return false }
        let majorDigits = first.prefix { $0.isASCII && $0.isNumber }
        var minor: Int?
        if majorDigits.count == first.count, parts.count > 1 {
            let m = parts[1].prefix { $0.isASCII && $0.isNumber }
            if !m.isEmpty { minor = Int(m) }
        }
        if wantMajor < major { return true }
        guard wantMajor == major else { return false }
        if let minor { return wantMinor <= minor }
        return wantMinor == 0
    }

    /// Builds the desired state from the `netN` interfaces (in index order; a later duplicate name wins).
    static func interfaces(_ networks: [NetworkInterface]) throws(SetupError) -> [String: Interface] {
        var result: [String: Interface] = [:]
        for d in networks {
            guard let name = BaseSetup.nonEmpty(d.name) else { continue }
            var net = Interface()
            var cidr: String?
            if let ip = d.ip {
                if ip == "dhcp" || ip == "manual" {
                    net.address = ip
                } else {
                    guard let info = IPAddress.parseIPv4CIDR(ip) else {
                        throw SetupError(
                            "format error\nip: invalid format - value does not look like a valid ipv4 network configuration")
                    }
                    net.address = info.address
                    net.netmask = info.netmask
                    net.cidr = ip
                    cidr = ip
                }
            }
            if let gw = d.gw {
                net.gateway = gw
                if let cidr, !IPAddress.isIP(gw, inCIDR: cidr, version: 4) { net.needsRoute = true }
            }
            cidr = nil
            if let ip6 = d.ip6 {
                if ip6 == "auto" || ip6 == "dhcp" || ip6 == "manual" {
                    net.address6 = ip6
                } else {
                    guard let info = IPAddress.parseIPv6CIDR(ip6) else {
                        throw SetupError(
                            "format error\nip6: invalid format - value does not look like a valid ipv6 network configuration")
                    }
                    net.address6 = info.address
                    net.netmask6 = info.prefix
                    net.cidr6 = ip6
                    cidr = ip6
                }
            }
            if let gw6 = d.gw6 {
                net.gateway6 = gw6
                if let cidr, IPAddress.isOffLinkIPv6Gateway(gw6, cidr: cidr) {
                    net.needsRoute6 = true
                }
            }
            if !net.isEmpty { result[name] = net }
        }
        return result
    }

    /// Writes `/etc/network/interfaces` (nothing when no interface is managed).
    package static func setup(_ ctx: inout SetupContext, networks: [NetworkInterface], style: Style) throws(SetupError) {
        let managed = try interfaces(networks)
        if managed.isEmpty { return }
        let path = "/etc/network/interfaces"
        var existing: [UInt8]?
        if ctx.exists(path) {
            existing = try ctx.readIfReadable(path) ?? []
        }
        let output = render(managed: managed, existing: existing, style: style)
        ctx.makePath("/etc/network")
        try ctx.setContents(path, output)
    }

    enum Family { case v4, v6 }

    struct Section {
        var family: Family
        var ifname: String
        var attributes: [ArraySlice<UInt8>] = []
    }

    struct Printer {
        var managed: [String: Interface]
        var style: Style
        var out: [UInt8] = []
        var section: Section?
        var doneAuto: Set<String> = []
        var doneV4: Set<String> = []
        var doneV6: Set<String> = []

        mutating func append(_ s: String) { out.append(contentsOf: s.utf8) }
        mutating func appendLine<C: Collection>(_ line: C) where C.Element == UInt8 {
            out.append(contentsOf: line)
            out.append(Bytes.newline)
        }

        mutating func printSection() {
            guard var section else { return }
            self.section = nil
            let ifname = section.ifname
            guard let net = managed[ifname] else { return }
            if !doneAuto.contains(ifname) {
                append("auto \(ifname)\n")
                doneAuto.insert(ifname)
            }
            switch section.family {
            case .v4:
                doneV4.insert(ifname)
                guard let address = net.address else { return }
                if address == "dhcp" || address == "manual" {
                    append("iface \(ifname) inet \(address)\n\n")
                    return
                }
                append("iface \(ifname) inet static\n")
                if style == .modern {
                    if let cidr = net.cidr { append("\taddress \(cidr)\n") }
                } else {
                    append("\taddress \(address)\n")
                    if let netmask = net.netmask { append("\tnetmask \(netmask)\n") }
                }
                IfupdownNetwork.removeGatewayScripts(&section.attributes)
                if let gw = net.gateway {
                    append(net.needsRoute ? IfupdownNetwork.gatewayScripts(ifname, gw) : "\tgateway \(gw)\n")
                }
            case .v6:
                doneV6.insert(ifname)
                guard let address = net.address6 else { return }
                if address == "auto" || address == "dhcp" || address == "manual" {
                    append("iface \(ifname) inet6 \(address)\n\n")
                    return
                }
                append("iface \(ifname) inet6 static\n")
                if style == .modern {
                    if let cidr = net.cidr6 { append("\taddress \(cidr)\n") }
                } else {
                    append("\taddress \(address)\n")
                    if let netmask = net.netmask6 { append("\tnetmask \(netmask)\n") }
                }
                IfupdownNetwork.removeGatewayScripts(&section.attributes)
                if let gw = net.gateway6 {
                    append(net.needsRoute6 ? IfupdownNetwork.gatewayScripts(ifname, gw) : "\tgateway \(gw)\n")
                }
            }
            for attr in section.attributes {
                out.append(Bytes.tab)
                appendLine(attr)
            }
            out.append(Bytes.newline)
        }
    }

    /// The merge of `existing` (nil: no file) with the managed interfaces.
    static func render(managed: [String: Interface], existing: [UInt8]?, style: Style) -> [UInt8] {
        var p = Printer(managed: managed, style: style)
        if let existing {
            var lines = existing.split(separator: Bytes.newline, omittingEmptySubsequences: false)
            if existing.last == Bytes.newline || existing.isEmpty { lines.removeLast() }
            for line in lines { handle(line, &p) }
            p.printSection()
        }
        var needSeparator = !p.out.isEmpty && !(p.out.count >= 2 && p.out[p.out.count - 1] == 10 && p.out[p.out.count - 2] == 10)
        for ifname in managed.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            guard let net = managed[ifname] else { continue }
            if !p.doneV4.contains(ifname), net.address != nil {
                if needSeparator {
                    p.out.append(Bytes.newline)
                    needSeparator = false
                }
                p.section = Section(family: .v4, ifname: ifname)
                p.printSection()
            }
            if !p.doneV6.contains(ifname), net.address6 != nil {
                if needSeparator {
                    p.out.append(Bytes.newline)
                    needSeparator = false
                }
                p.section = Section(family: .v6, ifname: ifname)
                p.printSection()
            }
        }
        if !p.doneAuto.contains("lo") {
            p.out = Array("auto lo\niface lo inet loopback\niface lo inet6 loopback\n\n".utf8) + p.out
        }
        return p.out
    }

    static let markerBegin = Array("# --- BEGIN PVE ---".utf8)
    static let markerEnd = Array("# --- END PVE ---".utf8)

    private static func handle(_ line: ArraySlice<UInt8>, _ p: inout Printer) {
        if Bytes.hasPrefix(line, markerBegin) || Bytes.hasPrefix(line, markerEnd) {
            p.section?.attributes.append(line)
            return
        }
        if line.first == Bytes.hash {
            p.appendLine(line)
            return
        }
        if line.allSatisfy(Bytes.isSpace) {
            if p.section != nil { p.printSection() } else { p.appendLine(line) }
            return
        }
        let words = Bytes.words(line)
        if words.count == 4, words[0].elementsEqual("iface".utf8),
            words[2].elementsEqual("inet".utf8) || words[2].elementsEqual("inet6".utf8)
        {
            let ifname = Bytes.string(words[1])
            p.printSection()
            if p.managed[ifname] == nil {
                p.appendLine(line)
            } else {
                p.section = Section(family: words[2].count == 4 ? .v4 : .v6, ifname: ifname)
            }
            return
        }
        let start = Bytes.skipSpaces(line, from: line.startIndex)
        let rest = line[start...]
        if Bytes.hasPrefix(rest, Array("auto".utf8)) {
            let names = Bytes.words(rest.dropFirst(4))
            for n in names { p.doneAuto.insert(Bytes.string(n)) }
            p.printSection()
            p.appendLine(line)
            return
        }
        if startsWithKeyword(rest, "mapping") || Bytes.hasPrefix(rest, Array("allow-".utf8))
            || startsWithKeyword(rest, "source") || startsWithKeyword(rest, "source-directory")
        {
            p.printSection()
            p.appendLine(line)
            return
        }
        if p.section != nil, let sp = rest.firstIndex(where: Bytes.isSpace), sp > rest.startIndex {
            let name = rest[rest.startIndex..<sp]
            let dropped = ["address", "netmask", "gateway", "broadcast"].contains { name.elementsEqual($0.utf8) }
            if !dropped { p.section?.attributes.append(rest) }
            return
        }
        p.appendLine(line)
    }

    /// `keyword\s` at the start.
    private static func startsWithKeyword(_ s: ArraySlice<UInt8>, _ keyword: String) -> Bool {
        let k = Array(keyword.utf8)
        return s.count > k.count && Bytes.hasPrefix(s, k) && Bytes.isSpace(s[s.startIndex + k.count])
    }

    /// `make_gateway_scripts`: route commands for an off-subnet gateway, in a marker block.
    static func gatewayScripts(_ ifname: String, _ gw: String) -> String {
        """
        # --- BEGIN PVE ---
        \tpost-up ip route add \(gw) dev \(ifname)
        \tpost-up ip route add default via \(gw) dev \(ifname)
        \tpre-down ip route del default via \(gw) dev \(ifname)
        \tpre-down ip route del \(gw) dev \(ifname)
        # --- END PVE ---

        """
    }

    /// `remove_gateway_scripts`: drops a marked block, or (legacy) the 4 unmarked route lines.
    static func removeGatewayScripts(_ attrs: inout [ArraySlice<UInt8>]) {
        if attrs.contains(where: { $0.elementsEqual(markerBegin) || $0.elementsEqual(markerEnd) }) {
            var keep = true
            attrs = attrs.filter { a in
                if a.elementsEqual(markerBegin) {
                    keep = false
                    return false
                }
                if a.elementsEqual(markerEnd) {
                    keep = true
                    return false
                }
                return keep
            }
            return
        }
        var i = 0
        while i < attrs.count - 3 {
            if let (ip, dev) = routeWords(attrs[i], ["post-up", "ip", "route", "add", nil, "dev", nil]),
                routeWords(attrs[i + 1], ["post-up", "ip", "route", "add", "default", "via", nil, "dev", nil]).map({ $0 == (ip, dev) }) == true,
                routeWords(attrs[i + 2], ["pre-down", "ip", "route", "del", "default", "via", nil, "dev", nil]).map({ $0 == (ip, dev) }) == true,
                routeWords(attrs[i + 3], ["pre-down", "ip", "route", "del", nil, "dev", nil]).map({ $0 == (ip, dev) }) == true
            {
                attrs.removeSubrange(i..<(i + 4))
                continue
            }
            i += 1
        }
    }

    /// Matches `^\s*w1\s+w2...(\S+)$` (no trailing blanks); returns the two captured words.
    private static func routeWords(_ line: ArraySlice<UInt8>, _ pattern: [String?]) -> (String, String)? {
        if let last = line.last, Bytes.isSpace(last) { return nil }
        let words = Bytes.words(line)
        guard words.count == pattern.count else { return nil }
        var captures: [String] = []
        for (w, p) in zip(words, pattern) {
            if let p {
                guard w.elementsEqual(p.utf8) else { return nil }
            } else {
                captures.append(Bytes.string(w))
            }
        }
        return captures.count == 2 ? (captures[0], captures[1]) : nil
    }
}
