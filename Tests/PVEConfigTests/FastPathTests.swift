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

    @Test func descriptionLinesDecodeTheSameWithAndWithoutTheShortcut() {
        for text in ["Ü%C3%9C ok", "%ED%A0%80", "\u{10FFFF}", "%F4%90%80%80", "%C0%80", "a\u{80}b", "%E2%82"] {
            var out: [UInt8] = [UInt8(ascii: "x")]
            Array(text.utf8).withUnsafeBufferPointer { DescriptionCoding.decode($0, appendingTo: &out) }
            #expect(Array(out.dropFirst()) == DescriptionCoding.decode(Array(text.utf8)), "\(text)")
        }
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
