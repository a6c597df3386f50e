import PVEConfig
import PVETestSupport
import Testing

@testable import PVEStorage

/// `Fixtures/storage`: storage.cfg files with what Proxmox's Perl reads, warns and writes, volume
/// paths and names, and container volume allocations, all produced by the Perl oracle
/// (see `Fixtures/storage/README.md`).
@Suite struct StorageFixtureTests {
    static let directory = Fixtures.path("storage")
    static let cases: [String] = TestFiles.list(directory + "/cases").filter { $0.hasSuffix(".cfg") }
        .map { String($0.dropLast(4)) }

    static func lines(_ path: String) -> [String] {
        (TestFiles.readString(path) ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.isEmpty }
    }

    static func parse(_ name: String) -> (config: StorageConfig, diagnostics: [StorageDiagnostic]) {
        StorageConfig.parse(TestFiles.read(directory + "/cases/\(name).cfg") ?? [], file: "/etc/pve/storage.cfg")
    }

    @Test func allCasesPresent() {
        #expect(Self.cases.count >= 12)
    }

    /// Proxmox's warnings, in order (decode warnings, which Proxmox prints in hash order, sorted
    /// within each run).
    @Test(arguments: cases) func warnings(_ name: String) {
        let ours = Self.parse(name).diagnostics.map(\.proxmoxWarning)
        #expect(Self.sortedRuns(ours) == Self.sortedRuns(Self.lines(Self.directory + "/cases/\(name).warnings")))
    }

    static func sortedRuns(_ lines: [String]) -> [String] {
        var out: [String] = []
        var run: [String] = []
        for line in lines {
            if line.hasPrefix("file ") {
                out += run.sorted()
                run = []
                out.append(line)
            } else {
                run.append(line)
            }
        }
        return out + run.sorted()
    }

    /// The parsed storages, as `generate.sh` prints Proxmox's structure.
    @Test(arguments: cases) func parsed(_ name: String) {
        let expected = Self.lines(Self.directory + "/cases/\(name).parsed")
        // A section whose final check failed is `null` in Proxmox's result; we leave it out.
        let dropped = expected.filter { $0.hasSuffix(": null") }.map { String($0.dropLast(6)) }
        let diagnostics = Self.parse(name).diagnostics
        for id in dropped {
            #expect(diagnostics.contains { $0.message.hasPrefix("skip section '\(id)'") }, "\(id)")
        }
        #expect(Self.normalized(Self.parse(name).config) == expected.filter { !$0.hasSuffix(": null") })
    }

    static func normalized(_ config: StorageConfig) -> [String] {
        config.storages.map { storage in
            var fields = storage.options
            fields["type"] = storage.type
            if StorageSchema.sharedTypes.contains(storage.type) { fields["shared"] = "1" }
            if storage.id == "local", storage == StorageDefinition.builtinLocal { fields["prune-backups"] = "keep-all=1" }
            let text = fields.keys.sorted().map { "\($0)=\(fields[$0] ?? "")" }.joined(separator: " ")
            return "\(storage.id): \(text)"
        }
    }

    /// What Proxmox writes back (lists Proxmox prints in hash order compared sorted).
    @Test(arguments: cases) func written(_ name: String) throws {
        let expected = TestFiles.readString(Self.directory + "/cases/\(name).write") ?? ""
        let (config, diagnostics) = Self.parse(name)
        if expected.hasPrefix("! unknown section type ''") {
            // Proxmox dies writing a section whose final check failed; we have left it out.
            #expect(diagnostics.contains { $0.message.hasPrefix("skip section") })
            return
        }
        let ours = String(decoding: try StorageConfig.write(config), as: UTF8.self)
        #expect(Self.sortLists(ours) == Self.sortLists(expected))
    }

    static func sortLists(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            for key in ["\tcontent ", "\tnodes "] where line.hasPrefix(key) {
                return key + line.dropFirst(key.count).split(separator: ",").sorted().joined(separator: ",")
            }
            return String(line)
        }.joined(separator: "\n")
    }

    struct Expectation: CustomStringConvertible {
        var header: String
        var results: [String]
        var description: String { header }
    }

    static func entries(_ file: String) -> [Expectation] {
        var out: [Expectation] = []
        for line in lines(directory + "/" + file) {
            if line.hasPrefix("\t") {
                out[out.count - 1].results.append(String(line.dropFirst()))
            } else {
                out.append(Expectation(header: line, results: []))
            }
        }
        return out
    }

    /// Storage types other than `dir`, which we refuse to resolve or allocate on.
    static func isRefusedType(_ config: StorageConfig, _ storage: String) -> Bool {
        config[storage].map { $0.type != "dir" } ?? false
    }

    @Test(arguments: entries("volumes.expected")) func volume(_ entry: Expectation) throws {
        let parts = entry.header.split(separator: " ", maxSplits: 1).map(String.init)
        let (config, _) = Self.parse(parts[0])
        let volid = parts[1]
        let storage = volid.split(separator: ":").first.map(String.init) ?? ""
        if Self.isRefusedType(config, storage), let type = config[storage]?.type {
            let error = try #require(#expect(throws: StorageError.self) { try config.path(of: volid) })
            #expect(error.message.contains("storage type '\(type)' is not supported"))
            return
        }
        // Path.
        if entry.results[0].hasPrefix("! ") {
            #expect(throws: StorageError(String(entry.results[0].dropFirst(2)))) { try config.path(of: volid) }
        } else {
            let (_, volume) = try config.volume(volid)
            let path = try config.path(of: volid)
            #expect("path=\(path) owner=\(volume.vmid ?? "-") vtype=\(volume.contentType)" == entry.results[0])
        }
        // Volume name.
        if entry.results[1].hasPrefix("! ") {
            #expect(throws: StorageError(String(entry.results[1].dropFirst(2)))) { try config.volume(volid) }
        } else {
            let v = try config.volume(volid).volume
            let fields = [
                "vtype=\(v.contentType)", "name=\(v.name)", "vmid=\(v.vmid ?? "-")", "basename=\(v.baseName ?? "-")",
                "basevmid=\(v.baseVMID ?? "-")", "isBase=\(v.isBase ? "base-" : "-")", "format=\(v.format)",
            ]
            #expect(fields.joined(separator: " ") == entry.results[1])
        }
    }

    /// `pct create --rootfs STORAGE:SIZE` on a `dir` storage; the oracle ran on a host named `vm`.
    @Test(arguments: entries("alloc.expected")) func allocation(_ entry: Expectation) throws {
        let parts = entry.header.split(separator: " ").map(String.init)
        let (config, _) = Self.parse(parts[0])
        let (storage, vmid, kib) = (parts[1], parts[2], UInt64(parts[3]) ?? 0)
        let existing = parts[4] == "-" ? [] : parts[4].split(separator: ",").map(String.init)
        let request = try #require(NewVolumeRequest(volume: "\(storage):\(Double(kib) / 1024 / 1024)"))
        #expect(request.bytes == kib * 1024)
        let result = entry.results[0]
        func plan() throws(StorageError) -> VolumeAllocation {
            try VolumeAllocation.plan(request, vmid: vmid, config: config, existingNames: existing, node: "vm")
        }
        if Self.isRefusedType(config, storage), let type = config[storage]?.type {
            let error = try #require(#expect(throws: StorageError.self) { try plan() })
            #expect(error.message.contains("storage type '\(type)' is not supported"))
            return
        }
        if result.hasPrefix("! ") {
            #expect(throws: StorageError(String(result.dropFirst(2)))) { try plan() }
            return
        }
        let p = try plan()
        let created = p.format == .subvol ? "dir" : "file \(p.size) fstype: ext4"
        let chown = p.format == .subvol ? 1 : 0
        #expect("volid: \(p.volumeID) needs_chown: \(chown) path: \(p.path) created: \(created)" == result)
    }
}
