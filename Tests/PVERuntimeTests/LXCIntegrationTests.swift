import PVERuntime
import PVETestSupport
import Testing

/// Real containers: a busybox container per test under a private lxcpath, created and destroyed by the test.
/// Skipped (with the reason) unless running as root with `lxc` and `busybox-static` installed; `.ci/run`
/// installs them under CI. Serialized: each test starts and stops a container.
@Suite(
    .serialized,
    .enabled(
        if: LXCTestHost.isAvailable,
        "LXC integration tests need root and the Debian packages lxc + busybox-static"
    )
)
struct LXCIntegrationTests {
    let quiet = AttachOptions(environment: .clear(keeping: []))

    @Test func startExecStop() async throws {
        try await LXCTestHost.withContainer { lxc, name in
            #expect(try lxc.status(of: name) == ContainerStatus(name: name, state: .stopped, pid: nil))
            let notRunning = try #require(#expect(throws: RuntimeError.self) { try lxc.attach(name, ["/bin/true"]) })
            #expect(notRunning.message == "container '\(name)' not running!")
            let noPid = try #require(#expect(throws: RuntimeError.self) { try lxc.pid(of: name) })
            #expect(noPid.message == "unable to get PID for CT \(name) (not running?)")

            try lxc.start(name)
            let status = try lxc.status(of: name)
            #expect(status.state == .running)
            let pid = try #require(status.pid)
            #expect(pid > 1)
            #expect(try lxc.pid(of: name) == pid)
            try lxc.start(name)  // already running: success, as with lxc-start

            // The inner command's exit code, output and environment come back unchanged.
            let hostname = try lxc.attach(name, ["/bin/hostname"], options: quiet)
            #expect(hostname.status == .exited(0))
            #expect(hostname.outputText == name + "\n")
            #expect(
                try lxc.attach(name, ["/bin/sh", "-c", "echo oops >&2; exit 7"], options: quiet).status == .exited(7))
            let err = try lxc.attach(name, ["/bin/sh", "-c", "echo oops >&2; exit 7"], options: quiet)
            #expect(err.errorText == "oops\n")
            #expect(try lxc.attach(name, ["/bin/sh", "-c", "kill -9 $$"], options: quiet).status.exitCode == 137)
            #expect(try lxc.attach(name, ["/nonexistent"], options: quiet).status == .exited(127))

            let env = try lxc.attach(
                name, ["/bin/env"], options: AttachOptions(environment: .clear(keeping: []), variables: ["PVE_A=x y"]))
            let vars = Set(env.outputText.split(separator: "\n").map(String.init))
            #expect(vars.contains("container=lxc"))
            #expect(vars.contains("PVE_A=x y"))
            #expect(!vars.contains { $0.hasPrefix("HOME=/root") && $0.contains(".cargo") })

            let ids = try lxc.attach(
                name, ["/bin/sh", "-c", "echo $(id -u):$(id -g)"], options: AttachOptions(uid: 1000, gid: 100))
            #expect(ids.outputText == "1000:100\n")
            let dir = try lxc.attach(name, ["/bin/pwd"], options: AttachOptions(workingDirectory: "/etc"))
            #expect(dir.outputText == "/etc\n")
            let badDir = try lxc.attach(name, ["/bin/pwd"], options: AttachOptions(workingDirectory: "/no/such/dir"))
            #expect(badDir.status == .exited(1))

            // a time limit on an attached command
            let slow = try lxc.attach(
                name, ["/bin/sleep", "30"], options: quiet, run: RunOptions(timeout: .milliseconds(300)))
            #expect(slow.timedOut)

            #expect(try lxc.stop(name, mode: .shutdown(timeout: 20, forceAfterTimeout: true)) == .stopped)
            #expect(try lxc.state(of: name) == .stopped)
            #expect(try lxc.stop(name, mode: .kill) == .wasNotRunning)
        }
    }

    @Test func killAndWait() async throws {
        try await LXCTestHost.withContainer { lxc, name in
            #expect(try !lxc.wait(name, for: [.running], timeout: 0))
            try lxc.start(name, options: StartOptions(logFile: "/dev/null", logPriority: "INFO"))
            #expect(try lxc.wait(name, for: [.running, .frozen], timeout: 5))
            #expect(try lxc.stop(name, mode: .kill) == .stopped)
            #expect(try lxc.wait(name, for: [.stopped], timeout: 5))
            #expect(try lxc.state(of: name) == .stopped)
        }
    }

    @Test func foregroundStartWithDebugLog() async throws {
        try await LXCTestHost.withContainer { lxc, name in
            let log = try #require(lxc.lxcPath) + "/debug.log"
            let foreground = Task.detached {
                try lxc.runForeground(
                    name, options: StartOptions(logFile: log, logPriority: "DEBUG"),
                    run: RunOptions(output: .discard, error: .capture(limit: 4096, keep: .tail), timeout: .seconds(120))
                )
            }
            let reached = try lxc.wait(name, for: [.running], timeout: 20)
            #expect(reached)
            #expect(try lxc.stop(name, mode: .kill) == .stopped)
            let result = try await foreground.value
            #expect(!result.timedOut)
            #expect(result.status == .exited(0))
            let text = try #require(TestFiles.readString(log))
            #expect(text.contains("DEBUG"))
        }
    }

    @Test func missingContainer() throws {
        let lxcPath = TestFiles.makeTemporaryDirectory(prefix: "pve-lxc-empty")
        defer { TestFiles.removeTree(lxcPath) }
        let lxc = LXC(lxcPath: lxcPath)
        let name = LXCTestHost.freshName()
        for operation in ["status", "start", "stop", "attach"] {
            let e = try #require(
                #expect(throws: RuntimeError.self, "\(operation)") {
                    switch operation {
                    case "status": _ = try lxc.status(of: name)
                    case "start": try lxc.start(name)
                    case "stop": try lxc.stop(name, mode: .kill)
                    default: _ = try lxc.attach(name, ["/bin/true"])
                    }
                })
            #expect(e.code == .containerNotFound, "\(operation)")
            #expect(e.message == "container '\(name)' does not exist under \(lxcPath)", "\(operation)")
        }
    }

    @Test func version() throws {
        let v = try LXC().version()
        #expect(v.major >= 4)
    }
}

/// Missing tools are reported by name (no LXC needed).
@Suite struct LXCMissingToolTests {
    @Test func toolDirectoryWithoutTools() throws {
        let lxc = LXC(toolDirectory: "/nonexistent/lxc")
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.status(of: "100") })
        #expect(e.code == .toolNotInstalled)
        #expect(
            e.message
                == "lxc-info is not installed (/nonexistent/lxc/lxc-info: no such file or directory); install the Debian package 'lxc'"
        )
        let s = try #require(#expect(throws: RuntimeError.self) { try lxc.stop("100", mode: .kill) })
        #expect(s.message.hasPrefix("lxc-stop is not installed"))
    }
}
