import PVEGuestOS
import PVESystem
import PVETestSupport
import Testing

@testable import PVEGuestSetup

@Suite struct OverlayAndDiffTests {
    @Test func overlayReadsThroughAndCommits() throws {
        let base = InMemoryFileSystem(files: ["/etc/a": "old\n", "/etc/keep": "k\n"])
        base.addNode("/etc/link", .symlink("/etc/a"))
        let o = OverlayFileSystem(base: base)
        try o.write("/etc/link", Array("new\n".utf8), options: WriteOptions(mode: 0o600, forceMode: true, forceOwner: true))
        #expect(try o.info("/etc/link", followSymlinks: false)?.kind == .regular)
        #expect(try o.read("/etc/a", limit: 100) == Array("old\n".utf8))
        try o.makeDirectory("/etc/new", mode: 0o755, owner: nil)
        try o.write("/etc/new/f", [1], options: WriteOptions())
        try o.symlink("/etc/new/l", target: "f")
        #expect(try o.read("/etc/new/l", limit: 10) == [1])
        #expect(try o.list("/etc") == ["a", "keep", "link", "new"])
        try o.unlink("/etc/keep")
        #expect(try o.list("/etc") == ["a", "link", "new"])
        #expect(base.contents("/etc/keep") == "k\n")
        let changes = o.changes()
        #expect(changes.map(\.path) == ["/etc/keep", "/etc/link", "/etc/new", "/etc/new/f", "/etc/new/l"])
        try o.commit()
        #expect(base.contents("/etc/link") == "new\n")
        #expect(base.node("/etc/keep") == nil)
        #expect(base.node("/etc/new/l") == .symlink("f"))
        #expect(o.isEmpty)
    }

    @Test func overlayResolvesSymlinkedDirectoriesInsideTheRoot() throws {
        let base = InMemoryFileSystem(files: ["/real/x": "1"])
        base.addNode("/etc", .symlink("../../../real"))
        let o = OverlayFileSystem(base: base)
        try o.write("/etc/y", [2], options: WriteOptions())
        #expect(o.changes().map(\.path) == ["/real/y"])
        try o.rename("/etc/y", to: "/etc/z")
        #expect(try o.read("/real/z", limit: 10) == [2])
        #expect(try o.info("/etc/y", followSymlinks: false) == nil)
    }

    @Test func overlayRejectsWritesIntoDirectories() throws {
        let base = InMemoryFileSystem(files: ["/d/f": ""])
        let o = OverlayFileSystem(base: base)
        #expect(throws: FileError.self) { try o.write("/d", [], options: WriteOptions()) }
        #expect(throws: FileError.self) { try o.write("/missing/f", [], options: WriteOptions()) }
        #expect(throws: FileError.self) { try o.unlink("/d") }
        #expect(throws: FileError.self) { try o.symlink("/d/f", target: "x") }
    }

    @Test func unifiedDiffOfAChangedFile() {
        let before = Array("a\nb\nc\nd\ne\nf\ng\nh\n".utf8)
        let after = Array("a\nb\nc\nD\ne\nf\ng\nh\ni\n".utf8)
        let change = OverlayFileSystem.Change(path: "/etc/x", before: .file(before, mode: 0o644, owner: .root), after: .file(after, mode: 0o600, owner: .root))
        let text = String(decoding: UnifiedDiff.render([change]), as: UTF8.self)
        #expect(
            text == """
                diff --pve-guestsetup a/etc/x b/etc/x
                old mode 0644
                new mode 0600
                --- a/etc/x
                +++ b/etc/x
                @@ -1,8 +1,9 @@
                 a
                 b
                 c
                -d
                +D
                 e
                 f
                 g
                 h
                +i

                """)
    }

    @Test func unifiedDiffOfNewAndDeletedFiles() {
        let created = OverlayFileSystem.Change(path: "/a", before: .absent, after: .file(Array("x".utf8), mode: 0o644, owner: .root))
        let deleted = OverlayFileSystem.Change(path: "/b", before: .file(Array("y\n".utf8), mode: 0o644, owner: .root), after: .absent)
        let link = OverlayFileSystem.Change(path: "/c", before: .absent, after: .symlink("/dev/null"))
        let text = String(decoding: UnifiedDiff.render([created, deleted, link]), as: UTF8.self)
        #expect(text.contains("new file mode 0644 owner 0:0\n--- /dev/null\n+++ b/a\n@@ -0,0 +1,1 @@\n+x\n\\ No newline at end of file\n"))
        #expect(text.contains("deleted file mode 0644 owner 0:0\n--- a/b\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-y\n"))
        #expect(text.contains("old: (nothing)\nnew: symlink -> /dev/null\n"))
    }

    @Test func hunksAreSeparatedByContext() {
        let a = (1...30).map { "l\($0)\n" }.joined()
        var bLines = (1...30).map { "l\($0)\n" }
        bLines[1] = "X\n"
        bLines[25] = "Y\n"
        let text = String(decoding: UnifiedDiff.hunks(Array(a.utf8), Array(bLines.joined().utf8)), as: UTF8.self)
        #expect(text.components("@@ -").count == 3)
        #expect(text.hasPrefix("@@ -1,5 +1,5 @@\n l1\n-l2\n+X\n"))
        #expect(text.contains("@@ -23,7 +23,7 @@\n"))
    }

    @Test func reportExplainsEveryFile() throws {
        let fs = InMemoryFileSystem(files: ["/etc/debian_version": "12\n", "/etc/.pve-ignore.hosts": "", "/etc/hosts": "x\n"])
        let config = try GuestSetupConfig(configText: "hostname: h\nunprivileged: 1\n")
        let result = try GuestSetup.apply(
            .preStart, os: DetectedOS(type: .debian, version: "12"), on: fs, config: config, host: HostEnvironment(), now: 0, seed: 0,
            dryRun: true)
        let report = SetupReport(changes: result.changes, records: result.records)
        let byPath = Dictionary(uniqueKeysWithValues: report.entries.map { ($0.path, $0) })
        #expect(byPath["/etc/hostname"]?.action == "create")
        #expect(byPath["/etc/hostname"]?.steps == ["set_hostname"])
        #expect(byPath["/etc/hostname"]?.how == ["whole file"])
        #expect(byPath["/etc/hostname"]?.owner == FileOwner(uid: 100_000, gid: 100_000))
        #expect(byPath["/etc/hostname"]?.mode == 0o644)
        #expect(byPath["/etc/hosts"]?.action == "ignored")
        #expect(byPath["/etc/hosts"]?.how == ["ignored by /etc/.pve-ignore.hosts"])
        #expect(byPath["/fastboot"]?.steps == ["pre_start_hook"])
        #expect(fs.node("/etc/hostname") == nil)
    }
}

extension String {
    func components(_ separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = Substring(self)
        while let r = rest.firstRange(of: separator) {
            parts.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}
