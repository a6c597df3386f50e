import Glibc
import PVETestSupport
import Testing

@testable import PVESystem

/// Host files: bounded, non-blocking reads; replacement keeping owner, group, mode and symlinks
/// (issue 14, failures 6 and 8).
@Suite struct HostFileTests {
    @Test func readsARegularFile() throws {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        _ = TestFiles.write(dir + "/a", Array("hello\n".utf8))
        #expect(try HostFile.read(dir + "/a", limit: 6) == Array("hello\n".utf8))
    }

    @Test func aLargerFileNamesFileAndLimit() {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        _ = TestFiles.write(dir + "/a", Array("hello\n".utf8))
        #expect(throws: FileError(code: .tooLarge, path: dir + "/a", operation: "read", reason: "file is larger than 5 bytes")) {
            try HostFile.read(dir + "/a", limit: 5)
        }
    }

    /// A sparse 8 GiB file costs nothing: refused from its size before a byte is read.
    @Test func sparseHugeFileIsRefusedWithoutReadingIt() {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        let fd = open(dir + "/sparse", O_WRONLY | O_CREAT, 0o644)
        #expect(ftruncate(fd, 8 << 30) == 0)
        close(fd)
        let error = #expect(throws: FileError.self) { try HostFile.read(dir + "/sparse", limit: 1 << 20) }
        #expect(error?.code == .tooLarge)
        #expect(error?.description == "read '\(dir)/sparse': file is larger than 1048576 bytes")
    }

    /// Neither a FIFO (which would block) nor a device (which never ends) is opened for reading.
    @Test func fifoAndDevicesAreRefusedWithoutBlocking() {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        #expect(mkfifo(dir + "/fifo", 0o644) == 0)
        let fifo = #expect(throws: FileError.self) { try HostFile.read(dir + "/fifo", limit: 100) }
        #expect(fifo?.description == "read '\(dir)/fifo': not a regular file (FIFO)")
        let zero = #expect(throws: FileError.self) { try HostFile.read("/dev/zero", limit: 100) }
        #expect(zero?.description == "read '/dev/zero': not a regular file (character device)")
        #expect(throws: FileError.self) { try HostFile.read(dir, limit: 100) }
        let missing = #expect(throws: FileError.self) { try HostFile.read(dir + "/missing", limit: 100) }
        #expect(missing?.code == .notFound)
    }

    @Test func replaceKeepsModeAndLeavesNoTemporaryFile() throws {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        _ = TestFiles.write(dir + "/100.conf", Array("memory: 512\n".utf8))
        chmod(dir + "/100.conf", 0o600)
        try HostFile.replace(dir + "/100.conf", with: Array("memory: 1024\n".utf8))
        #expect(TestFiles.readString(dir + "/100.conf") == "memory: 1024\n")
        #expect(try HostFile.info(dir + "/100.conf")?.mode == 0o600)
        #expect(TestFiles.list(dir) == ["100.conf"])
        // A new file gets the default mode 0640.
        try HostFile.replace(dir + "/101.conf", with: [])
        #expect(try HostFile.info(dir + "/101.conf")?.mode == 0o640)
    }

    /// As root: the owner and group of the old file are kept (www-data:www-data 0640).
    @Test(.enabled(if: geteuid() == 0, "needs root to give a file another owner"))
    func replaceKeepsOwnerAndGroup() throws {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        _ = TestFiles.write(dir + "/100.conf", Array("memory: 512\n".utf8))
        #expect(chown(dir + "/100.conf", 33, 33) == 0)
        #expect(chmod(dir + "/100.conf", 0o640) == 0)
        try HostFile.replace(dir + "/100.conf", with: Array("memory: 1024\n".utf8))
        let info = try #require(try HostFile.info(dir + "/100.conf"))
        #expect(info.owner == FileOwner(uid: 33, gid: 33))
        #expect(info.mode == 0o640)
    }

    /// A symlinked file is written through the link: the link stays, its target changes.
    @Test func replaceWritesThroughASymlink() throws {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        #expect(mkdir(dir + "/real", 0o755) == 0)
        _ = TestFiles.write(dir + "/real/100.conf", Array("memory: 512\n".utf8))
        #expect(symlink("real/100.conf", dir + "/100.conf") == 0)
        try HostFile.replace(dir + "/100.conf", with: Array("memory: 1024\n".utf8))
        var st = stat()
        #expect(lstat(dir + "/100.conf", &st) == 0 && st.st_mode & S_IFMT == S_IFLNK)
        #expect(TestFiles.readString(dir + "/real/100.conf") == "memory: 1024\n")
        #expect(try HostFile.writeTarget(dir + "/100.conf") == dir + "/real/100.conf")
    }

    @Test func replaceRefusesADirectoryOrFIFO() {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        #expect(mkdir(dir + "/d", 0o755) == 0)
        #expect(mkfifo(dir + "/f", 0o644) == 0)
        #expect(throws: FileError.self) { try HostFile.replace(dir + "/d", with: []) }
        let fifo = #expect(throws: FileError.self) { try HostFile.replace(dir + "/f", with: []) }
        #expect(fifo?.code == .notRegularFile)
        #expect(TestFiles.list(dir) == ["d", "f"])
    }
}
