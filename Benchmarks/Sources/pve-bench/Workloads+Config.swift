import Glibc
import PVEConfig

/// Deterministic generator of realistic container configs: descriptions, the usual keys, one or
/// two NICs, mount points, raw `lxc.*` lines, sometimes a `[pve:pending]` section, 0–3 snapshots.
struct ConfigCorpus {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ n: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(n))
    }

    mutating func section(vmid: Int, variant: Int) -> [String] {
        var lines: [String] = []
        lines.append("arch: amd64")
        lines.append("cores: \(1 + next(8))")
        if next(3) == 0 { lines.append("features: nesting=1,keyctl=\(next(2))") }
        lines.append("hostname: ct\(vmid)-\(["web", "db", "cache", "mail"][next(4)]).example.com")
        lines.append("memory: \([512, 1024, 2048, 4096][next(4)] + variant * 128)")
        if next(2) == 0 { lines.append("mp0: local-zfs:subvol-\(vmid)-disk-1,mp=/srv/data,backup=1,size=\(8 + next(100))G") }
        lines.append("nameserver: 192.168.\(next(255)).1")
        lines.append(
            "net0: name=eth0,bridge=vmbr0,firewall=1,gw=192.168.1.1,hwaddr=BC:24:11:\(hex()):\(hex()):\(hex()),ip=192.168.1.\(next(250))/24,type=veth"
        )
        if next(3) == 0 { lines.append("net1: name=eth1,bridge=vmbr1,hwaddr=BC:24:11:\(hex()):\(hex()):\(hex()),ip=dhcp,tag=\(1 + next(4000)),type=veth") }
        lines.append("onboot: \(next(2))")
        lines.append("ostype: \(["debian", "ubuntu", "alpine", "centos"][next(4)])")
        lines.append("rootfs: local-zfs:subvol-\(vmid)-disk-0,size=\(4 + next(60))G")
        if next(4) == 0 { lines.append("startup: order=\(next(10)),up=\(next(60))") }
        lines.append("swap: \([0, 512, 1024][next(3)])")
        if next(3) == 0 { lines.append("tags: prod;\(["web", "db"][next(2)])") }
        lines.append("unprivileged: 1")
        if next(4) == 0 { lines.append("unused0: local-zfs:vm-\(vmid)-disk-\(5 + next(3))") }
        return lines
    }

    mutating func hex() -> String {
        let v = next(256)
        let digits = Array("0123456789ABCDEF")
        return String([digits[v >> 4], digits[v & 15]])
    }

    mutating func config(vmid: Int) -> String {
        var out: [String] = []
        for i in 0..<next(4) { out.append("#Line \(i) of the notes for CT \(vmid): 100%25 \(["", "ok", "Ü%C3%9C"][next(3)])") }
        out += section(vmid: vmid, variant: 0)
        let snaps = next(4)
        if snaps > 0 { out.insert("parent: snap\(snaps)", at: out.count - 3) }
        if next(4) == 0 {
            out.append("lxc.apparmor.profile: unconfined")
            out.append("lxc.cgroup2.devices.allow: c 10:200 rwm")
            out.append("lxc.mount.entry: /dev/net dev/net none bind,create=dir")
        }
        if next(5) == 0 {
            out.append("")
            out.append("[pve:pending]")
            out.append("delete: \(["swap", "net1", "tags,!startup"][next(3)])")
            out.append("memory: 8192")
        }
        for s in 0..<snaps {
            out.append("")
            out.append("[snap\(s + 1)]")
            if next(2) == 0 { out.append("#before update \(s)") }
            out += section(vmid: vmid, variant: s + 1)
            if s > 0 { out.insert("parent: snap\(s)", at: out.count - 3) }
            out.append("snaptime: \(1_700_000_000 + next(10_000_000))")
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// CPU time of the process in nanoseconds (the machine is shared, so wall time is noisy).
func processCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
}

/// Like `measure`, but takes the median of CPU time per round instead of wall time.
func measureCPU(_ name: String, rounds: Int, opsPerRound: Int, bytesPerOp: Int, _ body: () -> Void) -> Measurement {
    body()
    var samples: [Double] = []
    for _ in 0..<rounds {
        let t0 = processCPUTime()
        body()
        samples.append((processCPUTime() - t0) / Double(opsPerRound))
    }
    samples.sort()
    return Measurement(name: name + " [cpu]", nsPerOp: samples[samples.count / 2], bytesPerOp: bytesPerOp)
}

let configSuite = BenchmarkSuite(name: "config") {
    var corpus = ConfigCorpus(seed: 42)
    let count = 10_000
    let files: [[UInt8]] = (0..<count).map { Array(corpus.config(vmid: 100 + $0).utf8) }
    let totalBytes = files.reduce(0) { $0 + $1.count }
    print("corpus: \(count) configs, \(totalBytes) bytes")

    if let dir = getenv("PVE_BENCH_CONFIG_DIR").map({ String(cString: $0) }) {
        for (i, bytes) in files.enumerated() {
            let path = "\(dir)/\(100 + i).conf"
            guard let f = fopen(path, "wb") else { continue }
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
            fclose(f)
        }
        print("wrote \(count) files to \(dir)")
    }

    let avg = totalBytes / count
    report(
        measure("config read (lenient, with SHA-1 digest)", rounds: 5, opsPerRound: count, bytesPerOp: avg) {
            for bytes in files { blackHole(try? ConfigReader.read(bytes, file: "x.conf")) }
        })
    let parsed = files.compactMap { try? ConfigReader.read($0, file: "x.conf").config }
    report(
        measure("config canonical write", rounds: 5, opsPerRound: count, bytesPerOp: avg) {
            for c in parsed { blackHole(try? ConfigWriter.write(c)) }
        })
    // What `config format` does per file, over the corpus.
    func readAndWriteAll() {
        var out: [UInt8] = []
        out.reserveCapacity(totalBytes)
        for bytes in files {
            if let r = try? ConfigReader.read(bytes, file: "x.conf", digest: false) { try? ConfigWriter.write(r.config, into: &out) }
        }
        blackHole(out)
    }
    report(measure("config read + canonical write (config format path)", rounds: 5, opsPerRound: count, bytesPerOp: avg, readAndWriteAll))
    report(measureCPU("config read + canonical write (config format path)", rounds: 5, opsPerRound: count, bytesPerOp: avg, readAndWriteAll))
    report(
        measureCPU("config read (lenient, with SHA-1 digest)", rounds: 5, opsPerRound: count, bytesPerOp: avg) {
            for bytes in files { blackHole(try? ConfigReader.read(bytes, file: "x.conf")) }
        })
    // A long run for comparing with another program under the same (shared, noisy) machine load:
    // PVE_BENCH_CONFIG_ROUNDS=N repeats read + canonical write N times (about 50 ms each) and
    // reports the mean, median and minimum CPU time per config over the rounds.
    if let rounds = getenv("PVE_BENCH_CONFIG_ROUNDS").flatMap({ Int(String(cString: $0)) }), rounds > 0 {
        var samples: [Double] = []
        for _ in 0..<rounds {
            let t0 = processCPUTime()
            readAndWriteAll()
            samples.append((processCPUTime() - t0) / Double(count))
        }
        samples.sort()
        let mean = samples.reduce(0, +) / Double(samples.count)
        print(
            "config read + canonical write [cpu, \(rounds) rounds]: mean \(format(mean)) ns/op, median "
                + "\(format(samples[samples.count / 2])) ns/op, min \(format(samples[0])) ns/op")
    }
    report(
        measure("config lossless single-key edit", rounds: 3, opsPerRound: count / 10, bytesPerOp: avg) {
            for bytes in files.prefix(count / 10) {
                guard var doc = try? ConfigDocument(bytes: bytes, file: "x.conf") else { continue }
                try? doc.set("memory", to: "4096")
                blackHole(doc.bytes)
            }
        })
}
