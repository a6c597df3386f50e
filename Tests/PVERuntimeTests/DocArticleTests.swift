import PVERuntime
import PVETestSupport
import Testing

/// The code of the PVERuntime documentation article (Sources/PVERuntime/PVERuntime.docc), compiled
/// and run (the container operations against a recording runner). `DocArticleSnippetSyncTests`
/// keeps the two in step.
@Suite("PVERuntime articles")
struct PVERuntimeArticleTests {
    /// RunningAContainer.md, "See the command lines".
    @Test func commandLines() throws {
        let lxc = LXC(runner: SpawnRunner(), toolDirectory: "/usr/bin")
        let start = try lxc.startCommand("100")
        print(start)  // /usr/bin/lxc-start -n 100
        let exec = try lxc.attachCommand("100", ["cat", "/etc/hostname"], options: AttachOptions())
        print(exec)  // /usr/bin/lxc-attach -n 100 --keep-env -- cat /etc/hostname
        #expect(start.description == "/usr/bin/lxc-start -n 100")
        #expect(exec.description.hasSuffix("/usr/bin/lxc-attach -n 100 --keep-env -- cat /etc/hostname"))
    }

    /// RunningAContainer.md, "Start, run, stop".
    @Test func startRunStop() throws {
        let runner = RecordingRunner(replies: [
            .exit(0, stdout: "State:          STOPPED\n"),  // state(of:)
            .exit(0),  // lxc-start
            .exit(0),  // lxc-wait
            .exit(0, stdout: "State:          RUNNING\n"),  // attach: requireRunning
            .exit(0, stdout: "ct100\n"),  // lxc-attach
            .exit(0),  // lxc-stop
        ])
        let lxc = LXC(runner: runner, toolDirectory: "/usr/bin")

        if try lxc.state(of: "100") == .stopped {
            try lxc.start("100")
        }
        let result = try lxc.attach("100", ["cat", "/etc/hostname"])
        print(result.outputText)
        _ = try lxc.stop("100", mode: .shutdown(timeout: 30, forceAfterTimeout: true))
        #expect(result.outputText == "ct100\n")
    }
}
