import PVECore
import PVETestSupport
import Testing

@testable import PVEConfig

/// The reader's and writer's shortcuts against the plain definitions they stand in for.
@Suite struct FastPathTests {
    /// Random bytes biased towards UTF-8 lead and continuation bytes.
    static func utf8ish(_ rng: inout SplitMix64) -> [UInt8] {
        let pool: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF]
        return (0..<Int(rng.next() % 12)).map { _ in
            rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : pool[Int(rng.next() % UInt64(pool.count))]
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func wellFormedUTF8IsWhatTheLaxDecoderKeeps(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var wellFormed = 0
        for _ in 0..<20_000 {
            let bytes = Self.utf8ish(&rng)
            let fast = bytes.withUnsafeBufferPointer(DescriptionCoding.isWellFormedUTF8)
            // The validator agrees with the standard library's strict decoder ...
            #expect(fast == (String(validating: bytes, as: UTF8.self) != nil), "seed \(seed): \(bytes)")
            // ... and whatever it accepts, the lax decoder returns unchanged.
            if fast {
                wellFormed += 1
                #expect(DescriptionCoding.laxUTF8(bytes) == bytes, "seed \(seed): \(bytes)")
            }
        }
        #expect(wellFormed > 1_000)
    }

    @Test(
        arguments: [
            ("\u{DC}%C3%9C ok", Array("\u{DC}\u{DC} ok".utf8)),
            ("%ED%A0%80", [0xED, 0xA0, 0x80]),
            ("\u{10FFFF}", [0xF4, 0x8F, 0xBF, 0xBF]),
            ("%F4%90%80%80", [0xF4, 0x90, 0x80, 0x80]),
            ("%C0%80", [0xEF, 0xBF, 0xBD]),
            ("a\u{80}b", [0x61, 0xC2, 0x80, 0x62]),
            ("%E2%82", [0xEF, 0xBF, 0xBD]),
        ] as [(String, [UInt8])])
    func descriptionLinesDecodeWithAndWithoutTheWellFormedShortcut(_ text: String, _ expected: [UInt8]) {
        var out: [UInt8] = [UInt8(ascii: "x")]
        Array(text.utf8).withUnsafeBufferPointer { DescriptionCoding.decode($0, appendingTo: &out) }
        #expect(out == [UInt8(ascii: "x")] + expected, "\(text)")
        #expect(DescriptionCoding.decode(Array(text.utf8)) == expected, "\(text)")
    }

    @Test(arguments: [4, 5] as [UInt64])
    func unplainBytesAreFoundLikeAByteLoop(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<2_000 {
            let n = Int(rng.next() % 40)
            let bytes: [UInt8] = (0..<n).map { _ in
                switch rng.next() % 20 {
                case 0: 0x0D
                case 1: 0x80 | UInt8(truncatingIfNeeded: rng.next())
                case 2: 0x0C
                default: 0x20 + UInt8(rng.next() % 0x5F)
                }
            }
            bytes.withUnsafeBufferPointer { b in
                for start in 0...n {
                    let expected = (start..<n).first { b[$0] >= 0x80 || b[$0] == 0x0D } ?? n
                    #expect(ConfigUnplainScan.firstUnplainByte(b, from: start) == expected, "seed \(seed): \(bytes) from \(start)")
                }
            }
        }
    }

    @Test func sectionKeyPrefixesAreBigEndianAndZeroPadded() {
        for key in ["a", "net0", "memory", "hostname", "unprivileged", "features", "z_"] {
            let padded = Array(key.utf8) + [UInt8](repeating: 0, count: 8)
            let expected = padded.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            // The key alone, and the key followed by more bytes that may be read but not used.
            Bytes.withBytes(key) { #expect(ConfigSection.prefix($0) == expected, "\(key)") }
            let line = Array((key + ": 1234567890").utf8)
            line.withUnsafeBufferPointer { b in
                let k = UnsafeBufferPointer(rebasing: b[0..<key.utf8.count])
                #expect(ConfigSection.prefix(k, readable: b.count) == expected, "\(key)")
            }
        }
    }

    @Test func snapshotsAreKeptInByteOrderOfTheirNames() throws {
        var snapshots: ConfigSnapshots = [:]
        for name in ["zeta", "Alpha", "beta", "alpha", "b"] {
            var s = ConfigSection()
            s["memory"] = String(name.count)
            snapshots[name] = s
        }
        #expect(snapshots.keys == ["Alpha", "alpha", "b", "beta", "zeta"])
        #expect(snapshots.map(\.key) == snapshots.keys)
        #expect(snapshots.count == 5 && !snapshots.isEmpty)
        // Edits through the subscript, replacement, removal.
        snapshots["beta"]?["cores"] = "2"
        #expect(snapshots["beta"]?["cores"] == "2" && snapshots["beta"]?["memory"] == "4")
        snapshots["b"] = ConfigSection()
        #expect(snapshots["b"]?.isEmpty == true)
        snapshots["zeta"] = nil
        #expect(snapshots["zeta"] == nil && snapshots.count == 4)
        #expect(snapshots.removeValue(forKey: "Alpha") != nil && snapshots.removeValue(forKey: "Alpha") == nil)
        #expect(snapshots.keys == ["alpha", "b", "beta"])
        // Equal content, equal tables, whatever the order of insertion.
        let other = ConfigSnapshots(["beta": try #require(snapshots["beta"]), "b": ConfigSection(), "alpha": try #require(snapshots["alpha"])])
        #expect(other == snapshots && other.hashValue == snapshots.hashValue)
    }

    @Test func theReaderKeepsTheLastOfTwoSnapshotsOfOneNameAndSortsOthers() throws {
        let text = "memory: 1\n\n[sb]\nmemory: 2\n\n[sa]\nmemory: 3\n\n[sb]\nmemory: 4\n"
        let result = try ConfigReader.read(Array(text.utf8), file: "t.conf")
        #expect(result.config.snapshots.keys == ["sa", "sb"])
        #expect(result.config.snapshots["sb"]?["memory"] == "4")
        #expect(result.diagnostics.map(\.line) == [9])
        #expect(try ConfigWriter.text(result.config) == "memory: 1\n\n[sa]\nmemory: 3\n\n[sb]\nmemory: 4\n")
    }
}

/// The reader's shortcut for ordinary lines relies on these facts about the schema.
@Suite struct OrdinaryLineAssumptionTests {
    @Test func schemaKeysWithStorageOfTheirOwnStartWithDOrEOrL() {
        for key in ConfigSchema.plainKeys.map(\.name) {
            let skipped = Bytes.withBytes(key) { ConfigSection.writerSkips($0) }
            if skipped || key == "lxc" {
                #expect(["d", "e", "l"].contains(key.first.map(String.init) ?? ""), "\(key)")
            }
        }
        for key in ["pending", "snapname", "snapshots", "digest", "lxc"] {
            #expect(ConfigSchema.kind(for: key) == nil || key.first == "d" || key.first == "l", "\(key)")
        }
    }

    /// Lines the shortcut takes and lines it leaves read the same as through the classifier.
    @Test func linesTakenOrLeftByTheShortcutReadAlike() throws {
        let text = """
            arch: amd64
            ostype: alpine
            cores:  2
            memory: 512\u{20}
            swap: 0512
            onboot: yes
            hostname: snapstate: prepare
            net0: name=eth0,bridge=vmbr0
            parent: snap1
            net0: name=eth1,bridge=vmbr1
            tags: a;b
            unknownkey: 1
            rootfs: local:100/vm-100-disk-0.raw,size=8G
            """
        let result = try ConfigReader.read(Array((text + "\n").utf8), file: "t.conf")
        let config = result.config
        #expect(config["cores"] == "2" && config["memory"] == "512" && config["swap"] == "512")
        #expect(config["onboot"] == "1" && config["ostype"] == "alpine" && config["parent"] == "snap1")
        #expect(config["net0"] == "name=eth1,bridge=vmbr1" && config["tags"] == "a;b")
        // `hostname: snapstate: prepare` matches Proxmox's unanchored snapstate pattern.
        #expect(config["hostname"] == nil && config["snapstate"] == nil)
        #expect(result.diagnostics.map(\.line) == [7, 10, 12])
        #expect(
            try ConfigWriter.text(config)
                == "arch: amd64\ncores: 2\nmemory: 512\nnet0: name=eth1,bridge=vmbr1\nonboot: 1\nostype: alpine\nparent: snap1\n"
                + "rootfs: local:100/vm-100-disk-0.raw,size=8G\nswap: 512\ntags: a;b\nunknownkey: 1\n")
    }
}

/// Seeded files of common and odd lines read with and without the reader's short path for common
/// lines: the configs, diagnostics, canonical output and strict-mode outcome must all agree.
@Suite struct ShortPathEquivalenceTests {
    static let keys = [
        "arch", "cores", "memory", "swap", "onboot", "ostype", "hostname", "nameserver", "parent", "snaptime",
        "tags", "startup", "features", "rootfs", "mp0", "net0", "net31", "net32", "unused0", "dev0", "cpulimit",
        "timezone", "lock", "unprivileged", "template", "cmode", "searchdomain", "description", "env", "lxc",
        "snapstate", "digest", "pending", "snapshots", "snapname", "delete", "unknownkey", "entrypoint", "net01",
    ]
    static let values = [
        "1", "0", "01", "yes", "-5", "1.5", "512", "amd64", "alpine", "debian", "prepare", "delete", "snap1",
        "snapstate: prepare", "name=eth0,bridge=vmbr0,ip=dhcp", "name=eth0,,bridge=vmbr0", "bridge=vmbr0",
        "local:100/vm-100-disk-0.raw,size=8G", "local:vm-1,mp=/srv", "nesting=1,keyctl=1", "a;b", "order=1,up=5",
        "ct.example.com", "192.168.1.1 10.0.0.1", "Europe/Vienna", "host", "backup", "x\u{00DC}y", "a\rb",
        "v ", "v\t", "v\r", " ", "", "e", "mode=0660", "local:100/x.raw,size=8G ",
    ]
    static let separators = [": ", ":", ":  ", ":\t", " : ", ":\u{0B}"]
    static let others = [
        "", "   ", "#note %C3%9C ok", "#", "[snap1]", "[snap2]", "[pve:pending]", "[SNAP3]", "lxc.apparmor.profile: unconfined",
        "lxc.cgroup2.devices.allow = c 10:200 rwm", "lxc.environment.runtime: A=1", "  memory: 1", "Memory: 1",
        "memory: 1\r", "delete: swap", "delete: !memory", "snapstate: delete", "junk", "e: 1", "lxc.bad key: 1",
    ]

    static func file(_ rng: inout SplitMix64) -> [UInt8] {
        func pick(_ a: [String]) -> String { a[Int(rng.next() % UInt64(a.count))] }
        var lines: [String] = []
        for _ in 0..<Int(rng.next() % 30) {
            if rng.next() % 4 == 0 {
                lines.append(pick(others))
            } else {
                lines.append(pick(keys) + (rng.next() % 5 == 0 ? pick(separators) : ": ") + pick(values))
            }
        }
        var text = lines.joined(separator: "\n")
        if rng.next() % 4 != 0 { text += "\n" }
        return Array(text.utf8)
    }

    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func shortAndLongPathReadAlike(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for n in 0..<1_500 {
            let bytes = Self.file(&rng)
            let zones: @Sendable (String) -> Bool = { $0 == "Europe/Vienna" }
            for mode in [ConfigReadMode.lenient, .strict] {
                func read(_ shortcut: Bool) -> Result<ConfigReadResult, ConfigDiagnostic> {
                    Result { () throws(ConfigDiagnostic) in
                        try ConfigReader.read(
                            bytes, file: "t.conf", vmid: "7", mode: mode, isKnownZone: zones, digest: true, shortcut: shortcut)
                    }
                }
                let text = String(decoding: bytes, as: UTF8.self)
                switch (read(true), read(false)) {
                case (.success(let a), .success(let b)):
                    #expect(a.config == b.config, "seed \(seed) #\(n) \(mode): \(text.debugDescription)")
                    #expect(a.diagnostics == b.diagnostics, "seed \(seed) #\(n) \(mode): \(text.debugDescription)")
                    let wa = Result { () throws(ConfigWriteError) in try ConfigWriter.write(a.config) }
                    let wb = Result { () throws(ConfigWriteError) in try ConfigWriter.write(b.config) }
                    #expect(wa.map { $0 } == wb.map { $0 }, "seed \(seed) #\(n): \(text.debugDescription)")
                case (.failure(let a), .failure(let b)):
                    #expect(a == b, "seed \(seed) #\(n) \(mode): \(text.debugDescription)")
                default:
                    Issue.record("seed \(seed) #\(n) \(mode): one path threw, the other did not: \(text.debugDescription)")
                }
            }
        }
    }
}
