import Glibc
import PVEGuestOS
import PVESystem
import PVETestSupport
import Testing

/// Detection on hostile rootfs trees built at test time (objects git cannot store): nothing
/// blocks, nothing outside the root is read, and errors are Proxmox's or clearly ours.
@Suite struct HostileDetectionTests {
    let tree = Cleanup(TestFiles.makeTemporaryDirectory(prefix: "pve-hostile-detect"))
    var dir: String { tree.path }
    var root: String { dir + "/root" }

    init() {
        mkdir(dir + "/root", 0o755)
        mkdir(dir + "/root/etc", 0o755)
        mkdir(dir + "/root/bin", 0o755)
        mkdir(dir + "/host", 0o755)
        TestFiles.write(dir + "/host/os-release", Array("ID=alpine\n".utf8))
        TestFiles.write(dir + "/host/debian_version", Array("12.4\n".utf8))
    }

    func file(_ guest: String, _ text: String) { TestFiles.write(root + guest, Array(text.utf8)) }
    func link(_ guest: String, _ target: String) { symlink(target, root + guest) }

    func detect(_ configured: OSType? = nil) throws -> DetectionReport {
        OSDetector.report(in: try RootFS(path: root), configuredType: configured)
    }

    @Test func fifoVersionFileIsAnErrorNotAHang() throws {
        file("/etc/os-release", "ID=debian\n")
        mkfifo(root + "/etc/debian_version", 0o644)
        let report = try detect()
        #expect(
            report.error == "file '/etc/debian_version' exists but open for reading failed - not a regular file (FIFO)")
    }

    @Test func fifoOsReleaseIsSkippedLikePerlsDashF() throws {
        mkfifo(root + "/etc/os-release", 0o644)
        file("/etc/alpine-release", "3.20.1\n")
        let report = try detect()
        #expect(report.detected == DetectedOS(type: .alpine, version: "3.20.1"))
        #expect(report.osReleaseFile == nil)
    }

    @Test func linksToHostFilesAreResolvedInsideTheGuest() throws {
        link("/etc/os-release", dir + "/host/os-release")  // absolute host path
        link("/etc/debian_version", "../../../host/debian_version")  // climbs out
        let report = try detect()
        #expect(report.detected?.type == .unmanaged)
        #expect(
            report.warnings == ["/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'"])
    }

    @Test func etcAsALinkToTheHost() throws {
        rmdir(root + "/etc")
        link("/etc", dir + "/host")
        let report = try detect(.debian)
        #expect(report.detected?.type == .unmanaged)
        #expect(
            report.warnings == [
                "/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'",
                "WARNING: /etc not present in CT, is the rootfs mounted?",
                "got unexpected ostype (unmanaged != debian)",
            ])
    }

    @Test func etcLinkLoop() throws {
        rmdir(root + "/etc")
        link("/etc", "etc")
        let report = try detect()
        #expect(report.detected?.type == .unmanaged)
    }

    @Test func oversizedOsReleaseIsRefusedLikeProxmox() throws {
        file("/etc/os-release", "ID=debian\n" + String(repeating: "#", count: 1_100_000) + "\n")
        file("/etc/debian_version", "12\n")
        let report = try detect()
        #expect(report.warnings == ["file '/etc/os-release' too long - aborting"])
        #expect(report.error == "error in setup task PVE::LXC::Setup::get_ct_os_release")
        #expect(throws: DetectionError.self) { try OSDetector.detect(in: try RootFS(path: root), configuredType: nil) }
    }

    @Test func shellLinkedToADevice() throws {
        file("/etc/os-release", "ID=arch\n")
        link("/bin/sh", "/dev/zero")
        let fs = try RootFS(path: root)
        #expect(
            throws: DetectionError(
                "open '/bin/sh' failed: No such file or directory", file: "/bin/sh",
                underlying: FileError(
                    code: .notFound, path: "/bin/sh", operation: "read", errno: ENOENT,
                    reason: "no such file or directory"))
        ) {
            _ = try OSDetector.architecture(in: fs)
        }
        mkdir(root + "/dev", 0o755)
        guard mknod(root + "/dev/zero", S_IFCHR | 0o666, dev_t(1 << 8 | 5)) == 0 else { return }  // needs root
        do {
            _ = try OSDetector.architecture(in: fs)
            Issue.record("read a device")
        } catch {
            #expect(error.message == "open '/bin/sh' failed: not a regular file (character device)")
        }
    }

    @Test func shellAsFifoAndLoop() throws {
        mkfifo(root + "/bin/sh", 0o755)
        let fs = try RootFS(path: root)
        #expect(throws: DetectionError.self) { _ = try OSDetector.architecture(in: fs) }
        unlink(root + "/bin/sh")
        link("/bin/sh", "/bin/sh")
        do {
            _ = try OSDetector.architecture(in: fs)
            Issue.record("followed a loop")
        } catch {
            #expect(error.message == "open '/bin/sh' failed: Too many levels of symbolic links")
        }
    }
}

extension HostileDetectionTests {
    /// Swift Testing creates one suite instance per test; this removes its tree afterwards.
    final class Cleanup: Sendable {
        let path: String
        init(_ path: String) { self.path = path }
        deinit { TestFiles.removeTree(path) }
    }
}
