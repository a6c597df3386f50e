import Glibc
import PVERuntime
import PVETestSupport
import Testing

@testable import pve_guestsetup

/// `create` → `start` → `exec` → `set -hostname` + `reboot` → `push`/`pull` → `stop` → `destroy` on
/// real LXC containers made from a busybox-static template tarball this test builds, privileged
/// and unprivileged, and the failure paths that need LXC. Root only (skips with a message).
@Suite(.serialized) struct LifecycleIntegrationTests {
    static var skipReason: String? {
        if let reason = LXCTestHost.unavailableReason { return reason }
        if access("/bin/tar", X_OK) != 0 { return "/bin/tar is missing" }
        if access("/usr/bin/lxc-usernsexec", X_OK) != 0 { return "/usr/bin/lxc-usernsexec is missing (apt-get install lxc)" }
        if access("/sbin/ip", X_OK) != 0 && access("/usr/sbin/ip", X_OK) != 0 { return "ip is missing (iproute2)" }
        return nil
    }

    static func shell(_ script: String) -> CommandResult? {
        try? SpawnRunner().run(Command("/bin/sh", ["-c", script]), options: RunOptions(timeout: .seconds(60)))
    }

    /// A busybox-static rootfs whose init stops on SIGPWR (lxc-stop's halt signal), as a .tar.gz.
    static func buildTemplate(_ dir: String) -> String {
        let tarball = dir + "/busybox.tar.gz"
        let script = """
            set -e; t='\(dir)/tpl'; mkdir -p "$t/bin" "$t/sbin" "$t/etc" "$t/proc" "$t/sys" "$t/dev" "$t/tmp" "$t/root"
            cp /bin/busybox "$t/bin/busybox"
            for c in sh hostname ip sleep cat ls; do ln -s busybox "$t/bin/$c"; done
            printf '#!/bin/sh\\ntrap "exit 0" PWR TERM USR1 INT\\nwhile :; do sleep 1 & wait $!; done\\n' > "$t/sbin/init"
            chmod 755 "$t/sbin/init"
            tar -C "$t" --numeric-owner --owner=0 --group=0 -czf '\(tarball)' .
            """
        let result = shell(script)
        #expect(result?.status.isSuccess == true, "template: \(result.map { String(decoding: $0.standardError, as: UTF8.self) } ?? "")")
        return tarball
    }

    /// Runs `lxc-attach` in the container and returns its output.
    static func inside(_ vmid: String, _ lxcPath: String, _ command: [String]) -> String {
        let result = try? SpawnRunner().run(
            Command("/usr/bin/lxc-attach", ["-P", lxcPath, "-n", vmid, "--"] + command), options: RunOptions(timeout: .seconds(30)))
        return result?.outputText ?? ""
    }

    /// A bridge of its own for the test, removed after.
    static func withBridge(_ body: (String) throws -> Void) rethrows {
        let name = "pgs\(Int.random(in: 10000...99999))"
        _ = shell("ip link add \(name) type bridge && ip link set \(name) up")
        defer { _ = shell("ip link del \(name)") }
        try body(name)
    }

    func flow(unprivileged: Bool) throws {
        if let reason = Self.skipReason {
            print("skipping the lifecycle integration test: \(reason)")
            return
        }
        let s = LifecycleTests.Scratch()
        defer {
            _ = Self.shell("lxc-stop -P '\(s.lxc)' -n 901 --kill 2>/dev/null; umount -R '\(s.lxc)/901/rootfs' 2>/dev/null")
            s.remove()
        }
        let template = Self.buildTemplate(s.root)
        // lxc-usernsexec maps ids through newuidmap/newgidmap even for root, so the host's
        // /etc/subuid and /etc/subgid must give root its range: added for the test, restored after.
        let saved = ["/etc/subuid", "/etc/subgid"].map { ($0, TestFiles.read($0)) }
        defer {
            for (path, bytes) in saved {
                if let bytes { _ = TestFiles.write(path, bytes) } else { unlink(path) }
            }
        }
        if unprivileged {
            for (path, bytes) in saved where !SubordinateIDs.hasRootRange(String(decoding: bytes ?? [], as: UTF8.self)) {
                print("note: adding root:100000:65536 to \(path) for the test (restored after)")
                _ = TestFiles.write(path, (bytes ?? []) + Array("root:100000:65536\n".utf8))
            }
        }
        func run(_ args: [String]) -> LifecycleTests.Outcome { LifecycleTests.run(args + s.options) }
        Self.withBridge { bridge in
            let create = run(
                [
                    "create", "901", template, "-rootfs", "scratch:\(unprivileged ? 1 : 0)", "-ostype", "unmanaged",
                    "-hostname", "first", "-unprivileged", unprivileged ? "1" : "0", "--net0",
                    "name=eth0,bridge=\(bridge),ip=10.231.16.2/24,host-managed=1",
                ])
            #expect(create.code == 0, "create: \(create.err)")
            guard create.code == 0 else { return }
            let config = TestFiles.readString(s.conf + "/901.conf") ?? ""
            #expect(config.contains("arch: amd64\n"))
            #expect(config.contains("memory: 512\n"))
            #expect(config.contains("swap: 512\n"))
            #expect(config.contains("unprivileged: 1\n") == unprivileged)
            #expect(config.contains(",type=veth\n"))
            #expect(config.contains("rootfs: scratch:901/\(unprivileged ? "vm-901-disk-0.raw,size=1G" : "subvol-901-disk-0.subvol,size=0T")\n"))

            let start = run(["start", "901"])
            #expect(start.code == 0, "start: \(start.err)")
            guard start.code == 0 else { return }
            #expect(Self.inside("901", s.lxc, ["/bin/hostname"]) == "first\n")
            #expect(Self.inside("901", s.lxc, ["/bin/ip", "-4", "addr", "show", "eth0"]).contains("inet 10.231.16.2/24"))
            #expect(TestFiles.readString(s.lxc + "/901/config")?.contains("lxc.net.0.link = \(bridge)\n") == true)
            #expect(run(["start", "901"]).err == "CT 901 already running\n")

            // memory is applied at once on a running container; hostname waits for the next start.
            #expect(run(["set", "901", "-memory", "256"]).code == 0)
            let v1 = access("/sys/fs/cgroup/cgroup.controllers", F_OK) != 0
            let limit = try? SpawnRunner().run(
                Command("/usr/bin/lxc-cgroup", ["-P", s.lxc, "-n", "901", v1 ? "memory.limit_in_bytes" : "memory.max"]))
            #expect(limit?.outputText.split(whereSeparator: \.isWhitespace).first == "268435456")
            #expect(run(["pending", "901"]).out.contains("cur memory: 256\n"))
            #expect(run(["set", "901", "-hostname", "second"]).code == 0)
            #expect(run(["pending", "901"]).out.contains("new hostname: second\n"))
            let reboot = run(["reboot", "901", "--timeout", "10"])
            #expect(reboot.code == 0, "reboot: \(reboot.err)")
            #expect(Self.inside("901", s.lxc, ["/bin/hostname"]) == "second\n")

            let payload = s.root + "/payload"
            _ = TestFiles.write(payload, Array("round trip\n".utf8))
            #expect(run(["push", "901", payload, "/root/payload", "--perms", "0600", "--user", "7"]).code == 0)
            var st = stat()
            #expect(lstat(s.lxc + "/901/rootfs/root/payload", &st) == 0)
            #expect(st.st_uid == (unprivileged ? 100_007 : 7))
            #expect(st.st_mode & 0o7777 == 0o600)
            #expect(run(["pull", "901", "/root/payload", s.root + "/back"]).code == 0)
            #expect(TestFiles.readString(s.root + "/back") == "round trip\n")

            #expect(run(["destroy", "901"]).err == "unable to destroy CT 901 - container is running\n")
            let stop = run(["stop", "901"])
            #expect(stop.code == 0, "stop: \(stop.err)")
            #expect(run(["stop", "901"]).err == "CT 901 not running\n")
            #expect(run(["reboot", "901"]).err == "CT 901 not running\n")
            // A new mount point volume, as pct set -mp0 STORAGE:SIZE allocates it (destroy removes it).
            #expect(run(["set", "901", "-mp0", "scratch:0,mp=/data"]).code == 0)
            #expect(TestFiles.readString(s.conf + "/901.conf")?.contains("mp0: scratch:901/subvol-901-disk-1.subvol,mp=/data,size=0T\n") == true)
            var mp = stat()
            #expect(lstat(s.store + "/images/901/subvol-901-disk-1.subvol", &mp) == 0)
            #expect(mp.st_uid == (unprivileged ? 100_000 : 0))
            #expect(run(["push", "901", payload, "/root/x"]).err == "CT 901 not running\n")
            let destroy = run(["destroy", "901"])
            #expect(destroy.code == 0, "destroy: \(destroy.err)")
            #expect(s.leftovers.isEmpty, "left: \(s.leftovers)")
            #expect(!(TestFiles.readString("/proc/self/mounts") ?? "").contains(s.root))
        }
    }

    @Test func privileged() throws { try flow(unprivileged: false) }

    @Test func unprivileged() throws { try flow(unprivileged: true) }

    /// An Alpine-looking busybox template: the post-create setup (password, SSH keys, hostname,
    /// network) and the pre-start setup (a pending hostname reaches /etc/hostname) run.
    @Test func detectedOSGetsSetUp() throws {
        if let reason = Self.skipReason {
            print("skipping: \(reason)")
            return
        }
        let s = LifecycleTests.Scratch()
        defer {
            _ = Self.shell("lxc-stop -P '\(s.lxc)' -n 906 --kill 2>/dev/null; umount '\(s.lxc)/906/rootfs' 2>/dev/null")
            s.remove()
        }
        _ = Self.buildTemplate(s.root)
        let tpl = s.root + "/tpl"
        let alpine = """
            set -e; cd '\(tpl)'; mkdir -p run var usr etc/network
            printf 'NAME="Alpine Linux"\\nID=alpine\\nVERSION_ID=3.20.0\\n' > etc/os-release
            echo 3.20.0 > etc/alpine-release; echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
            echo 'root:*:19000:0:::::' > etc/shadow; echo '::sysinit:/bin/true' > etc/inittab
            tar -C '\(tpl)' --numeric-owner -cJf '\(s.root)/alpine.tar.xz' .
            """
        #expect(Self.shell(alpine)?.status.isSuccess == true)
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test@host\n"
        _ = TestFiles.write(s.root + "/key.pub", Array(key.utf8))
        let create = LifecycleTests.run(
            [
                "create", "906", s.root + "/alpine.tar.xz", "-rootfs", "scratch:0", "-unprivileged", "0", "-hostname", "alp",
                "--password", "secret123", "--ssh-public-keys", s.root + "/key.pub", "--start", "1", "-mp0",
                "scratch:0,mp=/data",
            ] + s.options)
        #expect(create.code == 0, "\(create.err)")
        guard create.code == 0 else { return }
        #expect(TestFiles.readString(s.conf + "/906.conf")?.contains("ostype: alpine\n") == true)
        #expect(TestFiles.readString(s.conf + "/906.conf")?.contains("mp0: scratch:906/subvol-906-disk-1.subvol,mp=/data,size=0T\n") == true)
        let rootfs = s.store + "/images/906/subvol-906-disk-0.subvol"
        #expect(TestFiles.readString(rootfs + "/etc/shadow")?.hasPrefix("root:$6$") == true)
        #expect(TestFiles.readString(rootfs + "/root/.ssh/authorized_keys")?.contains(key) == true)
        #expect(TestFiles.readString(rootfs + "/etc/hostname") == "alp\n")
        let status = LifecycleTests.run(["status", "906"] + s.options)  // create --start 1 started it
        #expect(status.out == "status: running\n")
        guard status.out == "status: running\n" else { return }
        #expect(LifecycleTests.run(["set", "906", "-hostname", "alp2"] + s.options).code == 0)
        #expect(LifecycleTests.run(["reboot", "906", "--timeout", "10"] + s.options).code == 0)
        #expect(Self.inside("906", s.lxc, ["/bin/cat", "/etc/hostname"]) == "alp2\n")
        #expect(Self.inside("906", s.lxc, ["/bin/ls", "-d", "/data"]) == "/data\n")  // mp0 mounted
        #expect(LifecycleTests.run(["stop", "906"] + s.options).code == 0)
        #expect(LifecycleTests.run(["destroy", "906"] + s.options).code == 0)
        #expect(s.leftovers.isEmpty, "left: \(s.leftovers)")
    }

    @Test func badTemplateLeavesNothing() throws {
        if let reason = Self.skipReason {
            print("skipping: \(reason)")
            return
        }
        let s = LifecycleTests.Scratch()
        defer { s.remove() }
        _ = TestFiles.write(s.root + "/bad.tar.gz", Array("this is no tarball\n".utf8))
        for size in ["0", "1"] {
            let outcome = LifecycleTests.run(["create", "902", s.root + "/bad.tar.gz", "-rootfs", "scratch:" + size, "-unprivileged", "0"] + s.options)
            #expect(outcome.code == 1)
            #expect(outcome.err.hasPrefix("unable to create CT 902 - extracting archive '\(s.root)/bad.tar.gz' failed: "), "\(outcome.err)")
            #expect(s.leftovers.isEmpty, "left: \(s.leftovers)")
        }
    }

    @Test func fullStorageLeavesNothing() throws {
        if let reason = Self.skipReason {
            print("skipping: \(reason)")
            return
        }
        let s = LifecycleTests.Scratch()
        defer {
            _ = Self.shell("umount '\(s.store)'")
            s.remove()
        }
        let template = Self.buildTemplate(s.root)
        mkdir(s.store, 0o755)
        guard Self.shell("mount -t tmpfs -o size=256k tmpfs '\(s.store)'")?.status.isSuccess == true else {
            Issue.record("cannot mount a tmpfs")
            return
        }
        let outcome = LifecycleTests.run(["create", "903", template, "-rootfs", "scratch:0", "-unprivileged", "0"] + s.options)
        #expect(outcome.code == 1)
        #expect(outcome.err.hasPrefix("unable to create CT 903 - extracting archive '\(template)' failed: "), "\(outcome.err)")
        #expect(s.leftovers.isEmpty, "left: \(s.leftovers)")
    }

    @Test func missingBridgeIsRefusedBeforeLXCStarts() throws {
        if let reason = Self.skipReason {
            print("skipping: \(reason)")
            return
        }
        let s = LifecycleTests.Scratch()
        defer {
            _ = Self.shell("lxc-stop -P '\(s.lxc)' -n 904 --kill 2>/dev/null")
            s.remove()
        }
        let template = Self.buildTemplate(s.root)
        let create = LifecycleTests.run(
            ["create", "904", template, "-rootfs", "scratch:0", "-ostype", "unmanaged", "-net0", "name=eth0,bridge=nosuchbr0", "-unprivileged", "0"]
                + s.options)
        #expect(create.code == 0, "\(create.err)")
        let start = LifecycleTests.run(["start", "904"] + s.options)
        #expect(start.code == 1)
        #expect(start.err == "bridge 'nosuchbr0' does not exist\n")
        #expect(!(TestFiles.readString("/proc/self/mounts") ?? "").contains(s.root), "volumes left mounted")
        #expect(LifecycleTests.run(["destroy", "904"] + s.options).code == 0)
        #expect(s.leftovers.isEmpty, "left: \(s.leftovers)")
    }

    @Test func lxcStartFailureShowsLXCsReason() throws {
        if let reason = Self.skipReason {
            print("skipping: \(reason)")
            return
        }
        let s = LifecycleTests.Scratch()
        defer {
            _ = Self.shell("lxc-stop -P '\(s.lxc)' -n 905 --kill 2>/dev/null")
            s.remove()
        }
        let template = Self.buildTemplate(s.root)
        let create = LifecycleTests.run(["create", "905", template, "-rootfs", "scratch:0", "-ostype", "unmanaged", "-unprivileged", "0"] + s.options)
        #expect(create.code == 0, "\(create.err)")
        // An init that does not exist: LXC starts the container and then fails; its log says why.
        let conf = s.conf + "/905.conf"
        _ = TestFiles.write(conf, (TestFiles.read(conf) ?? []) + Array("lxc.init.cmd: /sbin/nosuchinit\n".utf8))
        let start = LifecycleTests.run(["start", "905"] + s.options)
        #expect(start.code == 1)
        #expect(start.err.hasPrefix("startup for container '905' failed\n"), "\(start.err)")
        #expect(start.err.contains("ERROR"), "\(start.err)")
        #expect(start.err.contains("nosuchinit"), "\(start.err)")
        #expect(!(TestFiles.readString("/proc/self/mounts") ?? "").contains(s.root), "volumes left mounted")
        // A failed start must not block the next one: LXC keeps its monitor cgroup, and would then
        // refuse every later start with "Failed to create monitor cgroup". The second start fails
        // for the same reason as the first.
        let again = LifecycleTests.run(["start", "905"] + s.options)
        #expect(again.code == 1)
        #expect(again.err.contains("nosuchinit") && !again.err.contains("monitor cgroup"), "\(again.err)")
        #expect(LifecycleTests.run(["destroy", "905"] + s.options).code == 0)
        #expect(s.leftovers.isEmpty, "left: \(s.leftovers)")
    }
}
