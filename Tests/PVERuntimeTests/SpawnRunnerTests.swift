import Glibc
import PVERuntime
import PVESystem
import PVETestSupport
import Testing

/// Real processes (`/bin/sh`, `/bin/sleep`, …): capture, exit status vs. signal, limits, time limits.
@Suite struct SpawnRunnerTests {
    let runner = SpawnRunner()

    func sh(_ script: String, options: RunOptions = RunOptions()) throws -> CommandResult {
        try runner.run(Command("/bin/sh", ["-c", script]), options: options)
    }

    @Test func capturesBothStreamsAndExitStatus() throws {
        let r = try sh("echo out; echo err >&2; exit 3")
        #expect(r.status == .exited(3))
        #expect(r.outputText == "out\n")
        #expect(r.errorText == "err\n")
        #expect(!r.timedOut && !r.outputTruncated && !r.errorTruncated)
    }

    @Test func argumentsArePassedVerbatimWithoutAShell() throws {
        let args = ["a b", "$HOME", "*", "'q'", "", "x\ny"]
        let r = try runner.run(Command("/usr/bin/printf", ["[%s]"] + args))
        #expect(r.status == .exited(0))
        #expect(r.outputText == "[a b][$HOME][*]['q'][][x\ny]")
    }

    @Test func signalDeathIsReported() throws {
        let r = try sh("kill -9 $$")
        #expect(r.status == .signaled(9))
        #expect(r.status.exitCode == 137)
        #expect(!r.timedOut)
    }

    @Test func standardInputIsDevNull() throws {
        let r = try runner.run(Command("/bin/cat"))
        #expect(r.status == .exited(0))
        #expect(r.standardOutput.isEmpty)
    }

    @Test func timeoutSendsSigterm() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let r = try runner.run(Command("/bin/sleep", ["30"]), options: RunOptions(timeout: .milliseconds(100)))
        #expect(r.timedOut)
        #expect(r.status == .signaled(15))
        #expect(clock.now - start < .seconds(10))
        #expect(throws: RuntimeError.self) { try r.checked() }
    }

    @Test func timeoutEscalatesToSigkillWhenSigtermIsIgnored() throws {
        let clock = ContinuousClock()
        let start = clock.now
        // An ignored signal stays ignored across exec, so neither sh nor sleep reacts to SIGTERM.
        let options = RunOptions(timeout: .milliseconds(300), killGrace: .milliseconds(200))
        let r = try sh("trap '' TERM; echo ready; /bin/sleep 30", options: options)
        #expect(r.timedOut)
        #expect(r.status == .signaled(9))
        #expect(r.outputText == "ready\n")
        #expect(clock.now - start < .seconds(10))
    }

    @Test func backgroundGrandchildDoesNotBlockTheRun() throws {
        // The background sleep keeps the stdout pipe open; the run must end when sh exits.
        let clock = ContinuousClock()
        let start = clock.now
        let r = try sh("/bin/sleep 5 & echo started")
        #expect(r.status == .exited(0))
        #expect(r.outputText == "started\n")
        #expect(clock.now - start < .seconds(4))
    }

    @Test func captureKeepsTheHeadWithinTheLimit() throws {
        let options = RunOptions(output: .capture(limit: 1000, keep: .head))
        let r = try runner.run(Command("/usr/bin/head", ["-c", "3000000", "/dev/zero"]), options: options)
        #expect(r.status == .exited(0))
        #expect(r.standardOutput.count == 1000)
        #expect(r.outputTruncated)
    }

    @Test func captureKeepsTheTailWithinTheLimit() throws {
        let options = RunOptions(error: .capture(limit: 14, keep: .tail))
        let r = try sh("/usr/bin/seq 1 200000 >&2", options: options)
        #expect(r.status == .exited(0))
        #expect(r.errorText == "199999\n200000\n")
        #expect(r.errorTruncated)
    }

    @Test func zeroLimitCapturesNothingButDrains() throws {
        let options = RunOptions(output: .capture(limit: 0, keep: .head))
        let r = try runner.run(Command("/usr/bin/head", ["-c", "200000", "/dev/zero"]), options: options)
        #expect(r.status == .exited(0))
        #expect(r.standardOutput.isEmpty)
        #expect(r.outputTruncated)
    }

    @Test func largeOutputOnBothStreamsDoesNotDeadlock() throws {
        let r = try sh("/usr/bin/head -c 2000000 /dev/zero; /usr/bin/head -c 2000000 /dev/zero >&2")
        #expect(r.status == .exited(0))
        #expect(r.standardOutput.count == 1 << 20)
        #expect(r.standardError.count == 1 << 20)
        #expect(r.outputTruncated && r.errorTruncated)
    }

    @Test func discardedOutputIsNotCaptured() throws {
        let r = try sh("echo out; echo err >&2", options: RunOptions(output: .discard, error: .discard))
        #expect(r.status == .exited(0))
        #expect(r.standardOutput.isEmpty && r.standardError.isEmpty)
    }

    @Test func environmentIsExactlyTheResolvedOne() throws {
        let r = try runner.run(Command("/usr/bin/env", [], environment: .empty.updating(["B": "2", "A": "1"])))
        #expect(r.outputText == "A=1\nB=2\n")
        let inherited = try runner.run(
            Command("/usr/bin/env", [], environment: .inherit.updating(["PATH": nil, "PVE_TEST_VAR": "x y"])))
        let lines = inherited.outputText.split(separator: "\n")
        #expect(lines.contains("PVE_TEST_VAR=x y"))
        #expect(!lines.contains { $0.hasPrefix("PATH=") })
    }

    @Test func workingDirectory() throws {
        let r = try runner.run(Command("/bin/pwd", workingDirectory: "/usr/lib"))
        #expect(r.outputText == "/usr/lib\n")
    }

    @Test func missingWorkingDirectoryIsASpawnError() throws {
        let e = try #require(
            #expect(throws: RuntimeError.self) {
                try runner.run(Command("/bin/pwd", workingDirectory: "/nonexistent-dir-for-test"))
            })
        #expect(e.code == .spawnFailed)
        #expect(e.message == "cannot run '/bin/pwd' in '/nonexistent-dir-for-test': no such file or directory")
    }

    @Test func missingExecutable() throws {
        let e = try #require(
            #expect(throws: RuntimeError.self) {
                try runner.run(Command("/nonexistent/lxc-info", ["-n", "1"]))
            })
        #expect(e.code == .executableNotFound)
        #expect(e.message == "cannot run '/nonexistent/lxc-info': no such file or directory")
        #expect(e.errno == .noSuchFileOrDirectory)
        #expect(e.command == Command("/nonexistent/lxc-info", ["-n", "1"]))
    }

    @Test func nonExecutableFile() throws {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-spawn")
        defer { TestFiles.removeTree(dir) }
        let plain = dir + "/plain"
        #expect(TestFiles.write(plain, Array("#!/bin/sh\n".utf8)))
        #expect(chmod(plain, 0o644) == 0)
        let e = try #require(#expect(throws: RuntimeError.self) { try runner.run(Command(plain)) })
        #expect(e.code == .executableNotFound)
        #expect(e.message == "cannot run '\(plain)': permission denied")
    }

    @Test func executableWithUnknownFormat() throws {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-spawn")
        defer { TestFiles.removeTree(dir) }
        let garbage = dir + "/garbage"
        #expect(TestFiles.write(garbage, [0, 1, 2, 3, 4, 5, 6, 7]))
        #expect(chmod(garbage, 0o755) == 0)
        let e = try #require(#expect(throws: RuntimeError.self) { try runner.run(Command(garbage)) })
        #expect(e.code == .executableNotFound)
        #expect(e.message == "cannot run '\(garbage)': exec format error")
    }

    @Test func relativeExecutableIsRejected() throws {
        let e = try #require(#expect(throws: RuntimeError.self) { try runner.run(Command("sh", ["-c", "true"])) })
        #expect(e.code == .invalidArgument)
        #expect(e.message == "cannot run 'sh': the executable must be an absolute path")
    }

    @Test func interactiveRunSharesTheCallersStreams() throws {
        let r = try runner.run(Command("/bin/sh", ["-c", "exit 4"]), options: .interactive)
        #expect(r.status == .exited(4))
        #expect(r.standardOutput.isEmpty)
    }

    @Test func interactiveRunHonoursTheTimeout() throws {
        var options = RunOptions.interactive
        options.timeout = .milliseconds(50)
        options.output = .discard
        let r = try runner.run(Command("/bin/sleep", ["30"]), options: options)
        #expect(r.timedOut)
        #expect(r.status == .signaled(15))
    }

    @Test func manyConcurrentRuns() async throws {
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<16 {
                group.addTask {
                    let r = try SpawnRunner().run(Command("/bin/echo", ["run \(i)"]))
                    return (i, r.outputText)
                }
            }
            for try await (i, text) in group { #expect(text == "run \(i)\n") }
        }
    }
}
