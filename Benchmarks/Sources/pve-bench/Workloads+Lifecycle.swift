import Glibc
import PVERuntime

/// Lifecycle: the time from `pve-guestsetup start <vmid>` to RUNNING (the built binary as a user
/// runs it: lock, config read, pending, LXC config generation, rootfs mount, lxc-start, wait) against
/// raw `lxc-start` + `lxc-wait -s RUNNING` on the same container (its rootfs bind-mounted beforehand,
/// untimed), interleaved pair by pair in one run. Root only; the container is a busybox-static one
/// this suite builds under a temporary directory. Binary: $PVE_GUESTSETUP_BINARY, else
/// .build/release/pve-guestsetup, else .build/debug/pve-guestsetup (run from the repository root).
let lifecycleSuite = BenchmarkSuite(name: "lifecycle") {
    guard getuid() == 0 else {
        print("skipped: lifecycle needs root (it starts containers)")
        return
    }
    let candidates =
        [getenv("PVE_GUESTSETUP_BINARY").map { String(cString: $0) }, ".build/release/pve-guestsetup", ".build/debug/pve-guestsetup"]
        .compactMap { $0 }
    guard let found = candidates.first(where: { access($0, X_OK) == 0 }), let resolved = realpath(found, nil) else {
        print("skipped: no pve-guestsetup binary (swift build -c release first)")
        return
    }
    let binary = String(cString: resolved)  // the runner wants an absolute path
    free(resolved)
    var template = Array("/tmp/pve-bench-life.XXXXXX".utf8CString)
    guard
        let root = template.withUnsafeMutableBufferPointer({ b in
            b.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        })
    else { return }
    chmod(root, 0o755)
    let runner = SpawnRunner()
    func sh(_ script: String) -> Bool {
        (try? runner.run(Command("/bin/sh", ["-c", script]), options: RunOptions(timeout: .seconds(120))))?.status.isSuccess
            == true
    }
    func run(_ program: String, _ arguments: [String]) -> Bool {
        (try? runner.run(Command(program, arguments), options: RunOptions(timeout: .seconds(60))))?.status.isSuccess == true
    }
    let vmid = "990"
    let options = ["--config-dir", root + "/conf", "--storage-config", root + "/storage.cfg", "--lxcpath", root + "/lxc"]
    defer {
        _ = run("/usr/bin/lxc-stop", ["-P", root + "/lxc", "-n", vmid, "--kill"])
        _ = sh("umount '\(root)/lxc/\(vmid)/rootfs' 2>/dev/null; true")
        _ = run(binary, ["destroy", vmid] + options)
        _ = sh("rm -rf --one-file-system '\(root)'")
    }
    let setup = """
        set -e; cd '\(root)'; mkdir -p conf lxc tpl/bin tpl/sbin tpl/etc tpl/proc tpl/sys tpl/dev tpl/tmp
        printf 'dir: bench\\n\\tpath \(root)/store\\n\\tcontent rootdir,images,vztmpl\\n' > storage.cfg
        cp /bin/busybox tpl/bin/busybox; for c in sh sleep; do ln -s busybox tpl/bin/$c; done
        printf '#!/bin/sh\\ntrap "exit 0" PWR TERM USR1 INT\\nwhile :; do sleep 1 & wait $!; done\\n' > tpl/sbin/init
        chmod 755 tpl/sbin/init; tar -C tpl --numeric-owner -czf bb.tar.gz .
        """
    guard sh(setup) else {
        print("skipped: could not build the template")
        return
    }
    let create = try? runner.run(
        Command(binary, ["create", vmid, root + "/bb.tar.gz", "-rootfs", "bench:0", "-ostype", "unmanaged", "-unprivileged", "0"] + options))
    guard let create, create.status.isSuccess else {
        print("skipped: could not create the container: \(create.map { String(decoding: $0.standardError, as: UTF8.self) } ?? "")")
        return
    }
    let lxcPath = root + "/lxc"
    let subvol = root + "/store/images/\(vmid)/subvol-\(vmid)-disk-0.subvol"
    let clock = ContinuousClock()
    func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }
    var ours: [Double] = []
    var raw: [Double] = []
    var differences: [Double] = []
    let pairs = 21
    for i in 0..<(pairs + 2) {
        var okOurs = false
        let a = clock.measure { okOurs = run(binary, ["start", vmid] + options) }
        _ = run(binary, ["stop", vmid] + options)
        _ = sh("mount --bind '\(subvol)' '\(lxcPath)/\(vmid)/rootfs'")
        var okRaw = false
        let b = clock.measure {
            okRaw =
                run("/usr/bin/lxc-start", ["-P", lxcPath, "-n", vmid])
                && run("/usr/bin/lxc-wait", ["-P", lxcPath, "-n", vmid, "-s", "RUNNING", "-t", "10"])
        }
        _ = run("/usr/bin/lxc-stop", ["-P", lxcPath, "-n", vmid, "--kill"])
        _ = sh("umount '\(lxcPath)/\(vmid)/rootfs'")
        guard okOurs, okRaw else {
            print("failed: start (ours: \(okOurs), raw: \(okRaw))")
            return
        }
        if i >= 2 {
            ours.append(ms(a))
            raw.append(ms(b))
            differences.append(ms(a) - ms(b))
        }
    }
    func q(_ v: [Double], _ p: Double) -> Double { v.sorted()[Int(Double(v.count - 1) * p)] }
    func f(_ x: Double) -> String { String((x * 10).rounded() / 10) }
    print("lifecycle: \(pairs) pairs, binary \(binary)")
    print("  raw lxc-start + lxc-wait    p10 \(f(q(raw, 0.1))) ms, median \(f(q(raw, 0.5))) ms")
    print("  pve-guestsetup start        p10 \(f(q(ours, 0.1))) ms, median \(f(q(ours, 0.5))) ms")
    print("  overhead (median of pair differences) \(f(q(differences, 0.5))) ms, p10 \(f(q(differences, 0.1))) ms")
}
