import PVETestSupport
import Testing

@testable import PVEConfig

@Suite struct SchemaTypedValueTests {
    @Test func networkFieldsViewMatchesParseLXCNetwork() throws {
        let n = try NetworkInterface(parsing: "name=eth0,bridge=vmbr0,firewall=on,ip=dhcp", macGenerator: { "BC:24:11:00:00:01" })
        #expect(
            n.fields == [
                "name": "eth0", "bridge": "vmbr0", "firewall": "1", "ip": "dhcp", "type": "veth",
                "hwaddr": "BC:24:11:00:00:01",
            ])
        #expect(n.propertyString == "name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth")
    }

    @Test func givenHardwareAddressIsKept() throws {
        var called = false
        let n = try NetworkInterface(parsing: "name=eth0,hwaddr=bc:24:11:aa:bb:cc,type=veth") as NetworkInterface
        let m = try NetworkInterface(
            parsing: "name=eth0,hwaddr=bc:24:11:aa:bb:cc",
            macGenerator: {
                called = true; return "x"
            })
        #expect(!called)
        #expect(m == n)
    }

    @Test func networkKeyIndicesMatchTheSchema() {
        let names = LXCSchemas.network.keys.map(\.name)
        #expect(
            names == [
                "bridge", "firewall", "gw", "gw6", "host-managed", "hwaddr", "ip", "ip6", "link_down", "mtu", "name",
                "rate", "tag", "trunks", "type",
            ])
        typealias K = NetworkInterface.Key
        #expect(
            [
                K.bridge, K.firewall, K.gw, K.gw6, K.hostManaged, K.hwaddr, K.ip, K.ip6, K.linkDown, K.mtu, K.name, K.rate,
                K.tag, K.trunks, K.type,
            ] == Array(0..<15))
    }

    @Test func typedViews() throws {
        let n = try NetworkInterface(parsing: "name=eth0,mtu=+1500,tag=0042,rate=1e3,trunks=1;20;300")
        #expect(n.mtuValue == 1500)
        #expect(n.tagValue == 42)
        #expect(n.rateValue == 1000)
        #expect(n.trunkIDs == [1, 20, 300])
        #expect(n.mtu == "+1500")
    }

    @Test func randomMACFollowsProxmoxRules() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let mac = NetworkInterface.randomMAC(using: &rng)
            #expect(mac.count == 17)
            #expect(Array(mac.utf8).withUnsafeBufferPointer { FormatCheck.isUnicastMAC($0) }, "\(mac)")
            let first = UInt8(mac.prefix(2), radix: 16) ?? 1
            #expect(first & 0x03 == 0x02, "\(mac): local bit set, multicast bit clear")
            #expect(mac == mac.uppercased())
        }
        #expect(NetworkInterface.randomMAC(prefix: "bc:24:11", using: &rng).hasPrefix("BC:24:11:"))
        #expect(NetworkInterface.randomMAC().count == 17)
    }

    @Test func errorCarriesKeyMessageAndOffset() throws {
        let input = "name=eth0,mtu=63,hwaddr=01:00:00:00:00:00,zzz=1"
        let e = try #require(throws: PropertyStringError.self) { try NetworkInterface(parsing: input) }
        #expect(e.isFormatError)
        #expect(e.entries.map(\.key) == ["hwaddr", "mtu", "zzz"])
        #expect(e.entries.map(\.offset) == [24, 14, 42])
        #expect(e.message(forKey: "mtu") == "value must have a minimum value of 64")
        #expect(e.entries[0].line == "hwaddr: invalid format - value does not look like a valid unicast MAC address\n")
        #expect(e.offset == 24)
    }

    @Test func plainErrorOffsets() throws {
        let dup = try #require(throws: PropertyStringError.self) { try NetworkInterface(parsing: "name=a,bridge=b,name=c") }
        #expect(dup.offset == 16)
        #expect(!dup.isFormatError)
        let missing = try #require(throws: PropertyStringError.self) { try NetworkInterface(parsing: "name=a,ip=") }
        #expect(missing.offset == 7)
        let required = try #require(throws: PropertyStringError.self) { try NetworkInterface(parsing: "bridge=x") }
        #expect(required.entries.first?.offset == 8)
    }

    @Test func mountPointViews() throws {
        let m = try MountPoint(parsing: "local-lvm:8,mp=/srv,mountoptions=noatime;nodev,idmap=u:0:1000:10;g:5:6:7", kind: .mountPoint)
        #expect(m.volumeType == .volume)
        #expect(m.newVolumeRequest == NewVolumeRequest(volume: "local-lvm:8"))
        #expect(m.newVolumeRequest?.bytes == 8 << 30)
        #expect(m.mountOptionList == ["noatime", "nodev"])
        #expect(
            m.idmapEntries == [
                .init(type: "u", container: 0, disk: 1000, count: 10), .init(type: "g", container: 5, disk: 6, count: 7),
            ])
        let r = try MountPoint(parsing: "/dev/sdb1", kind: .rootfs)
        #expect(r.mp == "/")
        #expect(r.volumeType == .device)
        #expect(r.newVolumeRequest == nil)
        #expect(try MountPoint(parsing: "/srv/x,mp=/x", kind: .mountPoint).volumeType == .bind)
        #expect(try MountPoint(parsing: "local:x,idmap=passthrough", kind: .rootfs).idmapEntries.isEmpty)
    }

    @Test func deviceAndFeatures() throws {
        #expect(try Device(parsing: "/dev/ttyUSB0,uid=5") == Device(path: "/dev/ttyUSB0", uid: "5"))
        let f = try Features(parsing: "mount=nfs;cifs,nesting=1")
        #expect(f.mountTypes == ["nfs", "cifs"])
        #expect(f.nesting == true)
        #expect(try UnusedVolume(parsing: "volume=local:x") == UnusedVolume(volume: "local:x"))
    }

    @Test func volumeIDAndStartup() throws {
        let v = try VolumeID(parsing: "local-lvm:vm-100-disk-0")
        #expect(v.storage == "local-lvm" && v.name == "vm-100-disk-0")
        #expect(v.description == "local-lvm:vm-100-disk-0")
        let e = try #require(throws: PropertyStringError.self) { try VolumeID(parsing: "x") }
        #expect(e.description == "unable to parse volume ID 'x'\n")
        #expect(try StartupOrder(parsing: "3,up=5") == StartupOrder(order: 3, up: 5))
        #expect(StartupOrder(order: 1, down: 2).propertyString == "order=1,down=2")
    }

    @Test(arguments: [
        ("net0", "pve-lxc-network"), ("net31", "pve-lxc-network"), ("mp0", "pve-ct-mountpoint"),
        ("mp255", "pve-ct-mountpoint"), ("unused9", "pve-ct-unused"), ("dev3", "pve-ct-dev"),
        ("rootfs", "pve-ct-rootfs"), ("features", "pve-ct-features"), ("startup", "pve-startup-order"),
        ("tags", "pve-tag-list"), ("hostname", "dns-name"), ("searchdomain", "dns-name-list"),
        ("nameserver", "lxc-ip-with-ll-iface-list"), ("timezone", "pve-ct-timezone"), ("parent", "pve-configid"),
        ("hookscript", "pve-volume-id"),
    ])
    func configKeyFormats(key: String, format: String) {
        #expect(ConfigValueFormat(configKey: key)?.description == format)
    }

    @Test(arguments: ["net32", "mp256", "unused256", "dev256", "net01", "net", "memory", "mpx", "lxc.net.0.type"])
    func configKeysWithoutFormat(key: String) {
        #expect(ConfigValueFormat(configKey: key) == nil)
    }

    @Test func timezoneNeedsZoneList() throws {
        #expect(throws: PropertyStringError.self) { try ConfigValueFormat.check("Europe/Vienna", as: .timezone) }
        try ConfigValueFormat.check("Europe/Vienna", as: .timezone, isKnownZone: { $0 == "Europe/Vienna" })
        try ConfigValueFormat.check("host", as: .timezone)
    }

    @Test func strictEntries() throws {
        #expect(
            try PropertyString.entries("a=1,x,b=2", defaultKey: "v") == [
                .init(key: "a", value: "1"), .init(key: nil, value: "x"), .init(key: "b", value: "2"),
            ])
        #expect(try PropertyString.entries("v=0,x", defaultKey: "v") == [.init(key: nil, value: "x")])
        #expect(throws: PropertyStringError.self) { try PropertyString.entries("x", defaultKey: nil) }
        #expect(throws: PropertyStringError.self) { try PropertyString.entries("v=1,x", defaultKey: "v") }
        #expect(throws: PropertyStringError.self) { try PropertyString.entries("a=1,a=2") }
        #expect(throws: PropertyStringError.self) { try PropertyString.entries("k=") }
        #expect(PropertyString.rawEntries("k=,=v") == [.init(key: "k", value: ""), .init(key: "", value: "v")])
        #expect(PropertyString.parseBoolean("Off") == false)
        #expect(PropertyString.parseBoolean("1 ") == nil)
    }
}

@Suite struct SchemaAddressSyntaxTests {
    func v6(_ s: String) -> Bool { Array(s.utf8).withUnsafeBufferPointer { IPAddressSyntax.isIPv6($0) } }
    func v4(_ s: String) -> Bool { Array(s.utf8).withUnsafeBufferPointer { IPAddressSyntax.isIPv4($0) } }

    @Test(arguments: [
        "::", "::1", "1::", "fe80::1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::8",
        "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5::1.2.3.4", "::1.2.3.4", "ABCD:ef01::",
    ])
    func validIPv6(_ s: String) { #expect(v6(s), "\(s)") }

    @Test(arguments: [
        "", ":", ":::", "1", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::", ":1::", "1:::2",
        "1:2:3:4:5:6:7::8", "1:2:3:4:5:6::1.2.3.4", "1.2.3.4", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5",
        "fe80::1%eth0", "1::2:",
    ])
    func invalidIPv6(_ s: String) { #expect(!v6(s), "\(s)") }

    @Test func ipv4() {
        #expect(v4("0.0.0.0") && v4("255.255.255.255") && v4("10.0.0.1"))
        #expect(!v4("256.0.0.1") && !v4("01.0.0.1") && !v4("1.2.3") && !v4("1.2.3.4.5") && !v4("1..2.3") && !v4(""))
    }
}
