import PVETestSupport
import Testing

@testable import PVEConfig

/// One snapshot transformation case from `Fixtures/config/snapshot/*.case`: `key: value` header
/// lines (`op`, `name`, `description`, `snaptime`, `force`, `error`, `warning`), then
/// `--- input` and optionally `--- expected`.
struct SnapshotCase: CustomStringConvertible, Sendable {
    var file: String
    var header: [String: String] = [:]
    var input = ""
    var expected: String?

    var description: String { file }

    init(file: String, text: String) {
        self.file = file
        var part = 0
        var input: [Substring] = []
        var expected: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "--- input" { part = 1; continue }
            if line == "--- expected" { part = 2; continue }
            switch part {
            case 0:
                if let colon = line.firstIndex(of: ":") {
                    header[String(line[..<colon])] = String(line[line.index(colon, offsetBy: 2)...])
                }
            case 1: input.append(line)
            default: expected.append(line)
            }
        }
        self.input = input.joined(separator: "\n")
        if part == 2 { self.expected = expected.joined(separator: "\n") }
    }

    static func all() -> [SnapshotCase] {
        let dir = Fixtures.path("config/snapshot")
        return TestFiles.list(dir).filter { $0.hasSuffix(".case") }.compactMap { name in
            TestFiles.readString("\(dir)/\(name)").map { SnapshotCase(file: name, text: $0) }
        }
    }
}

@Suite("Snapshots as config transformations")
struct SnapshotTests {
    @Test(arguments: SnapshotCase.all())
    func fixture(_ c: SnapshotCase) throws {
        var config = try ConfigReader.read(Array(c.input.utf8), file: c.file).config
        let before = config
        let name = try #require(c.header["name"])
        let snaptime = Int(c.header["snaptime"] ?? "0") ?? 0
        var warnings: [String] = []
        do throws(ConfigOperationError) {
            switch c.header["op"] {
            case "prepare":
                try ContainerConfig.validateSnapshotName(name)
                warnings = try config.prepareSnapshot(name, description: c.header["description"], snaptime: snaptime).warnings
            case "create":
                try ContainerConfig.validateSnapshotName(name)
                warnings = try config.createSnapshot(name, description: c.header["description"], snaptime: snaptime).warnings
            case "commit": try config.commitSnapshot(name)
            case "delete": warnings = try config.deleteSnapshot(name, force: c.header["force"] == "1").warnings
            case "rollback": try config.rollbackSnapshot(name)
            default: Issue.record("unknown op in \(c.file)")
            }
            #expect(c.header["error"] == nil, "\(c.file): expected error \(c.header["error"] ?? "")")
            let written = try? ConfigWriter.text(config)
            #expect(written == c.expected, "\(c.file)")
        } catch {
            #expect(error.message == c.header["error"], "\(c.file)")
            #expect(config == before, "\(c.file): config changed although the operation failed early")
        }
        #expect(warnings == (c.header["warning"].map { [$0] } ?? []), "\(c.file)")
    }

    /// Storage that records calls and fails for volumes whose name contains "broken".
    final class RecordingStorage: SnapshotStorage, @unchecked Sendable {
        var calls: [String] = []
        var running = false
        func snapshotVolume(key: String, volume: String, snapshot: String) throws(ConfigOperationError) {
            calls.append("snapshot \(key) \(volume)")
            if volume.contains("broken") { throw ConfigOperationError("volume snapshot disabled") }
        }
        func deleteVolumeSnapshot(key: String, volume: String, snapshot: String) throws(ConfigOperationError) -> Bool {
            calls.append("delete \(key) \(volume)")
            if volume.contains("broken") { throw ConfigOperationError("volume snapshot delete disabled") }
            return true
        }
        func rollbackVolume(key: String, volume: String, snapshot: String) throws(ConfigOperationError) {
            calls.append("rollback \(key) \(volume)")
            if volume.contains("broken") { throw ConfigOperationError("volume snapshot rollback disabled") }
        }
        var isRunning: Bool { running }
        func stopForRollback() -> Bool { false }
    }

    static let base = """
        memory: 512
        mp0: local:vm-1-disk-1,mp=/a
        rootfs: local:vm-1-disk-0

        [snap]
        memory: 256
        mp0: local:vm-1-disk-2,mp=/a
        rootfs: local:vm-1-disk-0
        snaptime: 1

        """

    @Test func deleteRecordsUnusedVolumesAndDropsStillUsedOnes() throws {
        var config = try ConfigReader.read(Array(Self.base.utf8)).config
        let storage = RecordingStorage()
        try config.deleteSnapshot("snap", storage: storage)
        #expect(storage.calls == ["delete rootfs local:vm-1-disk-0", "delete mp0 local:vm-1-disk-2"])
        #expect(config["unused0"] == "local:vm-1-disk-0")
        #expect(config["unused1"] == "local:vm-1-disk-2")
        #expect(config["lock"] == nil)
        // The writer drops unused0 (still used by rootfs).
        let text = try ConfigWriter.text(config)
        #expect(!text.contains("unused0"))
        #expect(text.contains("unused1: local:vm-1-disk-2\n"))
    }

    @Test func failedDeleteLeavesProxmoxState() throws {
        var config = try ConfigReader.read(Array(Self.base.replacingOccurrences("vm-1-disk-2", "broken-2").utf8)).config
        #expect(throws: ConfigOperationError("volume snapshot delete disabled")) {
            try config.deleteSnapshot("snap", storage: RecordingStorage())
        }
        #expect(config["lock"] == "snapshot-delete")
        let snap = try #require(config.snapshots["snap"])
        #expect(snap["snapstate"] == "delete")
        #expect(snap["rootfs"] == nil)
        #expect(snap["unused0"] == "local:vm-1-disk-0")
        #expect(snap["mp0"] != nil)
    }

    @Test func failedCreateCleansUp() throws {
        var config = try ConfigReader.read(Array("memory: 1\nrootfs: local:ok-0\nmp0: local:broken-1,mp=/x\n".utf8)).config
        let storage = RecordingStorage()
        #expect(throws: ConfigOperationError("volume snapshot disabled\n")) {
            try config.createSnapshot("new", snaptime: 3, storage: storage)
        }
        #expect(storage.calls == ["snapshot rootfs local:ok-0", "snapshot mp0 local:broken-1", "delete rootfs local:ok-0"])
        #expect(config.snapshots["new"] == nil)
        #expect(config["lock"] == nil)
    }

    @Test func rollbackOfRunningContainerFails() throws {
        var config = try ConfigReader.read(Array(Self.base.utf8), vmid: "42").config
        let storage = RecordingStorage()
        storage.running = true
        #expect(throws: ConfigOperationError("unable to rollback vm 42: vm is running")) {
            try config.rollbackSnapshot("snap", vmid: "42", storage: storage)
        }
    }

    @Test func failedVolumeRollbackKeepsLock() throws {
        var config = try ConfigReader.read(Array(Self.base.replacingOccurrences("vm-1-disk-2", "broken-2").utf8)).config
        #expect(throws: ConfigOperationError("volume snapshot rollback disabled")) {
            try config.rollbackSnapshot("snap", storage: RecordingStorage())
        }
        #expect(config["lock"] == "rollback")
    }

    struct NoSnapshotFeature: SnapshotStorage {
        func canSnapshot(_ section: ConfigSection, snapshot: String) -> Bool { false }
    }

    @Test func operationErrors() throws {
        let base = try ConfigReader.read(Array(Self.base.utf8)).config
        var c = base
        #expect(throws: ConfigOperationError("snapshot feature is not available")) {
            try c.prepareSnapshot("new", snaptime: 1, storage: NoSnapshotFeature())
        }
        #expect(c == base)
        #expect(throws: ConfigOperationError("snapshot name 'snap' already used")) { try c.prepareSnapshot("snap", snaptime: 1) }
        try c.setLock("snapshot")
        #expect(throws: ConfigOperationError("wrong snapshot state")) { try c.commitSnapshot("snap") }
        #expect(throws: ConfigOperationError("snapshot 'nope' does not exist")) { try c.commitSnapshot("nope") }
        var t = base
        t["template"] = "1"
        #expect(throws: ConfigOperationError("you can't delete a snapshot if vm is a template")) { try t.deleteSnapshot("snap") }
        #expect(t["lock"] == "snapshot-delete")  // set_lock was already written, as in Proxmox
        var r = base
        #expect(throws: ConfigOperationError("snapshot 'nope' does not exist")) { try r.rollbackSnapshot("nope") }
        #expect(r == base)
    }

    @Test func locks() throws {
        var config = ContainerConfig()
        #expect(throws: ConfigOperationError("no lock found trying to remove any lock")) { try config.removeLock() }
        // Proxmox's text has two blanks here ("'$lock' " followed by " lock").
        #expect(throws: ConfigOperationError("no lock found trying to remove 'backup'  lock")) { try config.removeLock("backup") }
        try config.setLock("backup")
        #expect(config.hasLock("backup"))
        #expect(!config.hasLock("migrate"))
        #expect(throws: ConfigOperationError("CT is locked (backup)")) { try config.setLock("migrate") }
        #expect(throws: ConfigOperationError("found lock 'backup' trying to remove 'migrate' lock")) { try config.removeLock("migrate") }
        try config.removeLock("backup")
        #expect(!config.hasLock())
        config["protection"] = "1"
        #expect(throws: ConfigOperationError("can't remove CT 1 drive 'mp0' - protection mode enabled")) {
            try config.checkProtection("can't remove CT 1 drive 'mp0'")
        }
    }

    @Test func unusedSlots() throws {
        var s = ConfigSection()
        s["unused0"] = "a:1"
        s["unused2"] = "a:2"
        #expect(try s.addUnusedVolume("a:3") == "unused1")
        #expect(try s.addUnusedVolume("a:2") == nil)
        for i in 0..<256 { s["unused\(i)"] = "x:\(i)" }
        #expect(throws: ConfigOperationError("Too many unused volumes - please delete them first.")) { try s.addUnusedVolume("a:9") }
    }

    @Test func snapshotNames() {
        #expect(throws: ConfigOperationError("unable to use snapshot name 'current' (reserved name)")) {
            try ContainerConfig.validateSnapshotName("current")
        }
        #expect(throws: ConfigOperationError("snapname: invalid format - invalid configuration ID '1abc'")) {
            try ContainerConfig.validateSnapshotName("1abc")
        }
        #expect(throws: ConfigOperationError("snapname: value may only be 40 characters long")) {
            try ContainerConfig.validateSnapshotName(String(repeating: "a", count: 41))
        }
        #expect(throws: Never.self) { try ContainerConfig.validateSnapshotName("Before-Upgrade_2") }
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        var out = ""
        var rest = self[...]
        while let r = rest.firstRange(of: a) {
            out += rest[..<r.lowerBound] + b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
