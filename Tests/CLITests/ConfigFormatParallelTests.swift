import PVETestSupport
import Testing

@testable import pve_guestsetup

/// `config format` on several threads prints exactly what one thread prints, write for write.
@Suite("config format on several threads")
struct ConfigFormatParallelTests {
    /// Every write in order, with its stream.
    final class Recorder {
        var events: [String] = []
        var console: Console {
            Console(
                writeOut: { [unowned self] in events.append("out:" + $0) },
                writeErr: { [unowned self] in events.append("err:" + $0) },
                writeOutBytes: { [unowned self] in events.append("out:" + String(decoding: $0, as: UTF8.self)) })
        }
    }

    /// Files that print, warn, are refused by the writer or cannot be read, mixed by a seed.
    static func files(in dir: String, count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        let bodies = [
            "arch: amd64\ncores: 2\nmemory: 512\n",
            "#note %25\nmemory: yes\nfoo: bar\nnet0: name=eth0,bridge=vmbr0,ip=dhcp\n",
            "arch: amd64\nlxc: x\nlxc.apparmor.profile: unconfined\n",
            "hostname: ct\n[snap1]\nmemory: 1\n\n[pve:pending]\ndelete: swap\n",
            String(repeating: "#padding line to pass the flush size\n", count: 2_000),
        ]
        return (0..<count).map { i in
            let path = "\(dir)/\(100 + i).conf"
            let pick = Int(rng.next() % UInt64(bodies.count + 1))
            if pick < bodies.count { TestFiles.write(path, Array(bodies[pick].utf8)) }  // else: missing file
            return path
        }
    }

    @Test(arguments: [1, 2] as [UInt64])
    func sameWritesAsOneThread(seed: UInt64) {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-format-jobs")
        defer { TestFiles.removeTree(dir) }
        let paths = Self.files(in: dir, count: 300, seed: seed)
        let one = Recorder()
        var console1 = one.console
        let status1 = ConfigFormatCommand.format(paths, vmid: nil, jobs: 1, console: &console1)
        for jobs in [2, 3, 8] {
            let many = Recorder()
            var console = many.console
            let status = ConfigFormatCommand.format(paths, vmid: nil, jobs: jobs, console: &console)
            #expect(status == status1)
            #expect(many.events == one.events, "jobs \(jobs)")
        }
        #expect(status1 == 1)
        #expect(one.events.contains { $0.hasPrefix("err:") && $0.contains("unable to open file") })
        #expect(one.events.contains { $0.hasPrefix("err:") && $0.contains("as an ARRAY ref") })
        #expect(one.events.contains { $0.hasPrefix("out:") && $0.contains("cores: 2") })
    }

    @Test func jobsOptionIsChecked() {
        let captured = CapturedOutput()
        var console = captured.console
        #expect(CLI.run(["config", "format", "--jobs", "0", "/x/1.conf"], console: &console) == 64)
        #expect(captured.stderr.contains("The value '0' is invalid for '--jobs <n>'"))
    }
}
