import PVEConfig
import PVECore
import PVESystem

/// The shared steps of `PVE::LXC::Setup::Base`, as static functions so a family can call the
/// "super" implementation from its override.
package enum BaseSetup {}

extension BaseSetup {
    /// `PVE::Tools::split_list`: words separated by blanks, `,` or `;`.
    static func splitList(_ text: String?) -> [String] {
        guard let text else { return [] }
        if text.contains("\0") { return text.split(separator: "\0", omittingEmptySubsequences: false).map(String.init) }
        return text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" })
            .map(String.init)
    }

    /// `lookup_dns_conf`: (search domains, nameservers) from the config, test mode or the host.
    package static func lookupDNS(_ ctx: SetupContext) -> (search: String?, nameserver: String) {
        var nameserver = ctx.config.nameserver
        var search = ctx.config.searchdomain
        if ctx.config.testmode {
            nameserver = nameserver ?? "8.8.8.8 8.8.8.9"
            search = search ?? "proxmox.com"
        }
        return (search ?? ctx.host.search, nameserver ?? ctx.host.nameservers.joined(separator: " "))
    }

    /// `PVE::LXC::get_primary_ips`: net0's IPv4 and IPv6 without prefix.
    /// - throws: net0's format error.
    package static func primaryIPs(_ config: GuestSetupConfig) throws(SetupError) -> (ipv4: String?, ipv6: String?) {
        guard let net = try config.primaryInterface() else { return (nil, nil) }
        func strip(_ v: String?, _ special: Set<String>) -> String? {
            guard let v, !v.isEmpty, v != "0" else { return nil }
            if special.contains(v) { return nil }
            if let slash = v.lastIndex(of: "/"), slash < v.endIndex,
                !v[v.index(after: slash)...].isEmpty, v[v.index(after: slash)...].allSatisfy({ $0.isASCII && $0.isNumber })
            {
                return String(v[..<slash])
            }
            return v
        }
        return (strip(net.ip, ["dhcp", "manual"]), strip(net.ip6, ["auto", "dhcp", "manual"]))
    }

    /// `update_etc_hosts`.
    package static func updateEtcHosts(_ ctx: inout SetupContext, hostIP: String?, newName: String, search: String?) throws(SetupError) {
        let path = "/etc/hosts"
        if let marker = ctx.ignoreFile(for: path) {
            ctx.record(path, .ignored(by: marker))
            return
        }
        let short = String(newName.prefix { $0 != "." })
        var names = ""
        if newName.contains(".") {
            names = "\(newName) \(short)"
        } else {
            for domain in splitList(search) {
                if !names.isEmpty { names += " " }
                names += "\(newName).\(domain)"
            }
            if !names.isEmpty { names += " " }
            names += newName
        }
        var section = ""
        let lo4 = "127.0.0.1 localhost.localnet localhost\n"
        let lo6 = "::1 localhost.localnet localhost\n"
        if ctx.isFile(path) {
            let data = MarkerBlock.removeSections(try ctx.contents(path))
            if !hasLine(data, startingWith: Array("127.0.0.1".utf8)) { section += lo4 }
            if !hasLine(data, startingWith: Array("::1".utf8)) { section += lo6 }
        } else {
            section += lo4 + lo6
        }
        if let hostIP {
            section += "\(hostIP) \(names)\n"
        } else if short != "localhost" {
            section += "127.0.1.1 \(names)\n"
        } else {
            section += "127.0.1.1 \(short)\n"
        }
        try ctx.modifyFile(path, section.bytes)
    }

    /// `/^\h*ADDR\h+/m`: some line starts with blanks, the address and at least one blank.
    static func hasLine(_ data: [UInt8], startingWith address: [UInt8]) -> Bool {
        var lineStart = 0
        while lineStart <= data.count {
            var i = lineStart
            while i < data.count, Bytes.isHorizontalSpace(data[i]) { i += 1 }
            if data.count - i > address.count, data[i..<(i + address.count)].elementsEqual(address),
                Bytes.isHorizontalSpace(data[i + address.count])
            {
                return true
            }
            guard let nl = data[lineStart...].firstIndex(of: Bytes.newline) else { break }
            lineStart = nl + 1
        }
        return false
    }

    /// `set_hostname` (Base): `/etc/hosts` and `/etc/hostname` (short name).
    package static func setHostname(_ ctx: inout SetupContext) throws(SetupError) {
        let hostname = nonEmpty(ctx.config.hostname) ?? "localhost"
        let short = String(hostname.prefix { $0 != "." })
        let (v4, v6) = try primaryIPs(ctx.config)
        let (search, _) = lookupDNS(ctx)
        try updateEtcHosts(&ctx, hostIP: v4 ?? v6, newName: hostname, search: search)
        try ctx.setContents("/etc/hostname", "\(short)\n".bytes)
    }

    /// Perl truthiness of a config string ("" and "0" are false).
    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty, s != "0" else { return nil }
        return s
    }

    /// `set_dns`: the marker block of `/etc/resolv.conf` (replacing a file without block).
    package static func setDNS(_ ctx: inout SetupContext) throws(SetupError) {
        let (search, nameserver) = lookupDNS(ctx)
        var data = ""
        if let search = nonEmpty(search) {
            data += "search " + splitList(search).joined(separator: " ") + "\n"
        }
        for ns in splitList(nameserver) { data += "nameserver \(ns)\n" }
        try ctx.modifyFile("/etc/resolv.conf", data.bytes, options: MarkerBlock.Options(placement: .replaceFile))
    }

    /// `remove_lxc_name_from_etc_hosts`: drops the bogus `127.0.1.1 LXC_NAME` line of some templates.
    package static func removeLXCNameFromEtcHosts(_ ctx: inout SetupContext) throws(SetupError) {
        let path = "/etc/hosts"
        guard ctx.exists(path) else { return }
        let lines = Bytes.splitLines(try ctx.contents(path)).filter { !isLXCNameLine($0) }
        try ctx.setContents(path, Bytes.joinLines(lines))
    }

    /// `/^127.0.1.1\s+LXC_NAME$/` (dots match any byte; `$` allows a trailing newline, never present).
    static func isLXCNameLine(_ line: ArraySlice<UInt8>) -> Bool {
        let ip = Array("127.0.1.1".utf8)
        guard line.count > ip.count + "LXC_NAME".utf8.count else { return false }
        var i = line.startIndex
        for c in ip {
            if c != UInt8(ascii: "."), line[i] != c { return false }
            if c == UInt8(ascii: "."), line[i] == Bytes.newline { return false }
            i += 1
        }
        guard Bytes.isSpace(line[i]) else { return false }
        while i < line.endIndex, Bytes.isSpace(line[i]) { i += 1 }
        return line[i...].elementsEqual("LXC_NAME".utf8)
    }
}
