import PVEGuestOS
import PVESystem
import PVETestSupport
import Testing

/// The mini-rootfs fixtures under `Fixtures/os-release/cases/` (one per row of the spec's tables,
/// expectations written from Proxmox's code and checked against it): detection through the real
/// `RootFS` must produce exactly the `expected` lines.
@Suite struct DetectionFixtureTests {
    static let casesRoot = Fixtures.path("os-release/cases")
    static var cases: [String] { TestFiles.list(casesRoot) }

    /// The outcome in the fixtures' `expected` format.
    static func outcome(_ fs: some GuestFileSystem, configured: OSType?, withArchitecture: Bool) -> [String] {
        let report = OSDetector.report(in: fs, configuredType: configured)
        var lines = report.warnings.map { "warning: " + $0 }
        let type = report.detected?.type ?? report.autodetectedType ?? configured
        if let type { lines.append("type: \(type)") }
        if let error = report.error {
            lines.append("error: " + error)
        } else if let detected = report.detected {
            lines.append("version: " + detected.version)
            if withArchitecture {
                do {
                    lines.append("arch: " + (try OSDetector.architecture(in: fs, for: detected.type) ?? "(none)"))
                } catch {
                    lines.append("arch-error: " + error.message)
                }
            }
        }
        return lines
    }

    @Test func thereAreEnoughCases() {
        #expect(Self.cases.count >= 100)
    }

    @Test(arguments: cases)
    func fixture(_ name: String) throws {
        let dir = Self.casesRoot + "/" + name
        let expected = try #require(TestFiles.readString(dir + "/expected")).split(separator: "\n").map(String.init)
        let configured = TestFiles.readString(dir + "/ostype").map { OSType(String($0.prefix { $0 != "\n" })) }
        let fs = try RootFS(path: dir + "/root")
        let withArchitecture = expected.contains { $0.hasPrefix("arch") }
        let got = Self.outcome(fs, configured: configured, withArchitecture: withArchitecture)
        #expect(got == expected, "\(name)")
        // `detect` agrees with the report.
        do {
            let detected = try OSDetector.detect(in: fs, configuredType: configured)
            #expect(!expected.contains { $0.hasPrefix("error: ") }, "\(name): accepted but expected a refusal")
            #expect(expected.contains("version: " + detected.version), "\(name)")
            #expect(detected.warnings == expected.filter { $0.hasPrefix("warning: ") }.map { String($0.dropFirst(9)) })
        } catch {
            #expect(expected.contains("error: " + error.message), "\(name): \(error)")
            #expect(error.warnings == expected.filter { $0.hasPrefix("warning: ") }.map { String($0.dropFirst(9)) })
        }
    }
}
