import PVETestSupport
import Testing

@testable import pve_guestsetup

/// New RedHat `ifcfg-*` files carry a connection UUID: random in a normal run (as Proxmox's
/// `UUID::uuid()`), all zeros only in a seeded, reproducible run (Proxmox's test mode).
@Suite struct ApplyConnectionUUIDTests {
    static let fixture = Fixtures.path("guest-setup/centos-001")

    func uuid(seeded: Bool) throws -> String {
        let rootfs = TestFiles.makeTemporaryDirectory() + "/rootfs"
        defer { TestFiles.removeTree(String(rootfs.dropLast("/rootfs".count))) }
        TreeCopy.copy(Self.fixture + "/input", rootfs)
        var args = ApplyFixtureTests.arguments(Self.fixture, rootfs: rootfs)
        if !seeded, let i = args.firstIndex(of: "--seed") { args.removeSubrange(i...(i + 1)) }
        let (code, _, err) = ApplyFixtureTests.run(args)
        #expect(code == 0, "\(err)")
        let ifcfg = try #require(TestFiles.readString(rootfs + "/etc/sysconfig/network-scripts/ifcfg-eth0"))
        let line = try #require(ifcfg.split(separator: "\n").first { $0.hasPrefix("UUID=") })
        return String(line.dropFirst("UUID=".count))
    }

    @Test func seededRunWritesZeroUUIDs() throws {
        #expect(try uuid(seeded: true) == "00000000-0000-0000-0000-000000000000")
    }

    @Test func normalRunWritesRandomVersion4UUIDs() throws {
        let a = try uuid(seeded: false)
        let b = try uuid(seeded: false)
        #expect(a != b)
        for u in [a, b] {
            let parts = u.split(separator: "-").map(\.count)
            #expect(parts == [8, 4, 4, 4, 12], "\(u)")
            #expect(Array(u)[14] == "4", "version nibble of \(u)")
        }
    }
}
