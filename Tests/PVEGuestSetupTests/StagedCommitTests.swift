import PVESystem
import PVETestSupport
import Synchronization
import Testing

@testable import PVEGuestSetup

/// `OverlayFileSystem.commit` as a staged commit (issue 14, failure 3): everything is written
/// under temporary names first, flushed, renamed, flushed; a failure before the renames leaves
/// the base exactly as it was.
@Suite struct StagedCommitTests {
    /// Passes everything to an in-memory file system and records the staging calls in order.
    final class Recording: GuestFileSystem, Sendable {
        let base: InMemoryFileSystem
        let calls = Mutex<[String]>([])
        init(_ base: InMemoryFileSystem) { self.base = base }
        func note(_ call: String) { calls.withLock { $0.append(call) } }

        func stageWrite(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) -> StagedChange {
            note("stage \(path)")
            return try base.stageWrite(path, bytes, options: options)
        }
        func stageSymlink(_ path: String, target: String) throws(FileError) -> StagedChange {
            note("stage \(path)")
            return try base.stageSymlink(path, target: target)
        }
        func commitStaged(_ change: StagedChange) throws(FileError) {
            note("rename \(change.path)")
            try base.commitStaged(change)
        }
        func discardStaged(_ change: StagedChange) {
            note("discard \(change.path)")
            base.discardStaged(change)
        }
        func synchronize() throws(FileError) { note("sync") }
        func removeDirectory(_ path: String) throws(FileError) {
            note("rmdir \(path)")
            try base.removeDirectory(path)
        }
        func info(_ path: String, followSymlinks: Bool) throws(FileError) -> FileInfo? {
            try base.info(path, followSymlinks: followSymlinks)
        }
        func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] { try base.read(path, limit: limit) }
        func write(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) {
            note("write \(path)")
            try base.write(path, bytes, options: options)
        }
        func readLink(_ path: String) throws(FileError) -> String { try base.readLink(path) }
        func symlink(_ path: String, target: String) throws(FileError) { try base.symlink(path, target: target) }
        func makeDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws(FileError) {
            note("mkdir \(path)")
            try base.makeDirectory(path, mode: mode, owner: owner)
        }
        func unlink(_ path: String) throws(FileError) {
            note("unlink \(path)")
            try base.unlink(path)
        }
        func rename(_ from: String, to: String) throws(FileError) { try base.rename(from, to: to) }
        func list(_ path: String) throws(FileError) -> [String] { try base.list(path) }
        func changeOwner(_ path: String, to owner: FileOwner) throws(FileError) { try base.changeOwner(path, to: owner) }
        func changeMode(_ path: String, to mode: UInt32) throws(FileError) { try base.changeMode(path, to: mode) }
    }

    static func tree() -> InMemoryFileSystem {
        let fs = InMemoryFileSystem(files: ["/etc/hostname": "old\n", "/etc/hosts": "127.0.0.1 localhost\n", "/etc/gone": "x\n"])
        fs.addFile("/etc/shadow", "root:*:1::::::\n", mode: 0o640, owner: FileOwner(uid: 0, gid: 42))
        return fs
    }

    static func state(_ fs: InMemoryFileSystem) -> [String: String] {
        var out: [String: String] = [:]
        for path in fs.allPaths { out[path] = String(describing: fs.node(path)) }
        return out
    }

    @Test func everythingIsStagedAndFlushedBeforeTheFirstRename() throws {
        let base = Self.tree()
        let recording = Recording(base)
        let overlay = OverlayFileSystem(base: recording)
        try overlay.write("/etc/hostname", Array("new\n".utf8), options: WriteOptions())
        try overlay.makeDirectory("/etc/systemd", mode: 0o755, owner: nil)
        try overlay.write("/etc/systemd/preset", Array("enable x\n".utf8), options: WriteOptions())
        try overlay.symlink("/etc/localtime", target: "/usr/share/zoneinfo/UTC")
        try overlay.unlink("/etc/gone")
        try overlay.changeMode("/etc/shadow", to: 0o600)
        recording.calls.withLock { $0 = [] }
        try overlay.commit()
        let calls = recording.calls.withLock { $0 }
        #expect(
            calls == [
                "stage /etc/hostname", "stage /etc/localtime", "mkdir /etc/systemd", "stage /etc/systemd/preset", "sync",
                "rename /etc/hostname", "rename /etc/localtime", "rename /etc/systemd/preset", "unlink /etc/gone", "sync",
            ])
        #expect(base.node("/etc/hostname") == .file(Array("new\n".utf8), mode: 0o644, owner: .root))
        #expect(base.node("/etc/localtime") == .symlink("/usr/share/zoneinfo/UTC"))
        #expect(base.node("/etc/gone") == nil)
        #expect(base.node("/etc/shadow") == .file(Array("root:*:1::::::\n".utf8), mode: 0o600, owner: FileOwner(uid: 0, gid: 42)))
        #expect(!base.allPaths.contains { $0.contains(".pve-guestsetup.") })
        #expect(overlay.isEmpty)
    }

    /// A write failing in the middle of the batch (a full disk): nothing renamed, the temporary
    /// files and the new directory removed, the base exactly as before.
    @Test func aFailureBeforeTheRenamesLeavesTheBaseUnchanged() {
        let base = Self.tree()
        let before = Self.state(base)
        let failing = FaultInjectingFileSystem(base: base, failing: .writes(to: ["/etc/systemd/preset"]))
        let overlay = OverlayFileSystem(base: failing)
        #expect(throws: Never.self) {
            try overlay.write("/etc/hostname", Array("new\n".utf8), options: WriteOptions())
            try overlay.makeDirectory("/etc/systemd", mode: 0o755, owner: nil)
            try overlay.write("/etc/systemd/preset", Array("enable x\n".utf8), options: WriteOptions())
            try overlay.unlink("/etc/gone")
        }
        let error = #expect(throws: FileError.self) { try overlay.commit() }
        #expect(error?.path == "/etc/systemd/preset")
        #expect(Self.state(base) == before)
    }
}
