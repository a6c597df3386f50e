import PVETestSupport
import Testing

@testable import pve_guestsetup

/// Host-side inputs of `apply` that cannot be read are reported with the file and the reason.
@Suite struct ApplyHostFileTests {
    @Test func missingConfigNamesFileAndReason() {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        let (code, out, err) = ApplyFixtureTests.run(["apply", "--config", dir + "/nope.conf", "--rootfs", dir])
        #expect(code == 1)
        #expect(out.isEmpty)
        #expect(err == "apply: unable to open file '\(dir)/nope.conf' - No such file or directory\n")
    }

    @Test func unreadableHostResolvConfIsAnError() {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        TestFiles.write(dir + "/100.conf", Array("hostname: a\nostype: debian\n".utf8))
        let (code, _, err) = ApplyFixtureTests.run([
            "apply", "--config", dir + "/100.conf", "--rootfs", dir, "--host-resolv-conf", dir + "/missing",
        ])
        #expect(code == 1)
        #expect(err.contains("apply: cannot read host resolv.conf '\(dir)/missing'"))
    }
}
