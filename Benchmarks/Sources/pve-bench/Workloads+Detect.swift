import Glibc
import PVEGuestOS
import PVESystem

// Detect: in-process detection on a Debian-like rootfs, and the whole `pve-guestsetup detect`
// process (cold start, spawn to exit), median of 20 runs, next to `/bin/true` (the spawn floor)
// and, when `ORACLE_DETECT` names it, Proxmox's own Perl code (the oracle's `oracle-detect`).
//
//   swift build -c release --static-swift-stdlib --product pve-guestsetup
//   PVE_GUESTSETUP_BIN=.build/release/pve-guestsetup swift run -c release --package-path Benchmarks pve-bench detect

let detectSuite = BenchmarkSuite(name: "detect") {
    let root = makeDebianLikeRootfs()
    defer { removeTree(root) }

    guard let fs = try? RootFS(path: root) else {
        print("detect: cannot open \(root)")
        return
    }
    let inProcess = measure("detect in-process (RootFS, Debian rootfs, report + arch)", rounds: 15, opsPerRound: 200) {
        for _ in 0..<200 {
            let report = OSDetector.report(in: fs, configuredType: nil)
            blackHole(report)
            blackHole(try? OSDetector.architecture(in: fs))
        }
    }
    report(inProcess)

    let env = getenv("PVE_GUESTSETUP_BIN").map { String(cString: $0) }
    let binary = env ?? ".build/release/pve-guestsetup"
    guard access(binary, X_OK) == 0 else {
        print("detect cold start: no binary at \(binary) (set PVE_GUESTSETUP_BIN)")
        return
    }
    let floor = spawnStatistics(["/bin/true"], runs: 20)
    let ours = spawnStatistics([binary, "detect", root], runs: 20)
    print("process /bin/true (spawn floor), 20 runs: \(floor)")
    print("process pve-guestsetup detect ROOTFS, 20 runs: \(ours) (target: median <= 10 ms)")
    if let oracle = getenv("ORACLE_DETECT").map({ String(cString: $0) }), access(oracle, X_OK) == 0 {
        let perl = spawnStatistics([oracle, root, "--arch", "amd64"], runs: 5)
        print("process Proxmox Perl (oracle-detect), 5 runs: \(perl)")
        print(
            "ratio Perl / ours: wall \(format(perl.medianWall / ours.medianWall))x, CPU \(format(perl.medianCPU / ours.medianCPU))x"
        )
    }
}

/// Wall-clock (spawn to exit) and CPU (user + system of the child, from `wait4`) milliseconds.
private struct SpawnStatistics: CustomStringConvertible {
    var wall: [Double]
    var cpu: [Double]
    var medianWall: Double { wall[wall.count / 2] }
    var medianCPU: Double { cpu[cpu.count / 2] }
    var description: String {
        "wall median \(format(medianWall)) ms (min \(format(wall[0])) ms), CPU median \(format(medianCPU)) ms"
    }
}

private func spawnStatistics(_ argv: [String], runs: Int) -> SpawnStatistics {
    let clock = ContinuousClock()
    var wall: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<runs {
        var used = 0.0
        let d = clock.measure { used = spawnAndWait(argv) }
        wall.append(Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15)
        cpu.append(used)
    }
    return SpawnStatistics(wall: wall.sorted(), cpu: cpu.sorted())
}

/// Runs `argv` with output discarded; returns the child's CPU time (user + system) in ms.
@discardableResult
private func spawnAndWait(_ argv: [String]) -> Double {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ) == 0 else { return 0 }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1e3 + Double(t.tv_usec) / 1e3 }
    return ms(usage.ru_utime) + ms(usage.ru_stime)
}

/// A small Debian 12 tree: os-release, debian_version, /bin/sh -> dash with an x86-64 ELF header.
private func makeDebianLikeRootfs() -> String {
    var template = Array("/tmp/pve-bench-detect.XXXXXX".utf8CString)
    let root = template.withUnsafeMutableBufferPointer { buffer -> String in
        guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return "/tmp" }
        return String(cString: made)
    }
    for dir in ["/etc", "/usr", "/usr/lib", "/bin"] { mkdir(root + dir, 0o755) }
    let osRelease = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian
        HOME_URL="https://www.debian.org/"
        SUPPORT_URL="https://www.debian.org/support"
        BUG_REPORT_URL="https://bugs.debian.org/"

        """
    writeFile(root + "/usr/lib/os-release", Array(osRelease.utf8))
    symlink("../usr/lib/os-release", root + "/etc/os-release")
    writeFile(root + "/etc/debian_version", Array("12.7\n".utf8))
    let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1] + Array(repeating: 0, count: 9) + [2, 0, 0x3E, 0]
    writeFile(root + "/bin/dash", elf + Array(repeating: 0, count: 125_000))
    symlink("dash", root + "/bin/sh")
    return root
}

private func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { return }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

private func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if st.st_mode & S_IFMT == S_IFDIR {
        if let dir = opendir(path) {
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(dir)
            for name in names { removeTree(path + "/" + name) }
        }
        rmdir(path)
    } else {
        unlink(path)
    }
}
