/// IPv4/IPv6 address and CIDR syntax exactly as Proxmox's `$IPV4RE`/`$IPV6RE` accept it
/// (Proxmox: `PVE::ParseUtils`, `PVE::JSONSchema::pve_verify_cidrv4`/`pve_verify_cidrv6`).
package enum IPAddressSyntax {
    /// Dotted quad, each octet `0`–`255` without leading zeros.
    package static func isIPv4(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        isIPv4(s, from: 0, to: s.count)
    }

    static func isIPv4(_ s: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var i = start
        for octet in 0..<4 {
            if octet > 0 {
                guard i < end, s[i] == ASCII.dot else { return false }
                i += 1
            }
            let digitsStart = i
            var value = 0
            while i < end, ASCII.isDigit(s[i]), i - digitsStart < 3 {
                value = value * 10 + Int(s[i] &- ASCII.zero)
                i += 1
            }
            let length = i - digitsStart
            guard length > 0, value <= 255 else { return false }
            if length > 1, s[digitsStart] == ASCII.zero { return false }
        }
        return i == end
    }

    /// IPv6 in any RFC 4291 text form `$IPV6RE` accepts (`::`, embedded IPv4 tail), no zone.
    package static func isIPv6(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        isIPv6(s, from: 0, to: s.count)
    }

    static func isIPv6(_ s: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        guard end - start >= 2 else { return false }
        // Locate the first "::".
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
            guard let groups = countGroups(s, from: start, to: end, allowIPv4Tail: true) else { return false }
            return groups == 8
        }
        var head = 0
        if doubleColon > start {
            guard let h = countGroups(s, from: start, to: doubleColon, allowIPv4Tail: false) else { return false }
            head = h
        }
        var tail = 0
        let tailStart = doubleColon + 2
        if tailStart < end {
            guard let t = countGroups(s, from: tailStart, to: end, allowIPv4Tail: true) else { return false }
            tail = t
        }
        return head + tail <= 7
    }

    /// Counts `h16` groups separated by single colons (an IPv4 tail counts as two); nil if the
    /// text is not such a list.
    private static func countGroups(
        _ s: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, allowIPv4Tail: Bool
    ) -> Int? {
        var count = 0
        var i = start
        while true {
            let groupStart = i
            while i < end, s[i] != ASCII.colon { i += 1 }
            if isH16(s, groupStart, i) {
                count += 1
            } else if i == end, allowIPv4Tail, isIPv4(s, from: groupStart, to: end) {
                return count + 2  // an embedded IPv4 address is the last element
            } else {
                return nil
            }
            if i == end { return count }
            i += 1  // the separating ':'
            if i == end { return nil }  // a trailing single colon
        }
    }

    private static func isH16(_ s: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        guard to - from >= 1, to - from <= 4 else { return false }
        for k in from..<to where !ASCII.isHexDigit(s[k]) { return false }
        return true
    }

    /// `CIDRv4`: an IPv4 address, `/`, and a prefix whose numeric value is 8–32.
    package static func isCIDRv4(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Bytes.dollarTrimmed(raw)
        guard let slash = s.lastIndex(of: ASCII.slash) else { return false }
        let prefix = UnsafeBufferPointer(rebasing: s[(slash + 1)...])
        guard Bytes.isDigits(prefix), isIPv4(s, from: 0, to: slash) else { return false }
        let bits = Bytes.digitValue(prefix)
        return bits > 7 && bits <= 32
    }

    /// `CIDRv6`: an IPv6 address, `/`, and a prefix whose numeric value is 8–128.
    package static func isCIDRv6(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Bytes.dollarTrimmed(raw)
        guard let slash = s.lastIndex(of: ASCII.slash) else { return false }
        let prefix = UnsafeBufferPointer(rebasing: s[(slash + 1)...])
        guard Bytes.isDigits(prefix), isIPv6(s, from: 0, to: slash) else { return false }
        let bits = Bytes.digitValue(prefix)
        return bits > 7 && bits <= 128
    }
}
