import PVEConfig
import PVEGuestOS
import PVETestSupport
import Testing

@testable import PVEGuestSetup

/// The network writers of the non-Debian families, as pure functions (expected texts checked
/// against Proxmox's code with the oracle).
@Suite struct FamiliesNetworkTests {
    static let zero = "00000000-0000-0000-0000-000000000000"

    static func net(_ s: String) -> NetworkInterface { try! NetworkInterface(parsing: s) }

    // MARK: RedHat network-scripts

    @Test func networkScriptsStaticWithOffSubnetGateways() throws {
        let rendered = try #require(
            try RedHatNetworkScripts.render(
                Self.net("name=eth0,ip=1.2.3.4/24,gw=4.3.2.1,ip6=2000::1/64,gw6=20ff::1"), name: "eth0", uuid: Self.zero,
                search: "proxmox.com", nameservers: ["8.8.8.8", "8.8.8.9"]))
        #expect(
            rendered.ifcfg == """
                DEVICE=eth0
                ONBOOT=yes
                UUID=00000000-0000-0000-0000-000000000000
                BOOTPROTO=none
                IPADDR=1.2.3.4
                NETMASK=255.255.255.0
                GATEWAY=4.3.2.1
                IPV6INIT=yes
                IPV6ADDR=2000::1/64
                IPV6_AUTOCONF=no
                DNS1=8.8.8.8
                DNS2=8.8.8.9
                DOMAIN=proxmox.com

                """)
        #expect(rendered.routes == "4.3.2.1 dev eth0\ndefault via 4.3.2.1 dev eth0\n")
        #expect(rendered.routes6 == "20ff::1 dev eth0\ndefault via 20ff::1 dev eth0\n")
    }

    @Test func networkScriptsLinkLocalAndInSubnetGateways() throws {
        let r = try #require(
            try RedHatNetworkScripts.render(
                Self.net("name=eth2,ip=10.0.0.5/8,gw=10.0.0.1,ip6=fd12:3456::5/48,gw6=fe80::1"), name: "eth2",
                uuid: Self.zero, search: nil, nameservers: []))
        #expect(r.ifcfg.contains("GATEWAY=10.0.0.1\nIPV6INIT=yes\n"))
        #expect(r.ifcfg.contains("IPV6_DEFAULTGW=fe80::1\n"))
        #expect(r.ifcfg.contains("NETMASK=255.0.0.0\n"))
        #expect(r.routes.isEmpty && r.routes6.isEmpty)
    }

    @Test(arguments: [
        ("name=eth0,ip=dhcp,ip6=dhcp", "BOOTPROTO=dhcp\nIPV6INIT=yes\nDHCPV6C=yes\nDNS1=1.1.1.1\n"),
        ("name=eth0,ip=dhcp,ip6=auto", "BOOTPROTO=dhcp\nIPV6INIT=yes\nIPV6_AUTOCONF=yes\nDNS1=1.1.1.1\n"),
        ("name=eth0,ip6=auto", "BOOTPROTO=none\nIPV6INIT=yes\nIPV6_AUTOCONF=yes\nDNS1=1.1.1.1\n"),
        ("name=eth0,ip=manual,ip6=manual", "BOOTPROTO=\nDNS1=1.1.1.1\n"),
        ("name=eth0", "BOOTPROTO=\nDNS1=1.1.1.1\n"),
    ])
    func networkScriptsModes(_ input: String, _ tail: String) throws {
        let r = try #require(
            try RedHatNetworkScripts.render(
                Self.net(input), name: "eth0", uuid: "U", search: nil, nameservers: ["1.1.1.1"]))
        #expect(r.ifcfg == "DEVICE=eth0\nONBOOT=yes\nUUID=U\n" + tail)
    }

    @Test func networkScriptsSkipsAnInterfaceWithoutAnything() throws {
        #expect(try RedHatNetworkScripts.render(Self.net("name=eth0"), name: "eth0", uuid: "U", search: nil, nameservers: []) == nil)
    }

    @Test func networkScriptsRejectsAShortPrefix() {
        #expect(throws: SetupError("unable to parse ipv4 address/mask")) {
            try RedHatNetworkScripts.render(NetworkInterface(name: "eth0", ip: "10.0.0.1/7"), name: "eth0", uuid: "U", search: nil, nameservers: [])
        }
    }

    @Test(arguments: [
        ("", "NETWORKING", "NETWORKING=yes\n"),
        ("NETWORKING=no\n", "NETWORKING", "NETWORKING=yes\n"),
        ("NETWORKING_IPV6=no\n", "NETWORKING", "NETWORKING_IPV6=no\nNETWORKING=yes\n"),
        ("NETWORKING= \n", "NETWORKING", "NETWORKING= \nNETWORKING=yes\n"),
        ("# keep", "NETWORKING_IPV6", "# keepNETWORKING_IPV6=yes\n"),
        ("XNETWORKING=maybe # x\n", "NETWORKING", "XNETWORKING=yes # x\n"),
    ])
    func sysconfigNetworkFlag(_ input: String, _ key: String, _ output: String) {
        #expect(RedHatNetworkScripts.setFlag(Array(input.utf8), key) == Array(output.utf8))
    }

    // MARK: NetworkManager

    @Test func networkManagerStaticOffSubnetWithSplitNameservers() {
        let text = NetworkManagerKeyfiles.render(
            Self.net("name=eth0,ip=10.1.0.7/24,gw=10.2.0.1,ip6=auto"), name: "eth0", uuid: Self.zero,
            search: "a.example b.example", nameservers: ["10.1.1.1", "2001:db8::1", "10.1.1.2", "fe80::1%eth0"])
        #expect(
            text == """
                [connection]
                id=eth0
                uuid=00000000-0000-0000-0000-000000000000
                type=ethernet
                interface-name=eth0
                [ipv4]
                method=manual
                addresses=10.1.0.7/24
                gateway=10.2.0.1
                routes=10.2.0.1
                dns=10.1.1.1;10.1.1.2
                dns-search=a.example;b.example
                [ipv6]
                method=auto
                dns=2001:db8::1
                dns-search=a.example;b.example

                """)
    }

    @Test func networkManagerDisabledAndIPv6Gateways() {
        let disabled = NetworkManagerKeyfiles.render(
            Self.net("name=eth1,ip=manual"), name: "eth1", uuid: "U", search: nil, nameservers: ["1.1.1.1"])
        #expect(disabled.hasSuffix("[ipv4]\nmethod=disabled\n[ipv6]\nmethod=disabled\n"))
        let inSubnet = NetworkManagerKeyfiles.render(
            Self.net("name=eth0,ip6=2001:db8:5::20/64,gw6=2001:db8:5::1"), name: "eth0", uuid: "U", search: nil,
            nameservers: [])
        #expect(inSubnet.hasSuffix("[ipv6]\nmethod=manual\naddress=2001:db8:5::20/64\ngateway=2001:db8:5::1\n"))
        let offSubnet = NetworkManagerKeyfiles.render(
            Self.net("name=eth0,ip6=fc00::1/64,gw6=fc00:1::ff"), name: "eth0", uuid: "U", search: nil, nameservers: [])
        #expect(offSubnet.hasSuffix("[ipv6]\nmethod=manual\naddress=fc00::1/64\nroutes=fc00:1::ff\n"))
    }

    // MARK: SUSE

    @Test func suseTwoAddressesAndRoutes() throws {
        let r = try #require(SUSEIfcfg.render(Self.net("name=eth0,ip=1.2.3.4/24,gw=4.3.2.1,ip6=2001:1::/64,gw6=2001:1::ffff"), name: "eth0"))
        #expect(r.ifcfg == "STARTMODE=onboot\nBOOTPROTO=static\nIPADDR_1=1.2.3.4/24\nIPADDR_2=2001:1::/64\n")
        #expect(r.routes == "4.3.2.1 0.0.0.0 255.255.255.255 eth0\ndefault 4.3.2.1 0.0.0.0 eth0\ndefault 2001:1::ffff - eth0\n")
    }

    @Test(arguments: [
        ("name=eth0,ip=dhcp", "STARTMODE=onboot\nBOOTPROTO=dhcp4\n"),
        ("name=eth0,ip6=dhcp", "STARTMODE=onboot\nBOOTPROTO=dhcp6\n"),
        ("name=eth0,ip=dhcp,ip6=dhcp", "STARTMODE=onboot\nBOOTPROTO=dhcp\n"),
        ("name=eth0,ip=manual", "STARTMODE=manual\nBOOTPROTO=static\n"),
        ("name=eth0", "STARTMODE=manual\nBOOTPROTO=static\n"),
        ("name=eth0,ip=10.0.0.20/8,ip6=dhcp", "STARTMODE=onboot\nBOOTPROTO=dhcp6\nIPADDR=10.0.0.20/8\n"),
    ])
    func suseModes(_ input: String, _ ifcfg: String) throws {
        #expect(try #require(SUSEIfcfg.render(Self.net(input), name: "eth0")).ifcfg == ifcfg)
    }

    @Test func suseSkipsSLAACOnly() {
        #expect(SUSEIfcfg.render(Self.net("name=eth1,ip6=auto"), name: "eth1") == nil)
    }

    @Test func suseIPv6RoutesOffSubnetAndLinkLocal() throws {
        let off = try #require(SUSEIfcfg.render(Self.net("name=eth4,ip6=2001:db8:8::9/64,gw6=2001:db8:9::1"), name: "eth4"))
        #expect(off.routes == "2001:db8:9::1/128 - - eth4\ndefault 2001:db8:9::1 - eth4\n")
        let ll = try #require(SUSEIfcfg.render(Self.net("name=eth3,ip6=2001:db8::3/64,gw6=fe80::1"), name: "eth3"))
        #expect(ll.routes == "default fe80::1 - eth3\n")
    }

    // MARK: Gentoo

    @Test func gentooFollowsTheNetIndexAndKeepsProxmoxQuirks() {
        let networks: [NetworkInterface] = [
            Self.net("name=eth0,ip=198.51.100.7/24,gw=192.0.2.1,ip6=2001:db8::7/64,gw6=2001:db8::1"),
            Self.net("name=eth2,ip=dhcp,ip6=dhcp"),
            Self.net("name=eth3,ip=manual,ip6=auto"),
            Self.net("name=eth10,ip=10.10.10.10/24,gw=10.10.10.1"),
        ]
        let out = GentooNetifrc.render(networks)
        #expect(
            out.data == """
                modules="$modules ifconfig"
                config_eth0="198.51.100.7/24
                2001:db8::7/64"
                routes_eth0="-host 192.0.2.1 dev eth0
                default gw 192.0.2.1
                -6 -host 2001:db8::1 dev eth0
                -6 default gw 2001:db8::1"
                config_eth2="dhcp"
                config_eth3="auto"
                config_eth10="10.10.10.10/24"
                routes_eth10="default gw 10.10.10.1"

                """)
        #expect(out.upInterfaces == ["eth0", "eth2", "eth3", "eth10"])
    }

    @Test func gentooGatewayOnlyInterfaceIsUp() {
        let out = GentooNetifrc.render([Self.net("name=eth1,ip6=manual,gw6=fd00::1")])
        #expect(out.data == "modules=\"$modules ifconfig\"\nroutes_eth1=\"-6 default gw fd00::1\"\n")
        #expect(out.upInterfaces == ["eth1"])
        #expect(GentooNetifrc.render([]).data == "modules=\"$modules ifconfig\"\n")
    }

    @Test(arguments: [
        ("c1:12345:respawn:/sbin/agetty 38400 tty1 linux", true),
        ("  2:2345:respawn:/sbin/agetty 38400 tty2", true),
        ("#c3:2345:respawn:/sbin/agetty 38400 tty3 linux", false),
        ("s0:12345:respawn:/sbin/agetty -L 9600 ttyS0 vt100", false),
        ("1::respawn:/sbin/agetty 38400 tty1", true),
        ("1:2345:respawn:/sbin/mingetty", true),
        ("1:2345:respawn", false),
        ("x1:2:respawn:/sbin/getty", false),
        ("c:2:respawn:/sbin/getty", false),
        ("cc1:2:respawn:/sbin/getty", false),
        ("1:2:getty:/bin/sh", false),
    ])
    func gentooGettyLines(_ line: String, _ matches: Bool) {
        #expect(GentooFamily.isGettyLine(ArraySlice(line.utf8)) == matches)
    }
}

@Suite struct ConnectionUUIDTests {
    @Test func zeroWhenReproducible() {
        #expect(ConnectionUUID.make(.zero) == "00000000-0000-0000-0000-000000000000")
    }

    /// The library default is random: a context built without asking gets random UUIDs.
    @Test func randomByDefault() throws {
        var ctx = try SetupContext(fs: InMemoryFileSystem(), config: GuestSetupConfig(), now: 0)
        #expect(ctx.connectionUUIDs == .random)
        #expect(ctx.connectionUUID() != ctx.connectionUUID())
        #expect(GuestSetupRequest(hook: .preStart).seed == nil)
    }

    @Test func randomVersion4WhenAsked() {
        let (a, b) = (ConnectionUUID.make(.random), ConnectionUUID.make(.random))
        #expect(a != b)
        let bytes = Array(a.utf8)
        #expect(bytes.count == 36)
        #expect(bytes[14] == UInt8(ascii: "4"))
        #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]))
        #expect([8, 13, 18, 23].allSatisfy { bytes[$0] == UInt8(ascii: "-") })
    }

    @Test func formatting() {
        #expect(ConnectionUUID.format(Array(0..<16)) == "00010203-0405-0607-0809-0a0b0c0d0e0f")
    }
}
