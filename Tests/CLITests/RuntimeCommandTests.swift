import PVERuntime
import PVESystem
import PVETestSupport
import Testing

@testable import pve_guestsetup

/// `start`, `stop`, `status`, `enter`, `exec` against a recording runner (nothing runs).
@Suite struct RuntimeCommandTests {
    static let running = RecordingRunner.Reply.exit(0, stdout: "State:          RUNNING\nPID:            4242\n")
    static let stopped = RecordingRunner.Reply.exit(0, stdout: "State:          STOPPED\n")
    static let missing = RecordingRunner.Reply.exit(1, stderr: "100 doesn't exist\n")

    struct Outcome {
        var code: Int32
        var out: String
        var err: String
        var runner: RecordingRunner
    }

    func run(_ args: [String], replies: [RecordingRunner.Reply] = []) -> Outcome {
        let runner = RecordingRunner(replies: replies)
        return run(args, runner: runner)
    }

    func run(_ args: [String], runner: RecordingRunner) -> Outcome {
        let captured = CapturedOutput()
        var console = captured.console
        let code = RuntimeContext.$runner.withValue(runner) { CLI.run(args, console: &console) }
        return Outcome(code: code, out: captured.stdout, err: captured.stderr, runner: runner)
    }

    // MARK: --print-command

    @Test(arguments: [
        (["start", "100", "--print-command"], "/usr/bin/lxc-start -n 100"),
        (
            [
                "start", "100", "--foreground", "--log-priority", "debug", "--log-file", "/tmp/lxc-100.log",
                "--print-command",
            ],
            "/usr/bin/lxc-start -n 100 -F -l DEBUG -o /tmp/lxc-100.log"
        ),
        (["start", "100", "--lxcpath", "/srv/lxc", "--print-command"], "/usr/bin/lxc-start -n 100 -P /srv/lxc"),
        (["stop", "100", "--print-command"], "/usr/bin/lxc-stop -n 100 --nokill"),
        (["stop", "100", "--timeout", "30", "--print-command"], "/usr/bin/lxc-stop -n 100 --nokill --timeout 30"),
        (["stop", "100", "--kill", "--print-command", "--lxcpath=/x y"], "/usr/bin/lxc-stop -n 100 -P '/x y' --kill"),
        (["status", "100", "--print-command"], "/usr/bin/lxc-info -n 100 -s -p"),
        (["status", "100", "--json", "--print-command"], "/usr/bin/lxc-info -n 100 -s -p"),
        (
            ["enter", "100", "--print-command"],
            "env -u SSL_CERT_DIR -u SSL_CERT_FILE /usr/bin/lxc-attach -n 100 --keep-env"
        ),
        (["enter", "100", "--clear-env", "--print-command"], "/usr/bin/lxc-attach -n 100 --clear-env"),
        (
            ["exec", "100", "--print-command", "--", "ls", "-l", "/a b"],
            "env -u SSL_CERT_DIR -u SSL_CERT_FILE /usr/bin/lxc-attach -n 100 --keep-env -- ls -l '/a b'"
        ),
        (
            [
                "exec", "100", "--clear-env", "--env", "A=1", "--env=B=x y", "--print-command", "--lxcpath", "/p", "--",
                "env",
            ],
            "/usr/bin/lxc-attach -n 100 -P /p --clear-env -v A=1 -v 'B=x y' -- env"
        ),
    ])
    func printCommand(args: [String], line: String) {
        let o = run(args)
        #expect(o.code == 0, "\(o.err)")
        #expect(o.out == line + "\n")
        #expect(o.err.isEmpty)
        #expect(o.runner.calls.isEmpty)
    }

    // MARK: argument errors (exit 64)

    @Test(arguments: [
        (["status"], "Missing expected argument '<ctid>'"),
        (["status", "99"], "The value '99' is invalid for '<ctid>': value does not look like a valid VM ID"),
        (["status", "0100"], "The value '0100' is invalid for '<ctid>': value does not look like a valid VM ID"),
        (
            ["status", "1000000000"],
            "The value '1000000000' is invalid for '<ctid>': value does not look like a valid VM ID"
        ),
        (["status", "10a"], "The value '10a' is invalid for '<ctid>': value does not look like a valid VM ID"),
        (["status", "100", "101"], "Unexpected argument '101'"),
        (["status", "100", "--lxcpath", ""], "The value '' is invalid for '--lxcpath <dir>'"),
        (
            ["start", "100", "--log-priority", "LOUD"],
            "invalid log priority 'LOUD' (one of TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRIT, ALERT, FATAL)"
        ),
        (["stop", "100", "--kill", "--timeout", "5"], "The options '--kill' and '--timeout' cannot be combined"),
        (["stop", "100", "--timeout", "soon"], "The value 'soon' is invalid for '--timeout <timeout>'"),
        (["stop", "100", "--timeout", "-1"], "The value '-1' is invalid for '--timeout <seconds>'"),
        (["exec", "100"], "missing command"),
        (["exec", "100", "--"], "missing command"),
        (["exec", "100", "ls"], "Unexpected argument 'ls'"),
        (["exec", "100", "--env", "NOVALUE", "--", "ls"], "invalid variable 'NOVALUE' (expected NAME=VALUE)"),
        (["enter", "100", "--json"], "Unknown option '--json'"),
    ])
    func usageErrors(args: [String], message: String) {
        let o = run(args)
        #expect(o.code == 64)
        #expect(o.err.hasPrefix("Error: \(message)\nUsage: pve-guestsetup \(args[0]) "))
        #expect(o.out.isEmpty)
        #expect(o.runner.calls.isEmpty)
    }

    // MARK: start

    @Test func startChecksStateThenStartsAndWaits() {
        let o = run(["start", "100", "--log-file", "/tmp/l"], replies: [Self.stopped, .exit(0), .exit(0)])
        #expect(o.code == 0)
        #expect(o.out.isEmpty && o.err.isEmpty)
        #expect(
            o.runner.argumentVectors == [
                ["/usr/bin/lxc-info", "-n", "100", "-s", "-p"],
                ["/usr/bin/lxc-start", "-n", "100", "-o", "/tmp/l"],
                ["/usr/bin/lxc-wait", "-n", "100", "-s", "RUNNING", "-t", "10"],
            ])
    }

    @Test func startOfARunningContainer() {
        let o = run(["start", "100"], replies: [Self.running])
        #expect(o.code == 1)
        #expect(o.err == "CT 100 already running\n")
        #expect(o.runner.calls.count == 1)
    }

    @Test func startFailure() {
        let o = run(
            ["start", "100"],
            replies: [Self.stopped, .exit(1, stderr: "lxc-start: 100: failed to mount rootfs\n"), Self.stopped])
        #expect(o.code == 1)
        #expect(o.err == "startup for container '100' failed\nlxc-start: 100: failed to mount rootfs\n")
    }

    @Test func startOfAMissingContainer() {
        let o = run(["start", "100", "--lxcpath", "/srv/lxc"], replies: [Self.missing])
        #expect(o.code == 1)
        #expect(o.err == "container '100' does not exist under /srv/lxc\n100 doesn't exist\n")
    }

    @Test func foregroundStartExitsWithLxcStartsStatus() {
        let o = run(
            ["start", "100", "--foreground", "--log-priority", "DEBUG", "--log-file", "/tmp/f"], replies: [.exit(3)])
        #expect(o.code == 3)
        #expect(o.runner.argumentVectors == [["/usr/bin/lxc-start", "-n", "100", "-F", "-l", "DEBUG", "-o", "/tmp/f"]])
        #expect(o.runner.calls[0].options == .interactive)
    }

    // MARK: stop

    @Test func stopShutsDownCleanly() {
        let o = run(["stop", "100", "--timeout", "20"], replies: [.exit(0), .exit(0)])
        #expect(o.code == 0)
        #expect(
            o.runner.argumentVectors == [
                ["/usr/bin/lxc-stop", "-n", "100", "--nokill", "--timeout", "20"],
                ["/usr/bin/lxc-wait", "-n", "100", "-s", "STOPPED", "-t", "25"],
            ])
    }

    @Test func stopKills() {
        let o = run(["stop", "100", "--kill"], replies: [.exit(0), .exit(0)])
        #expect(o.code == 0)
        #expect(o.runner.argumentVectors[0] == ["/usr/bin/lxc-stop", "-n", "100", "--kill"])
    }

    @Test func stopOfAStoppedContainer() {
        let o = run(["stop", "100"], replies: [.exit(2, stderr: "100 is not running\n"), Self.stopped])
        #expect(o.code == 1)
        #expect(o.err == "CT 100 not running\n")
    }

    @Test func stopThatFails() {
        let o = run(
            ["stop", "100", "--timeout", "1"], replies: [.exit(1, stderr: "lxc-stop: 100: timed out\n"), .exit(1)])
        #expect(o.code == 1)
        #expect(o.err == "container did not stop\nlxc-stop: 100: timed out\n")
    }

    // MARK: status

    @Test func statusText() {
        #expect(run(["status", "100"], replies: [Self.running]).out == "status: running\n")
        #expect(run(["status", "100"], replies: [Self.stopped]).out == "status: stopped\n")
        #expect(
            run(["status", "100"], replies: [.exit(0, stdout: "State:          FROZEN\nPID:            9\n")]).out
                == "status: running\n")
    }

    @Test func statusJSON() {
        let o = run(["status", "100", "--json"], replies: [Self.running])
        #expect(o.code == 0)
        #expect(
            o.out
                == "{\n  \"ctid\": \"100\",\n  \"status\": \"running\",\n  \"state\": \"RUNNING\",\n  \"pid\": 4242\n}\n"
        )
        let s = run(["status", "100", "--json"], replies: [Self.stopped])
        #expect(
            s.out
                == "{\n  \"ctid\": \"100\",\n  \"status\": \"stopped\",\n  \"state\": \"STOPPED\",\n  \"pid\": null\n}\n"
        )
    }

    /// No `<vmid>.conf` and no LXC container: one line naming the missing config, as `pct status` says.
    @Test func statusOfAMissingContainer() {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-status")
        let o = run(["status", "100", "--config-dir", dir], replies: [Self.missing])
        #expect(o.code == 1)
        #expect(o.err == "Configuration file '\(dir)/100.conf' does not exist\n")
        #expect(o.out.isEmpty)
        let j = run(["status", "100", "--config-dir", dir, "--json"], replies: [Self.missing])
        #expect(j.code == 1)
        #expect(j.err == "{\"error\":\"Configuration file '\(dir)/100.conf' does not exist\",\"exitCode\":1}\n")
    }

    /// Other lxc-info failures still say what went wrong.
    @Test func statusWhenLXCInfoFails() {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-status")
        let o = run(["status", "100", "--config-dir", dir], replies: [.exit(2, stderr: "lxc-info: broken\n")])
        #expect(o.code == 1)
        #expect(!o.err.contains("Configuration file"))
        #expect(o.err.contains("lxc-info: broken"))
    }

    @Test func missingLXCTools() {
        let runner = RecordingRunner { c in
            .fail(RuntimeError(.executableNotFound, "cannot run", command: c, errno: .noSuchFileOrDirectory))
        }
        let o = run(["status", "100"], runner: runner)
        #expect(o.code == 1)
        #expect(
            o.err
                == "lxc-info is not installed (/usr/bin/lxc-info: no such file or directory); install the Debian package 'lxc'\n"
        )
    }

    @Test func toolDirectoryIsConfigurable() {
        let runner = RecordingRunner(replies: [Self.running])
        let captured = CapturedOutput()
        var console = captured.console
        let code = RuntimeContext.$toolDirectory.withValue("/opt/lxc/bin") {
            RuntimeContext.$runner.withValue(runner) { CLI.run(["status", "100"], console: &console) }
        }
        #expect(code == 0)
        #expect(runner.argumentVectors == [["/opt/lxc/bin/lxc-info", "-n", "100", "-s", "-p"]])
    }

    // MARK: enter / exec

    @Test func execExitsWithTheCommandsCode() {
        let o = run(
            ["exec", "100", "--clear-env", "--env", "A=1", "--", "sh", "-c", "exit 7"],
            replies: [Self.running, .exit(7)])
        #expect(o.code == 7)
        #expect(
            o.runner.argumentVectors == [
                ["/usr/bin/lxc-info", "-n", "100", "-s", "-p"],
                ["/usr/bin/lxc-attach", "-n", "100", "--clear-env", "-v", "A=1", "--", "sh", "-c", "exit 7"],
            ])
        #expect(o.runner.calls[1].options == .interactive)
        #expect(run(["exec", "100", "--", "x"], replies: [Self.running, .exit(0)]).code == 0)
        #expect(run(["exec", "100", "--", "x"], replies: [Self.running, .exit(137)]).code == 137)
    }

    @Test func execInAStoppedContainer() {
        let o = run(["exec", "100", "--", "true"], replies: [Self.stopped])
        #expect(o.code == 1)
        #expect(o.err == "container '100' not running!\n")
        #expect(o.runner.calls.count == 1)
    }

    @Test func enterRunsTheShellInteractively() {
        let o = run(["enter", "100"], replies: [Self.running, .exit(5)])
        #expect(o.code == 5)
        #expect(o.runner.argumentVectors[1] == ["/usr/bin/lxc-attach", "-n", "100", "--keep-env"])
        #expect(o.runner.calls[1].options == .interactive)
        let stopped = run(["enter", "100"], replies: [Self.stopped])
        #expect(stopped.code == 1)
        #expect(stopped.err == "container '100' not running!\n")
    }
}

/// The CLI against a real busybox container (skipped without root and LXC).
@Suite(
    .serialized,
    .enabled(
        if: LXCTestHost.isAvailable, "LXC integration tests need root and the Debian packages lxc + busybox-static")
)
struct RuntimeCommandIntegrationTests {
    func run(_ args: [String]) -> (Int32, String, String) {
        let captured = CapturedOutput()
        var console = captured.console
        let code = CLI.run(args, console: &console)
        return (code, captured.stdout, captured.stderr)
    }

    @Test func startStatusExecStop() async throws {
        try await LXCTestHost.withContainer { lxc, ctid in
            let path = try #require(lxc.lxcPath)
            let p = ["--lxcpath", path]
            #expect(run(["status", ctid] + p).1 == "status: stopped\n")
            #expect(run(["exec", ctid] + p + ["--", "/bin/true"]) == (1, "", "container '\(ctid)' not running!\n"))
            #expect(run(["start", ctid] + p).0 == 0)
            #expect(run(["start", ctid] + p) == (1, "", "CT \(ctid) already running\n"))
            let (code, json, _) = run(["status", ctid, "--json"] + p)
            #expect(code == 0)
            #expect(json.contains("\"state\": \"RUNNING\""))
            #expect(run(["exec", ctid, "--clear-env"] + p + ["--", "/bin/sh", "-c", "exit 7"]).0 == 7)
            #expect(run(["exec", ctid, "--env", "X=1"] + p + ["--", "/bin/sh", "-c", "test \"$X\" = 1"]).0 == 0)
            #expect(run(["stop", ctid, "--timeout", "20"] + p).0 == 0)
            #expect(run(["status", ctid] + p).1 == "status: stopped\n")
            #expect(run(["stop", ctid, "--kill"] + p) == (1, "", "CT \(ctid) not running\n"))
        }
    }
}

/// `apply` writes a config into a real container's rootfs; started, the guest sees the result.
/// Runs once the setup engine's `apply` has landed (its options include `--rootfs`), as root with LXC.
@Suite(
    .serialized,
    .enabled(
        if: LXCTestHost.isAvailable && ApplyCommand.spec.options.contains { $0.names.contains("--rootfs") },
        "needs the setup engine's apply command, root and the Debian packages lxc + busybox-static"
    )
)
struct ApplyEndToEndTests {
    @Test func applyStartReadFromInsideStop() async throws {
        try await LXCTestHost.withContainer { lxc, ctid in
            let lxcPath = try #require(lxc.lxcPath)
            let rootfs = "\(lxcPath)/\(ctid)/rootfs"
            // The busybox rootfs is Alpine-like (busybox init, /etc/inittab); make it detectable as Alpine.
            #expect(TestFiles.write(rootfs + "/etc/alpine-release", Array("3.19.1\n".utf8)))
            let config = lxcPath + "/\(ctid).conf"
            let configText = """
                arch: amd64
                hostname: e2e-guest
                nameserver: 192.0.2.53
                net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=192.0.2.10/24,gw=192.0.2.1,type=veth
                ostype: alpine
                rootfs: local:\(ctid)/vm-\(ctid)-disk-0.raw,size=1G
                searchdomain: example.test

                """
            #expect(TestFiles.write(config, Array(configText.utf8)))
            let captured = CapturedOutput()
            var console = captured.console
            let applied = CLI.run(
                ["apply", "--config", config, "--rootfs", rootfs, "--host-timezone", "UTC", "--seed", "1"],
                console: &console)
            #expect(applied == 0, "\(captured.stderr)")

            var quiet = CapturedOutput().console
            #expect(CLI.run(["start", ctid, "--lxcpath", lxcPath], console: &quiet) == 0)
            let clean = AttachOptions(environment: .clear(keeping: []))
            func read(_ path: String) throws -> String {
                let r = try lxc.attach(ctid, ["/bin/cat", path], options: clean)
                #expect(r.status == .exited(0), "cat \(path): \(r.errorText)")
                return r.outputText
            }
            #expect(try read("/etc/hostname") == "e2e-guest\n")
            let hosts = try read("/etc/hosts")
            #expect(hosts.contains("192.0.2.10 e2e-guest.example.test e2e-guest"), "\(hosts)")
            let resolv = try read("/etc/resolv.conf")
            #expect(resolv.contains("nameserver 192.0.2.53"), "\(resolv)")
            #expect(resolv.contains("search example.test"), "\(resolv)")
            // the CLI's exec reports the command's exit status
            let grep = ["exec", ctid, "--lxcpath", lxcPath, "--", "/bin/grep", "-qx", "e2e-guest", "/etc/hostname"]
            #expect(CLI.run(grep, console: &quiet) == 0)
            #expect(CLI.run(["stop", ctid, "--kill", "--lxcpath", lxcPath], console: &quiet) == 0)
        }
    }
}
