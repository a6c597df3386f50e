import PVECore
import PVETestSupport
import Testing

@testable import PVEConfig

/// One test per error and warning path of the reader and the writer: file, line, column, text.
@Suite("Config diagnostics")
struct ConfigDiagnosticTests {
    struct Case: Sendable, CustomStringConvertible {
        var input: String
        var expected: String
        var description: String { expected }
    }

    static let cases: [Case] = [
        Case(input: "arch: amd64\ngarbage line\n", expected: "t.conf:2:1: error: vm 7 - unable to parse config: garbage line"),
        Case(input: "Memory: 5\n", expected: "t.conf:1:1: error: vm 7 - unable to parse config: Memory: 5"),
        Case(input: "memory:\n", expected: "t.conf:1:1: error: vm 7 - unable to parse config: memory:"),
        Case(input: "[a]\n", expected: "t.conf:1:1: error: vm 7 - unable to parse config: [a]"),
        Case(input: "\n\ndelete: swap\n", expected: "t.conf:3:1: error: vm 7 - property 'delete' is only allowed in [pve:pending]"),
        Case(input: "lxc.rootfs.path: /x\n", expected: "t.conf:1:1: error: vm 7 - lxc.rootfs.path: lxc.rootfs.path is auto generated from rootfs"),
        Case(
            input: "lxc.rootfs.options = ro\n",
            expected: "t.conf:1:1: error: vm 7 - lxc.rootfs.options: lxc.rootfs.options is not supported, please use mount point options in the \"rootfs\" key"),
        Case(input: "lxc.foo.bar: 1\n", expected: "t.conf:1:1: error: vm 7 - unable to parse config: lxc.foo.bar: 1"),
        Case(input: "lxc.idmap : u 0 1 2\n", expected: "t.conf:1:1: error: vm 7 - unable to parse config: lxc.idmap : u 0 1 2"),
        Case(input: "colour: red\n", expected: "t.conf:1:1: error: vm 7 - unable to parse value of 'colour' - unknown setting 'colour'"),
        Case(input: "net32: name=eth0\n", expected: "t.conf:1:1: error: vm 7 - unable to parse value of 'net32' - unknown setting 'net32'"),
        Case(input: "memory: \t\r\n", expected: "t.conf:1:10: error: vm 7 - unable to parse value of 'memory' - property contains a line feed"),
        Case(input: "onboot:  maybe\n", expected: "t.conf:1:10: error: vm 7 - unable to parse value of 'onboot' - type check ('boolean') failed - got 'maybe'"),
        Case(input: "memory: -5\n", expected: "t.conf:1:9: error: vm 7 - unable to parse value of 'memory' - type check ('integer') failed - got '-5'"),
        Case(input: "cpulimit: .5\n", expected: "t.conf:1:11: error: vm 7 - unable to parse value of 'cpulimit' - type check ('number') failed - got '.5'"),
        Case(input: "lxc.aa_profile: x\n", expected: "t.conf:1:1: warning: vm 7 - lxc.aa_profile is deprecated and was renamed to lxc.apparmor.profile"),
        Case(
            input: "lxc.network.ipv4 = 1.2.3.4\n",
            expected: "t.conf:1:1: warning: vm 7 - lxc.network.ipv4 is deprecated and was renamed to lxc.net.INDEX.ipv4.address"),
        Case(input: "lxc.limit.nofile: 5\n", expected: "t.conf:1:1: warning: vm 7 - lxc.limit.nofile: lxc.limit.* was renamed to lxc.prlimit.*"),
        Case(
            input: "lxc.cgroup.cpu.shares: 5\n",
            expected: "t.conf:1:1: warning: vm 7 - lxc.cgroup.cpu.shares is deprecated, this will be a hard error in the future!"),
        Case(input: "swap: 1\nswap: 2\n", expected: "t.conf:2:1: warning: duplicate key 'swap' (line 1 is ignored)"),
        Case(input: "[s1]\nswap: 1\n[s1]\n", expected: "t.conf:3:1: warning: duplicate section '[s1]': the earlier one is discarded"),
        Case(
            input: "hostname: snapstate: delete\n",
            expected: "t.conf:1:1: warning: line only sets 'snapstate' (Proxmox matches 'snapstate: delete' anywhere in a line)"),
        Case(input: "snapstate: prepare\n", expected: "t.conf:1:1: warning: 'snapstate' in the main section is ignored"),
        Case(input: "[pve:pending]\n[PVE:PENDING]\n", expected: "t.conf:2:1: warning: duplicate section '[pve:pending]': the earlier one is discarded"),
        Case(
            input: "lxc: x\nlxc.arch: y\n",
            expected: "t.conf:2:1: error: Can't use string (\"x\") as an ARRAY ref while \"strict refs\" in use"),
        Case(
            input: "snapshots: x\n[s1]\n",
            expected: "t.conf:2:1: error: Can't use string (\"x\") as a HASH ref while \"strict refs\" in use"),
    ]

    @Test(arguments: cases)
    func diagnostic(_ c: Case) {
        var all: [String] = []
        do {
            let r = try ConfigReader.read(Array(c.input.utf8), file: "t.conf", vmid: "7")
            all = r.diagnostics.map(\.description)
        } catch {
            all = [error.description]
        }
        #expect(all.contains(c.expected), "got \(all)")
    }

    @Test func strictStopsAtFirstErrorButNotAtWarnings() throws {
        let input = Array("lxc.aa_profile: x\nswap: 1\nswap: 2\nfoo: 1\nbar: 2\n".utf8)
        do {
            _ = try ConfigReader.read(input, file: "t.conf", vmid: "7", mode: .strict)
            Issue.record("strict read should fail")
        } catch {
            #expect(error.description == "t.conf:4:1: error: vm 7 - unable to parse value of 'foo' - unknown setting 'foo'")
        }
        let lenient = try ConfigReader.read(input, file: "t.conf", vmid: "7")
        #expect(lenient.diagnostics.filter(\.refusesFile).count == 2)
        #expect(lenient.diagnostics.first?.warningLine == "t.conf:1: warning: vm 7 - lxc.aa_profile is deprecated and was renamed to lxc.apparmor.profile")
    }

    @Test func timezonesAreCheckedAgainstTheGivenZoneList() throws {
        let input = Array("timezone: Mars/Olympus\n[s1]\ntimezone: Europe/Vienna\n[s2]\ntimezone: host\n[s3]\ntimezone: UTC\n".utf8)
        let zones: @Sendable (String) -> Bool = { $0 == "Europe/Vienna" }
        let checked = try ConfigReader.read(input, file: "t.conf", vmid: "7", isKnownZone: zones)
        #expect(checked.diagnostics.map(\.description) == ["t.conf:1:11: error: vm 7 - unable to parse value of 'timezone' - invalid time zone 'Mars/Olympus'"])
        #expect(checked.config["timezone"] == "Mars/Olympus")
        let unchecked = try ConfigReader.read(input, file: "t.conf", vmid: "7")
        #expect(unchecked.diagnostics.isEmpty)
    }

    @Test func propertyStringErrorsPointIntoTheValue() throws {
        let r = try ConfigReader.read(Array("net0: name=eth0,mtu=10\n".utf8), file: "t.conf", vmid: "7")
        #expect(
            r.diagnostics.map(\.description) == [
                "t.conf:1:21: error: vm 7 - unable to parse value of 'net0' - format error\nmtu: value must have a minimum value of 64"
            ])
    }

    @Test func writerRefusesNewlines() {
        var config = ContainerConfig()
        config["hostname"] = "a\nb"
        #expect(throws: ConfigWriteError(key: "hostname", message: "detected invalid newline inside property 'hostname'")) {
            try ConfigWriter.write(config)
        }
        var snap = ContainerConfig()
        snap.snapshots["s1"] = ConfigSection()
        snap.snapshots["s1"]?["memory"] = "1\n"
        #expect(throws: ConfigWriteError(key: "memory", message: "detected invalid newline inside property 'memory'")) {
            try ConfigWriter.write(snap)
        }
    }

    @Test func writerRefusesClobberedMembers() throws {
        let pending = try ConfigReader.read(Array("pending: x\n".utf8)).config
        #expect(throws: ConfigWriteError(key: "pending", message: "Can't use string (\"x\") as a HASH ref while \"strict refs\" in use")) {
            try ConfigWriter.write(pending)
        }
        let lxc = try ConfigReader.read(Array("lxc.arch: y\nlxc: x\n".utf8)).config
        #expect(throws: ConfigWriteError(key: "lxc", message: "Can't use string (\"x\") as an ARRAY ref while \"strict refs\" in use")) {
            try ConfigWriter.write(lxc)
        }
        // `lxc: 0` is false for Perl: the list is gone but nothing is refused.
        let zero = try ConfigReader.read(Array("lxc.arch: y\nlxc: 0\n".utf8)).config
        #expect(try ConfigWriter.text(zero) == "")
        // A later [pve:pending] replaces the clobbered member.
        let healed = try ConfigReader.read(Array("pending: x\n[pve:pending]\nswap: 1\n".utf8)).config
        #expect(try ConfigWriter.text(healed) == "\n[pve:pending]\nswap: 1\n")
    }

    @Test func descriptionCoding() {
        #expect(DescriptionCoding.encode("desc: 100%\tÜ") == "desc%3A 100%25%09%C3%9C")
        #expect(DescriptionCoding.decode(Array("a%3a%zz%4".utf8)) == Array("a:%zz%4".utf8))
        // Lax UTF-8: surrogates are kept, malformed pieces become one U+FFFD each.
        #expect(DescriptionCoding.decode(Array("%ED%A0%80".utf8)) == [0xED, 0xA0, 0x80])
        #expect(DescriptionCoding.decode(Array("%C0%80x".utf8)) == [0xEF, 0xBF, 0xBD, UInt8(ascii: "x")])
        #expect(DescriptionCoding.decode(Array("%80%80".utf8)) == [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD])
    }

    /// The reader's and writer's run-copying coders against plain byte-by-byte references, on
    /// seeded random lines made of escapes, hex digits, `%` at the end, high bytes and ASCII.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func descriptionCodingRunsMatchByteByByte(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let alphabet: [UInt8] = Array("%%%0aF9gZ: #\t".utf8) + [0x7F, 0x80, 0xC3, 0x9C, 0xE2, 0xED, 0xFF, 0x00]
        for _ in 0..<2_000 {
            let line = (0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let prefix: [UInt8] = Array("kept\n".utf8)
            var decoded = prefix
            line.withUnsafeBufferPointer { DescriptionCoding.decode($0, appendingTo: &decoded) }
            #expect(decoded == prefix + DescriptionCoding.decode(line[...]), "\(line)")
            var encoded = prefix
            DescriptionCoding.encode(line, into: &encoded)
            var reference = prefix
            for b in line {
                if DescriptionCoding.isKept(b) {
                    reference.append(b)
                } else {
                    reference += Array("%".utf8) + Array(String(b, radix: 16, uppercase: true).utf8).paddedHex
                }
            }
            #expect(encoded == reference, "\(line)")
        }
    }
}

extension Array where Element == UInt8 {
    /// A one-digit hex number padded to two digits.
    fileprivate var paddedHex: [UInt8] { count == 1 ? [UInt8(ascii: "0")] + self : self }
}
