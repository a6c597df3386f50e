import Glibc
import PVESystem
import PVETestSupport
import Synchronization
import Testing

/// A temporary "world": `root/` is the guest's rootfs, `outside/` stands for the host. Every test
/// snapshots `outside/` first and proves at the end that nothing there was read into results or
/// changed.
final class World {
    let path: String
    var root: String { path + "/root" }
    var outside: String { path + "/outside" }
    static let secret = "HOST SECRET\n"

    init() {
        path = TestFiles.makeTemporaryDirectory(prefix: "pve-hostile")
        Glibc.mkdir(root, 0o755)
        Glibc.mkdir(outside, 0o755)
        Glibc.mkdir(root + "/etc", 0o755)
        TestFiles.write(root + "/etc/hostname", Array("guest\n".utf8))
        TestFiles.write(outside + "/secret", Array(Self.secret.utf8))
        TestFiles.write(outside + "/victim", Array("untouched\n".utf8))
        Glibc.mkdir(outside + "/dir", 0o755)
    }
    deinit { TestFiles.removeTree(path) }

    func link(_ guest: String, _ target: String) {
        unlink(root + guest)
        #expect(Glibc.symlink(target, root + guest) == 0, "symlink \(guest)")
    }
    func fifo(_ guest: String) { #expect(mkfifo(root + guest, 0o644) == 0) }
    func dir(_ guest: String) { Glibc.mkdir(root + guest, 0o755) }
    func file(_ guest: String, _ text: String) { TestFiles.write(root + guest, Array(text.utf8)) }

    /// Every path under `outside/` with its kind and content.
    func snapshotOutside() -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ p: String) {
            var st = stat()
            guard lstat(p, &st) == 0 else { return }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                out[p] = "dir \(st.st_mode & 0o7777) \(st.st_uid)"
                for name in TestFiles.list(p) { walk(p + "/" + name) }
            default: out[p] = "file \(st.st_mode & 0o7777) \(st.st_uid) " + (TestFiles.readString(p) ?? "?")
            }
        }
        walk(outside)
        return out
    }

    func fs() throws -> RootFS { try RootFS(path: root) }
}

@Suite struct HostileRootFSTests {
    let world = World()

    func expectOutsideUnchanged(_ before: [String: String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(world.snapshotOutside() == before, sourceLocation: sourceLocation)
    }

    func expectError(
        _ code: FileError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws(FileError) -> Void
    ) -> FileError? {
        do {
            try body()
            Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            return error
        }
    }

    @Test func absoluteSymlinkIsReanchoredAtTheRoot() throws {
        let before = world.snapshotOutside()
        world.link("/etc/os-release", world.outside + "/secret")  // host path: must not be reachable
        world.link("/etc/hostname-link", "/etc/hostname")  // guest path: the guest's own file
        let fs = try world.fs()
        _ = expectError(.notFound) { () throws(FileError) in _ = try fs.read("/etc/os-release", limit: 100) }
        #expect(try fs.read("/etc/hostname-link", limit: 100) == Array("guest\n".utf8))
        #expect(try fs.info("/etc/os-release", followSymlinks: true) == nil)
        #expect(try fs.info("/etc/os-release", followSymlinks: false)?.kind == .symlink)
        // The same host path, recreated inside the root, is what the link means.
        let inside = world.root + world.outside
        var acc = ""
        for part in inside.dropFirst(world.root.count + 1).split(separator: "/") {
            acc += "/" + part
            Glibc.mkdir(world.root + acc, 0o755)
        }
        TestFiles.write(inside + "/secret", Array("guest decoy\n".utf8))
        #expect(try fs.read("/etc/os-release", limit: 100) == Array("guest decoy\n".utf8))
        expectOutsideUnchanged(before)
    }

    @Test func relativeSymlinkCannotClimbAboveTheRoot() throws {
        let before = world.snapshotOutside()
        world.link("/etc/os-release", "../../../../../../../outside/secret")
        let fs = try world.fs()
        _ = expectError(.notFound) { () throws(FileError) in _ = try fs.read("/etc/os-release", limit: 100) }
        world.dir("/outside")
        world.file("/outside/secret", "guest decoy\n")  // `..` clamps at the root: this is what it means
        #expect(try fs.read("/etc/os-release", limit: 100) == Array("guest decoy\n".utf8))
        #expect(try fs.read("/../../../etc/hostname", limit: 100) == Array("guest\n".utf8))
        expectOutsideUnchanged(before)
    }

    @Test func etcItselfALinkOutOfTheRoot() throws {
        let before = world.snapshotOutside()
        TestFiles.removeTree(world.root + "/etc")
        world.link("/etc", world.outside)  // absolute host path
        let fs = try world.fs()
        _ = expectError(.notFound) { () throws(FileError) in _ = try fs.read("/etc/secret", limit: 100) }
        _ = expectError(.notFound) { () throws(FileError) in
            try fs.write("/etc/victim", Array("pwned\n".utf8), options: WriteOptions())
        }
        _ = expectError(.notFound) { () throws(FileError) in _ = try fs.list("/etc") }
        _ = expectError(.notFound) { () throws(FileError) in try fs.symlink("/etc/new", target: "x") }
        _ = expectError(.notFound) { () throws(FileError) in try fs.makeDirectory("/etc/new", mode: 0o755, owner: nil) }
        _ = expectError(.notFound) { () throws(FileError) in try fs.unlink("/etc/victim") }
        _ = expectError(.notFound) { () throws(FileError) in try fs.changeMode("/etc/victim", to: 0o777) }
        _ = expectError(.notFound) { () throws(FileError) in try fs.changeOwner("/etc/victim", to: .root) }
        _ = expectError(.notFound) { () throws(FileError) in try fs.rename("/etc/victim", to: "/victim") }

        world.link("/etc", "../../outside")  // relative: clamped at the root
        _ = expectError(.notFound) { () throws(FileError) in _ = try fs.read("/etc/secret", limit: 100) }
        _ = expectError(.notFound) { () throws(FileError) in
            try fs.write("/etc/victim", Array("pwned\n".utf8), options: WriteOptions())
        }
        expectOutsideUnchanged(before)
    }

    @Test func finalSymlinkIsReplacedByWritesNeverFollowed() throws {
        let before = world.snapshotOutside()
        world.link("/etc/victim", world.outside + "/victim")
        world.link("/etc/victim2", "../../outside/victim")
        let fs = try world.fs()
        try fs.write("/etc/victim", Array("guest data\n".utf8), options: WriteOptions())
        try fs.write("/etc/victim2", Array("guest data\n".utf8), options: WriteOptions())
        #expect(try fs.info("/etc/victim", followSymlinks: false)?.kind == .regular)
        #expect(TestFiles.readString(world.root + "/etc/victim2") == "guest data\n")
        try fs.changeOwner("/etc/victim", to: FileOwner(uid: geteuid(), gid: getegid()))
        expectOutsideUnchanged(before)
    }

    @Test func chmodAndListThroughLinksStayInside() throws {
        let before = world.snapshotOutside()
        world.link("/etc/victim", world.outside + "/victim")
        world.link("/etc/d", world.outside + "/dir")
        let fs = try world.fs()
        _ = expectError(.notFound) { () throws(FileError) in try fs.changeMode("/etc/victim", to: 0o777) }
        _ = expectError(.notFound) { () throws(FileError) in _ = try fs.list("/etc/d") }
        expectOutsideUnchanged(before)
    }

    @Test func symlinkLoopsAreErrors() throws {
        world.link("/etc/a", "b")
        world.link("/etc/b", "/etc/a")
        world.link("/etc/self", "self")
        world.link("/etc/loopdir", ".")
        let fs = try world.fs()
        for path in ["/etc/a", "/etc/self", "/etc/a/x", "/etc/self/x"] {
            let error = expectError(.symlinkLoop) { () throws(FileError) in _ = try fs.read(path, limit: 100) }
            #expect(error?.description == "read '\(path)': too many levels of symbolic links")
            #expect(error?.errno == ELOOP)
        }
        _ = expectError(.symlinkLoop) { () throws(FileError) in _ = try fs.info("/etc/a", followSymlinks: true) }
        _ = expectError(.symlinkLoop) { () throws(FileError) in _ = try fs.list("/etc/self") }
        // Not followed as the final component: no loop.
        #expect(try fs.info("/etc/a", followSymlinks: false)?.kind == .symlink)
        #expect(try fs.readLink("/etc/a") == "b")
        // A directory link to itself is fine as long as the hop budget lasts.
        #expect(try fs.read("/etc/loopdir/loopdir/loopdir/hostname", limit: 100) == Array("guest\n".utf8))
    }

    @Test func chainsOfFortyHopsResolveButFortyOneDoNot() throws {
        for i in 0..<41 { world.link("/etc/l\(i)", "l\(i + 1)") }
        world.link("/etc/l41", "hostname")
        let fs = try world.fs()
        #expect(try fs.read("/etc/l2", limit: 100) == Array("guest\n".utf8))  // 40 links: l2…l41
        _ = expectError(.symlinkLoop) { () throws(FileError) in _ = try fs.read("/etc/l1", limit: 100) }  // 41
    }

    @Test func fifoWhereAFileBelongsNeverBlocks() throws {
        world.fifo("/etc/os-release")
        world.link("/etc/fifo-link", "os-release")
        let fs = try world.fs()
        let error = expectError(.notRegularFile) { () throws(FileError) in
            _ = try fs.read("/etc/os-release", limit: 100)
        }
        #expect(error?.description == "read '/etc/os-release': not a regular file (FIFO)")
        _ = expectError(.notRegularFile) { () throws(FileError) in _ = try fs.read("/etc/fifo-link", limit: 100) }
        _ = expectError(.notRegularFile) { () throws(FileError) in _ = try fs.readPrefix("/etc/fifo-link", count: 4) }
        #expect(try fs.info("/etc/fifo-link", followSymlinks: true)?.kind == .fifo)
        // Writing over it replaces the FIFO atomically (never opens it).
        try fs.write("/etc/os-release", Array("ID=debian\n".utf8), options: WriteOptions())
        #expect(try fs.read("/etc/os-release", limit: 100) == Array("ID=debian\n".utf8))
    }

    @Test func directoryWhereAFileBelongs() throws {
        world.dir("/etc/os-release")
        let fs = try world.fs()
        let error = expectError(.isDirectory) { () throws(FileError) in _ = try fs.read("/etc/os-release", limit: 100) }
        #expect(error?.description == "read '/etc/os-release': is a directory")
        _ = expectError(.isDirectory) { () throws(FileError) in
            try fs.write("/etc/os-release", [], options: WriteOptions())
        }
        _ = expectError(.isDirectory) { () throws(FileError) in try fs.unlink("/etc/os-release") }
        _ = expectError(.notDirectory) { () throws(FileError) in _ = try fs.read("/etc/hostname/x", limit: 100) }
        _ = expectError(.notDirectory) { () throws(FileError) in _ = try fs.list("/etc/hostname") }
    }

    @Test func linkToDevZeroIsNotRead() throws {
        world.dir("/bin")
        world.link("/bin/sh", "/dev/zero")
        let fs = try world.fs()
        _ = expectError(.notFound) { () throws(FileError) in _ = try fs.read("/bin/sh", limit: 100) }
        // A real device node inside the rootfs (privileged containers can have them): refused unopened.
        world.dir("/dev")
        guard mknod(world.root + "/dev/zero", S_IFCHR | 0o666, dev_t(1 << 8 | 5)) == 0 else { return }  // needs root
        let error = expectError(.notRegularFile) { () throws(FileError) in _ = try fs.read("/bin/sh", limit: 1 << 30) }
        #expect(error?.description == "read '/bin/sh': not a regular file (character device)")
        _ = expectError(.notRegularFile) { () throws(FileError) in _ = try fs.readPrefix("/bin/sh", count: 20) }
    }

    @Test func oversizedFilesAreRefused() throws {
        world.file("/etc/big", String(repeating: "x", count: 5000))
        let fs = try world.fs()
        let error = expectError(.tooLarge) { () throws(FileError) in _ = try fs.read("/etc/big", limit: 4096) }
        #expect(error?.description == "read '/etc/big': file is larger than 4096 bytes")
        #expect(try fs.read("/etc/big", limit: 5000).count == 5000)
        #expect(try fs.readPrefix("/etc/big", count: 10) == Array(repeating: UInt8(ascii: "x"), count: 10))
    }

    /// A guest swapping `/etc` between a directory and a link to the host while we read and write
    /// (on its own OS thread, so the test's own scheduling cannot starve it): no result may ever
    /// contain host data and the host side must stay unchanged.
    @Test func componentSwappedForASymlinkMidOperation() throws {
        TestFiles.write(world.outside + "/hostname", Array(World.secret.utf8))
        let before = world.snapshotOutside()
        let swapper = Swapper(root: world.root, outside: world.outside)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(swapper).toOpaque()
        let created = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                Unmanaged<Swapper>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
        try #require(created == 0)
        while swapper.swaps.load(ordering: .relaxed) == 0 { sched_yield() }  // it is running

        let fs = try world.fs()
        var reads = 0
        var writes = 0
        var lastError: FileError?
        for i in 0..<3000 {
            do {
                let bytes = try fs.read("/etc/hostname", limit: 100)
                #expect(bytes != Array(World.secret.utf8), "read host data")
                reads += 1
            } catch {
                lastError = error
            }
            if i % 25 == 0, (try? fs.write("/etc/hostname", Array("guest \(i)\n".utf8), options: WriteOptions())) != nil {
                writes += 1
            }
        }
        swapper.stop.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
        #expect(swapper.swaps.load(ordering: .relaxed) > 0)
        #expect(reads + writes > 0, "last error: \(lastError.map { "\($0)" } ?? "none")")
        #expect(world.snapshotOutside() == before)
    }
}

/// Swaps `root/etc` for a symlink to `outside` and back until told to stop.
final class Swapper: Sendable {
    let root: String
    let outside: String
    let stop = Atomic<Bool>(false)
    let swaps = Atomic<Int>(0)

    init(root: String, outside: String) {
        self.root = root
        self.outside = outside
    }

    func run() {
        // Each state is held for a few scheduler yields, so that both the real directory and
        // the link to the host are seen by the other thread (no sleeps: yields only).
        while !stop.load(ordering: .relaxed) {
            Glibc.rename(root + "/etc", root + "/etc.real")
            Glibc.symlink(outside, root + "/etc")
            for _ in 0..<20 { sched_yield() }
            Glibc.unlink(root + "/etc")
            Glibc.rename(root + "/etc.real", root + "/etc")
            swaps.add(1, ordering: .relaxed)
            for _ in 0..<100 { sched_yield() }
        }
    }
}
