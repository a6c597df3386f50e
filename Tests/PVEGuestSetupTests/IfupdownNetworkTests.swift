import PVEConfig
import Testing

@testable import PVEGuestSetup

@Suite struct IfupdownNetworkTests {
    func render(_ nets: [Int: String], existing: String?, style: IfupdownNetwork.Style) throws -> String {
        let managed = try IfupdownNetwork.interfaces(nets.keys.sorted().map { try NetworkInterface(parsing: nets[$0]!) })
        return String(decoding: IfupdownNetwork.render(managed: managed, existing: existing.map { Array($0.utf8) }, style: style), as: UTF8.self)
    }

    /// Spec worked example C (verified against Proxmox).
    @Test func workedExampleC() throws {
        let existing = """
            auto eth0
            iface eth0 inet static
            \taddress 9.9.9.9
            # col0 comment
            \tmtu 1400
            iface eth3 inet static
            \taddress 5.5.5.5

            # --- BEGIN PVE ---
            stray
            # --- END PVE ---
            iface eth9 inet manual
              pre-up foo

            """
        let out = try render([0: "name=eth0,ip=10.1.2.3/16", 3: "name=eth3,gw=1.2.3.4"], existing: existing, style: .modern)
        #expect(
            out == """
                auto lo
                iface lo inet loopback
                iface lo inet6 loopback

                auto eth0
                # col0 comment
                iface eth0 inet static
                \taddress 10.1.2.3/16
                \tmtu 1400

                auto eth3
                stray
                iface eth9 inet manual
                  pre-up foo

                """)
    }

    /// Spec worked example A (fixture test-debian-002): fresh file, legacy netmask form.
    @Test func workedExampleA() throws {
        let out = try render([0: "name=eth0,ip=1.2.3.4/24,gw=1.2.3.1", 1: "name=eth1,ip=10.2.3.4/24", 2: "name=eth2,ip=manual"], existing: nil, style: .legacy)
        #expect(
            out == """
                auto lo
                iface lo inet loopback
                iface lo inet6 loopback

                auto eth0
                iface eth0 inet static
                \taddress 1.2.3.4
                \tnetmask 255.255.255.0
                \tgateway 1.2.3.1

                auto eth1
                iface eth1 inet static
                \taddress 10.2.3.4
                \tnetmask 255.255.255.0

                auto eth2
                iface eth2 inet manual


                """)
    }

    @Test func offSubnetGatewaysAndLinkLocal() throws {
        let out = try render(
            [0: "name=eth0,ip=10.0.0.100/32,gw=11.0.0.1", 1: "name=eth1,ip6=fc00::1/64,gw6=fe80::1", 2: "name=eth2,ip6=auto"],
            existing: "auto lo\niface lo inet loopback\n", style: .modern)
        #expect(out.contains("\taddress 10.0.0.100/32\n# --- BEGIN PVE ---\n\tpost-up ip route add 11.0.0.1 dev eth0\n"))
        #expect(out.contains("iface eth1 inet6 static\n\taddress fc00::1/64\n\tgateway fe80::1\n"))
        #expect(out.contains("auto eth2\niface eth2 inet6 auto\n\n"))
        #expect(!out.hasPrefix("auto lo\niface lo inet loopback\niface lo inet6"))
    }

    @Test func legacyRouteLinesAreCleanedOnlyWhenExact() {
        var attrs: [ArraySlice<UInt8>] = [
            "post-up ip route add 1.1.1.1 dev eth0", "post-up ip route add default via 1.1.1.1 dev eth0",
            "pre-down ip route del default via 1.1.1.1 dev eth0", "pre-down ip route del 1.1.1.1 dev eth0", "mtu 1400",
            "post-up ip route add 2.2.2.2/64 dev eth0", "post-up ip route add default via 2.2.2.2 dev eth0",
            "pre-down ip route del default via 2.2.2.2 dev eth0", "pre-down ip route del 2.2.2.2 dev eth0",
        ].map { ArraySlice(Array($0.utf8)) }
        IfupdownNetwork.removeGatewayScripts(&attrs)
        #expect(attrs.count == 5)
        #expect(attrs.first.map { Array($0) } == Array("mtu 1400".utf8))
    }

    @Test func unmanagedInterfacesLeaveTheFileAlone() throws {
        #expect(try IfupdownNetwork.interfaces([NetworkInterface(parsing: "name=eth0,bridge=vmbr0")]).isEmpty)
    }

    /// A `netN` without `name` is kept by the lenient reader but fails the network format: the
    /// setup view holds Proxmox's format error, and every walk over the interfaces raises it.
    @Test func interfaceWithoutNameIsAFormatError() throws {
        let config = try GuestSetupConfig(configText: "net0: name=eth0,ip=dhcp\nnet1: bridge=vmbr0,ip=dhcp\n")
        let error = SetupError("format error\nname: property is missing and it is not optional")
        #expect(config.networks.map(\.index) == [0, 1])
        #expect(config.networks[1].interface == .failure(error))
        #expect(throws: error) { try config.interfaces() }
        #expect(try config.primaryInterface()?.name == "eth0")
    }
}
