/// An IPv4 or IPv6 address, parsed exactly as Proxmox's `$IPV4RE`/`$IPV6RE` accept it: dotted
/// quads without leading zeros; IPv6 in every RFC 4291 text form (`::`, an embedded IPv4 tail),
/// no zone. The one address type of the package: the property-string checks ask whether text is
/// an address, the network writers whether a gateway lies in a network.
///
/// Proxmox: `PVE::Tools::$IPV4RE`/`$IPV6RE`, `PVE::Network::is_ip_in_cidr`,
/// `PVE::LXC::parse_ipv4_cidr`.
public enum IPAddress: Sendable, Hashable {
    case v4(UInt32)
    case v6(UInt128)

    /// Parses an address of either family; `nil` if the text is neither.
    @inlinable public init?(_ text: some StringProtocol) {
        var copy = String(text)
        guard let value = copy.withUTF8({ IPAddress(bytes: $0) }) else { return nil }
        self = value
    }

    /// Parses an address of either family from bytes.
    @inlinable public init?(bytes s: UnsafeBufferPointer<UInt8>) {
        if let v = Self.parseIPv4(s, from: 0, to: s.count) {
            self = .v4(v)
        } else if let v = Self.parseIPv6(s, from: 0, to: s.count) {
            self = .v6(v)
        } else {
            return nil
        }
    }

    /// The address's bit width: 32 or 128.
    @inlinable public var bitWidth: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    // MARK: Parsing bytes

    /// A dotted quad in `s[start..<end]`, each octet `0`–`255` without leading zeros.
    @inlinable public static func parseIPv4(_ s: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt32? {
        var i = start
        var result: UInt32 = 0
        for octet in 0..<4 {
            if octet > 0 {
                guard i < end, s[i] == ASCII.dot else { return nil }
                i += 1
            }
            let digitsStart = i
            var value: UInt32 = 0
            while i < end, ASCII.isDigit(s[i]), i - digitsStart < 3 {
                value = value * 10 + UInt32(s[i] &- ASCII.zero)
                i += 1
            }
            let length = i - digitsStart
            guard length > 0, value <= 255 else { return nil }
            if length > 1, s[digitsStart] == ASCII.zero { return nil }
            result = result << 8 | value
        }
        return i == end ? result : nil
    }

    /// An IPv6 address in `s[start..<end]`.
    @inlinable public static func parseIPv6(_ s: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt128? {
        guard end - start >= 2 else { return nil }
        var doubleColon = -1
        var i = start
        while i + 1 < end {
            if s[i] == ASCII.colon, s[i + 1] == ASCII.colon {
                doubleColon = i
                break
            }
            i += 1
        }
        if doubleColon < 0 {
            guard let all = groups(s, from: start, to: end, allowIPv4Tail: true), all.count == 8 else { return nil }
            return all.value
        }
        var head = Groups()
        if doubleColon > start {
            guard let h = groups(s, from: start, to: doubleColon, allowIPv4Tail: false) else { return nil }
            head = h
        }
        var tail = Groups()
        let tailStart = doubleColon + 2
        if tailStart < end {
            guard let t = groups(s, from: tailStart, to: end, allowIPv4Tail: true) else { return nil }
            tail = t
        }
        guard head.count + tail.count <= 7 else { return nil }
        for _ in 0..<(8 - head.count - tail.count) { head.append(0) }
        head.append(tail)
        return head.value
    }

    /// 16-bit groups read so far: their count and their bits (the last group lowest), in two
    /// 64-bit halves (fixed shifts only: this runs for every address a config check sees).
    @usableFromInline struct Groups {
        @usableFromInline var count = 0
        @usableFromInline var high: UInt64 = 0
        @usableFromInline var low: UInt64 = 0
        @inlinable init() {}
        @inlinable mutating func append(_ group: UInt16) {
            high = high &<< 16 | low &>> 48
            low = low &<< 16 | UInt64(group)
            count += 1
        }
        @inlinable mutating func append(_ other: Groups) {
            // `other` holds at most 7 groups: 0-3 in `low`, 4-6 in `high`.
            var k = other.count
            while k > 0 {
                k -= 1
                let shift = UInt64(16 * k)
                let group = k < 4 ? other.low &>> shift : other.high &>> (shift - 64)
                append(UInt16(truncatingIfNeeded: group))
            }
        }
        @inlinable var value: UInt128 { UInt128(high) << 64 | UInt128(low) }
    }

    /// `h16` groups separated by single colons (an IPv4 tail counts as two); nil if the text is
    /// not such a list.
    @usableFromInline static func groups(
        _ s: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, allowIPv4Tail: Bool
    ) -> Groups? {
        var out = Groups()
        var i = start
        while true {
            let groupStart = i
            while i < end, s[i] != ASCII.colon { i += 1 }
            if let h = h16(s, groupStart, i) {
                out.append(h)
            } else if i == end, allowIPv4Tail, let v4 = parseIPv4(s, from: groupStart, to: end) {
                out.append(UInt16(truncatingIfNeeded: v4 &>> 16))  // an embedded IPv4 address is the last element
                out.append(UInt16(truncatingIfNeeded: v4))
                return out
            } else {
                return nil
            }
            if i == end { return out }
            i += 1  // the separating ':'
            if i == end { return nil }  // a trailing single colon
        }
    }

    @usableFromInline static func h16(_ s: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> UInt16? {
        guard to - from >= 1, to - from <= 4 else { return nil }
        var v: UInt16 = 0
        for k in from..<to {
            let b = s[k]
            guard ASCII.isHexDigit(b) else { return nil }
            v = v << 4 | UInt16(ASCII.isDigit(b) ? b &- ASCII.zero : (b | 0x20) &- ASCII.lowerA &+ 10)
        }
        return v
    }

    // MARK: Networks

    /// Whether this address lies in the first `prefix` bits of `network` (same family).
    @inlinable public func isIn(network: IPAddress, prefix: Int) -> Bool {
        switch (self, network) {
        case (.v4(let a), .v4(let n)):
            guard prefix >= 0, prefix <= 32 else { return false }
            let mask: UInt32 = prefix == 0 ? 0 : ~0 << UInt32(32 - prefix)
            return a & mask == n & mask
        case (.v6(let a), .v6(let n)):
            guard prefix >= 0, prefix <= 128 else { return false }
            let mask: UInt128 = prefix == 0 ? 0 : ~0 << UInt128(128 - prefix)
            return a & mask == n & mask
        default:
            return false
        }
    }

    /// `is_ip_in_cidr(ip, cidr, version)`: `ip` lies in the network of `cidr` (`addr/prefix`),
    /// both read as `version` (4 or 6) addresses. Unparsable input gives `false`, as in Proxmox.
    @inlinable public static func isIP(_ ip: String, inCIDR cidr: String, version: Int) -> Bool {
        guard let slash = cidr.lastIndex(of: "/"), let prefix = Int(cidr[cidr.index(after: slash)...]),
            let network = IPAddress(cidr[..<slash]), let address = IPAddress(ip),
            network.bitWidth == (version == 4 ? 32 : 128)
        else { return false }
        return address.isIn(network: network, prefix: prefix)
    }

    /// Whether an IPv6 gateway needs a route of its own, as Proxmox's setup plugins decide it: it
    /// lies neither in the network of `cidr` nor in the link-local `fe80::/10`.
    @inlinable public static func isOffLinkIPv6Gateway(_ gateway: String, cidr: String) -> Bool {
        !isIP(gateway, inCIDR: cidr, version: 6) && !isIP(gateway, inCIDR: "fe80::/10", version: 6)
    }

    /// `PVE::Network::ipv4_reverse_mask[prefix]`: dotted netmask of a prefix length.
    @inlinable public static func ipv4Netmask(prefix: Int) -> String {
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
    @inlinable public static func parseIPv4CIDR(_ cidr: String) -> (address: String, netmask: String)? {
        guard let slash = cidr.firstIndex(of: "/") else { return nil }
        let addr = cidr[..<slash]
        let pfx = cidr[cidr.index(after: slash)...]
        guard case .v4 = IPAddress(addr), !pfx.isEmpty, pfx.utf8.allSatisfy(ASCII.isDigit),
            let p = Int(pfx), p > 7, p <= 32
        else { return nil }
        return (String(addr), ipv4Netmask(prefix: p))
    }

    /// `^($IPV6RE)/(\d+)$`: address and prefix text of an IPv6 CIDR.
    @inlinable public static func parseIPv6CIDR(_ cidr: String) -> (address: String, prefix: String)? {
        guard let slash = cidr.firstIndex(of: "/") else { return nil }
        let addr = cidr[..<slash]
        let pfx = cidr[cidr.index(after: slash)...]
        guard case .v6 = IPAddress(addr), !pfx.isEmpty, pfx.utf8.allSatisfy(ASCII.isDigit) else { return nil }
        return (String(addr), String(pfx))
    }
}
