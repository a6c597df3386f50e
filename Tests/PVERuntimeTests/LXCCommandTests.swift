import PVERuntime
import PVETestSupport
import Testing

/// The exact argument vector of every typed LXC command (nothing runs).
@Suite struct LXCCommandTests {
    let lxc = LXC(runner: RecordingRunner())
    let privateLXC = LXC(runner: RecordingRunner(), toolDirectory: "/opt/lxc/bin/", lxcPath: "/tmp/ct")

    func argv(_ c: Command) -> [String] { [c.executable] + c.arguments }

    @Test func start() throws {
        #expect(argv(try lxc.startCommand("100")) == ["/usr/bin/lxc-start", "-n", "100"])
        // the seed's debugging recipe: lxc-start -n CTID -F -l DEBUG -o FILE
        let debug = StartOptions(foreground: true, logFile: "/tmp/lxc-100.log", logPriority: "debug")
        #expect(
            argv(try lxc.startCommand("100", options: debug))
                == ["/usr/bin/lxc-start", "-n", "100", "-F", "-l", "DEBUG", "-o", "/tmp/lxc-100.log"])
        #expect(
            argv(try privateLXC.startCommand("100", options: StartOptions(logFile: "/l")))
                == ["/opt/lxc/bin/lxc-start", "-n", "100", "-P", "/tmp/ct", "-o", "/l"])
        #expect(
            try lxc.startCommand("100", options: debug).description
                == "/usr/bin/lxc-start -n 100 -F -l DEBUG -o /tmp/lxc-100.log")
    }

    @Test(arguments: StartOptions.logPriorities)
    func everyLogPriorityIsAccepted(level: String) throws {
        let c = try lxc.startCommand("1", options: StartOptions(logPriority: level.lowercased()))
        #expect(c.arguments == ["-n", "1", "-l", level])
    }

    @Test func invalidLogPriority() throws {
        let e = try #require(
            #expect(throws: RuntimeError.self) {
                try lxc.startCommand("100", options: StartOptions(logPriority: "LOUD"))
            })
        #expect(e.code == .invalidArgument)
        #expect(
            e.message
                == "invalid log priority 'LOUD' (one of TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRIT, ALERT, FATAL)")
    }

    @Test func stop() throws {
        // Proxmox vm_stop: kill → --kill; shutdown → --nokill unless forceStop, then --timeout
        #expect(argv(try lxc.stopCommand("100", mode: .kill)) == ["/usr/bin/lxc-stop", "-n", "100", "--kill"])
        #expect(
            argv(try lxc.stopCommand("100", mode: .shutdown(timeout: 60, forceAfterTimeout: false)))
                == ["/usr/bin/lxc-stop", "-n", "100", "--nokill", "--timeout", "60"])
        #expect(
            argv(try lxc.stopCommand("100", mode: .shutdown(timeout: 5, forceAfterTimeout: true)))
                == ["/usr/bin/lxc-stop", "-n", "100", "--timeout", "5"])
        #expect(
            argv(try lxc.stopCommand("100", mode: .shutdown(timeout: nil, forceAfterTimeout: false)))
                == ["/usr/bin/lxc-stop", "-n", "100", "--nokill"])
        #expect(
            argv(try lxc.stopCommand("100", mode: .shutdown(timeout: nil, forceAfterTimeout: true)))
                == ["/usr/bin/lxc-stop", "-n", "100"])
        #expect(
            argv(try privateLXC.stopCommand("7", mode: .kill)) == [
                "/opt/lxc/bin/lxc-stop", "-n", "7", "-P", "/tmp/ct", "--kill",
            ])
        #expect(throws: RuntimeError.self) {
            try lxc.stopCommand("100", mode: .shutdown(timeout: -1, forceAfterTimeout: true))
        }
    }

    @Test func info() throws {
        #expect(argv(try lxc.infoCommand("100")) == ["/usr/bin/lxc-info", "-n", "100", "-s", "-p"])
        // Proxmox find_lxc_pid
        #expect(argv(try lxc.infoCommand("100", state: false)) == ["/usr/bin/lxc-info", "-n", "100", "-p"])
        #expect(argv(try lxc.infoCommand("100", pid: false)) == ["/usr/bin/lxc-info", "-n", "100", "-s"])
        #expect(
            argv(try privateLXC.infoCommand("9")) == ["/opt/lxc/bin/lxc-info", "-n", "9", "-P", "/tmp/ct", "-s", "-p"])
    }

    @Test func wait() throws {
        #expect(
            argv(try lxc.waitCommand("100", for: [.running], timeout: 10))
                == ["/usr/bin/lxc-wait", "-n", "100", "-s", "RUNNING", "-t", "10"])
        let c = try lxc.waitCommand("100", for: [.stopped, .aborting], timeout: nil)
        #expect(argv(c) == ["/usr/bin/lxc-wait", "-n", "100", "-s", "STOPPED|ABORTING"])
        #expect(c.description == "/usr/bin/lxc-wait -n 100 -s 'STOPPED|ABORTING'")
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.waitCommand("100", for: [], timeout: 1) })
        #expect(e.message == "lxc-wait needs at least one state")
        #expect(throws: RuntimeError.self) { try lxc.waitCommand("100", for: [.running], timeout: -3) }
    }

    @Test func attachLikePctExecAndEnter() throws {
        // pct exec <vmid> -- cmd…   (keep-env is pct's default)
        let exec = try lxc.attachCommand("100", ["ls", "-l", "/"])
        #expect(argv(exec) == ["/usr/bin/lxc-attach", "-n", "100", "--keep-env", "--", "ls", "-l", "/"])
        // pct strips SSL_CERT_FILE/SSL_CERT_DIR from its own environment before exec
        #expect(exec.environment == .inherit.updating(["SSL_CERT_FILE": nil, "SSL_CERT_DIR": nil]))
        #expect(
            exec.description == "env -u SSL_CERT_DIR -u SSL_CERT_FILE /usr/bin/lxc-attach -n 100 --keep-env -- ls -l /")
        // pct enter <vmid> --keep-env 0
        let enter = try lxc.attachCommand("100", nil, options: AttachOptions(environment: .clear(keeping: [])))
        #expect(argv(enter) == ["/usr/bin/lxc-attach", "-n", "100", "--clear-env"])
        #expect(enter.environment == .inherit)
        #expect(argv(try lxc.attachCommand("100", [])) == ["/usr/bin/lxc-attach", "-n", "100", "--keep-env"])
    }

    @Test func attachWithEverything() throws {
        let options = AttachOptions(
            environment: .clear(keeping: ["TERM", "LANG"]), variables: ["A=1", "B=x y", "C="], uid: 1000, gid: 100)
        #expect(
            argv(try privateLXC.attachCommand("100", ["id"], options: options)) == [
                "/opt/lxc/bin/lxc-attach", "-n", "100", "-P", "/tmp/ct", "--clear-env", "--keep-var", "TERM",
                "--keep-var", "LANG", "-v", "A=1", "-v", "B=x y", "-v", "C=", "-u", "1000", "-g", "100", "--", "id",
            ])
    }

    @Test func attachLikeProxmoxNetworkHotplug() throws {
        // PVE::LXC::update_net: lxc-attach -n <vmid> -s NETWORK -- /sbin/ip link set eth0 up
        let options = AttachOptions(environment: nil, namespaces: ["NETWORK"])
        #expect(
            argv(try lxc.attachCommand("100", ["/sbin/ip", "link", "set", "eth0", "up"], options: options))
                == ["/usr/bin/lxc-attach", "-n", "100", "-s", "NETWORK", "--", "/sbin/ip", "link", "set", "eth0", "up"])
        let dhcp = AttachOptions(environment: nil, namespaces: ["NETWORK", "UTSNAME"])
        #expect(
            try lxc.attachCommand("100", ["true"], options: dhcp).arguments.prefix(4) == [
                "-n", "100", "-s", "NETWORK|UTSNAME",
            ])
        #expect(throws: RuntimeError.self) {
            try lxc.attachCommand("100", ["true"], options: AttachOptions(namespaces: []))
        }
    }

    @Test func attachWithWorkingDirectoryWrapsInShell() throws {
        let c = try lxc.attachCommand(
            "100", ["ls", "-l"], options: AttachOptions(environment: .clear(keeping: []), workingDirectory: "/var/log"))
        #expect(
            argv(c) == [
                "/usr/bin/lxc-attach", "-n", "100", "--clear-env", "--", "/bin/sh", "-c",
                "cd \"$1\" || exit 1; shift; exec \"$@\"", "sh", "/var/log", "ls", "-l",
            ])
    }

    @Test(arguments: [
        (AttachOptions(variables: ["NOEQUALS"]), "invalid variable 'NOEQUALS' (expected NAME=VALUE)"),
        (AttachOptions(variables: ["=v"]), "invalid variable '=v' (expected NAME=VALUE)"),
        (AttachOptions(variables: ["1A=v"]), "invalid variable '1A=v' (expected NAME=VALUE)"),
        (AttachOptions(variables: ["A-B=v"]), "invalid variable 'A-B=v' (expected NAME=VALUE)"),
        (AttachOptions(environment: .clear(keeping: ["A B"])), "invalid variable name 'A B'"),
        (AttachOptions(workingDirectory: "relative"), "working directory 'relative' must be an absolute path"),
    ])
    func attachRejectsBadOptions(options: AttachOptions, message: String) throws {
        let e = try #require(
            #expect(throws: RuntimeError.self) { try lxc.attachCommand("100", ["true"], options: options) })
        #expect(e.code == .invalidArgument)
        #expect(e.message == message)
    }

    @Test func workingDirectoryNeedsACommand() throws {
        let e = try #require(
            #expect(throws: RuntimeError.self) {
                try lxc.attachCommand("100", nil, options: AttachOptions(workingDirectory: "/"))
            })
        #expect(e.message == "a working directory needs a command to run")
    }

    @Test func consoleLikeGetConsoleCommand() throws {
        #expect(argv(try lxc.consoleCommand("100")) == ["/usr/bin/lxc-console", "-n", "100"])
        #expect(argv(try lxc.consoleCommand("100", escape: "^b")) == ["/usr/bin/lxc-console", "-n", "100", "-e", "^b"])
        #expect(
            argv(try lxc.consoleCommand("100", mode: .console)) == ["/usr/bin/lxc-console", "-n", "100", "-t", "0"])
        #expect(
            argv(try lxc.consoleCommand("100", mode: .console, escape: "a"))
                == ["/usr/bin/lxc-console", "-n", "100", "-t", "0", "-e", "a"])
        #expect(
            argv(try lxc.consoleCommand("100", mode: .shell)) == ["/usr/bin/lxc-attach", "--clear-env", "-n", "100"])
        #expect(
            argv(try privateLXC.consoleCommand("100", mode: .shell))
                == ["/opt/lxc/bin/lxc-attach", "--clear-env", "-n", "100", "-P", "/tmp/ct"])
        // the API's vncproxy/termproxy: get_console_command($vmid, $conf, -1)
        #expect(argv(try lxc.consoleCommand("100", escape: "-1")) == ["/usr/bin/lxc-console", "-n", "100", "-e", "-1"])
        for bad in ["", "^", "ab", "^A", "1", "^^a", "-2"] {
            #expect(throws: RuntimeError.self, "escape \(bad)") { try lxc.consoleCommand("100", escape: bad) }
        }
    }

    @Test func version() {
        #expect(argv(lxc.versionCommand()) == ["/usr/bin/lxc-start", "--version"])
    }

    @Test(arguments: ["", "-n", "a/b", "x\u{0}y"])
    func invalidNames(name: String) throws {
        let e = try #require(#expect(throws: RuntimeError.self) { try lxc.infoCommand(name) })
        #expect(e.code == .invalidArgument)
        #expect(e.message == "invalid container name '\(name)'")
    }

    @Test(arguments: [
        ("6.0.4", LXCVersion(major: 6, minor: 0, text: "6.0.4")),
        ("5.0.2\n", LXCVersion(major: 5, minor: 0, text: "5.0.2")),
        ("junk\n4.0", LXCVersion(major: 4, minor: 0, text: "4.0")),
        // Proxmox's outfunc overwrites: the last matching line wins
        ("5.0.1\nnoise\n6.0.0\n", LXCVersion(major: 6, minor: 0, text: "6.0.0")),
        ("3.12-devel", LXCVersion(major: 3, minor: 12, text: "3.12-devel")),
    ])
    func versionParsing(output: String, expected: LXCVersion) {
        #expect(LXCVersion.parse(output) == expected)
    }

    @Test(arguments: ["", "lxc 5.0.2", "5", "5.", ".5", "5.0x", "99999999999999999999.1"])
    func versionParsingRejects(output: String) {
        // "5.0x": a non-digit after the minor is allowed by Proxmox's pattern (\D.*), so it parses.
        if output == "5.0x" {
            #expect(LXCVersion.parse(output) == LXCVersion(major: 5, minor: 0, text: "5.0x"))
        } else {
            #expect(LXCVersion.parse(output) == nil)
        }
    }

    @Test func states() {
        #expect(ContainerState("running") == .running)
        #expect(
            ContainerState.all.map(\.name) == [
                "STOPPED", "STARTING", "RUNNING", "STOPPING", "ABORTING", "FREEZING", "FROZEN", "THAWED",
            ])
        #expect(ContainerState.running.isRunning && !ContainerState.frozen.isRunning)
        #expect(ContainerState("NEWSTATE").description == "NEWSTATE")
    }
}
