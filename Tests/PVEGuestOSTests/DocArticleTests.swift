import PVEGuestOS
import PVESystem
import PVETestSupport
import Testing

/// The code of the PVEGuestOS documentation article (Sources/PVEGuestOS/PVEGuestOS.docc), compiled
/// and run on the example container. `DocArticleSnippetSyncTests` keeps the two in step.
@Suite("PVEGuestOS articles")
struct PVEGuestOSArticleTests {
    /// DetectingAGuest.md
    @Test func detectingAGuest() throws {
        let path = Fixtures.path("example/rootfs")

        let rootfs = try RootFS(path: path)
        let os = try OSDetector.detect(in: rootfs, configuredType: nil)
        print(os.type, os.version)  // debian 12.5
        #expect(os.type == .debian)

        let report = OSDetector.report(in: rootfs, configuredType: .ubuntu)
        if let evidence = report.decidedBy {
            print(evidence.file, evidence.line ?? 0, evidence.rule)
        }
        for warning in report.warnings { print(warning) }
        if report.detected == nil { print(report.error ?? "not detected") }
        #expect(report.decidedBy != nil)
    }
}
