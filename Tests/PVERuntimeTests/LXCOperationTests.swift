import PVERuntime
import PVESystem
import PVETestSupport
import Testing

/// The LXC operations against scripted tool replies: call sequences, output parsing, error mapping.
@Suite struct LXCOperationTests {
    static let running = RecordingRunner.Reply.exit(0, stdout: "State:          RUNNING\nPID:            4242\n")
    static let stopped = RecordingRunner.Reply.exit(0, stdout: "State:          STOPPED\n")
    static let missing = RecordingRunner.Reply.exit(1, stderr: "100 doesn't exist\n")

    func make(_ replies: [RecordingRunner.Reply]) -> (LXC, RecordingRunner) {
        let runner = RecordingRunner(replies: replies)
        return (LXC(runner: runner), runner)
    }

    // MARK: status / pid

    @Test func statusOfARunningContainer() throws {
        let (lxc, runner) = make([Self.running])
        let s = try lxc.status(of: "100")
        #expect(s == ContainerStatus(name: "100", state: .running, pid: 4242))
        #expect(runner.argumentVectors == [["/usr/bin/lxc-info", "-n", "100", "-s", "-p"]])
        #expect(runner.calls[0].options.timeout == .seconds(60))
        #expect(runner.calls[0].options.input == .null)
    }

    @Test func statusOfAStoppedContainer() throws {
        let (lxc, _) = make([Self.stopped])
        #expect(try lxc.status(of: "100") == ContainerStatus(name: "100", state: .stopped, pid: nil))
    }

    @Test func statusOfAMissingContainer() throws {
        let (lxc, _) = make([Self.missing])
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.status(of: "100") })
        #expect(e.code == .containerNotFound)
        #expect(e.message == "container '100' does not exist")
        let (privateLXC, _) = (LXC(runner: RecordingRunner(replies: [Self.missing]), lxcPath: "/tmp/p"), 0)
        let p = try #require(#expect(throws: RuntimeError.self) { try privateLXC.status(of: "100") })
        #expect(p.message == "container '100' does not exist under /tmp/p")
    }

    @Test func statusWithOtherFailures() throws {
        let (lxc, _) = make([.exit(1, stderr: "lxc-info: 100: something broke\n")])
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.status(of: "100") })
        #expect(e.code == .nonZeroExit)
        #expect(e.message == "command '/usr/bin/lxc-info -n 100 -s -p' failed: exit code 1")
        #expect(e.standardErrorTail == "lxc-info: 100: something broke")

        let (lxc2, _) = make([.exit(0, stdout: "Name: x\n")])
        let u = try #require(#expect(throws: RuntimeError.self) { try lxc2.status(of: "100") })
        #expect(u.code == .unexpectedOutput)
        #expect(u.message == "lxc-info printed no state for container '100'")

        let (lxc3, _) = make([.timeout()])
        let t = try #require(#expect(throws: RuntimeError.self) { try lxc3.status(of: "100") })
        #expect(t.code == .timedOut)
        #expect(t.message == "command '/usr/bin/lxc-info -n 100 -s -p' failed: got timeout")
    }

    @Test func missingToolIsReportedByName() throws {
        let runner = RecordingRunner { c in
            .fail(
                RuntimeError(
                    .executableNotFound, "cannot run '\(c.executable)': no such file or directory", command: c, errno: .noSuchFileOrDirectory
                ))
        }
        let lxc = LXC(runner: runner, toolDirectory: "/nowhere")
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.status(of: "100") })
        #expect(e.code == .toolNotInstalled)
        #expect(
            e.message
                == "lxc-info is not installed (/nowhere/lxc-info: no such file or directory); install the Debian package 'lxc'"
        )
        // other runner errors pass through unchanged
        let other = LXC(runner: RecordingRunner(replies: [.fail(RuntimeError(.spawnFailed, "boom"))]))
        let s = try #require(#expect(throws: RuntimeError.self) { try other.status(of: "100") })
        #expect(s.code == .spawnFailed)
    }

    @Test func pidLikeFindLxcPid() throws {
        let (lxc, runner) = make([.exit(0, stdout: "PID:            12345\n")])
        #expect(try lxc.pid(of: "100") == 12345)
        #expect(runner.argumentVectors == [["/usr/bin/lxc-info", "-n", "100", "-p"]])

        let (stopped, _) = make([.exit(0, stdout: "")])
        let e = try #require(#expect(throws: RuntimeError.self) { try stopped.pid(of: "100") })
        #expect(e.code == .containerNotRunning)
        #expect(e.message == "unable to get PID for CT 100 (not running?)")

        let (odd, _) = make([.exit(0, stdout: "PID: 12a\nPID:7\nXPID:  9\n")])
        #expect(throws: RuntimeError.self) { try odd.pid(of: "100") }

        let (gone, _) = make([Self.missing])
        let g = try #require(#expect(throws: RuntimeError.self) { try gone.pid(of: "100") })
        #expect(g.code == .containerNotFound)
    }

    @Test func infoFieldParsing() {
        #expect(LXCFieldProbe.field("PID:", "PID:            12") == "12")
        #expect(LXCFieldProbe.field("PID:", "PID:\t12") == "12")
        #expect(LXCFieldProbe.field("PID:", "PID:12") == nil)
        #expect(LXCFieldProbe.field("PID:", "PID:   ") == nil)
        #expect(LXCFieldProbe.field("PID:", "PID:  1 2") == nil)
        #expect(LXCFieldProbe.field("State:", "PID:  1") == nil)
    }

    // MARK: wait

    @Test func waitOutcomes() throws {
        let (lxc, runner) = make([.exit(0), .exit(1), .exit(3)])
        #expect(try lxc.wait("100", for: [.running], timeout: 10))
        #expect(try !lxc.wait("100", for: [.running], timeout: 10))
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.wait("100", for: [.running], timeout: nil) })
        #expect(e.code == .nonZeroExit)
        #expect(runner.calls[0].options.timeout == .seconds(15))
        #expect(runner.calls[2].options.timeout == nil)
    }

    // MARK: start

    @Test func startRunsLxcStartThenWaitsForRunning() throws {
        let (lxc, runner) = make([.exit(0), .exit(0)])
        try lxc.start("100", options: StartOptions(logFile: "/tmp/l", logPriority: "INFO"))
        #expect(
            runner.argumentVectors == [
                ["/usr/bin/lxc-start", "-n", "100", "-l", "INFO", "-o", "/tmp/l"],
                ["/usr/bin/lxc-wait", "-n", "100", "-s", "RUNNING", "-t", "10"],
            ])
    }

    @Test func startFailureCarriesTheToolsStderr() throws {
        let (lxc, runner) = make([.exit(1, stderr: "lxc-start: 100: bad thing\n"), Self.stopped])
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.start("100") })
        #expect(e.code == .startFailed)
        #expect(e.message == "startup for container '100' failed")
        #expect(e.standardErrorTail == "lxc-start: 100: bad thing")
        #expect(e.description == "startup for container '100' failed\nlxc-start: 100: bad thing")
        #expect(runner.commands.map(\.name) == ["lxc-start", "lxc-info"])
    }

    @Test func startOfAMissingContainer() throws {
        let (lxc, _) = make([.exit(1, stderr: "No container config specified\n"), Self.missing])
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.start("100") })
        #expect(e.code == .containerNotFound)
    }

    @Test func startThatNeverReachesRunning() throws {
        let (lxc, _) = make([.exit(0), .exit(1)])
        let e = try #require(
            #expect(throws: RuntimeError.self) { try lxc.start("100", options: StartOptions(startTimeout: 3)) })
        #expect(e.code == .startFailed)
    }

    @Test func startRejectsForeground() throws {
        let (lxc, runner) = make([])
        let e = try #require(
            #expect(throws: RuntimeError.self) { try lxc.start("100", options: StartOptions(foreground: true)) })
        #expect(e.code == .invalidArgument)
        #expect(runner.calls.isEmpty)
    }

    @Test func foregroundRunIsInteractive() throws {
        let (lxc, runner) = make([.exit(0)])
        let r = try lxc.runForeground("100", options: StartOptions(logFile: "/tmp/x.log", logPriority: "DEBUG"))
        #expect(r.status == .exited(0))
        #expect(
            runner.argumentVectors == [["/usr/bin/lxc-start", "-n", "100", "-F", "-l", "DEBUG", "-o", "/tmp/x.log"]])
        #expect(runner.calls[0].options == .interactive)
    }

    // MARK: stop

    @Test func killThenWaitForStopped() throws {
        let (lxc, runner) = make([.exit(0), .exit(0)])
        #expect(try lxc.stop("100", mode: .kill) == .stopped)
        #expect(
            runner.argumentVectors == [
                ["/usr/bin/lxc-stop", "-n", "100", "--kill"],
                ["/usr/bin/lxc-wait", "-n", "100", "-s", "STOPPED", "-t", "10"],
            ])
        #expect(runner.calls[0].options.timeout == .seconds(10))
    }

    @Test func shutdownGetsFiveExtraSeconds() throws {
        let (lxc, runner) = make([.exit(0), .exit(0)])
        #expect(try lxc.stop("100", mode: .shutdown(timeout: 30, forceAfterTimeout: false)) == .stopped)
        #expect(runner.argumentVectors[0] == ["/usr/bin/lxc-stop", "-n", "100", "--nokill", "--timeout", "30"])
        #expect(runner.calls[0].options.timeout == .seconds(35))
        #expect(runner.argumentVectors[1] == ["/usr/bin/lxc-wait", "-n", "100", "-s", "STOPPED", "-t", "35"])
    }

    @Test func stopOfAStoppedContainer() throws {
        let (lxc, runner) = make([.exit(2, stderr: "100 is not running\n"), Self.stopped])
        #expect(try lxc.stop("100", mode: .kill) == .wasNotRunning)
        #expect(runner.commands.map(\.name) == ["lxc-stop", "lxc-info"])
    }

    @Test func stopOfAMissingContainer() throws {
        let (lxc, _) = make([.exit(2, stderr: "100 is not running\n"), Self.missing])
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.stop("100", mode: .kill) })
        #expect(e.code == .containerNotFound)
    }

    @Test func failedShutdownThatStillStops() throws {
        let (lxc, _) = make([.exit(1, stderr: "shutdown failed\n"), .exit(0)])
        #expect(try lxc.stop("100", mode: .shutdown(timeout: 1, forceAfterTimeout: false)) == .stopped)
    }

    @Test func failedShutdown() throws {
        let (lxc, _) = make([.exit(1, stderr: "lxc-stop: 100: Failed to request shutdown\n"), .exit(1)])
        let e = try #require(
            #expect(throws: RuntimeError.self) {
                try lxc.stop("100", mode: .shutdown(timeout: 1, forceAfterTimeout: false))
            })
        #expect(e.code == .stopFailed)
        #expect(e.message == "container did not stop")
        #expect(e.standardErrorTail == "lxc-stop: 100: Failed to request shutdown")
    }

    @Test func stopThatHangs() throws {
        let (lxc, _) = make([.timeout(stderr: "")])
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.stop("100", mode: .kill) })
        #expect(e.code == .timedOut)
        let (lxc2, _) = make([.signal(9)])
        let k = try #require(#expect(throws: RuntimeError.self) { try lxc2.stop("100", mode: .kill) })
        #expect(k.code == .nonZeroExit)
        #expect(k.message == "command '/usr/bin/lxc-stop -n 100 --kill' failed: got signal 9")
    }

    // MARK: attach / enter

    @Test func attachChecksStateThenReturnsTheInnerExitCode() throws {
        let (lxc, runner) = make([Self.running, .exit(7, stdout: "out\n", stderr: "err\n")])
        let r = try lxc.attach(
            "100", ["/bin/sh", "-c", "exit 7"], options: AttachOptions(environment: .clear(keeping: [])))
        #expect(r.status == .exited(7))
        #expect(r.status.exitCode == 7)
        #expect(r.outputText == "out\n")
        #expect(
            runner.argumentVectors == [
                ["/usr/bin/lxc-info", "-n", "100", "-s", "-p"],
                ["/usr/bin/lxc-attach", "-n", "100", "--clear-env", "--", "/bin/sh", "-c", "exit 7"],
            ])
    }

    @Test func attachReportsSignalDeathsAs128PlusSignal() throws {
        let (lxc, _) = make([Self.running, .exit(137)])
        #expect(try lxc.attach("100", ["x"]).status.exitCode == 137)
    }

    @Test func attachToAStoppedContainer() throws {
        let (lxc, runner) = make([Self.stopped])
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.attach("100", ["true"]) })
        #expect(e.code == .containerNotRunning)
        #expect(e.message == "container '100' not running!")
        #expect(runner.calls.count == 1)
    }

    @Test func attachFailureSeenOnStderr() throws {
        let stderr =
            "lxc-attach: 100: ../src/lxc/attach.c: get_attach_context: 406 Connection refused - Failed to get init pid\n"
        let (lxc, _) = make([.exit(1, stderr: stderr)])
        let e = try #require(
            #expect(throws: RuntimeError.self) { try lxc.attach("100", ["true"], checkRunning: false) })
        #expect(e.code == .containerNotRunning)
        #expect(e.message == "container '100' not running!")
    }

    @Test func attachNeedsACommand() throws {
        let (lxc, runner) = make([])
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.attach("100", []) })
        #expect(e.message == "missing command")
        #expect(runner.calls.isEmpty)
    }

    @Test func enterIsInteractive() throws {
        let (lxc, runner) = make([Self.running, .exit(0)])
        #expect(try lxc.enter("100") == .exited(0))
        #expect(runner.argumentVectors[1] == ["/usr/bin/lxc-attach", "-n", "100", "--keep-env"])
        #expect(runner.calls[1].options == .interactive)
    }

    // MARK: version

    @Test func versionParsesLxcStartVersion() throws {
        let (lxc, runner) = make([.exit(0, stdout: "5.0.2\n")])
        #expect(try lxc.version() == LXCVersion(major: 5, minor: 0, text: "5.0.2"))
        #expect(runner.argumentVectors == [["/usr/bin/lxc-start", "--version"]])
        let (bad, _) = make([.exit(0, stdout: "garbage\n")])
        let e = try #require(#expect(throws: RuntimeError.self) { try bad.version() })
        #expect(e.message == "failed to get lxc version")
        let (fails, _) = make([.exit(1)])
        #expect(throws: RuntimeError.self) { try fails.version() }
    }
}

enum LXCFieldProbe {
    static func field(_ label: String, _ line: String) -> String? { LXC.field(label, in: Substring(line)) }
}
