import PVECore
/// Proxmox's named value formats, each a byte-level re-implementation of the Perl validator.
///
/// Every check returns `nil` when the value is accepted, or the validator's own message (without
/// its trailing newline) when Proxmox would reject it. Regular-expression anchors follow Perl:
/// a final `$` also matches before one trailing newline.
package enum FormatCheck {
    // MARK: Paths

    /// `pve-lxc-mp-string` (Proxmox: `PVE::LXC::Config::verify_lxc_mp_string`): rejects `/./`,
    /// `/../`, a trailing `/.` or `/..`, and a leading `../`.
    package static func mountPointString(_ s: UnsafeBufferPointer<UInt8>) -> String? {
        // Every rejected sequence contains a dot; most paths and volume IDs have none.
        guard ByteWords.firstIndex(of: ASCII.dot, in: s) != nil else { return nil }
        if containsDotSegment(s, followedBySlashOnly: true) || endsWithDotSegment(s) || startsWithDotDotSlash(s) {
            return Bytes.string(s) + " contains illegal character sequences"
        }
        return nil
    }

    /// `pve-lxc-dev-string` (Proxmox: `PVE::LXC::Config::verify_lxc_dev_string`): must start with
    /// `/dev/` and contain no `/./`, `/../` and not end in `/.` or `/..`.
    package static func deviceString(_ s: UnsafeBufferPointer<UInt8>) -> String? {
        let startsWithDev =
            s.count >= 5 && s[0] == ASCII.slash && s[1] == UInt8(ascii: "d") && s[2] == UInt8(ascii: "e")
            && s[3] == UInt8(ascii: "v") && s[4] == ASCII.slash
        if containsDotSegment(s, followedBySlashOnly: true) || endsWithDotSegment(s) || !startsWithDev {
            return Bytes.string(s) + " is not a valid device path"
        }
        return nil
    }

    /// `m@/\.\.?/@`.
    private static func containsDotSegment(_ s: UnsafeBufferPointer<UInt8>, followedBySlashOnly: Bool) -> Bool {
        var i = 0
        while i + 2 < s.count {
            if s[i] == ASCII.slash, s[i + 1] == ASCII.dot {
                if s[i + 2] == ASCII.slash { return true }
                if s[i + 2] == ASCII.dot, i + 3 < s.count, s[i + 3] == ASCII.slash { return true }
            }
            i += 1
        }
        return false
    }

    /// `m@/\.\.?$@`.
    private static func endsWithDotSegment(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        func check(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
            let n = s.count
            if n >= 2, s[n - 1] == ASCII.dot, s[n - 2] == ASCII.slash { return true }
            if n >= 3, s[n - 1] == ASCII.dot, s[n - 2] == ASCII.dot, s[n - 3] == ASCII.slash { return true }
            return false
        }
        return check(raw) || check(Bytes.dollarTrimmed(raw))
    }

    /// `m@^\.\./@`.
    private static func startsWithDotDotSlash(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        s.count >= 3 && s[0] == ASCII.dot && s[1] == ASCII.dot && s[2] == ASCII.slash
    }

    // MARK: Sizes

    /// `disk-size` (Proxmox: `PVE::JSONSchema::pve_verify_disk_size`).
    package static func diskSize(_ s: UnsafeBufferPointer<UInt8>) -> String? {
        DiskSize.parse(s) == nil ? "value does not look like a valid disk size: " + Bytes.string(s) : nil
    }

    // MARK: Network

    /// `mac-addr` (Proxmox: `PVE::JSONSchema::pve_verify_mac_addr`): unicast MAC
    /// `m/^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i`.
    package static func macAddress(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        isUnicastMAC(Bytes.dollarTrimmed(raw)) ? nil : "value does not look like a valid unicast MAC address"
    }

    package static func isUnicastMAC(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.count == 17 else { return false }
        // Six pairs of hex digits at 0, 3, …, 15, separated by colons.
        for i in stride(from: 0, to: 17, by: 3) {
            guard ASCII.isHexDigit(s[i]), ASCII.isHexDigit(s[i + 1]) else { return false }
            if i < 15, s[i + 2] != ASCII.colon { return false }
        }
        // The second hex digit must be even (I/G bit clear): in ASCII, the low bit of `0`–`9` is
        // the digit's parity and that of `a`–`f`/`A`–`F` is the opposite of the value's.
        let second = s[1]
        return ASCII.isDigit(second) ? second & 1 == 0 : second & 1 == 1
    }

    /// `ipv4` (Proxmox: `PVE::JSONSchema::pve_verify_ipv4`).
    package static func ipv4(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        IPAddressSyntax.isIPv4(Bytes.dollarTrimmed(raw)) ? nil : "value does not look like a valid IPv4 address"
    }

    /// `ipv6` (Proxmox: `PVE::JSONSchema::pve_verify_ipv6`).
    package static func ipv6(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        IPAddressSyntax.isIPv6(Bytes.dollarTrimmed(raw)) ? nil : "value does not look like a valid IPv6 address"
    }

    /// `ip` (Proxmox: `PVE::JSONSchema::pve_verify_ip`).
    package static func ip(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        let s = Bytes.dollarTrimmed(raw)
        return IPAddressSyntax.isIPv4(s) || IPAddressSyntax.isIPv6(s)
            ? nil : "value does not look like a valid IP address"
    }

    /// `pve-ipv4-config`: `dhcp`, `manual` or an IPv4 CIDR with prefix 8–32.
    package static func ipv4Config(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        let s = Bytes.dollarTrimmed(raw)
        if Bytes.equals(s, "dhcp") || Bytes.equals(s, "manual") || IPAddressSyntax.isCIDRv4(raw) { return nil }
        return "value does not look like a valid ipv4 network configuration"
    }

    /// `pve-ipv6-config`: `auto`, `dhcp`, `manual` or an IPv6 CIDR with prefix 8–128.
    package static func ipv6Config(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        let s = Bytes.dollarTrimmed(raw)
        if Bytes.equals(s, "auto") || Bytes.equals(s, "dhcp") || Bytes.equals(s, "manual")
            || IPAddressSyntax.isCIDRv6(raw)
        {
            return nil
        }
        return "value does not look like a valid ipv6 network configuration"
    }

    /// `pve-iface` (Proxmox: `PVE::JSONSchema::pve_verify_iface`):
    /// `m/^[a-z][a-z0-9_]{1,20}([:\.]\d+)?$/i`.
    package static func isInterfaceName(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Bytes.dollarTrimmed(raw)
        guard let first = s.first, ASCII.isLetter(first) else { return false }
        var i = 1
        while i < s.count, ASCII.isWord(s[i]) { i += 1 }
        // The greedy run may be followed by ":"/"." and digits; the run itself must be 1...20 long.
        let run = i - 1
        guard run >= 1, run <= 20 else { return false }
        if i == s.count { return true }
        guard s[i] == ASCII.colon || s[i] == ASCII.dot else { return false }
        return Bytes.isDigits(UnsafeBufferPointer(rebasing: s[(i + 1)...]))
    }

    /// `lxc-ip-with-ll-iface` (Proxmox: `PVE::LXC::Config::verify_ip_with_ll_iface`): an IP
    /// address, or `fe80:…%<iface>`.
    package static func ipWithLinkLocalInterface(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        // m/^(fe80:[^%]+)%(.*)$/ : `.` excludes newlines, `$` allows one final newline.
        let s = raw
        if s.count > 5, s[0] == UInt8(ascii: "f"), s[1] == UInt8(ascii: "e"), s[2] == UInt8(ascii: "8"),
            s[3] == ASCII.zero, s[4] == ASCII.colon, let pct = s.firstIndex(of: ASCII.percent), pct > 5
        {
            let addr = UnsafeBufferPointer(rebasing: s[..<pct])
            let iface = Bytes.dollarTrimmed(UnsafeBufferPointer(rebasing: s[(pct + 1)...]))
            if !iface.contains(ASCII.newline), ip(addr) == nil, isInterfaceName(iface) { return nil }
        }
        return ip(raw)
    }

    // MARK: Identifiers

    /// `pve-volume-id` (Proxmox: `PVE::Storage::Plugin::parse_volume_id`):
    /// `m/^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i`.
    package static func volumeID(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        VolumeID.split(raw) == nil ? "unable to parse volume ID '" + Bytes.string(raw) + "'" : nil
    }

    /// `pve-storage-id` (Proxmox: `PVE::JSONSchema::parse_storage_id`).
    package static func storageID(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        if raw.count < 2 { return "storage ID '" + Bytes.string(raw) + "' cannot be shorter than 2 characters" }
        return isStorageID(raw) ? nil : "storage ID '" + Bytes.string(raw) + "' contains illegal characters"
    }

    /// `m/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i` (a final newline is allowed, as Perl's `$` allows it).
    package static func isStorageID(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        isStorageIDText(Bytes.dollarTrimmed(raw))
    }

    /// `[a-z][a-z0-9\-_.]*[a-z0-9]` (case-insensitive) matching all of `s`.
    package static func isStorageIDText(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.count >= 2, let first = s.first, let last = s.last, ASCII.isLetter(first),
            ASCII.isAlphanumeric(last)
        else { return false }
        for b in s.dropFirst()
        where
            !(ASCII.isAlphanumeric(b) || b == ASCII.minus || b == ASCII.underscore
            || b == ASCII.dot)
        {
            return false
        }
        return true
    }

    /// `pve-configid` (Proxmox: `PVE::JSONSchema::pve_verify_configid`): `m/^[a-z][a-z0-9_-]+$/i`.
    package static func configID(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        let s = Bytes.dollarTrimmed(raw)
        var ok = s.count >= 2 && ASCII.isLetter(s[0])
        if ok {
            for b in s.dropFirst() where !(ASCII.isAlphanumeric(b) || b == ASCII.underscore || b == ASCII.minus) {
                ok = false
                break
            }
        }
        return ok ? nil : "invalid configuration ID '" + Bytes.string(raw) + "'"
    }

    /// `dns-name` (Proxmox: `PVE::JSONSchema::pve_verify_dns_name`): dot-separated labels of
    /// `[A-Za-z0-9]`, inner `-` allowed.
    package static func dnsName(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        isDNSName(Bytes.dollarTrimmed(raw)) ? nil : "value does not look like a valid DNS name"
    }

    /// Labels that are non-empty, consist of letters, digits and `-`, and neither start nor end
    /// with `-`.
    private static func isDNSName(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var labelStart = 0
        for i in 0..<s.count {
            let b = s[i]
            if ASCII.isAlphanumeric(b) { continue }
            if b == ASCII.minus {
                if i == labelStart { return false }
            } else if b == ASCII.dot {
                if i == labelStart || s[i - 1] == ASCII.minus { return false }
                labelStart = i + 1
            } else {
                return false
            }
        }
        return s.count > labelStart && s[s.count - 1] != ASCII.minus
    }

    /// `pve-tag` (Proxmox: `PVE::JSONSchema::pve_verify_tag`): `m/^[a-z0-9_][a-z0-9_\-\+\.]*$/i`.
    package static func tag(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        let s = Bytes.dollarTrimmed(raw)
        var ok = !s.isEmpty && (ASCII.isWord(s[0]))
        if ok {
            for b in s.dropFirst()
            where !(ASCII.isWord(b) || b == ASCII.minus || b == ASCII.plus || b == ASCII.dot) {
                ok = false
                break
            }
        }
        return ok ? nil : "invalid characters in tag"
    }

    /// `pve-startup-order` (Proxmox: `PVE::JSONSchema::pve_parse_startup_order`).
    package static func startupOrder(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        StartupOrder.parse(raw) == nil ? "unable to parse startup options" : nil
    }

    /// `pve-ct-timezone` (Proxmox: `PVE::LXC::Config::verify_ct_timezone`): `host`, `UTC` or a
    /// zone listed by `isKnownZone` (Proxmox reads column 3 of `/usr/share/zoneinfo/zone.tab`).
    package static func timezone(_ raw: UnsafeBufferPointer<UInt8>, isKnownZone: (String) -> Bool) -> String? {
        if Bytes.equals(raw, "host") || Bytes.equals(raw, "UTC") { return nil }
        let name = Bytes.string(raw)
        return isKnownZone(name) ? nil : "invalid time zone '" + name + "'"
    }
}
