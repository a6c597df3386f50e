import PVETestSupport
import Testing

@testable import PVEStorage

/// Seeded property tests: any text parses without crashing, what is parsed can be written, and
/// writing is a fixed point (`write(parse(write(parse(x)))) == write(parse(x))`).
@Suite struct StoragePropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 42, 2024, 0xDEAD_BEEF]

    static let types = [
        "dir", "nfs", "cifs", "cephfs", "btrfs", "lvm", "lvmthin", "zfspool", "zfs", "iscsi",
        "iscsidirect", "rbd", "pbs", "esxi", "DIR", "bogus",
    ]
    static let ids = ["local", "local-lvm", "store1", "nas", "x", "9bad", "a.b_c-d", "local"]
    static let values: [String: [String]] = [
        "path": ["/var/lib/vz", "/srv/data/", "//srv//x", "relative", "/a;b", "/mnt/@x"],
        "content": ["images,rootdir", "iso vztmpl", "none", "none,images", "bogus", "backup;snippets", "import"],
        "nodes": ["pve1,pve2", "pve2 pve1 pve1", "bad_node", ""],
        "disable": ["", "0", "1", "yes"],
        "shared": ["", "1", "2"],
        "format": ["raw", "qcow2", "subvol", "vmdk", "iso"],
        "content-dirs": ["images=img", "backup=bk,iso=i", "bogus=x", "images=.."],
        "max-protected-backups": ["-1", "+5", "007", "x", "-2"],
        "prune-backups": ["keep-all=1", "keep-last=3"],
        "server": ["10.0.0.1", "nas.example.com", "bad!"],
        "export": ["/export", "x"],
        "vgname": ["pve", "-bad"],
        "thinpool": ["data"],
        "pool": ["tank", "rbd"],
        "portal": ["10.0.0.1:3260", "host"],
        "target": ["iqn.x"],
        "datastore": ["store"],
        "port": ["8007", "0", "70000"],
        "preallocation": ["off", "full", "sometimes"],
        "blocksize": ["8k"],
        "iscsiprovider": ["LIO"],
        "share": ["pve"],
        "username": ["root"],
        "mkdir": ["0", "1"],
        "foo": ["bar"],
    ]

    static func randomConfig(_ rng: inout SplitMix64) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            if Int.random(in: 0..<5, using: &rng) == 0 { text += "# comment\n" }
            let type = types.randomElement(using: &rng)!
            let id = ids.randomElement(using: &rng)!
            text += "\(type):\(Bool.random(using: &rng) ? " " : "")\(id)\n"
            let keys = Array(values.keys).sorted()
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                let key = keys.randomElement(using: &rng)!
                let value = values[key]!.randomElement(using: &rng)!
                let indent = ["\t", "  ", " \t"].randomElement(using: &rng)!
                text += value.isEmpty ? "\(indent)\(key)\n" : "\(indent)\(key) \(value)\n"
                if Int.random(in: 0..<12, using: &rng) == 0 { text += "\t# inner comment\n" }
            }
            text += ["\n", "\n", "\n\n", "", "0\n", "  \n"].randomElement(using: &rng)!
        }
        return text
    }

    @Test(arguments: seeds) func writingIsAFixedPoint(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for round in 0..<300 {
            let text = Self.randomConfig(&rng)
            let first = StorageConfig.parse(Array(text.utf8), file: "s.cfg").config
            let written = try StorageConfig.write(first)
            let (second, diagnostics) = StorageConfig.parse(written, file: "s.cfg")
            #expect(diagnostics.isEmpty, "seed \(seed) round \(round): \(text.debugDescription)")
            // Writing drops what carries no information (`disable 0`, empty lists); after that
            // nothing changes any more.
            #expect(try StorageConfig.write(second) == written, "seed \(seed) round \(round): \(text.debugDescription)")
            let third = StorageConfig.parse(try StorageConfig.write(second), file: "s.cfg").config
            #expect(third.storages.map(\.options) == second.storages.map(\.options), "seed \(seed) round \(round)")
            #expect(second.storages.map(\.id) == first.storages.map(\.id), "seed \(seed) round \(round)")
        }
    }

    @Test(arguments: seeds) func randomBytesNeverCrash(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("dir: local\tpath /x\n#:0 content,;=ab\r\u{0B}é".utf8) + [0, 0xFF]
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0...120, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let (config, diagnostics) = StorageConfig.parse(bytes, file: "r.cfg")
            _ = try StorageConfig.write(config)
            for d in diagnostics { #expect(d.line >= 1 && d.column >= 1) }
            #expect(config["local"] != nil)
        }
    }
}
