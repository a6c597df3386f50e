/// Minimal IP address parsing and subnet tests for the network writers.
///
/// Proxmox: `PVE::Network::is_ip_in_cidr` (Net::IP), `PVE::LXC::parse_ipv4_cidr`, `$IPV4RE`/`$IPV6RE`.
public enum IPAddress {
    /// The 4 bytes of a dotted-quad IPv4 address (`$IPV4RE`: no leading zeros), else `nil`.
    public static func parseIPv4<S: StringProtocol>(_ s: S) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            if p.count > 1, p.first == "0" { return nil }
            guard let v = Int(p), v <= 255 else { return nil }
            out.append(UInt8(v))
        }
        return out
    }

    /// The 16 bytes of an IPv6 address (with optional embedded IPv4 tail), else `nil`.
    public static func parseIPv6<S: StringProtocol>(_ s: S) -> [UInt8]? {
        let str = String(s)
        if str.isEmpty { return nil }
        let halves = str.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowV4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if allowV4Tail, i == items.count - 1, item.contains(".") {
                    guard let v4 = parseIPv4(item) else { return nil }
                    out += v4
                    continue
                }
                guard !item.isEmpty, item.count <= 4, let v = UInt16(item, radix: 16) else { return nil }
                out.append(UInt8(v >> 8))
                out.append(UInt8(v & 0xFF))
            }
            return out
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], allowV4Tail: true), all.count == 16 else { return nil }
            return all
        }
        guard let head = groups(halves[0], allowV4Tail: false), let tail = groups(halves[1], allowV4Tail: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// Whether an IPv6 gateway needs a route of its own, as Proxmox's setup plugins decide it: it
    /// lies neither in the network of `cidr` nor in the link-local `fe80::/10`.
    public static func isOffLinkIPv6Gateway(_ gateway: String, cidr: String) -> Bool {
        !isIP(gateway, inCIDR: cidr, version: 6) && !isIP(gateway, inCIDR: "fe80::/10", version: 6)
    }

    /// `is_ip_in_cidr(ip, cidr, version)`: `ip` lies in the network of `cidr` (`addr/prefix`).
    /// Unparsable input gives `false`, as in Proxmox.
    public static func isIP(_ ip: String, inCIDR cidr: String, version: Int) -> Bool {
        guard let slash = cidr.lastIndex(of: "/") else { return false }
        let addr = cidr[..<slash]
        guard let prefix = Int(cidr[cidr.index(after: slash)...]) else { return false }
        let a: [UInt8]?
        let b: [UInt8]?
        if version == 4 {
            a = parseIPv4(addr)
            b = parseIPv4(ip)
        } else {
            a = parseIPv6(addr)
            b = parseIPv6(ip)
        }
        guard let a, let b, prefix >= 0, prefix <= a.count * 8 else { return false }
        var bits = prefix
        for i in 0..<a.count {
            let take = min(8, max(0, bits))
            let mask: UInt8 = take == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if a[i] & mask != b[i] & mask { return false }
            bits -= 8
        }
        return true
    }

    /// `PVE::Network::ipv4_reverse_mask[prefix]`: dotted netmask of a prefix length.
    public static func ipv4Netmask(prefix: Int) -> String {
        var parts: [String] = []
        var bits = prefix
        for _ in 0..<4 {
            let take = min(8, max(0, bits))
            parts.append(String(take == 0 ? 0 : (0xFF << (8 - take)) & 0xFF))
            bits -= 8
        }
        return parts.joined(separator: ".")
    }

    /// `PVE::LXC::parse_ipv4_cidr`: address and dotted netmask of `a.b.c.d/p` with 8 ≤ p ≤ 32.
    public static func parseIPv4CIDR(_ cidr: String) -> (address: String, netmask: String)? {
        guard let slash = cidr.firstIndex(of: "/") else { return nil }
        let addr = cidr[..<slash]
        let pfx = cidr[cidr.index(after: slash)...]
        guard parseIPv4(addr) != nil, !pfx.isEmpty, pfx.allSatisfy({ $0.isASCII && $0.isNumber }),
            let p = Int(pfx), p > 7, p <= 32
        else { return nil }
        return (String(addr), ipv4Netmask(prefix: p))
    }

    /// `^($IPV6RE)/(\d+)$`: address and prefix text of an IPv6 CIDR.
    public static func parseIPv6CIDR(_ cidr: String) -> (address: String, prefix: String)? {
        guard let slash = cidr.firstIndex(of: "/") else { return nil }
        let addr = cidr[..<slash]
        let pfx = cidr[cidr.index(after: slash)...]
        guard parseIPv6(addr) != nil, !pfx.isEmpty, pfx.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return (String(addr), String(pfx))
    }

    /// Whether `s` is an IPv4 or IPv6 address (`$IPRE`).
    public static func isIP<S: StringProtocol>(_ s: S) -> Bool {
        parseIPv4(s) != nil || parseIPv6(s) != nil
    }
}

extension String {
    /// Splits at `::` (at most the first occurrence matters; more than one gives 3+ parts).
    fileprivate func components(separatedByDoubleColon _: ()) -> [String] {
        var parts: [String] = []
        var current = ""
        var chars = Array(self)
        var i = 0
        while i < chars.count {
            if chars[i] == ":", i + 1 < chars.count, chars[i + 1] == ":" {
                parts.append(current)
                current = ""
                i += 2
                continue
            }
            current.append(chars[i])
            i += 1
        }
        chars.removeAll()
        parts.append(current)
        return parts
    }
}
