import PVECore
import PVEGuestOS
import PVESystem
import PVETestSupport
import Testing

@testable import PVEGuestSetup

/// The non-Debian families end to end on in-memory guests: version handling and gates, every
/// family idempotent (a second run changes nothing) and untouched by a dry run, error paths.
@Suite struct FamiliesHookTests {
    static let host = HostEnvironment(search: "proxmox.com", nameservers: ["8.8.8.8", "8.8.8.9"], timezone: "Etc/UTC")

    static let passwd = "root:x:0:0:root:/root:/bin/bash\n"
    static let shadow = "root:!locked::0:99999:7:::\n"

    /// A small guest of each family (files only) and the detected OS handed to the engine.
    static func guest(_ family: String) -> (files: [String: String], os: DetectedOS) {
        var files = [
            "/etc/passwd": passwd, "/etc/shadow": shadow, "/root/.bashrc": "",
            "/usr/lib/systemd/system/container-getty@.service": "ExecStart=-/sbin/agetty pts/%I\n",
            "/etc/systemd/system/getty.target.wants/.keep": "",
            "/etc/crontab": "17 * * * * root run-parts /etc/cron.hourly\n",
            "/etc/hosts": "127.0.0.1 localhost\n127.0.1.1 LXC_NAME\n",
        ]
        switch family {
        case "centos6":
            files["/etc/redhat-release"] = "CentOS release 6.10 (Final)\n"
            files["/etc/rc.d/rc.sysinit"] = "/sbin/start_udev\n"
            files["/etc/sysconfig/network"] = "NETWORKING=no\n"
            return (files, DetectedOS(type: .centos, version: "6.10"))
        case "centos7":
            files["/etc/redhat-release"] = "CentOS Linux release 7.9.2009 (Core)\n"
            files["/etc/securetty"] = "console\n"
            return (files, DetectedOS(type: .centos, version: "7.9"))
        case "rocky10":
            files["/etc/redhat-release"] = "Rocky Linux release 10.0 (Red Quartz)\n"
            return (files, DetectedOS(type: .centos, version: "10.0"))
        case "fedora26":
            files["/etc/os-release"] = "ID=fedora\nVERSION_ID=26\n"
            files["/etc/redhat-release"] = "Fedora release 26 (Twenty Six)\n"
            files["/etc/sysconfig/network"] = ""
            return (files, DetectedOS(type: .fedora, version: "26"))
        case "fedora40":
            files["/etc/os-release"] = "ID=fedora\nVERSION_ID=40\n"
            files["/etc/redhat-release"] = "Fedora release 40 (Forty)\n"
            return (files, DetectedOS(type: .fedora, version: "40"))
        case "openeuler":
            files["/etc/os-release"] = "ID=\"openEuler\"\nVERSION_ID=\"24.03\"\n"
            files["/etc/redhat-release"] = "openEuler release 24.03 (LTS)\n"
            return (files, DetectedOS(type: .openeuler, version: "24.03"))
        case "arch":
            files["/etc/os-release"] = "ID=arch\n"
            return (files, DetectedOS(type: .archlinux, version: ""))
        case "suse":
            files["/etc/os-release"] = "ID=\"opensuse-leap\"\nVERSION_ID=\"15.5\"\n"
            files["/usr/lib/systemd/systemd-networkd"] = ""
            files["/etc/sysconfig/network/ifroute-eth1"] = "10.9.0.0/16 10.0.0.254 - eth1\n"
            return (files, DetectedOS(type: .opensuse, version: "15.5"))
        case "gentoo":
            files["/etc/gentoo-release"] = "Gentoo Base System release 2.14\n"
            files["/etc/inittab"] = "c1:12345:respawn:/sbin/agetty 38400 tty1 linux\n"
            files["/etc/conf.d/hostname"] = "hostname=\"localhost\"\n"
            files["/etc/init.d/net.lo"] = ""
            return (files, DetectedOS(type: .gentoo, version: ""))
        case "nixos":
            files["/etc/os-release"] = "ID=nixos\n"
            files["/usr/share/zoneinfo/Europe/Paris"] = "TZif2\n"
            return (files, DetectedOS(type: .nixos, version: ""))
        default:
            return (files, DetectedOS(type: .unmanaged, version: ""))
        }
    }

    static let families = [
        "centos6", "centos7", "rocky10", "fedora26", "fedora40", "openeuler", "arch", "suse", "gentoo", "nixos",
        "unmanaged",
    ]

    static let configText = """
        hostname: ct.example.com
        timezone: Europe/Paris
        net0: name=eth0,bridge=vmbr0,ip=192.168.1.5/24,gw=10.0.0.1,ip6=fd00::5/64,gw6=fd01::1
        net1: name=eth1,bridge=vmbr0,ip=dhcp,ip6=auto
        net2: name=eth2,bridge=vmbr0,ip=manual,ip6=dhcp

        """

    static func filesystem(_ files: [String: String]) -> InMemoryFileSystem {
        let fs = InMemoryFileSystem()
        for (path, content) in files {
            if path.hasSuffix("/.keep") {
                fs.addNode(String(path.dropLast(6)), .directory(mode: 0o755, owner: .root))
            } else {
                fs.addFile(path, content, mode: path.hasSuffix("systemd-networkd") ? 0o755 : 0o644)
            }
        }
        return fs
    }

    static func snapshot(_ fs: InMemoryFileSystem) -> [String: InMemoryFileSystem.Node] {
        var out: [String: InMemoryFileSystem.Node] = [:]
        for path in fs.allPaths { out[path] = fs.node(path) }
        return out
    }

    /// Kinds and contents only (no modes): Proxmox itself rewrites `authorized_keys` with the
    /// default mode on a second run (created 0700, then 0644), which the engine reproduces.
    static func contents(_ fs: InMemoryFileSystem) -> [String: String] {
        var out: [String: String] = [:]
        for path in fs.allPaths {
            switch fs.node(path) {
            case .file(let bytes, _, _)?: out[path] = "file:" + String(decoding: bytes, as: UTF8.self)
            case .symlink(let target)?: out[path] = "link:" + target
            case .directory?: out[path] = "dir"
            default: out[path] = "other"
            }
        }
        return out
    }

    static func apply(
        _ hook: SetupHook, _ fs: InMemoryFileSystem, _ os: DetectedOS, config: String = configText, dryRun: Bool = false
    ) throws(SetupError) -> [OverlayFileSystem.Change] {
        let parsed = try GuestSetupConfig(configText: config)
        return try GuestSetup.apply(
            hook, os: os, on: fs, config: parsed, host: host, now: 1_700_000_000, seed: 0,
            rootPassword: "$5$SALT$PASS", sshKeys: "ssh-rsa ABCDEFG ABC@DEF", dryRun: dryRun
        ).changes
    }

    @Test(arguments: families, SetupHook.allCases)
    func idempotent(_ family: String, _ hook: SetupHook) throws {
        let (files, os) = Self.guest(family)
        let fs = Self.filesystem(files)
        _ = try Self.apply(hook, fs, os)
        let first = Self.contents(fs)
        let second = try Self.apply(hook, fs, os).filter { $0.path != "/root/.ssh/authorized_keys" }
        #expect(second.isEmpty, "\(family) \(hook): second run changed \(second.map(\.path))")
        #expect(Self.contents(fs) == first)
    }

    @Test(arguments: families, SetupHook.allCases)
    func dryRunWritesNothing(_ family: String, _ hook: SetupHook) throws {
        let (files, os) = Self.guest(family)
        let fs = Self.filesystem(files)
        let before = Self.snapshot(fs)
        let changes = try Self.apply(hook, fs, os, dryRun: true)
        #expect(Self.snapshot(fs) == before)
        if family != "unmanaged" && hook != .postClone { #expect(!changes.isEmpty, "\(family) \(hook)") }
    }

    @Test func unmanagedTouchesNothing() throws {
        let (files, os) = Self.guest("unmanaged")
        for hook in SetupHook.allCases {
            let fs = Self.filesystem(files)
            let before = Self.snapshot(fs)
            #expect(try Self.apply(hook, fs, os).isEmpty)
            #expect(Self.snapshot(fs) == before)
        }
        #expect(UnmanagedFamily().sshHostKeyTypes.isEmpty)
    }

    @Test func centOS7PostCreate() throws {
        let (files, os) = Self.guest("centos7")
        let fs = Self.filesystem(files)
        _ = try Self.apply(.postCreate, fs, os)
        #expect(fs.contents("/etc/hostname") == "ct.example.com\n")
        #expect(fs.contents("/etc/locale.conf") == "LANG=C.utf8")
        #expect(fs.contents("/etc/securetty") == "console\nlxc/console\nlxc/tty1\nlxc/tty2\nlxc/tty3\nlxc/tty4\n")
        #expect(fs.node("/etc/systemd/system/sys-kernel-config.mount") == .symlink("/dev/null"))
        #expect(fs.node("/etc/systemd/system-preset/00-pve.preset") == nil)
        #expect(
            fs.contents("/etc/sysconfig/network-scripts/route-eth0")
                == "# --- BEGIN PVE ---\n10.0.0.1 dev eth0\ndefault via 10.0.0.1 dev eth0\n# --- END PVE ---\n")
        #expect(fs.contents("/etc/sysconfig/network-scripts/ifcfg-eth2")?.contains("BOOTPROTO=none\nIPV6INIT=yes\nDHCPV6C=yes\n") == true)
        #expect(
            fs.contents("/etc/hosts")
                == "127.0.0.1 localhost\n# --- BEGIN PVE ---\n::1 localhost.localnet localhost\n192.168.1.5 ct.example.com ct\n# --- END PVE ---\n")
    }

    @Test func centOS6UpstartAndSysconfig() throws {
        let (files, os) = Self.guest("centos6")
        let fs = Self.filesystem(files)
        _ = try Self.apply(.postCreate, fs, os)
        #expect(fs.contents("/etc/init/tty.conf") == RedHatSetup.ttyConf)
        #expect(fs.contents("/etc/init/start-ttys.conf") == RedHatSetup.startTTYsConf)
        #expect(fs.contents("/etc/rc.d/rc.sysinit") == "#/sbin/start_udev\n")
        #expect(fs.contents("/etc/sysconfig/network") == "NETWORKING=yes\nNETWORKING_IPV6=yes\nHOSTNAME=ct.example.com\n")
    }

    @Test func rocky10WritesKeyfilesWithMode0600() throws {
        let (files, os) = Self.guest("rocky10")
        let fs = Self.filesystem(files)
        _ = try Self.apply(.preStart, fs, os)
        guard case .file(_, let mode, _)? = fs.node("/etc/NetworkManager/system-connections/eth1.nmconnection") else {
            Issue.record("no keyfile")
            return
        }
        #expect(mode == 0o600)
        #expect(fs.node("/etc/sysconfig/network-scripts") == nil)
    }

    @Test func fedoraPicksWritersByVersion() throws {
        let (old, oldOS) = Self.guest("fedora26")
        let fs26 = Self.filesystem(old)
        _ = try Self.apply(.preStart, fs26, oldOS)
        #expect(fs26.contents("/etc/systemd/network/eth0.network") != nil)
        #expect(fs26.contents("/etc/NetworkManager/system-connections/eth0.nmconnection") != nil)
        let (new, newOS) = Self.guest("fedora40")
        let fs40 = Self.filesystem(new)
        _ = try Self.apply(.preStart, fs40, newOS)
        #expect(fs40.contents("/etc/systemd/network/eth0.network") != nil)
        #expect(fs40.node("/etc/NetworkManager") == nil)
        #expect(fs40.contents("/etc/systemd/system-preset/00-pve.preset")?.hasSuffix("enable systemd-networkd.service\n") == true)
    }

    @Test func suseKeepsUserRoutesAndWritesNetworkd() throws {
        let (files, os) = Self.guest("suse")
        let fs = Self.filesystem(files)
        _ = try Self.apply(.postCreate, fs, os)
        #expect(fs.contents("/etc/sysconfig/network/ifroute-eth1") == "10.9.0.0/16 10.0.0.254 - eth1\n")
        #expect(fs.contents("/etc/sysconfig/network/ifcfg-eth2") == "STARTMODE=onboot\nBOOTPROTO=dhcp6\n")
        #expect(fs.node("/etc/localtime") == .symlink("/usr/share/zoneinfo/UTC"))
        #expect(fs.contents("/etc/systemd/network/eth1.network") != nil)
    }

    @Test func gentooWritesConfDAndLinks() throws {
        let (files, os) = Self.guest("gentoo")
        let fs = Self.filesystem(files)
        _ = try Self.apply(.postCreate, fs, os)
        #expect(fs.contents("/etc/conf.d/hostname") == "hostname=\"ct\"\n")
        // Every line was a getty line: Proxmox joins the empty remainder into a blank first line.
        #expect(fs.contents("/etc/inittab") == "\n1::respawn:/sbin/agetty 38400 tty1\n2::respawn:/sbin/agetty 38400 tty2\n")
        #expect(fs.node("/etc/init.d/net.eth0") == .symlink("net.lo"))
        #expect(fs.node("/etc/init.d/net.eth2") == nil)
        #expect(fs.contents("/etc/conf.d/net")?.hasPrefix("# --- BEGIN PVE ---\nmodules=\"$modules ifconfig\"\nconfig_eth0=") == true)
    }

    @Test func nixOSLeavesTimeZoneAndInitAlone() throws {
        let (files, os) = Self.guest("nixos")
        let fs = Self.filesystem(files)
        _ = try Self.apply(.postCreate, fs, os)
        #expect(fs.node("/etc/localtime") == nil)
        #expect(fs.node("/etc/systemd/system-preset") == nil)
        #expect(fs.contents("/etc/systemd/network/eth0.network") != nil)
        #expect(fs.contents("/etc/hostname") == "ct\n")
    }

    // MARK: Versions and gates

    @Test(arguments: [
        ("CentOS Linux release 7.9.2009 (Core)", "7.9"), ("CentOS Stream release 8", "8"),
        ("CentOS release 6.10 (Final)", "6.10"), ("Rocky Linux release 10.0 (Red Quartz)", "10.0"),
        ("Fedora release 26 (Twenty Six)", "26"), ("release 5 then release 6.1", "6.1"),
        ("release\t9", "9"), ("release 9.", "9"),
    ])
    func centOSVersion(_ line: String, _ version: String) throws {
        #expect(try CentOSFamily.parseVersion(line) == version)
    }

    @Test(arguments: ["CentOS Linux", "releases 7", "release7", "Release 7"])
    func centOSVersionUnparsable(_ line: String) {
        #expect(throws: SetupError("unable to parse centos version '\(line)'")) { try CentOSFamily.parseVersion(line) }
    }

    @Test(arguments: [("4.8", true), ("11.0", true), ("5", false), ("10.9", false), ("x", true)])
    func centOSGate(_ version: String, _ fails: Bool) {
        if fails {
            #expect(throws: SetupError("unsupported centos version '\(version)'")) { try CentOSFamily(version: version) }
        } else {
            #expect(throws: Never.self) { try CentOSFamily(version: version) }
        }
    }

    @Test func fedoraAndOpenEulerGates() {
        #expect(throws: SetupError("unsupported Fedora release '21'")) { try FedoraFamily(version: "21") }
        #expect(throws: SetupError("unsupported Fedora release 'rawhide'")) { try FedoraFamily(version: "rawhide") }
        #expect(throws: SetupError("unsupported openEuler release '22.03'")) { try OpenEulerFamily(version: "22.03") }
        #expect(throws: Never.self) { try OpenEulerFamily(version: "24.03") }
    }

    /// Without a version from detection, the families read and check the guest's release files.
    @Test(arguments: [
        ("/etc/redhat-release", "CentOS release 4.8 (Final)\n", OSType.centos, "unsupported centos version '4.8'"),
        ("/etc/redhat-release", "CentOS Linux\n", OSType.centos, "unable to parse centos version 'CentOS Linux'"),
        ("/etc/other", "", OSType.centos, "unable to read version info"),
        ("/etc/os-release", "ID=fedora\nVERSION_ID=21\n", OSType.fedora, "unsupported Fedora release '21'"),
        ("/etc/os-release", "ID=fedora\n", OSType.fedora, "unsupported Fedora release ''"),
        ("/etc/os-release", "ID=openEuler\nVERSION_ID='22.03'\n", OSType.openeuler, "unsupported openEuler release '22.03'"),
        ("/etc/os-release", "ID=sles\nVERSION_ID=\"11.4\"\n", OSType.opensuse, "unsupported suse release '11.4'"),
        ("/etc/os-release", "ID=opensuse-leap\nVERSION_ID=\"12.3\"\n", OSType.opensuse, "unsupported suse release '12.3'"),
        ("/etc/os-release", "ID=x\nVERSION_ID=20161231\n", OSType.opensuse, "unsupported suse tumbleweed release '20161231'"),
        (
            "/etc/os-release", "ID=x\nVERSION_ID=15\n", OSType.opensuse,
            "unrecognized suse release at /usr/share/perl5/PVE/LXC/Setup/SUSE.pm line 37."
        ),
        ("/etc/gentoo-release", "Gentoo Linux\n", OSType.gentoo, "unrecognized gentoo version: Gentoo Linux"),
        ("/etc/other", "", OSType.gentoo, "unable to read version info"),
    ])
    func gatesFromGuestFiles(_ path: String, _ content: String, _ type: OSType, _ message: String) throws {
        let fs = Self.filesystem([path: content, "/etc/hosts": "127.0.0.1 localhost\n"])
        let before = Self.snapshot(fs)
        #expect(throws: SetupError.self) { try Self.apply(.postCreate, fs, DetectedOS(type: type, version: "")) }
        do {
            _ = try Self.apply(.postCreate, fs, DetectedOS(type: type, version: ""))
        } catch {
            #expect(error.message == message)
        }
        #expect(Self.snapshot(fs) == before)
    }

    @Test func versionsReadFromGuestFilesWhenDetectionHasNone() throws {
        let fs = Self.filesystem(["/etc/os-release": "ID=sles\nVERSION_ID=\"12.5\"\n", "/etc/hosts": ""])
        _ = try Self.apply(.preStart, fs, DetectedOS(type: .opensuse, version: ""))
        #expect(fs.contents("/etc/sysconfig/network/ifcfg-eth1") == "STARTMODE=onboot\nBOOTPROTO=dhcp4\n")
        let rh = Self.filesystem(["/etc/redhat-release": "CentOS Stream release 9\n"])
        _ = try Self.apply(.preStart, rh, DetectedOS(type: .centos, version: ""))
        #expect(rh.contents("/etc/systemd/system-preset/00-pve.preset") != nil)
    }

    @Test(arguments: [
        (
            "A=1\nB='x y'\nC=\"a\\\"b\\n\"\nD=abc-def\nE=\"open\nF='open\n  G=spaced\n1H=no\n",
            [
                "A": "1", "B": "x y", "C": "a\"b\n", "D": "abc", "E": "", "F": "", "G": "spaced",
            ]
        )
    ])
    func osReleaseParsing(_ text: String, _ expected: [String: String]) {
        #expect(OSRelease(proxmox: Array(text.utf8)).values == expected)
    }

    // MARK: Error paths inside the hooks

    @Test func missingRedHatReleaseFailsTheNetworkStep() {
        var files = Self.guest("openeuler").files
        files["/etc/redhat-release"] = nil
        let fs = Self.filesystem(files)
        let before = Self.snapshot(fs)
        do {
            _ = try Self.apply(.postCreate, fs, DetectedOS(type: .openeuler, version: "24.03"))
            Issue.record("no error")
        } catch {
            #expect(error.message == "can't open '/etc/redhat-release' - No such file or directory")
            #expect(error.step == "setup_network")
        }
        #expect(Self.snapshot(fs) == before)
    }

    @Test func gentooNeedsInittabAndHostnameFile() {
        var files = Self.guest("gentoo").files
        files["/etc/inittab"] = nil
        do {
            _ = try Self.apply(.preStart, Self.filesystem(files), DetectedOS(type: .gentoo, version: ""))
            Issue.record("no error")
        } catch {
            #expect(error.message == "can't open '/etc/inittab' - No such file or directory")
        }
        files = Self.guest("gentoo").files
        files["/etc/conf.d/hostname"] = nil
        files["/etc/conf.d/net"] = "config_eth0=\"dhcp\"\n"
        do {
            _ = try Self.apply(.preStart, Self.filesystem(files), DetectedOS(type: .gentoo, version: ""))
            Issue.record("no error")
        } catch {
            #expect(error.message.hasPrefix("Can't call method \"close\" on an undefined value"))
        }
    }

    @Test func centOS6NeedsRcSysinit() {
        var files = Self.guest("centos6").files
        files["/etc/rc.d/rc.sysinit"] = nil
        do {
            _ = try Self.apply(.postCreate, Self.filesystem(files), DetectedOS(type: .centos, version: "6.10"))
            Issue.record("no error")
        } catch {
            #expect(error.message == "can't open '/etc/rc.d/rc.sysinit' - No such file or directory")
            #expect(error.step == "template_fixup")
        }
    }

    @Test(arguments: [
        ("exec /sbin/mingetty $TTY\n", "exec /sbin/mingetty --nohangup $TTY\n"),
        ("exec /sbin/mingetty --nohangup $TTY\n", "exec /sbin/mingetty --nohangup $TTY\n"),
        ("exec /sbin/mingetty $TTY # --nohangup\n", "exec /sbin/mingetty $TTY # --nohangup\n"),
        ("exec /sbin/mingetty\n  exec /sbin/mingetty x", "exec /sbin/mingetty\n  exec /sbin/mingetty x"),
        ("a\nexec /sbin/mingetty  x", "a\nexec /sbin/mingetty --nohangup  x"),
    ])
    func upstartNoHangup(_ input: String, _ output: String) {
        #expect(RedHatSetup.addNoHangup(Array(input.utf8)) == Array(output.utf8))
    }

    @Test(arguments: [
        ("HOSTNAME=old\n", "HOSTNAME=new\n"),
        ("A=1\nHOSTNAME= old \t\nB=2", "A=1\nHOSTNAME=new\nB=2"),
        ("HOSTNAME=\nHOSTNAME=two words\nHOSTNAME=x", "HOSTNAME=\nHOSTNAME=two words\nHOSTNAME=new"),
        ("", "HOSTNAME=new\n"),
        ("# keep", "# keepHOSTNAME=new\n"),
        (" HOSTNAME=x\n", " HOSTNAME=x\nHOSTNAME=new\n"),
    ])
    func sysconfigHostname(_ input: String, _ output: String) {
        #expect(RedHatSetup.setHostnameLine(Array(input.utf8), "new") == Array(output.utf8))
    }

    @Test(arguments: [("7.9", 7.9), ("10", 10), (" 8x", 8), ("rawhide", 0), ("", 0), ("24.03", 24.03), ("-1", -1)])
    func perlNumbers(_ text: String, _ value: Double) {
        #expect(PerlNumber.value(of: text) == value)
    }
}
