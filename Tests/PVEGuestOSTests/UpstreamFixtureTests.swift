import PVEGuestOS
import PVESystem
import PVETestSupport
import Testing

/// Proxmox's own guest-setup fixtures (read-only, from the shared location): detection must pick
/// the plugin and version Proxmox's test run uses, without warnings.
@Suite struct UpstreamFixtureTests {
    static let root = "/work/shared/conformance/upstream/setup"

    static let expected: [String: (OSType, String)] = [
        "test-alpine-001": (.alpine, "3.8.0"), "test-alpine-002": (.alpine, "3.13.1"),
        "test-alpine-003": (.alpine, "3.13.1"),
        "test-centos10-001": (.centos, "10"), "test-centos10-002": (.centos, "10"),
        "test-centos6-001": (.centos, "6.3"), "test-centos6-002": (.centos, "6.3"),
        "test-centos8-001": (.centos, "8.3"),
        "test-debian-001": (.debian, "7"), "test-debian-002": (.debian, "7"), "test-debian-003": (.debian, "7"),
        "test-debian-004": (.debian, "7"), "test-debian-005": (.debian, "7"), "test-debian-006": (.debian, "7"),
        "test-debian-007": (.debian, "7"), "test-debian-008": (.debian, "7"), "test-debian-009": (.debian, "7"),
        "test-debian-010": (.debian, "6"), "test-debian-011": (.debian, "8"), "test-debian-012": (.debian, "8"),
        "test-debian-013": (.debian, "8"), "test-debian-014": (.debian, "7"), "test-debian-015": (.debian, "11"),
        "test-debian-016": (.debian, "13"),
        "test-devuan-001": (.devuan, "8"), "test-devuan-002": (.devuan, "9"),
        "test-fedora-001": (.fedora, "41"),
        "test-opensuse-001": (.opensuse, "13.2"), "test-opensuse-002": (.opensuse, "13.1"),
        "test-opensuse-003": (.opensuse, "42.2"), "test-opensuse-004": (.opensuse, "20170729"),
        "test-opensuse-005": (.opensuse, "12.2"), "test-opensuse-slowroll-001": (.opensuse, "20240901"),
    ]

    static var cases: [String] { TestFiles.list(root).filter { $0.hasPrefix("test-") } }

    @Test func allUpstreamDirsAreCovered() {
        #expect(Self.cases.count == 33)
        #expect(Set(Self.cases) == Set(Self.expected.keys))
    }

    @Test(arguments: cases)
    func detectsLikeProxmox(_ name: String) throws {
        let dir = Self.root + "/" + name
        let configured = TestFiles.readString(dir + "/config").flatMap(Self.ostype)
        let fs = try RootFS(path: dir)
        let detected = try OSDetector.detect(in: fs, configuredType: configured)
        let want = try #require(Self.expected[name])
        #expect(detected.type == want.0, "\(name)")
        #expect(detected.version == want.1, "\(name)")
        #expect(detected.warnings.isEmpty, "\(name): \(detected.warnings)")
    }

    static func ostype(_ config: String) -> OSType? {
        for line in config.split(separator: "\n") where line.hasPrefix("ostype:") {
            return OSType(String(line.dropFirst("ostype:".count).drop { $0 == " " }))
        }
        return nil
    }
}
