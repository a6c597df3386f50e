import PVECore

/// IPv4/IPv6 address and CIDR syntax (over ``IPAddress``) exactly as Proxmox's `$IPV4RE`/`$IPV6RE` accept it
/// (Proxmox: `PVE::ParseUtils`, `PVE::JSONSchema::pve_verify_cidrv4`/`pve_verify_cidrv6`).
package enum IPAddressSyntax {
    /// Dotted quad, each octet `0`–`255` without leading zeros.
    package static func isIPv4(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        IPAddress.parseIPv4(s, from: 0, to: s.count) != nil
    }

    /// IPv6 in any RFC 4291 text form `$IPV6RE` accepts (`::`, embedded IPv4 tail), no zone.
    package static func isIPv6(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        IPAddress.parseIPv6(s, from: 0, to: s.count) != nil
    }

    /// `CIDRv4`: an IPv4 address, `/`, and a prefix whose numeric value is 8–32.
    package static func isCIDRv4(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Bytes.dollarTrimmed(raw)
        guard let slash = s.lastIndex(of: ASCII.slash) else { return false }
        let prefix = UnsafeBufferPointer(rebasing: s[(slash + 1)...])
        guard Bytes.isDigits(prefix), IPAddress.parseIPv4(s, from: 0, to: slash) != nil else { return false }
        let bits = Bytes.digitValue(prefix)
        return bits > 7 && bits <= 32
    }

    /// `CIDRv6`: an IPv6 address, `/`, and a prefix whose numeric value is 8–128.
    package static func isCIDRv6(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Bytes.dollarTrimmed(raw)
        guard let slash = s.lastIndex(of: ASCII.slash) else { return false }
        let prefix = UnsafeBufferPointer(rebasing: s[(slash + 1)...])
        guard Bytes.isDigits(prefix), IPAddress.parseIPv6(s, from: 0, to: slash) != nil else { return false }
        let bits = Bytes.digitValue(prefix)
        return bits > 7 && bits <= 128
    }
}
