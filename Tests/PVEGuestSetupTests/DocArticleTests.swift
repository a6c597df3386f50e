import PVEGuestOS
import PVEGuestSetup
import PVERuntime
import PVESystem
import PVETestSupport
import Testing

/// The code of the PVEGuestSetup documentation article (Sources/PVEGuestSetup/PVEGuestSetup.docc),
/// compiled and run on a copy of the example container. `DocArticleSnippetSyncTests` keeps the
/// two in step.
@Suite("PVEGuestSetup articles")
struct PVEGuestSetupArticleTests {
    /// ApplyingAConfigToARootfs.md
    @Test func applyingAConfigToARootfs() throws {
        let path = TestFiles.makeTemporaryDirectory(prefix: "pve-article") + "/rootfs"
        let copy = try SpawnRunner().run(Command("/bin/cp", ["-a", Fixtures.path("example/rootfs"), path]))
        try #require(copy.status == .exited(0))

        let config = GuestSetupConfig(
            hostname: "web",
            networks: [0: NetworkSettings(parsing: "name=eth0,bridge=vmbr0,ip=dhcp")],
            timezone: "host"
        )
        let host = HostEnvironment(
            search: "example.com", nameservers: ["192.0.2.53"],
            timezone: "Europe/Vienna", localtime: "/usr/share/zoneinfo/Europe/Vienna")

        let rootfs = try RootFS(path: path)
        let os = try OSDetector.detect(in: rootfs, configuredType: nil)
        let preview = try GuestSetup.apply(
            .preStart, os: os, on: rootfs, config: config, host: host,
            now: 1_700_000_000, seed: 1, dryRun: true)
        print(String(decoding: UnifiedDiff.render(preview.changes), as: UTF8.self))
        #expect(!preview.changes.isEmpty)
        #expect(try rootfs.read("/etc/hostname", limit: 4096) != Array("web\n".utf8))  // nothing written

        let result = try GuestSetup.apply(
            .preStart, os: os, on: rootfs, config: config, host: host,
            now: 1_700_000_000, seed: 1)
        for message in result.context.messages { print(message) }
        #expect(try rootfs.read("/etc/hostname", limit: 4096) == Array("web\n".utf8))
    }
}
