import PVERuntime
import Testing

@Suite struct CommandTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("", "''"),
        ("a b", "'a b'"),
        ("it's", "'it'\\''s'"),
        ("RUNNING|STOPPED", "'RUNNING|STOPPED'"),
        ("$HOME", "'$HOME'"),
        ("-n", "-n"),
        ("/usr/bin/lxc-info", "/usr/bin/lxc-info"),
        ("K=V,x@y:1%+", "K=V,x@y:1%+"),
        ("^a", "'^a'"),
        ("a\nb", "'a\nb'"),
        ("*", "'*'"),
        ("ünï", "'ünï'"),
    ])
    func shellQuoting(word: String, quoted: String) {
        #expect(ShellQuoting.quote(word) == quoted)
    }

    @Test func descriptionIsTheShellQuotedCommandLine() {
        let c = Command("/usr/bin/lxc-attach", ["-n", "100", "--clear-env", "--", "sh", "-c", "echo 'hi there'"])
        #expect(c.description == "/usr/bin/lxc-attach -n 100 --clear-env -- sh -c 'echo '\\''hi there'\\'''")
        #expect(c.name == "lxc-attach")
    }

    @Test func descriptionShowsEnvironmentAndDirectory() {
        let empty = Command("/usr/bin/env", [], environment: .empty.updating(["B": "2", "A": "x y"]))
        #expect(empty.description == "env -i 'A=x y' B=2 /usr/bin/env")
        let changed = Command("/bin/true", environment: .inherit.updating(["SSL_CERT_DIR": nil, "LANG": "C"]))
        #expect(changed.description == "env -u SSL_CERT_DIR LANG=C /bin/true")
        let inDir = Command("/bin/pwd", workingDirectory: "/tmp/a b")
        #expect(inDir.description == "cd '/tmp/a b' && /bin/pwd")
        #expect(Command("/bin/true").description == "/bin/true")
    }

    @Test func environmentResolution() {
        let current = ["PATH=/bin", "HOME=/root", "SSL_CERT_FILE=/x", "PATH=/dup"]
        #expect(Environment.inherit.resolved(from: current) == ["PATH=/bin", "HOME=/root", "SSL_CERT_FILE=/x"])
        let changed = Environment.inherit.updating(["SSL_CERT_FILE": nil, "HOME": "/home", "ZED": "1", "AA": "2"])
        #expect(changed.resolved(from: current) == ["PATH=/bin", "HOME=/home", "AA=2", "ZED=1"])
        #expect(Environment.empty.updating(["B": "1", "A": "2"]).resolved(from: current) == ["A=2", "B=1"])
        #expect(Environment.empty.resolved(from: current) == [])
        // later changes win, removal of an unknown key is a no-op
        #expect(Environment.empty.updating(["A": "1"]).updating(["A": "2", "Q": nil]).resolved(from: []) == ["A=2"])
    }

    @Test(arguments: [
        (Int32(0), TerminationStatus.exited(0)),
        (0x0300, .exited(3)),
        (0xff00, .exited(255)),
        (9, .signaled(9)),
        (15 | 0x80, .signaled(15)),  // core dumped flag
    ])
    func waitStatusDecoding(raw: Int32, expected: TerminationStatus) {
        #expect(TerminationStatus(waitStatus: raw) == expected)
    }

    @Test func terminationStatusProperties() {
        #expect(TerminationStatus.exited(0).isSuccess)
        #expect(!TerminationStatus.exited(1).isSuccess)
        #expect(!TerminationStatus.signaled(9).isSuccess)
        #expect(TerminationStatus.signaled(9).exitCode == 137)
        #expect(TerminationStatus.exited(7).exitCode == 7)
        #expect(TerminationStatus.exited(7).description == "exit status 7")
        #expect(TerminationStatus.signaled(15).description == "killed by signal 15")
    }

    @Test func checkedResultErrors() throws {
        let cmd = Command("/bin/false")
        let ok = CommandResult(command: cmd, status: .exited(0))
        #expect(throws: Never.self) { try ok.checked() }

        let failed = CommandResult(
            command: cmd, status: .exited(2), standardError: Array("one\ntwo\nthree\nfour\nfive\n\n".utf8))
        let e = try #require(#expect(throws: RuntimeError.self) { try failed.checked() })
        #expect(e.code == .nonZeroExit)
        #expect(e.message == "command '/bin/false' failed: exit code 2")
        #expect(e.standardErrorTail == "two\nthree\nfour\nfive")
        #expect(e.description == "command '/bin/false' failed: exit code 2\ntwo\nthree\nfour\nfive")
        #expect(e.status == .exited(2))

        let killed = CommandResult(command: cmd, status: .signaled(9))
        let k = try #require(#expect(throws: RuntimeError.self) { try killed.checked() })
        #expect(k.message == "command '/bin/false' failed: got signal 9")
        #expect(k.description == k.message)

        let slow = CommandResult(command: cmd, status: .signaled(15), timedOut: true)
        let t = try #require(#expect(throws: RuntimeError.self) { try slow.checked() })
        #expect(t.code == .timedOut)
        #expect(t.message == "command '/bin/false' failed: got timeout")
    }

    @Test func resultText() {
        let r = CommandResult(command: Command("/bin/x"), status: .exited(0), standardOutput: [0x68, 0x69, 0xff])
        #expect(r.outputText == "hi\u{FFFD}")
        #expect(r.errorText == "")
    }
}
