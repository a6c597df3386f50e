import PVESystem
import PVETestSupport
import Testing

/// The storage helpers of `RootFS`: sparse files, rmdir, mkdir -p, identities.
@Suite struct RootFSStorageTests {
    @Test func sparseFilesDirectoriesAndIdentities() throws {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "rootfs-storage")
        defer { TestFiles.removeTree(dir) }
        let fs = try RootFS(path: dir)
        try fs.makeDirectories("/a/b/c", mode: 0o750, owner: nil)
        try fs.makeDirectories("/a/b/c", mode: 0o750, owner: nil)  // existing: kept
        #expect(try fs.info("/a/b", followSymlinks: false)?.mode == 0o750)
        try fs.createSparseFile("/a/b/c/disk.raw", size: 1 << 40, mode: 0o640)
        let info = try #require(try fs.info("/a/b/c/disk.raw", followSymlinks: false))
        #expect(info.size == 1 << 40)
        #expect(info.mode == 0o640)
        #expect(throws: FileError.self) { try fs.createSparseFile("/a/b/c/disk.raw", size: 1, mode: 0o600) }
        #expect(throws: FileError.self) { try fs.makeDirectories("/a/b/c/disk.raw/x", mode: 0o755, owner: nil) }
        #expect(throws: FileError.self) { try fs.removeDirectory("/a/b") }  // not empty
        let a = try #require(try fs.identity("/a/b/c"))
        try fs.symlink("/link", target: "/a/b/c")
        #expect(try fs.identity("/link") != a)  // the link itself
        #expect(try fs.identity("/link/.") == a)
        #expect(try fs.identity("/nothing") == nil)
        try fs.unlink("/a/b/c/disk.raw")
        try fs.removeDirectory("/a/b/c")
        #expect(try fs.info("/a/b/c", followSymlinks: false) == nil)
        #expect(throws: FileError.self) { try fs.removeDirectory("/a/b/c") }
    }
}

/// `FileLock`: exclusive, bounded wait, released on `release()` or when dropped.
@Suite struct FileLockTests {
    @Test func exclusiveWithTimeout() throws {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "filelock")
        defer { TestFiles.removeTree(dir) }
        let path = dir + "/x.lock"
        let first = try FileLock(path: path, timeout: 1)
        var waited = 0
        let busy = try #require(#expect(throws: FileError.self) { try FileLock(path: path, timeout: 0.01) { waited += 1 } })
        #expect(busy.reason == "got timeout")
        #expect(waited == 1)
        first.release()
        do { _ = try FileLock(path: path, timeout: 0) }  // dropped at once: released
        _ = try FileLock(path: path, timeout: 0)
        #expect(throws: FileError.self) { try FileLock(path: dir + "/missing/x.lock", timeout: 0) }
    }
}
