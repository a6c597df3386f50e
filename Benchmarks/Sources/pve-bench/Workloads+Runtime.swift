import Glibc
import PVERuntime

/// Runtime: what our layer (`LXC.status(of:)`: build the Command, SpawnRunner with bounded capture and
/// pidfd/poll supervision, parse the output) costs on top of spawning `lxc-info` directly (posix_spawn,
/// read the pipe to EOF, waitpid). Both run the same `lxc-info -n 900 -P <tmp> -s -p` on a defined, stopped
/// container, interleaved in one run; we report p10 and median of each, and the median per-pair difference
/// (wall-clock numbers swing widely on the shared 2-core machine; the low quantiles and paired differences do not).
let runtimeSuite = BenchmarkSuite(name: "runtime") {
    let tool = "/usr/bin/lxc-info"
    guard access(tool, X_OK) == 0 else {
        print("skipped: \(tool) is not installed (apt-get install lxc)")
        return
    }
    // A container only needs a config file to be "defined" for lxc-info (state STOPPED).
    var template = Array("/tmp/pve-bench-lxc.XXXXXX".utf8CString)
    guard
        let lxcPath = template.withUnsafeMutableBufferPointer({ b in
            b.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        })
    else {
        print("skipped: mkdtemp failed")
        return
    }
    defer {
        unlink(lxcPath + "/900/config")
        rmdir(lxcPath + "/900")
        rmdir(lxcPath)
    }
    mkdir(lxcPath + "/900", 0o755)
    guard let f = fopen(lxcPath + "/900/config", "w") else { return }
    fputs("lxc.uts.name = 900\n", f)
    fclose(f)

    let lxc = LXC(lxcPath: lxcPath)
    let arguments = ["-n", "900", "-P", lxcPath, "-s", "-p"]
    guard (try? lxc.status(of: "900"))?.state == .stopped, directLXCInfo(tool, arguments).contains("STOPPED") else {
        print("skipped: lxc-info does not report the test container")
        return
    }

    // 1. Process round trip: direct posix_spawn vs. LXC.status(of:), interleaved.
    let clock = ContinuousClock()
    func ns(_ d: Duration) -> Double { Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9 }
    var direct: [Double] = []
    var ours: [Double] = []
    var differences: [Double] = []
    let pairs = 101
    for i in 0..<(pairs + 2) {
        let a = clock.measure { blackHole(directLXCInfo(tool, arguments)) }
        let b = clock.measure { blackHole(try? lxc.status(of: "900")) }
        if i >= 2 {  // two warm-up pairs
            direct.append(ns(a))
            ours.append(ns(b))
            differences.append(ns(b) - ns(a))
        }
    }
    let (directP10, directP50) = (quantile(direct, 0.1), quantile(direct, 0.5))
    let (oursP10, oursP50) = (quantile(ours, 0.1), quantile(ours, 0.5))
    print(
        "lxc-info direct (posix_spawn + read + waitpid): p10 \(format(directP10 / 1e6)) ms, median \(format(directP50 / 1e6)) ms (\(pairs) calls)"
    )
    print(
        "lxc-info via LXC.status(of:):                   p10 \(format(oursP10 / 1e6)) ms, median \(format(oursP50 / 1e6)) ms (\(pairs) calls)"
    )
    print(
        "overhead of our layer: \(format(quantile(differences, 0.5) / 1e3)) µs/call (median per-pair difference), "
            + "\(format((oursP10 - directP10) / 1e3)) µs (p10 difference); ratio \(format(oursP10 / directP10))x (p10), "
            + "\(format(oursP50 / directP50))x (median)")

    // 2. The layer alone, without a process: build the command, run it on a canned runner, parse.
    let canned = LXC(
        runner: CannedRunner(output: Array("State:          RUNNING\nPID:            4242\n".utf8)), lxcPath: lxcPath)
    let layer = measure("LXC.status(of:) without the process (build + parse)", opsPerRound: 10_000) {
        for _ in 0..<10_000 { blackHole(try? canned.status(of: "900")) }
    }
    report(layer)
}

private func quantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[Int(Double(sorted.count - 1) * q)]
}

/// A `CommandRunner` that answers every command with the same output (no process).
private struct CannedRunner: CommandRunner {
    var output: [UInt8]
    func run(_ command: Command, options: RunOptions) throws(RuntimeError) -> CommandResult {
        CommandResult(command: command, status: .exited(0), standardOutput: output)
    }
}

/// The baseline: spawn the tool with stdout on a pipe, read to EOF, reap. Minimal and unchecked.
private func directLXCInfo(_ tool: String, _ arguments: [String]) -> String {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return "" }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    let argv = ([tool] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, tool, &actions, nil, argv, environ)
    posix_spawn_file_actions_destroy(&actions)
    close(fds[1])
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while rc == 0 {
        let n = read(fds[0], &buffer, buffer.count)
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    close(fds[0])
    var status: Int32 = 0
    if rc == 0 { waitpid(pid, &status, 0) }
    return String(decoding: out, as: UTF8.self)
}
