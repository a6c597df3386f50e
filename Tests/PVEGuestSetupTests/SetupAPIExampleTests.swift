import PVEConfig
import PVEGuestOS
import PVEGuestSetup
import PVESystem
import PVETestSupport
import Testing

/// The README's guest-setup example (read → apply → report), kept compiling and correct, on the
/// bundled example container. Only public API: no `@testable`.
@Suite("Guest setup library API example")
struct SetupAPIExampleTests {
    @Test func readApplyReport() throws {
        let bytes = try #require(TestFiles.read(Fixtures.path("example/100.conf")))

        let config = try ConfigDocument(bytes: bytes, file: "100.conf", vmid: "100").config
        let rootfs = try RootFS(path: Fixtures.path("example/rootfs"))
        let os = try OSDetector.detect(in: rootfs, configuredType: config["ostype"].map { OSType($0) })

        var request = GuestSetupRequest(hook: .preStart)
        request.host = HostEnvironment(search: "example.com", nameservers: ["192.0.2.53"], timezone: "Etc/UTC")
        request.dryRun = true
        let result = try GuestSetup.apply(request, config: config, os: os, to: rootfs)

        let byPath = Dictionary(uniqueKeysWithValues: result.report.entries.map { ($0.path, $0) })
        #expect(byPath["/etc/hostname"]?.steps == ["set_hostname"])
        #expect(byPath["/etc/network/interfaces"]?.steps == ["setup_network"])
        #expect(result.changes.count == result.report.entries.filter { $0.action != "ignored" }.count)
        #expect(result.warnings.allSatisfy { !$0.isEmpty })
        // A dry run leaves the example untouched.
        #expect(TestFiles.read(Fixtures.path("example/rootfs/etc/hostname")) == Array("localhost\n".utf8))
    }

    @Test func aNetworkFormatErrorFailsAndWritesNothing() throws {
        let bytes = Array("hostname: h\nnet0: bridge=vmbr0,ip=dhcp\n".utf8)
        let config = try ConfigDocument(bytes: bytes, file: "100.conf", vmid: "100").config
        let fs = InMemoryFileSystem(files: ["/etc/debian_version": "12.5\n", "/etc/hostname": "old\n"])
        let request = GuestSetupRequest(hook: .preStart, seed: 0)
        #expect(throws: SetupError("format error\nname: property is missing and it is not optional", step: "setup_network")) {
            try GuestSetup.apply(request, config: config, os: DetectedOS(type: .debian, version: "12.5"), to: fs)
        }
        #expect(fs.contents("/etc/hostname") == "old\n")
    }
}
