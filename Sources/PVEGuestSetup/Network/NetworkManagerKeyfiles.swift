package import PVEConfig
import PVECore
/// NetworkManager keyfiles: `/etc/NetworkManager/system-connections/<name>.nmconnection`, mode 0600.
///
/// Proxmox: `PVE::LXC::Setup::CentOS::setup_network_with_networkmanager` (RHEL-family 10 and later).
package enum NetworkManagerKeyfiles {
    /// The keyfile of one interface.
    /// - parameters:
    ///   - net: the interface's settings (`netN`).
    ///   - name: the interface name inside the guest.
    ///   - uuid: the `uuid=` value (Proxmox: a fresh random UUID per interface).
    ///   - search: search domains.
    ///   - nameservers: every configured nameserver (split into IPv4 and IPv6 lists here; entries
    ///     that are neither plain address family are dropped).
    package static func render(
        _ net: NetworkInterface, name: String, uuid: String, search: String?, nameservers: [String]
    ) -> String {
        let v4 = nameservers.filter { IPAddress($0)?.bitWidth == 32 }
        let v6 = nameservers.filter { IPAddress($0)?.bitWidth == 128 }
        let searchList = BaseSetup.nonEmpty(search).map { BaseSetup.splitList($0).joined(separator: ";") }

        var out = "[connection]\nid=\(name)\nuuid=\(uuid)\ntype=ethernet\ninterface-name=\(name)\n"

        out += "[ipv4]\n"
        if let ip = BaseSetup.nonEmpty(net.ip), ip != "manual" {
            if ip == "dhcp" {
                out += "method=auto\n"
            } else {
                out += "method=manual\naddresses=\(ip)\n"
                if let gw = net.gw {
                    out += "gateway=\(gw)\n"
                    if !IPAddress.isIP(gw, inCIDR: ip, version: 4) { out += "routes=\(gw)\n" }
                }
            }
            if !v4.isEmpty {
                out += "dns=" + v4.joined(separator: ";") + "\n"
                if let searchList { out += "dns-search=\(searchList)\n" }
            }
        } else {
            out += "method=disabled\n"
        }

        out += "[ipv6]\n"
        if let ip6 = BaseSetup.nonEmpty(net.ip6), ip6 != "manual" {
            if ip6 == "auto" || ip6 == "dhcp" {
                out += "method=auto\n"
            } else {
                out += "method=manual\naddress=\(ip6)\n"
                if let gw6 = net.gw6 {
                    if IPAddress.isOffLinkIPv6Gateway(gw6, cidr: ip6) {
                        out += "routes=\(gw6)\n"
                    } else {
                        out += "gateway=\(gw6)\n"
                    }
                }
            }
            if !v6.isEmpty {
                out += "dns=" + v6.joined(separator: ";") + "\n"
                if let searchList { out += "dns-search=\(searchList)\n" }
            }
        } else {
            out += "method=disabled\n"
        }
        return out
    }

    /// Writes one keyfile per named interface.
    package static func setup(_ ctx: inout SetupContext) throws(SetupError) {
        let dir = "/etc/NetworkManager/system-connections"
        ctx.makePath(dir)
        for net in try ctx.config.interfaces() {
            guard let name = BaseSetup.nonEmpty(net.name) else { continue }
            let (search, nameserver) = BaseSetup.lookupDNS(ctx)
            let uuid = ctx.connectionUUID()
            let data = render(net, name: name, uuid: uuid, search: search, nameservers: BaseSetup.splitList(nameserver))
            try ctx.setContents("\(dir)/\(name).nmconnection", data.bytes, perms: 0o600)
        }
    }
}
