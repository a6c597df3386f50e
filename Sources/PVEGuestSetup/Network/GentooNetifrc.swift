package import PVEConfig
import PVECore
/// Gentoo netifrc: the marker block of `/etc/conf.d/net` and the `/etc/init.d/net.<name>` links.
///
/// Proxmox: `PVE::LXC::Setup::Gentoo::setup_network`. Proxmox walks the interfaces in Perl hash
/// order, so the order of the `config_*`/`routes_*` lines changes from run to run; here they
/// always follow the `netN` index (a deliberate difference).
package enum GentooNetifrc {
    /// The block body and the interfaces that get an init script link, in `netN` order.
    package struct Output: Sendable, Hashable {
        package var data: String
        package var upInterfaces: [String]
    }

    /// Renders `/etc/conf.d/net` for the interfaces, in the given order.
    package static func render(_ networks: [NetworkInterface]) -> Output {
        var data = ""
        var up: [String] = []
        func markUp(_ name: String) { if !up.contains(name) { up.append(name) } }

        for net in networks {
            guard let name = BaseSetup.nonEmpty(net.name) else { continue }
            var config: [String] = []
            var routes: [String] = []
            var hasIPv4 = false
            var hasIPv6 = false

            if let ip = net.ip {
                if ip == "dhcp" {
                    config.append("dhcp")
                    markUp(name)
                } else if ip != "manual" {
                    hasIPv4 = true
                    config.append(ip)
                    markUp(name)
                }
            }
            if let gw = net.gw {
                if hasIPv4, !IPAddress.isIP(gw, inCIDR: net.ip ?? "", version: 4) {
                    routes.append("-host \(gw) dev \(name)")
                }
                routes.append("default gw \(gw)")
                markUp(name)
            }
            if let ip6 = net.ip6 {
                // DHCPv6 is not supported by Proxmox's Gentoo writer; `auto` is written verbatim.
                if ip6 != "dhcp" && ip6 != "manual" {
                    hasIPv6 = true
                    config.append(ip6)
                    markUp(name)
                }
            }
            if let gw6 = net.gw6 {
                // Proxmox tests the IPv6 gateway with IPv4 rules, which never match: the host route
                // is always added when an IPv6 address was configured.
                if hasIPv6, !IPAddress.isIP(gw6, inCIDR: net.ip6 ?? "", version: 4) {
                    routes.append("-6 -host \(gw6) dev \(name)")
                }
                routes.append("-6 default gw \(gw6)")
                markUp(name)
            }
            if !config.isEmpty { data += "config_\(name)=\"\(config.joined(separator: "\n"))\"\n" }
            if !routes.isEmpty { data += "routes_\(name)=\"\(routes.joined(separator: "\n"))\"\n" }
        }
        return Output(data: "modules=\"$modules ifconfig\"\n" + data, upInterfaces: up)
    }

    /// Replaces `/etc/conf.d/net` with the block and links `net.<name>` → `net.lo` for every
    /// interface that is brought up.
    package static func setup(_ ctx: inout SetupContext) throws(SetupError) {
        let output = render(try ctx.config.interfaces())
        try ctx.modifyFile("/etc/conf.d/net", output.data.bytes, options: MarkerBlock.Options(placement: .replaceFile))
        for name in output.upInterfaces {
            ctx.symlink("net.lo", at: "/etc/init.d/net.\(name)")
        }
    }
}
