import PVESystem
import PVETestSupport
import Testing

/// The code of the PVESystem landing page (Sources/PVESystem/PVESystem.docc), compiled and run.
@Suite("PVESystem articles")
struct PVESystemArticleTests {
    /// PVESystem.md
    @Test func readingAGuestFile() throws {
        let path = Fixtures.path("example/rootfs")

        let rootfs = try RootFS(path: path)
        let osRelease = try rootfs.read("/etc/os-release", limit: 1 << 20)
        #expect(String(decoding: osRelease, as: UTF8.self).contains("ID=debian"))
    }
}
