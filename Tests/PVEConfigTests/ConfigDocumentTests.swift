import PVECore
import PVETestSupport
import Testing

@testable import PVEConfig

/// Generates config-like files: valid and broken lines, sections, CRLF, odd spacing, bytes that
/// are not UTF-8, with or without a final newline.
struct ConfigFileGenerator {
    var rng: SplitMix64

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }

    mutating func space() -> String { pick(["", " ", "  ", "\t", " \t "]) }

    mutating func line() -> String {
        let key = pick(["memory", "swap", "cores", "hostname", "arch", "onboot", "net0", "mp1", "unused0", "tags", "foo", "cpulimit"])
        let value = pick(["512", "0512", "yes", "amd64", "name=eth0,bridge=vmbr0", "local:vm-1-disk-0", "1.50", "x y z", "é", "a;b"])
        switch rng.next() % 16 {
        case 0: return ""
        case 1: return space()
        case 2: return "#" + pick([" comment", "desc%3A 100%25", "", "%C3%28 bad", " tab\there"])
        case 3: return "\(key):\(space())\(value)\(space())"
        case 4:
            return
                "lxc.\(pick(["apparmor.profile", "mount.entry", "cgroup2.devices.allow", "aa_profile", "bogus"]))\(pick([":", " =", "=", " : "]))\(space())\(value)"
        case 5: return "lxc.environment.runtime: \(pick(["A=1", "B=2", ""]))"
        case 6: return "[\(pick(["snap1", "snap2", "pve:pending", "PVE:Pending", "a", "Snap_3"]))]\(space())"
        case 7: return "delete: \(pick(["swap", "!cores,memory", " ; "]))"
        case 8: return pick(["Memory: 5", "garbage", "description: \(value)", "description:", "snapstate: prepare", "parent: snap1"])
        case 9: return "snaptime: \(rng.next() % 2_000_000_000)"
        case 10: return "\(key): \(value)"
        default: return "\(key): \(value)"
        }
    }

    mutating func file() -> [UInt8] {
        var out: [UInt8] = []
        let crlf = chance(20)
        for _ in 0..<Int(rng.next() % 40) {
            out.append(contentsOf: line().utf8)
            if chance(3) { out.append(0xFF) }
            if crlf || chance(5) { out.append(ASCII.carriageReturn) }
            out.append(ASCII.newline)
        }
        if chance(20), !out.isEmpty { out.removeLast() }
        return out
    }
}

@Suite("Lossless config document")
struct ConfigDocumentTests {
    static let seeds: [UInt64] = Array(1...200)

    @Test(arguments: seeds)
    func unmodifiedRoundTripIsByteIdentical(_ seed: UInt64) throws {
        var gen = ConfigFileGenerator(rng: SplitMix64(seed: seed))
        let bytes = gen.file()
        var doc = try ConfigDocument(bytes: bytes, file: "gen.conf")
        doc.update(to: doc.config)
        #expect(doc.bytes == bytes, "seed \(seed)")
        var editor = LineEditor(bytes)
        editor.sync(from: doc.config, to: doc.config)
        #expect(editor.joined() == bytes, "seed \(seed)")
    }

    /// Setting one main-section key changes exactly that key's line (or inserts one line).
    @Test(arguments: seeds)
    func editOfOneKeyChangesOnlyItsLine(_ seed: UInt64) throws {
        var gen = ConfigFileGenerator(rng: SplitMix64(seed: seed))
        let bytes = gen.file()
        var doc = try ConfigDocument(bytes: bytes, file: "gen.conf")
        let key = gen.pick(["memory", "swap", "cores", "cpuunits"])
        let value = String(16 + gen.rng.next() % 8000)
        let before = doc.config
        let existed = before.main[key] != nil
        try doc.set(key, to: value)
        #expect(doc.lastUpdateWasLossless, "seed \(seed)")
        #expect(doc.config.main[key] == value, "seed \(seed)")
        var expected = before
        expected.main[key] = value
        #expect(doc.config.main == expected.main && doc.config.pending == before.pending && doc.config.snapshots == before.snapshots, "seed \(seed)")
        let oldLines = lines(bytes)
        let newLines = lines(doc.bytes)
        if existed || before.main[key] == value {
            #expect(oldLines.count == newLines.count, "seed \(seed)")
            let changed = zip(oldLines, newLines).filter { $0 != $1 }
            #expect(changed.count <= 1, "seed \(seed)")
            #expect(changed.allSatisfy { $0.1.starts(with: Array("\(key): \(value)".utf8)) }, "seed \(seed)")
        } else {
            #expect(newLines.count == oldLines.count + 1, "seed \(seed)")
            // Removing the one inserted line gives back the old file.
            if let i = newLines.firstIndex(where: { $0.starts(with: Array("\(key): \(value)".utf8)) }) {
                var rest = newLines
                rest.remove(at: i)
                #expect(rest == oldLines || rest.dropLast() == oldLines.dropLast(), "seed \(seed)")
            } else {
                Issue.record("seed \(seed): inserted line not found")
            }
        }
    }

    /// Random bytes drawn from the characters that matter to the grammar never crash the reader,
    /// the writers or a document update, and a canonical write is a fixed point.
    @Test(arguments: seeds)
    func randomBytesAreHandled(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &* 7919)
        let alphabet: [UInt8] = Array("\n\n\r #[]:=%!,;.-_lxc.pvenigdsmory0123456789aAzZ \t".utf8) + [0, 0x80, 0xC3, 0xFF]
        let bytes = (0..<Int(rng.next() % 400)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        let read: ConfigReadResult
        do {
            read = try ConfigReader.read(bytes, file: "fuzz.conf")
        } catch {
            #expect(error.kind == .fatal, "seed \(seed)")
            return
        }
        for d in read.diagnostics { #expect(d.line >= 1 && d.column >= 1, "seed \(seed)") }
        if let canonical = try? ConfigWriter.write(read.config) {
            let again = try ConfigReader.read(canonical, file: "fuzz.conf")
            #expect(try ConfigWriter.write(again.config) == canonical, "seed \(seed)")
        }
        var doc = try ConfigDocument(bytes: bytes, file: "fuzz.conf")
        doc.update(to: doc.config)
        #expect(doc.bytes == bytes, "seed \(seed)")
        try? doc.set("swap", to: "64")
        #expect(doc.config.main["swap"] == "64" || !doc.lastUpdateWasLossless, "seed \(seed)")
    }

    private func lines(_ b: [UInt8]) -> [[UInt8]] {
        b.split(separator: ASCII.newline, omittingEmptySubsequences: false).map { Array($0) }
    }

    @Test func editsKeepCommentsAndSpacing() throws {
        let text = """
            # notes about this CT
            arch:   amd64
            memory: 512
            # mid-file comment
            onboot: yes
            lxc.apparmor.profile = unconfined

            [pve:pending]
            swap: 0

            """
        var doc = try ConfigDocument(bytes: Array(text.utf8))
        try doc.set("memory", to: "1024")
        try doc.set("cores", to: "2")
        doc.remove("onboot")
        try doc.set("lxc.mount.entry", to: "/a b none bind 0 0")
        #expect(
            doc.bytes.utf8String == """
                # notes about this CT
                arch:   amd64
                cores: 2
                memory: 1024
                # mid-file comment
                lxc.apparmor.profile = unconfined
                lxc.mount.entry: /a b none bind 0 0

                [pve:pending]
                swap: 0

                """)
        #expect(doc.config.main.description == " notes about this CT\n mid-file comment\n")
    }

    @Test func sectionsAreAddedAndRemovedInProxmoxOrder() throws {
        var doc = try ConfigDocument(bytes: Array("memory: 512\r\n\r\n[zeta]\r\nmemory: 1\r\n".utf8))
        var c = doc.config
        try c.queuePendingValue("swap", "0")
        var alpha = ConfigSection()
        alpha["memory"] = "2"
        c.snapshots["alpha"] = alpha
        doc.update(to: c)
        #expect(doc.lastUpdateWasLossless)
        #expect(doc.bytes.utf8String == "memory: 512\r\n\r\n[pve:pending]\r\nswap: 0\r\n\r\n[alpha]\r\nmemory: 2\r\n\r\n[zeta]\r\nmemory: 1\r\n")
        c.revertPending("swap")
        c.snapshots["zeta"] = nil
        doc.update(to: c)
        #expect(doc.bytes.utf8String == "memory: 512\r\n\r\n[alpha]\r\nmemory: 2\r\n")
    }

    @Test func emptyPendingSectionIsReused() throws {
        var doc = try ConfigDocument(bytes: Array("memory: 1\n\n[s1]\nmemory: 2\n\n[pve:pending]\n".utf8))
        var c = doc.config
        try c.queuePendingValue("swap", "0")
        doc.update(to: c)
        #expect(doc.lastUpdateWasLossless)
        #expect(doc.bytes.utf8String == "memory: 1\n\n[s1]\nmemory: 2\n\n[pve:pending]\nswap: 0\n")
    }

    @Test func descriptionAndEnvironmentEdits() throws {
        var doc = try ConfigDocument(bytes: Array("arch: amd64\n#old\nlxc.environment.runtime: A=1\nlxc.idmap: u 0 1 2\n".utf8))
        try doc.set("description", to: "new: text\nsecond")
        #expect(doc.bytes.utf8String == "arch: amd64\n#new%3A text\n#second\nlxc.environment.runtime: A=1\nlxc.idmap: u 0 1 2\n")
        try doc.set("env", to: "A=2\u{0}B=3")
        #expect(doc.bytes.utf8String == "arch: amd64\n#new%3A text\n#second\nlxc.environment.runtime: A=2\nlxc.environment.runtime: B=3\nlxc.idmap: u 0 1 2\n")
    }

    @Test func snapshotOperationsAsDocumentUpdates() throws {
        var doc = try ConfigDocument(bytes: Array("# keep me\nmemory: 512\nrootfs: local:vm-1-disk-0\n".utf8))
        var c = doc.config
        try c.createSnapshot("first", snaptime: 9)
        doc.update(to: c)
        #expect(doc.lastUpdateWasLossless)
        #expect(
            doc.bytes.utf8String
                == "# keep me\nmemory: 512\nparent: first\nrootfs: local:vm-1-disk-0\n\n[first]\nmemory: 512\nrootfs: local:vm-1-disk-0\nsnaptime: 9\n")
    }
}
