import Glibc
import PVESystem
import PVETestSupport
import Testing

/// A fresh temporary rootfs per test, removed afterwards.
final class TempRoot {
    let path: String
    init() { path = TestFiles.makeTemporaryDirectory(prefix: "pve-rootfs") }
    deinit { TestFiles.removeTree(path) }
    func host(_ guest: String) -> String { path + guest }
    func mkdir(_ guest: String) { Glibc.mkdir(host(guest), 0o755) }
    func file(_ guest: String, _ text: String) { TestFiles.write(host(guest), Array(text.utf8)) }
    func link(_ guest: String, _ target: String) { Glibc.symlink(target, host(guest)) }
}

@Suite struct RootFSBasicTests {
    @Test func readWriteListAndMetadata() throws {
        let t = TempRoot()
        t.mkdir("/etc")
        t.file("/etc/hostname", "old\n")
        chmod(t.host("/etc/hostname"), 0o640)
        let fs = try RootFS(path: t.path)

        #expect(try fs.read("/etc/hostname", limit: 100) == Array("old\n".utf8))
        try fs.write("/etc/hostname", Array("new\n".utf8), options: WriteOptions())
        #expect(TestFiles.readString(t.host("/etc/hostname")) == "new\n")
        #expect(try fs.info("/etc/hostname", followSymlinks: true)?.mode == 0o640)  // kept
        #expect(try fs.info("/etc/hostname", followSymlinks: true)?.kind == .regular)

        try fs.write("/etc/new", Array("x".utf8), options: WriteOptions(mode: 0o600))
        #expect(try fs.info("/etc/new", followSymlinks: false)?.mode == 0o600)
        try fs.makeDirectory("/etc/sub", mode: 0o750, owner: nil)
        #expect(
            try fs.info("/etc/sub", followSymlinks: false)
                == FileInfo(
                    kind: .directory, mode: 0o750, owner: FileOwner(uid: geteuid(), gid: getegid()),
                    size: try #require(try fs.info("/etc/sub", followSymlinks: false)).size))
        try fs.symlink("/etc/link", target: "hostname")
        #expect(try fs.readLink("/etc/link") == "hostname")
        #expect(try fs.read("/etc/link", limit: 100) == Array("new\n".utf8))
        #expect(try fs.list("/etc") == ["hostname", "link", "new", "sub"])
        try fs.rename("/etc/new", to: "/etc/renamed")
        #expect(try fs.exists("/etc/renamed"))
        #expect(try !fs.exists("/etc/new"))
        try fs.unlink("/etc/renamed")
        #expect(try fs.info("/etc/renamed", followSymlinks: true) == nil)
        try fs.changeMode("/etc/link", to: 0o600)  // follows the link
        #expect(try fs.info("/etc/hostname", followSymlinks: false)?.mode == 0o600)
        try fs.changeOwner("/etc/hostname", to: FileOwner(uid: geteuid(), gid: getegid()))
        #expect(try fs.readPrefix("/etc/hostname", count: 2) == Array("ne".utf8))
    }
}
