import PVECore
import PVESystem
import PVETestSupport
import Testing

@testable import PVEGuestOS

@Suite struct DetectorUnitTests {
    /// Perl's numeric reading of a string, as used by `$version < 22`.
    @Test(
        arguments: [
            ("41", 41.0), ("22.04", 22.04), (" 7", 7), ("", 0), ("rawhide", 0), ("1e3", 1000), ("3.", 3), (".5", 0.5),
            ("-2", -2), ("+4x", 4), ("12abc", 12), ("Inf", .infinity), ("infinity", .infinity), ("-inf", -.infinity),
            ("1.e2", 100), ("e5", 0), ("0x10", 0),
        ] as [(String, Double)])
    func perlNumbers(_ text: String, _ value: Double) {
        #expect(PerlNumber.value(of: text) == value, "\(text)")
    }

    @Test func perlNaNIsNotLessThanAnything() {
        #expect(PerlNumber.value(of: "NaN").isNaN)
        let fs = InMemoryFileSystem(files: ["/etc/os-release": "ID=fedora\nVERSION_ID=nan\n"])
        #expect(throws: Never.self) { try OSDetector.detect(in: fs, configuredType: nil) }
    }

    @Test(
        arguments: [
            ("CentOS release 6.3 (Final)", "6.3"), ("CentOS Stream release 10 (Coughlan)", "10"),
            ("CentOS Linux release 7.9.2009 (Core)", "7.9"), ("release\t8.1", "8.1"),
            ("release 7 and release 8.2", "8.2"),
            ("release 9. x", "9"), ("releases 5", nil), ("release", nil), ("Fedora release", nil),
            ("xrelease  12.5", "12.5"),
        ] as [(String, String?)])
    func centOSVersions(_ line: String, _ version: String?) {
        #expect(PluginVersions.centOSVersion(Array(line.utf8)) == version, "\(line)")
    }

    @Test func inMemoryDetectionForFastTests() throws {
        let fs = InMemoryFileSystem(files: [
            "/usr/lib/os-release": "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n",
            "/etc/lsb-release": "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=24.04\n",
        ])
        fs.addNode("/etc/os-release", .symlink("../usr/lib/os-release"))
        let detected = try OSDetector.detect(in: fs, configuredType: .ubuntu)
        #expect(detected == DetectedOS(type: .ubuntu, version: "24.04"))
        let report = OSDetector.report(in: fs, configuredType: nil)
        #expect(report.osReleaseFile == "/etc/os-release")
        #expect(report.idLike == ["debian"])
        #expect(
            report.decidedBy
                == Evidence(file: "/etc/os-release", line: 1, text: "ID=ubuntu", rule: "os-release ID is a plugin name")
        )
        #expect(report.versionFrom?.line == 2)
    }

    @Test func errorCarriesWarningsAndFile() {
        let fs = InMemoryFileSystem(files: ["/etc/os-release": "ID=foo\n"])
        do {
            _ = try OSDetector.detect(in: fs, configuredType: nil)
            Issue.record("accepted an unknown distribution")
        } catch {
            #expect(error.message == "unable to detect OS distribution")
            #expect(error.description == error.message)
            #expect(error.warnings == ["unknown ID 'foo' in /etc/os-release file, trying fallback detection"])
            #expect(error.file == "/etc/os-release")
        }
    }

    @Test func emptyConfiguredTypeCountsAsUnset() throws {
        let fs = InMemoryFileSystem(files: ["/etc/arch-release": ""])
        #expect(try OSDetector.detect(in: fs, configuredType: OSType("")).warnings.isEmpty)
        #expect(
            try OSDetector.detect(in: fs, configuredType: OSType("foo")).warnings == [
                "got unexpected ostype (archlinux != foo)"
            ])
    }

    @Test func pluginTables() {
        #expect(OSDetector.plugins.count == 12)
        #expect(Set(OSDetector.plugins.keys) == Set(OSType.all.map(\.rawValue)))
        #expect(OSDetector.aliases.count == 8)
    }

    @Test func architectureOfTheUnmanagedPluginIsNothing() throws {
        #expect(try OSDetector.architecture(in: InMemoryFileSystem(), for: .unmanaged) == nil)
    }
}
