package import PVEConfig
import PVECore
/// RedHat network-scripts: `/etc/sysconfig/network-scripts/ifcfg-<name>`, `route-<name>`,
/// `route6-<name>` and the `NETWORKING` flags of `/etc/sysconfig/network`.
///
/// Proxmox: `PVE::LXC::Setup::CentOS::setup_netork_with_network_scripts` (sic).
package enum RedHatNetworkScripts {
    /// The three files of one interface.
    package struct Interface: Sendable, Hashable {
        /// Content of `ifcfg-<name>`.
        package var ifcfg: String
        /// Body of the marker block of `route-<name>` (empty: no routes).
        package var routes: String
        /// Body of the marker block of `route6-<name>`.
        package var routes6: String
    }

    /// Renders one interface, or `nil` when Proxmox writes nothing for it.
    /// - parameters:
    ///   - net: the interface's settings (`netN`).
    ///   - name: the interface name inside the guest.
    ///   - uuid: the `UUID=` value (Proxmox: a fresh random UUID per call).
    ///   - search: search domains (already looked up).
    ///   - nameservers: every nameserver.
    /// - throws: `unable to parse ipv4 address/mask` for an address `parse_ipv4_cidr` rejects.
    package static func render(
        _ net: NetworkInterface, name: String, uuid: String, search: String?, nameservers: [String]
    ) throws(SetupError) -> Interface? {
        let header = "DEVICE=\(name)\nONBOOT=yes\nUUID=\(uuid)\n"
        var data = ""
        var bootproto = ""
        var routes = ""
        var routes6 = ""

        if let ip = BaseSetup.nonEmpty(net.ip), ip != "manual" {
            if ip == "dhcp" {
                bootproto = "dhcp"
            } else {
                bootproto = "none"
                guard let info = IPAddress.parseIPv4CIDR(ip) else {
                    throw SetupError("unable to parse ipv4 address/mask")
                }
                data += "IPADDR=\(info.address)\nNETMASK=\(info.netmask)\n"
                if let gw = net.gw {
                    data += "GATEWAY=\(gw)\n"
                    if !IPAddress.isIP(gw, inCIDR: ip, version: 4) {
                        routes += "\(gw) dev \(name)\ndefault via \(gw) dev \(name)\n"
                    }
                }
            }
        }

        if let ip6 = BaseSetup.nonEmpty(net.ip6), ip6 != "manual" {
            if bootproto.isEmpty { bootproto = "none" }
            data += "IPV6INIT=yes\n"
            if ip6 == "auto" {
                data += "IPV6_AUTOCONF=yes\n"
            } else if ip6 == "dhcp" {
                data += "DHCPV6C=yes\n"
            } else {
                data += "IPV6ADDR=\(ip6)\nIPV6_AUTOCONF=no\n"
                if let gw6 = net.gw6 {
                    if IPAddress.isOffLinkIPv6Gateway(gw6, cidr: ip6) {
                        routes6 += "\(gw6) dev \(name)\ndefault via \(gw6) dev \(name)\n"
                    } else {
                        data += "IPV6_DEFAULTGW=\(gw6)\n"
                    }
                }
            }
        }

        for (i, ns) in nameservers.enumerated() {
            data += "DNS\(i + 1)=\(ns)\n"
        }
        if let search = BaseSetup.nonEmpty(search) {
            data += "DOMAIN=" + BaseSetup.splitList(search).joined(separator: " ") + "\n"
        }

        if data.isEmpty && bootproto.isEmpty { return nil }
        return Interface(ifcfg: header + "BOOTPROTO=\(bootproto)\n" + data, routes: routes, routes6: routes6)
    }

    /// Writes every interface's files and updates `/etc/sysconfig/network`.
    package static func setup(_ ctx: inout SetupContext) throws(SetupError) {
        let dir = "/etc/sysconfig/network-scripts"
        ctx.makePath(dir)
        var hasIPv4 = false
        var hasIPv6 = false
        for net in try ctx.config.interfaces() {
            guard let name = BaseSetup.nonEmpty(net.name) else { continue }
            if net.ip != nil { hasIPv4 = true }
            if net.ip6 != nil { hasIPv6 = true }
            let uuid = ctx.connectionUUID()
            let (search, nameserver) = BaseSetup.lookupDNS(ctx)
            guard
                let rendered = try render(
                    net, name: name, uuid: uuid, search: search, nameservers: BaseSetup.splitList(nameserver))
            else { continue }
            try ctx.setContents("\(dir)/ifcfg-\(name)", rendered.ifcfg.bytes)
            let options = MarkerBlock.Options(placement: .prepend, deleteWhenEmpty: true)
            try ctx.modifyFile("\(dir)/route-\(name)", rendered.routes.bytes, options: options)
            try ctx.modifyFile("\(dir)/route6-\(name)", rendered.routes6.bytes, options: options)
        }

        let sysconfig = "/etc/sysconfig/network"
        guard ctx.isFile(sysconfig) else { return }
        var data = try ctx.contents(sysconfig)
        if hasIPv4 { data = setFlag(data, "NETWORKING") }
        if hasIPv6 { data = setFlag(data, "NETWORKING_IPV6") }
        try ctx.setContents(sysconfig, data)
    }

    /// `s/(KEY)=\S+/$1=yes/` (first occurrence anywhere, not anchored) or append `KEY=yes\n`.
    static func setFlag(_ data: [UInt8], _ key: String) -> [UInt8] {
        let needle = Array((key + "=").utf8)
        var i = 0
        while i + needle.count < data.count {
            if data[i..<(i + needle.count)].elementsEqual(needle) {
                var end = i + needle.count
                while end < data.count, !Bytes.isSpace(data[end]) { end += 1 }
                if end > i + needle.count {
                    return Array(data[..<i]) + Array((key + "=yes").utf8) + Array(data[end...])
                }
            }
            i += 1
        }
        return data + Array((key + "=yes\n").utf8)
    }
}
