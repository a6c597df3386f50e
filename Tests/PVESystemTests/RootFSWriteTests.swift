import Glibc
import PVESystem
import PVETestSupport
import Testing

@Suite struct RootFSWriteTests {
    let t = TempRoot()
    static let isRoot = geteuid() == 0

    init() {
        t.mkdir("/etc")
        t.file("/etc/hosts", "original\n")
        chmod(t.host("/etc/hosts"), 0o640)
    }

    func leftovers() -> [String] { TestFiles.list(t.host("/etc")).filter { $0.hasPrefix(".pve-guestsetup") } }

    @Test func writeThatFailsMidwayLeavesTheOriginalIntact() throws {
        var fs = try RootFS(path: t.path)
        fs.injectedWriteFailure = .noSpace
        let big = [UInt8](repeating: UInt8(ascii: "n"), count: 100_000)
        do {
            try fs.write("/etc/hosts", big, options: WriteOptions())
            Issue.record("the injected failure did not happen")
        } catch {
            #expect(error.code == .system)
            #expect(error.errno == ENOSPC)
            #expect(error.description == "write '/etc/hosts': no space left on device")
        }
        #expect(TestFiles.readString(t.host("/etc/hosts")) == "original\n")
        #expect(try fs.info("/etc/hosts", followSymlinks: false)?.mode == 0o640)
        #expect(leftovers().isEmpty)
        // A new file that fails is not created at all.
        #expect(throws: FileError.self) { try fs.write("/etc/new", big, options: WriteOptions()) }
        #expect(try !fs.exists("/etc/new"))
        #expect(leftovers().isEmpty)
        fs.injectedWriteFailure = nil
        try fs.write("/etc/hosts", big, options: WriteOptions())
        #expect(TestFiles.read(t.host("/etc/hosts")) == big)
    }

    @Test func faultInjectingWrapperAroundRootFS() throws {
        let fs = FaultInjectingFileSystem(base: try RootFS(path: t.path), failing: .writes(to: ["/etc/hosts"]))
        #expect(throws: FileError.self) { try fs.write("/etc/hosts", Array("x".utf8), options: WriteOptions()) }
        try fs.write("/etc/other", Array("y".utf8), options: WriteOptions())
        #expect(TestFiles.readString(t.host("/etc/hosts")) == "original\n")
        #expect(fs.attemptedWrites == 2)
        let later = FaultInjectingFileSystem(base: try RootFS(path: t.path), failing: .writesFrom(count: 2))
        try later.write("/etc/a", [], options: WriteOptions())
        #expect(throws: FileError.self) { try later.write("/etc/b", [], options: WriteOptions()) }
    }

    @Test func replacedFileKeepsModeAndOwnerUnlessForced() throws {
        let fs = try RootFS(path: t.path)
        if Self.isRoot { chown(t.host("/etc/hosts"), 1234, 5678) }
        try fs.write("/etc/hosts", Array("new\n".utf8), options: WriteOptions(mode: 0o600, owner: .root))
        var info = try #require(try fs.info("/etc/hosts", followSymlinks: false))
        #expect(info.mode == 0o640)
        if Self.isRoot { #expect(info.owner == FileOwner(uid: 1234, gid: 5678)) }
        try fs.write("/etc/hosts", Array("new\n".utf8), options: WriteOptions(mode: 0o600, forceMode: true))
        info = try #require(try fs.info("/etc/hosts", followSymlinks: false))
        #expect(info.mode == 0o600)
        if Self.isRoot {
            #expect(info.owner == FileOwner(uid: 1234, gid: 5678))
            try fs.write("/etc/hosts", [], options: WriteOptions(owner: FileOwner(uid: 7, gid: 8), forceOwner: true))
            #expect(try fs.info("/etc/hosts", followSymlinks: false)?.owner == FileOwner(uid: 7, gid: 8))
        }
        #expect(leftovers().isEmpty)
    }

    @Test(.enabled(if: isRoot, "needs root to chown")) func newFilesGetTheConfiguredOwner() throws {
        let mapped = FileOwner(uid: 100_000, gid: 100_000)
        let fs = try RootFS(path: t.path, newFileOwner: mapped)
        try fs.write("/etc/new", Array("x".utf8), options: WriteOptions())
        try fs.makeDirectory("/etc/dir", mode: 0o700, owner: nil)
        try fs.symlink("/etc/link", target: "new")
        try fs.write("/etc/explicit", [], options: WriteOptions(owner: FileOwner(uid: 5, gid: 6)))
        #expect(try fs.info("/etc/new", followSymlinks: false)?.owner == mapped)
        #expect(try fs.info("/etc/dir", followSymlinks: false)?.owner == mapped)
        #expect(try fs.info("/etc/link", followSymlinks: false)?.owner == mapped)
        #expect(try fs.info("/etc/explicit", followSymlinks: false)?.owner == FileOwner(uid: 5, gid: 6))
        try fs.changeOwner("/etc/link", to: FileOwner(uid: 9, gid: 9))  // the link, not its target
        #expect(try fs.info("/etc/new", followSymlinks: false)?.owner == mapped)
        #expect(try fs.info("/etc/link", followSymlinks: false)?.owner == FileOwner(uid: 9, gid: 9))
    }

    /// Modes are set with fchmod, not left to the umask (not changed here: it is process-wide and
    /// tests run in parallel; the usual 022 would turn 0777 into 0755).
    @Test func modesAreExactDespiteTheUmask() throws {
        let fs = try RootFS(path: t.path)
        try fs.write("/etc/m", [], options: WriteOptions(mode: 0o777))
        try fs.makeDirectory("/etc/d", mode: 0o777, owner: nil)
        #expect(try fs.info("/etc/m", followSymlinks: false)?.mode == 0o777)
        #expect(try fs.info("/etc/d", followSymlinks: false)?.mode == 0o777)
        try fs.changeMode("/etc/d", to: 0o1777)
        #expect(try fs.info("/etc/d", followSymlinks: false)?.mode == 0o1777)
    }

    @Test func errorsNamePathOperationAndErrno() throws {
        let fs = try RootFS(path: t.path)
        func failure(_ body: () throws(FileError) -> Void) -> FileError? {
            do {
                try body()
                return nil
            } catch { return error }
        }
        let missing = failure { () throws(FileError) in _ = try fs.read("/etc/missing", limit: 10) }
        #expect(missing?.description == "read '/etc/missing': no such file or directory")
        #expect(missing?.code == .notFound)
        #expect(missing?.errno == ENOENT)
        #expect(
            failure { () throws(FileError) in try fs.write("/nodir/x", [], options: WriteOptions()) }?.code == .notFound
        )
        #expect(
            failure { () throws(FileError) in try fs.makeDirectory("/etc", mode: 0o755, owner: nil) }?.code == .exists)
        #expect(failure { () throws(FileError) in try fs.symlink("/etc/hosts", target: "x") }?.code == .exists)
        #expect(failure { () throws(FileError) in try fs.unlink("/etc/missing") }?.code == .notFound)
        #expect(failure { () throws(FileError) in try fs.unlink("/etc") }?.code == .isDirectory)
        let notLink = failure { () throws(FileError) in _ = try fs.readLink("/etc/hosts") }
        #expect(notLink?.code == .invalidPath)
        #expect(notLink?.description == "readlink '/etc/hosts': not a symbolic link")
        #expect(failure { () throws(FileError) in _ = try fs.readLink("/etc/missing") }?.code == .notFound)
        #expect(failure { () throws(FileError) in _ = try fs.read("", limit: 10) }?.code == .invalidPath)
        #expect(failure { () throws(FileError) in _ = try fs.read("/etc/a\u{0}b", limit: 10) }?.code == .invalidPath)
        #expect(failure { () throws(FileError) in _ = try fs.read("/", limit: 10) }?.code == .isDirectory)
        #expect(
            failure { () throws(FileError) in try fs.write("/", [], options: WriteOptions()) }?.code == .isDirectory)
        #expect(failure { () throws(FileError) in try fs.rename("/etc/missing", to: "/etc/x") }?.code == .notFound)
        #expect(failure { () throws(FileError) in try fs.changeMode("/etc/missing", to: 0o644) }?.code == .notFound)
        #expect(failure { () throws(FileError) in try fs.changeOwner("/etc/missing", to: .root) }?.code == .notFound)
        #expect(failure { () throws(FileError) in _ = try fs.list("/etc/hosts") }?.code == .notDirectory)
        #expect(failure { () throws(FileError) in _ = try fs.list("/missing") }?.code == .notFound)
    }

    @Test func rootPathAndDotDotAreHandled() throws {
        let fs = try RootFS(path: t.path)
        #expect(fs.rootPath == t.path)
        #expect(try fs.info("/", followSymlinks: true)?.kind == .directory)
        #expect(try fs.info("/etc/..", followSymlinks: true)?.kind == .directory)
        #expect(try fs.list("/") == ["etc"])
        #expect(try fs.list("/etc/../..") == ["etc"])
        #expect(try fs.read("etc/./hosts", limit: 100) == Array("original\n".utf8))  // relative = from the root
        try fs.changeMode("/", to: 0o755)
        #expect(try fs.info("/missing/deeper", followSymlinks: true) == nil)
    }

    @Test func openingTheRootItself() {
        #expect(throws: FileError.self) { try RootFS(path: "/nonexistent-\(getpid())") }
        do {
            _ = try RootFS(path: t.host("/etc/hosts"))
            Issue.record("opened a file as root")
        } catch {
            #expect(error.code == .notDirectory)
            #expect(error.description.hasPrefix("open root directory '\(t.host("/etc/hosts"))': "))
        }
    }

    @Test func renameAcrossDirectoriesAndOverExisting() throws {
        let fs = try RootFS(path: t.path)
        try fs.makeDirectory("/var", mode: 0o755, owner: nil)
        try fs.write("/etc/a", Array("A".utf8), options: WriteOptions())
        try fs.rename("/etc/a", to: "/var/a")
        try fs.write("/etc/b", Array("B".utf8), options: WriteOptions())
        try fs.rename("/etc/b", to: "/var/a")
        #expect(try fs.read("/var/a", limit: 10) == Array("B".utf8))
        #expect(try fs.list("/etc") == ["hosts"])
    }
}

@Suite struct ErrnoTests {
    @Test func namesAndTexts() {
        #expect(Errno.noSuchFileOrDirectory.rawValue == ENOENT)
        #expect(Errno.tooManySymbolicLinks.rawValue == ELOOP)
        #expect(Errno.noSuchFileOrDirectory.description == "no such file or directory")
        #expect(Errno.noSuchFileOrDirectory.systemMessage == "No such file or directory")
        #expect(Errno.tooManySymbolicLinks.systemMessage == "Too many levels of symbolic links")
        #expect(Errno(rawValue: 99999).description.contains("99999"))
        #expect(Errno.isDirectory == Errno(rawValue: EISDIR))
    }
}
