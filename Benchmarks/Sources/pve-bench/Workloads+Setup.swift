import Glibc
import PVEConfig
import PVEGuestOS
import PVEGuestSetup
import PVERuntime
import PVESystem

/// Guest setup: `apply` of the bundled Debian 12 example (4 interfaces, unprivileged, systemd) and
/// marker-block edit throughput. See Benchmarks/README.md, section "Setup".
let setupSuite = BenchmarkSuite(name: "setup") {
    let repo = SetupBench.repositoryRoot
    let example = repo + "/Fixtures/example"
    guard let configText = SetupBench.readHost(example + "/100.conf") else {
        print("setup: cannot read \(example)/100.conf")
        return
    }
    let work = SetupBench.makeTemporaryDirectory()
    defer { SetupBench.removeTree(work) }

    // 1. Library pipeline, fresh tree each round (copy untimed): config parse, RootFS, detection,
    //    pre-start hook on the overlay, commit to disk.
    var fresh: [Double] = []
    var again: [Double] = []
    let clock = ContinuousClock()
    for round in 0..<31 {
        let root = work + "/r\(round)"
        SetupBench.copyTree(example + "/rootfs", root)
        let first = clock.measure { SetupBench.applyOnce(configText, root) }
        let second = clock.measure { SetupBench.applyOnce(configText, root) }
        if round > 0 {
            fresh.append(SetupBench.ms(first))
            again.append(SetupBench.ms(second))
        }
        SetupBench.removeTree(root)
    }
    print("apply pre-start in-process, fresh tree (writes 16 paths): median \(SetupBench.median(fresh)) ms, min \(fresh.min() ?? 0) ms")

    // 1b. First write, staged commit (one syncfs before and one after the renames) against the
    //     previous commit (temp file + fsync + rename + fsync of the directory, per file), on
    //     fresh copies in alternating order within the same run.
    var staged: [Double] = []
    var perFile: [Double] = []
    for round in 0..<41 {
        let a = work + "/s\(round)"
        let b = work + "/f\(round)"
        SetupBench.copyTree(example + "/rootfs", a)
        SetupBench.copyTree(example + "/rootfs", b)
        var ds = 0.0
        var df = 0.0
        if round % 2 == 0 {
            ds = SetupBench.ms(clock.measure { SetupBench.applyOnce(configText, a) })
            df = SetupBench.ms(clock.measure { SetupBench.applyPerFileFsync(configText, b) })
        } else {
            df = SetupBench.ms(clock.measure { SetupBench.applyPerFileFsync(configText, b) })
            ds = SetupBench.ms(clock.measure { SetupBench.applyOnce(configText, a) })
        }
        if round > 0 {
            staged.append(ds)
            perFile.append(df)
        }
        if !SetupBench.sameTree(a, b) { print("setup: staged and per-file commits wrote different trees") }
        SetupBench.removeTree(a)
        SetupBench.removeTree(b)
    }
    print("apply first write, staged commit + syncfs: median \(SetupBench.median(staged)) ms, min \(staged.min() ?? 0) ms, max \(staged.max() ?? 0) ms")
    print(
        "apply first write, per-file fsync (previous commit): median \(SetupBench.median(perFile)) ms,",
        "min \(perFile.min() ?? 0) ms, max \(perFile.max() ?? 0) ms")
    print("apply pre-start in-process, already applied (no writes): median \(SetupBench.median(again)) ms, min \(again.min() ?? 0) ms")

    // 2. Whole process: the release CLI binary, spawned, on a fresh copy each round.
    let binary = repo + "/.build/release/pve-guestsetup"
    if access(binary, X_OK) == 0 {
        var process: [Double] = []
        var processAgain: [Double] = []
        let runner = SpawnRunner()
        for round in 0..<31 {
            let root = work + "/p\(round)"
            SetupBench.copyTree(example + "/rootfs", root)
            let command = Command(binary, ["apply", "--config", example + "/100.conf", "--rootfs", root])
            var ok = true
            let first = clock.measure { ok = ((try? runner.run(command))?.status.isSuccess ?? false) }
            let second = clock.measure { ok = ok && ((try? runner.run(command))?.status.isSuccess ?? false) }
            if !ok { print("setup: \(binary) failed") }
            if round > 0 {
                process.append(SetupBench.ms(first))
                processAgain.append(SetupBench.ms(second))
            }
            SetupBench.removeTree(root)
        }
        print("pve-guestsetup apply (whole process), fresh tree: median \(SetupBench.median(process)) ms, min \(process.min() ?? 0) ms")
        print("pve-guestsetup apply (whole process), already applied: median \(SetupBench.median(processAgain)) ms, min \(processAgain.min() ?? 0) ms")
    } else {
        print("(no \(binary): run `swift build -c release --product pve-guestsetup` for the whole-process figure)")
    }

    // 3. Marker-block edits on a 4 KiB /etc/hosts-like file with the block in the middle.
    var text: [UInt8] = []
    for i in 0..<60 { text += Array("10.0.\(i / 256).\(i % 256)\thost\(i).example.com host\(i)\n".utf8) }
    text += Array("# --- BEGIN PVE ---\n127.0.1.1 old\n# --- END PVE ---\n".utf8)
    for i in 60..<120 { text += Array("10.0.\(i / 256).\(i % 256)\thost\(i).example.com host\(i)\n".utf8) }
    let data = Array("127.0.0.1 localhost.localnet localhost\n192.0.2.10 web01.example.com web01\n".utf8)
    report(
        measure("marker block edit (\(text.count) B file)", opsPerRound: 2000, bytesPerOp: text.count) {
            for _ in 0..<2000 { blackHole(MarkerBlock.edit(existing: text, data: data)) }
        })
    report(
        measure("remove_pve_sections (\(text.count) B file)", opsPerRound: 2000, bytesPerOp: text.count) {
            for _ in 0..<2000 { blackHole(MarkerBlock.removeSections(text)) }
        })
}

enum SetupBench {
    static let repositoryRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)  // Benchmarks/Sources/pve-bench/Workloads+Setup.swift
        return parts.joined(separator: "/")
    }()

    static func applyOnce(_ configText: String, _ root: String) {
        do {
            let config = try ConfigDocument(bytes: Array(configText.utf8), file: "100.conf", vmid: "100").config
            let fs = try RootFS(path: root)
            let os = try OSDetector.detect(in: fs, configuredType: config.main["ostype"].map { OSType($0) })
            let request = GuestSetupRequest(
                hook: .preStart,
                host: HostEnvironment(search: "example.com", nameservers: ["192.0.2.53"], timezone: "Etc/UTC", localtime: "/usr/share/zoneinfo/Etc/UTC"),
                now: 1_700_000_000, seed: 0, processOwner: FileOwner(uid: getuid(), gid: getgid()))
            _ = try GuestSetup.apply(request, config: config, os: os, to: fs)
        } catch {
            print("setup: apply failed: \(error)")
        }
    }

    static let benchHost = HostEnvironment(
        search: "example.com", nameservers: ["192.0.2.53"], timezone: "Etc/UTC", localtime: "/usr/share/zoneinfo/Etc/UTC")

    /// The commit before issue 14, for comparison: the hook runs on the overlay (dry run), then
    /// every changed path is written on its own with `RootFS.write` (temporary file, fsync,
    /// rename, fsync of the directory).
    static func applyPerFileFsync(_ configText: String, _ root: String) {
        do {
            let config = try ConfigDocument(bytes: Array(configText.utf8), file: "100.conf", vmid: "100").config
            let fs = try RootFS(path: root)
            let os = try OSDetector.detect(in: fs, configuredType: config.main["ostype"].map { OSType($0) })
            let request = GuestSetupRequest(
                hook: .preStart, host: benchHost, now: 1_700_000_000, seed: 0,
                processOwner: FileOwner(uid: getuid(), gid: getgid()), dryRun: true)
            let result = try GuestSetup.apply(request, config: config, os: os, to: fs)
            for change in result.changes {
                switch change.after {
                case .file(let bytes, let mode, let owner):
                    try fs.write(change.path, bytes, options: WriteOptions(mode: mode, owner: owner, forceMode: true, forceOwner: true))
                case .symlink(let target):
                    if change.before != .absent { try fs.unlink(change.path) }
                    try fs.symlink(change.path, target: target)
                case .directory(let mode, let owner):
                    if change.before == .absent {
                        try fs.makeDirectory(change.path, mode: mode, owner: owner)
                    } else {
                        try fs.changeOwner(change.path, to: owner)
                        try fs.changeMode(change.path, to: mode)
                    }
                case .absent: try fs.unlink(change.path)
                case .other: break
                }
            }
        } catch {
            print("setup: per-file apply failed: \(error)")
        }
    }

    /// Same paths, kinds, contents, modes and owners under `a` and `b`.
    static func sameTree(_ a: String, _ b: String) -> Bool {
        let names = list(a).sorted()
        guard names == list(b).sorted() else { return false }
        for name in names {
            var sa = stat()
            var sb = stat()
            guard lstat(a + "/" + name, &sa) == 0, lstat(b + "/" + name, &sb) == 0, sa.st_mode == sb.st_mode,
                sa.st_uid == sb.st_uid, sa.st_gid == sb.st_gid
            else { return false }
            switch sa.st_mode & S_IFMT {
            case S_IFDIR: if !sameTree(a + "/" + name, b + "/" + name) { return false }
            case S_IFREG: if readHost(a + "/" + name) != readHost(b + "/" + name) { return false }
            default: break
            }
        }
        return true
    }

    static func ms(_ d: Duration) -> Double {
        let c = d.components
        return (Double(c.seconds) * 1e3 + Double(c.attoseconds) / 1e15 * 1).rounded(toPlaces: 3)
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }

    static func readHost(_ path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func makeTemporaryDirectory() -> String {
        let parent = getenv("PVE_BENCH_TMP").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(parent)/pve-bench-setup.XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress, let p = mkdtemp(base) else { return "/tmp" }
            return String(cString: p)
        }
    }

    static func list(_ path: String) -> [String] {
        guard let d = opendir(path) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func copyTree(_ from: String, _ to: String) {
        mkdir(to, 0o755)
        for name in list(from) {
            let a = from + "/" + name
            let b = to + "/" + name
            var st = stat()
            guard lstat(a, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFLNK:
                var buf = [CChar](repeating: 0, count: 4097)
                let n = readlink(a, &buf, 4096)
                symlink(String(decoding: buf[0..<max(0, n)].map { UInt8(bitPattern: $0) }, as: UTF8.self), b)
            case S_IFDIR: copyTree(a, b)
            default:
                guard let src = fopen(a, "rb"), let dst = fopen(b, "wb") else { continue }
                var buf = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = fread(&buf, 1, buf.count, src)
                    if n <= 0 { break }
                    fwrite(buf, 1, n, dst)
                }
                fclose(src)
                fclose(dst)
                chmod(b, st.st_mode & 0o777)
            }
        }
    }

    static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR {
            for name in list(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double {
        var m = 1.0
        for _ in 0..<p { m *= 10 }
        return (self * m).rounded() / m
    }
}
