import Glibc
import PVESystem
import PVETestSupport
import Testing

/// The same script of operations through the protocol on `RootFS` and on `InMemoryFileSystem`:
/// the in-memory implementation used by fast tests must behave like the real one.
@Suite struct GuestFileSystemContractTests {
    /// Runs the script and returns one outcome line per step (value or error code).
    static func script(_ fs: some GuestFileSystem) -> [String] {
        var log: [String] = []
        func step(_ name: String, _ body: () throws(FileError) -> String) {
            do {
                log.append("\(name): " + (try body()))
            } catch {
                log.append("\(name): error \(error.code)")
            }
        }
        func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        step("mkdir /etc") { () throws(FileError) in
            try fs.makeDirectory("/etc", mode: 0o755, owner: nil); return "ok"
        }
        step("mkdir /etc again") { () throws(FileError) in
            try fs.makeDirectory("/etc", mode: 0o755, owner: nil); return "ok"
        }
        step("write") { () throws(FileError) in
            try fs.write("/etc/hostname", Array("guest\n".utf8), options: WriteOptions(mode: 0o640)); return "ok"
        }
        for (link, target) in [
            ("/etc/abs", "/etc/hostname"), ("/etc/rel", "hostname"), ("/etc/up", "../../../etc/hostname"),
            ("/etc/loop", "loop"), ("/etc/dirlink", "/etc"), ("/etc/dangling", "/nope"), ("/etc/deep", "/nope/x/y"),
            ("/etc/root", "/"),
        ] {
            step("symlink \(link)") { () throws(FileError) in
                try fs.symlink(link, target: target); return "ok"
            }
        }
        for path in [
            "/etc/hostname", "/etc/abs", "/etc/rel", "/etc/up", "/etc/loop", "/etc/dirlink/hostname",
            "/etc/dirlink/dirlink/rel", "/etc/dangling", "/etc/deep", "/etc/hostname/x", "/etc", "/",
            "/../etc/hostname",
            "/etc/root/etc/up", "/nope/x",
        ] {
            step("read \(path)") { () throws(FileError) in text(try fs.read(path, limit: 100)) }
            step("info \(path)") { () throws(FileError) in
                guard let i = try fs.info(path, followSymlinks: true) else { return "nil" }
                return "\(i.kind) \(String(i.mode, radix: 8))"
            }
            step("lstat \(path)") { () throws(FileError) in
                (try fs.info(path, followSymlinks: false)).map { "\($0.kind)" } ?? "nil"
            }
        }
        step("read limit") { () throws(FileError) in text(try fs.read("/etc/hostname", limit: 3)) }
        step("prefix") { () throws(FileError) in text(try fs.readPrefix("/etc/abs", count: 3)) }
        step("readlink") { () throws(FileError) in try fs.readLink("/etc/up") }
        step("readlink file") { () throws(FileError) in try fs.readLink("/etc/hostname") }
        step("list") { () throws(FileError) in try fs.list("/etc/dirlink").joined(separator: ",") }
        step("list file") { () throws(FileError) in try fs.list("/etc/hostname").joined(separator: ",") }
        step("write over link") { () throws(FileError) in
            try fs.write("/etc/abs", Array("replaced\n".utf8), options: WriteOptions()); return "ok"
        }
        step("after") { () throws(FileError) in
            text(try fs.read("/etc/hostname", limit: 100)) + text(try fs.read("/etc/abs", limit: 100))
        }
        step("mode kept") { () throws(FileError) in
            try fs.write("/etc/hostname", Array("again\n".utf8), options: WriteOptions(mode: 0o600))
            return String(try fs.info("/etc/hostname", followSymlinks: false)?.mode ?? 0, radix: 8)
        }
        step("chmod via link") { () throws(FileError) in
            try fs.changeMode("/etc/rel", to: 0o604)
            return String(try fs.info("/etc/hostname", followSymlinks: false)?.mode ?? 0, radix: 8)
        }
        step("rename") { () throws(FileError) in
            try fs.rename("/etc/rel", to: "/etc/rel2"); return try fs.readLink("/etc/rel2")
        }
        step("unlink link") { () throws(FileError) in
            try fs.unlink("/etc/rel2"); return "\(try fs.exists("/etc/rel2"))"
        }
        step("unlink dir") { () throws(FileError) in
            try fs.unlink("/etc"); return "ok"
        }
        step("unlink missing") { () throws(FileError) in
            try fs.unlink("/etc/missing"); return "ok"
        }
        step("write into missing dir") { () throws(FileError) in
            try fs.write("/x/y", [], options: WriteOptions()); return "ok"
        }
        step("write dir") { () throws(FileError) in
            try fs.write("/etc", [], options: WriteOptions()); return "ok"
        }
        step("final list") { () throws(FileError) in try fs.list("/etc").joined(separator: ",") }
        return log
    }

    @Test func inMemoryBehavesLikeRootFS() throws {
        let t = TempRoot()
        chmod(t.path, 0o755)
        let real = Self.script(try RootFS(path: t.path))
        let memory = Self.script(InMemoryFileSystem())
        #expect(real.count == memory.count)
        for (a, b) in zip(real, memory) { #expect(a == b) }
    }

    @Test func inMemoryFaultInjection() throws {
        let fs = InMemoryFileSystem(files: ["/etc/hosts": "original\n"])
        fs.failWrites(to: "/etc/hosts")
        #expect(throws: FileError.self) { try fs.write("/etc/hosts", Array("new".utf8), options: WriteOptions()) }
        #expect(fs.contents("/etc/hosts") == "original\n")
        fs.stopFailingWrites()
        try fs.write("/etc/hosts", Array("new".utf8), options: WriteOptions())
        #expect(fs.contents("/etc/hosts") == "new")
    }
}
