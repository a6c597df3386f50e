import Glibc
import PVETestSupport
import Testing

@testable import pve_guestsetup

/// A host directory tree as data: path → entry (regular files, symlinks, directories).
struct TreeSnapshot: Equatable, CustomStringConvertible {
    enum Entry: Equatable {
        case file([UInt8], mode: UInt32, uid: UInt32, gid: UInt32)
        case symlink(String)
        case directory(mode: UInt32, uid: UInt32, gid: UInt32)
    }
    var entries: [String: Entry] = [:]

    init(_ root: String, skipKeep: Bool = false) {
        walk(root, "")
        if skipKeep { entries = entries.filter { !$0.key.hasSuffix("/.keep") } }
    }

    private mutating func walk(_ root: String, _ rel: String) {
        for name in TestFiles.list(root + rel) {
            let r = rel + "/" + name
            var st = stat()
            guard lstat(root + r, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFLNK:
                var buf = [CChar](repeating: 0, count: 4097)
                let n = readlink(root + r, &buf, 4096)
                entries[r] = .symlink(String(decoding: buf[0..<max(0, n)].map { UInt8(bitPattern: $0) }, as: UTF8.self))
            case S_IFDIR:
                entries[r] = .directory(mode: UInt32(st.st_mode) & 0o7777, uid: st.st_uid, gid: st.st_gid)
                walk(root, r)
            default:
                entries[r] = .file(TestFiles.read(root + r) ?? [], mode: UInt32(st.st_mode) & 0o7777, uid: st.st_uid, gid: st.st_gid)
            }
        }
    }

    var description: String { entries.keys.sorted().joined(separator: "\n") }

    /// Paths with their kind and content (no modes/owners), without `excluded` paths.
    func contentOnly(excluding excluded: Set<String>) -> [String: String] {
        var out: [String: String] = [:]
        for (path, entry) in entries where !excluded.contains(path) {
            switch entry {
            case .file(let b, _, _, _): out[path] = "file:" + String(decoding: b, as: UTF8.self)
            case .symlink(let t): out[path] = "link:" + t
            case .directory: out[path] = "dir"
            }
        }
        return out
    }
}

enum TreeCopy {
    /// Copies `from` to `to` (created), keeping symlinks as symlinks and skipping `.keep` files.
    static func copy(_ from: String, _ to: String) {
        mkdir(to, 0o755)
        for name in TestFiles.list(from) where name != ".keep" {
            let a = from + "/" + name
            let b = to + "/" + name
            var st = stat()
            guard lstat(a, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFLNK:
                var buf = [CChar](repeating: 0, count: 4097)
                let n = readlink(a, &buf, 4096)
                _ = symlink(String(decoding: buf[0..<max(0, n)].map { UInt8(bitPattern: $0) }, as: UTF8.self), b)
            case S_IFDIR:
                copy(a, b)
            default:
                TestFiles.write(b, TestFiles.read(a) ?? [])
                chmod(b, mode_t(st.st_mode & 0o777))
            }
        }
    }
}

/// Runs every case of `Fixtures/guest-setup/` (format: GUEST-SETUP-FIXTURES.md) through `apply`:
/// twice on one copy (expected tree after each run, second run changes nothing) and once with
/// `--dry-run` on a fresh copy (tree untouched).
@Suite struct ApplyFixtureTests {
    static let root = Fixtures.path("guest-setup")
    static let cases: [String] = TestFiles.list(root).filter { TestFiles.list(root + "/" + $0).contains("config") }

    init() { setenv("SOURCE_DATE_EPOCH", "1700000000", 1) }

    static func arguments(_ dir: String, rootfs: String) -> [String] {
        let extra = (TestFiles.readString(dir + "/args") ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).filter { !$0.isEmpty }
        var hostResolv = dir + "/host-resolv.conf"
        if TestFiles.read(hostResolv) == nil {
            hostResolv = rootfs + ".host-resolv.conf"
            TestFiles.write(hostResolv, Array("search proxmox.com\nnameserver 8.8.8.8\nnameserver 8.8.8.9\n".utf8))
        }
        var defaults: [(String, String)] = [
            ("--hook", "post-create"), ("--root-password", "$5$SALT$PASS"), ("--ssh-key", "ssh-rsa ABCDEFG ABC@DEF"),
            ("--seed", "0"), ("--host-resolv-conf", hostResolv), ("--host-timezone", "Etc/UTC"),
        ]
        defaults.removeAll { d in extra.contains(d.0) }
        return ["apply", "--config", dir + "/config", "--rootfs", rootfs] + defaults.flatMap { [$0.0, $0.1] } + extra
    }

    static func run(_ args: [String]) -> (Int32, String, String) {
        let captured = CapturedOutput()
        var console = captured.console
        let code = CLI.run(args, console: &console)
        return (code, captured.stdout, captured.stderr)
    }

    /// Compares the tree at `rootfs` with `expected/` (+ `volatile`, `modes`).
    static func check(_ name: String, _ dir: String, _ rootfs: String, round: Int) {
        let actual = TreeSnapshot(rootfs)
        let expected = TreeSnapshot(dir + "/expected", skipKeep: true)
        let volatile = Set((TestFiles.readString(dir + "/volatile") ?? "").split(separator: "\n").map(String.init))
        for (path, entry) in expected.entries {
            switch entry {
            case .directory: continue
            case .symlink(let t):
                #expect(actual.entries[path] == .symlink(t), "\(name) round \(round): symlink \(path)")
            case .file(let bytes, _, _, _):
                if case .file(let got, _, _, _)? = actual.entries[path] {
                    #expect(
                        got == bytes,
                        "\(name) round \(round): \(path) differs:\n--- expected\n\(String(decoding: bytes, as: UTF8.self))--- got\n\(String(decoding: got, as: UTF8.self))"
                    )
                } else {
                    Issue.record("\(name) round \(round): \(path) missing or not a file: \(String(describing: actual.entries[path]))")
                }
            }
        }
        for (path, entry) in actual.entries {
            if case .directory = entry { continue }
            if volatile.contains(path) { continue }
            #expect(expected.entries[path] != nil, "\(name) round \(round): unexpected \(path)")
        }
        for v in volatile { #expect(actual.entries[v] != nil, "\(name) round \(round): volatile \(v) missing") }
        for line in (TestFiles.readString(dir + "/modes") ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let mode = UInt32(parts[0], radix: 8) else {
                Issue.record("\(name): bad modes line \(line)")
                continue
            }
            let ids = parts[1].split(separator: ":").compactMap { UInt32($0) }
            let path = String(parts[2])
            switch actual.entries[path] {
            case .file(_, let m, let u, let g)?, .directory(let m, let u, let g)?:
                #expect(m == mode, "\(name) round \(round): mode of \(path) is \(String(m, radix: 8))")
                if getuid() == 0 { #expect([u, g] == ids, "\(name) round \(round): owner of \(path) is \(u):\(g)") }
            default: Issue.record("\(name) round \(round): \(path) (modes) missing")
            }
        }
    }

    @Test(arguments: cases)
    func fixture(_ name: String) throws {
        let dir = Self.root + "/" + name
        let work = TestFiles.makeTemporaryDirectory(prefix: "apply-fixture")
        defer { TestFiles.removeTree(work) }
        let rootfs = work + "/rootfs"
        TreeCopy.copy(dir + "/input", rootfs)
        let before = TreeSnapshot(rootfs)
        let args = Self.arguments(dir, rootfs: rootfs)

        if let error = TestFiles.readString(dir + "/error") {
            // Every line of `error`, in order and adjacent (a multi-line message such as
            // `format error` + the failing property).
            var text = error
            while text.hasSuffix("\n") { text.removeLast() }
            let (code, _, err) = Self.run(args)
            #expect(code == 1, "\(name): exit \(code), stderr: \(err)")
            #expect(err.contains(text), "\(name): stderr \(err) lacks \(text)")
            #expect(TreeSnapshot(rootfs) == before, "\(name): tree changed on error")
            return
        }

        // Dry run on a fresh copy: nothing changes.
        let dryRoot = work + "/dry"
        TreeCopy.copy(dir + "/input", dryRoot)
        let dryBefore = TreeSnapshot(dryRoot)
        let (dcode, dout, derr) = Self.run(Self.arguments(dir, rootfs: dryRoot) + ["--dry-run"])
        #expect(dcode == 0, "\(name): dry run exit \(dcode): \(derr)")
        #expect(TreeSnapshot(dryRoot) == dryBefore, "\(name): dry run changed the tree")
        #expect(dout.hasPrefix("diff ") || dout.isEmpty, "\(name): dry run output \(dout.prefix(200))")

        let (code, _, err) = Self.run(args)
        #expect(code == 0, "\(name): exit \(code), stderr: \(err)")
        Self.check(name, dir, rootfs, round: 1)
        let afterFirst = TreeSnapshot(rootfs)

        // The second run changes nothing (volatile SSH keys are regenerated by design).
        let (code2, _, err2) = Self.run(args)
        #expect(code2 == 0, "\(name): second run exit \(code2), stderr: \(err2)")
        Self.check(name, dir, rootfs, round: 2)
        let volatile = Set((TestFiles.readString(dir + "/volatile") ?? "").split(separator: "\n").map(String.init))
        // Content and kinds only: Proxmox's second run may change a mode (authorized_keys is
        // created 0700 and rewritten with the default 0644), which we reproduce.
        #expect(
            afterFirst.contentOnly(excluding: volatile) == TreeSnapshot(rootfs).contentOnly(excluding: volatile),
            "\(name): second run changed the tree")
        _ = before
    }
}
