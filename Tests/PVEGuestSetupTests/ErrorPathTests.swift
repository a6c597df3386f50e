import PVEGuestOS
import PVESystem
import PVETestSupport
import Testing

@testable import PVEGuestSetup

/// One test per error the engine can raise; each checks Proxmox's text and that nothing was written.
@Suite struct ErrorPathTests {
    static let host = HostEnvironment(search: "proxmox.com", nameservers: ["8.8.8.8"], timezone: "Etc/UTC")

    func apply(
        _ fs: InMemoryFileSystem, _ config: String, os: DetectedOS = DetectedOS(type: .debian, version: "12"),
        hook: SetupHook = .postCreate, keys: String? = "ssh-rsa K c"
    ) -> SetupError? {
        let before = Dictionary(uniqueKeysWithValues: fs.allPaths.map { ($0, fs.node($0)) })
        do {
            let config = try GuestSetupConfig(configText: config)
            _ = try GuestSetup.apply(hook, os: os, on: fs, config: config, host: Self.host, now: 1_700_000_000, seed: 0, sshKeys: keys)
            return nil
        } catch {
            // Rolled back: every old node as it was; only new (empty) directories may remain.
            for path in fs.allPaths {
                if let old = before[path] {
                    #expect(fs.node(path) == old, "\(path) changed after \(error)")
                } else if case .directory? = fs.node(path) {
                } else {
                    Issue.record("\(path) left behind after \(error)")
                }
            }
            for path in before.keys { #expect(fs.node(path) != nil, "\(path) removed after \(error)") }
            return error
        }
    }

    static func debianTree() -> InMemoryFileSystem {
        InMemoryFileSystem(files: ["/etc/debian_version": "12.1\n", "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\n", "/root/.keep": ""])
    }

    @Test func badIdmap() {
        let e = apply(Self.debianTree(), "lxc.idmap: u 0 100000\n")
        #expect(e?.message == "failed to parse idmap: u 0 100000")
    }

    @Test func idmapWithLetters() {
        let e = apply(Self.debianTree(), "lxc.idmap: u 0 1x 65536\n")
        #expect(e?.message == "failed to parse idmap: u 0 1x 65536")
    }

    @Test func homeDirectoryMissing() {
        let fs = InMemoryFileSystem(files: ["/etc/debian_version": "12\n", "/etc/passwd": "root:x:0:0:root:/nohome:/bin/sh\n"])
        let e = apply(fs, "hostname: a\n")
        #expect(e?.message == "home directory '/nohome' of root does not exist!")
        #expect(e?.step == "set_user_authorized_ssh_keys")
    }

    @Test func ipv4FormatError() {
        let e = apply(Self.debianTree(), "net0: name=eth0,ip=1.2.3.4/5\n")
        #expect(e?.message == "format error\nip: invalid format - value does not look like a valid ipv4 network configuration")
        #expect(e?.step == "setup_network")
    }

    @Test func ipv6FormatError() {
        let e = apply(Self.debianTree(), "net0: name=eth0,ip6=zz::1/64\n")
        #expect(e?.message == "format error\nip6: invalid format - value does not look like a valid ipv6 network configuration")
    }

    @Test func writeIntoADirectory() {
        let fs = Self.debianTree()
        fs.addNode("/etc/hostname", .directory(mode: 0o755, owner: .root))
        let e = apply(fs, "hostname: a\n")
        #expect(e?.message == "close (rename) atomic file '/etc/hostname' failed: Is a directory")
        #expect(e?.path == "/etc/hostname")
    }

    @Test func parentDirectoryMissing() {
        let fs = InMemoryFileSystem(files: ["/etc/lsb-release": "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\n", "/root/.keep": ""])
        let e = apply(fs, "hostname: a\n", os: DetectedOS(type: .ubuntu, version: "14.04"))
        #expect(e?.message.hasPrefix("unable to open file '/etc/init/tty1.conf.tmp.") == true)
    }

    @Test func injectedWriteFailure() {
        let fs = Self.debianTree()
        fs.failWrites(to: "/etc/hostname")
        let e = apply(fs, "hostname: a\n")
        #expect(e?.message.contains("/etc/hostname") == true)
    }

    @Test func commitFailureIsReported() throws {
        let fs = Self.debianTree()
        fs.failWrites(to: "/etc/resolv.conf")
        // The overlay does not know about the injected failure; the commit hits it.
        let e = apply(fs, "hostname: a\n")
        #expect(e != nil)
    }

    @Test func systemdNotELF() {
        let fs = Self.debianTree()
        fs.addFile("/lib/systemd/systemd", "#!/bin/sh\n", mode: 0o755)
        fs.addNode("/sbin/init", .symlink("/lib/systemd/systemd"))
        let e = apply(fs, "hostname: a\n")
        #expect(e?.message == "objdump on /lib/systemd/systemd failed: file format not recognized")
        #expect(e?.step == "check_systemd_nesting")
    }

    @Test func systemdMissing() {
        let fs = Self.debianTree()
        fs.addNode("/usr/lib/systemd", .directory(mode: 0o755, owner: .root))
        fs.addNode("/sbin/init", .symlink("/usr/lib/systemd/systemd"))
        let e = apply(fs, "hostname: a\n", hook: .preStart)
        #expect(e?.message == "objdump on /usr/lib/systemd/systemd failed: No such file")
    }

    @Test func initLinkDepth() {
        let fs = Self.debianTree()
        fs.addNode("/sbin/init", .symlink("/a"))
        fs.addNode("/a", .symlink("/b"))
        fs.addNode("/b", .symlink("/a"))
        let e = apply(fs, "hostname: a\n", hook: .postClone)
        #expect(e == nil || e?.message.contains("maximal link depth") == true || e?.message.contains("objdump") == true)
    }

    /// Proxmox resolves each step with `abs_path`, which already follows the whole chain: a loop
    /// gives `undef` (no error), a chain gives its final target.
    @Test func readLinkRecursiveLoopIsNil() throws {
        let fs = InMemoryFileSystem()
        for i in 0..<12 { fs.addNode("/l\(i)", .symlink("l\(i + 1)")) }
        fs.addNode("/l12", .symlink("l0"))
        fs.addNode("/m0", .symlink("m1"))
        fs.addNode("/m1", .symlink("/bin/target"))
        fs.addFile("/bin/target", "")
        let ctx = try SetupContext(fs: fs, config: GuestSetupConfig(), now: 0)
        #expect(try ctx.readLinkRecursive("/l0") == nil)
        #expect(try ctx.readLinkRecursive("/m0") == "/bin/target")
    }

    @Test func missingFileText() throws {
        let ctx = try SetupContext(fs: InMemoryFileSystem(), config: GuestSetupConfig(), now: 0)
        #expect(throws: SetupError("can't open '/etc/x' - No such file or directory", path: "/etc/x")) { try ctx.contents("/etc/x") }
    }

    @Test func udevConfMissingOnUbuntu1204() {
        let fs = InMemoryFileSystem(files: ["/etc/init/.keep": "", "/root/.keep": ""])
        let e = apply(fs, "hostname: a\n", os: DetectedOS(type: .ubuntu, version: "12.04"))
        #expect(e?.message == "can't open '/etc/udev/udev.conf' - No such file or directory")
        #expect(e?.step == "template_fixup")
    }

    @Test func timezoneHostWithoutLocaltime() throws {
        let fs = Self.debianTree()
        var config = try GuestSetupConfig(configText: "timezone: host\n")
        config.hostname = "a"
        var host = Self.host
        host.localtime = nil
        do {
            _ = try GuestSetup.apply(.preStart, os: DetectedOS(type: .debian, version: "12"), on: fs, config: config, host: host, now: 0, seed: 0)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "invalid /etc/localtime")
        }
    }

    @Test(arguments: [
        (DetectedOS(type: .debian, version: "3"), "Container Debian version '3' is too old"),
        (DetectedOS(type: .debian, version: "sid"), "unable to parse version info 'sid'"),
        (DetectedOS(type: .devuan, version: "freia"), "unsupported Devuan version 'freia'"),
        (DetectedOS(type: .ubuntu, version: "10.04"), "unsupported ancient Ubuntu version '10.04'"),
        (DetectedOS(type: .ubuntu, version: "24"), "unsupported and unexpected Ubuntu version '24'"),
        (DetectedOS(type: OSType("plan9"), version: ""), "no such OS type 'plan9'"),
    ])
    func familyConstruction(_ os: DetectedOS, _ message: String) {
        #expect(throws: SetupError(message)) { try GuestFamilies.family(for: os, config: GuestSetupConfig()) }
    }

    @Test func sshKeygenFailure() throws {
        struct Failing: SSHHostKeyGenerator {
            func generate(type: String, comment: String) throws(SetupError) -> (fingerprint: String, privateKey: [UInt8], publicKey: [UInt8]) {
                throw SetupError("command 'ssh-keygen' failed: exit code 1")
            }
        }
        let fs = Self.debianTree()
        fs.addFile("/etc/ssh/sshd_config", "")
        let config = try GuestSetupConfig(configText: "hostname: a\n")
        do {
            _ = try GuestSetup.apply(
                .postCreate, os: DetectedOS(type: .debian, version: "12"), on: fs, config: config, host: Self.host, now: 0, seed: 0,
                sshKeyGenerator: Failing())
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "command 'ssh-keygen' failed: exit code 1")
            #expect(error.step == "rewrite_ssh_host_keys")
            #expect(fs.contents("/etc/hostname") == nil)
        }
    }
}
