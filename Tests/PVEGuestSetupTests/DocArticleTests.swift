import PVEConfig
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

        let bytes = Array("hostname: web\nnet0: name=eth0,bridge=vmbr0,ip=dhcp\ntimezone: host\n".utf8)

        let config = try ConfigDocument(bytes: bytes, file: "100.conf", vmid: "100").config
        var request = GuestSetupRequest(hook: .preStart, now: 1_700_000_000, seed: 1)
        request.host = HostEnvironment(
            search: "example.com", nameservers: ["192.0.2.53"],
            timezone: "Europe/Vienna", localtime: "/usr/share/zoneinfo/Europe/Vienna")

        let rootfs = try RootFS(path: path)
        let os = try OSDetector.detect(in: rootfs, configuredType: config["ostype"].map { OSType($0) })
        request.dryRun = true
        let preview = try GuestSetup.apply(request, config: config, os: os, to: rootfs)
        print(String(decoding: UnifiedDiff.render(preview.changes), as: UTF8.self))
        for entry in preview.report.entries { print(entry.action, entry.path, entry.steps) }
        #expect(!preview.changes.isEmpty)
        #expect(try rootfs.read("/etc/hostname", limit: 4096) != Array("web\n".utf8))  // nothing written

        request.dryRun = false
        let result = try GuestSetup.apply(request, config: config, os: os, to: rootfs)
        for message in result.messages { print(message) }
        #expect(try rootfs.read("/etc/hostname", limit: 4096) == Array("web\n".utf8))
    }
}
