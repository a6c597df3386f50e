package import PVEConfig
import PVECore
/// SUSE wicked/sysconfig files: `/etc/sysconfig/network/ifcfg-<name>` and the marker block of
/// `ifroute-<name>`.
///
/// Proxmox: `PVE::LXC::Setup::SUSE::setup_network`.
package enum SUSEIfcfg {
    /// The files of one interface.
    package struct Interface: Sendable, Hashable {
        /// Content of `ifcfg-<name>`.
        package var ifcfg: String
        /// Body of the marker block of `ifroute-<name>` (empty: no routes).
        package var routes: String
    }

    /// Renders one interface; `nil` when Proxmox skips it (configured, but neither an address nor
    /// DHCP, e.g. `ip6=auto` alone).
    package static func render(_ net: NetworkInterface, name: String) -> Interface? {
        var routes = ""
        var dhcp = 0
        var addresses: [String] = []
        var configured = false

        if let ip = BaseSetup.nonEmpty(net.ip), ip != "manual" {
            configured = true
            if ip == "dhcp" {
                dhcp |= 1
            } else {
                addresses.append(ip)
                if let gw = net.gw {
                    if !IPAddress.isIP(gw, inCIDR: ip, version: 4) {
                        routes += "\(gw) 0.0.0.0 255.255.255.255 \(name)\n"
                    }
                    routes += "default \(gw) 0.0.0.0 \(name)\n"
                }
            }
        }

        if let ip6 = BaseSetup.nonEmpty(net.ip6), ip6 != "manual" {
            configured = true
            if ip6 == "auto" {
                // Proxmox writes nothing for SLAAC.
            } else if ip6 == "dhcp" {
                dhcp |= 2
            } else {
                addresses.append(ip6)
                if let gw6 = net.gw6 {
                    if IPAddress.isOffLinkIPv6Gateway(gw6, cidr: ip6) {
                        routes += "\(gw6)/128 - - \(name)\n"
                    }
                    routes += "default \(gw6) - \(name)\n"
                }
            }
        }

        var data = ""
        if addresses.count > 1 {
            for (i, address) in addresses.enumerated() { data += "IPADDR_\(i + 1)=\(address)\n" }
        } else if let address = addresses.first {
            data += "IPADDR=\(address)\n"
        } else if configured && dhcp == 0 {
            return nil
        }
        let modes = ["static", "dhcp4", "dhcp6", "dhcp"]
        let head = "STARTMODE=\(configured ? "onboot" : "manual")\nBOOTPROTO=\(modes[dhcp])\n"
        return Interface(ifcfg: head + data, routes: routes)
    }

    /// Writes every interface's files.
    package static func setup(_ ctx: inout SetupContext) throws(SetupError) {
        let dir = "/etc/sysconfig/network"
        ctx.makePath(dir)
        for net in try ctx.config.interfaces() {
            guard let name = BaseSetup.nonEmpty(net.name), let rendered = render(net, name: name) else { continue }
            try ctx.setContents("\(dir)/ifcfg-\(name)", rendered.ifcfg.bytes)
            try ctx.modifyFile(
                "\(dir)/ifroute-\(name)", rendered.routes.bytes,
                options: MarkerBlock.Options(placement: .prepend, deleteWhenEmpty: true))
        }
    }
}
