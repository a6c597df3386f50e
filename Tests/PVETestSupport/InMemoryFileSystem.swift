public import PVESystem
import Synchronization

/// A dictionary-backed `GuestFileSystem` for fast unit tests.
///
/// Symlinks are resolved inside the tree the way `RootFS` resolves them (absolute targets
/// re-anchored at the root, `..` clamped at the root, at most 40 hops). Writes can be made to fail
/// with `failWrites(matching:)` to test fault handling.
public final class InMemoryFileSystem: GuestFileSystem, Sendable {
    public enum Node: Sendable, Hashable {
        case file([UInt8], mode: UInt32, owner: FileOwner)
        case directory(mode: UInt32, owner: FileOwner)
        case symlink(String)
        case fifo
    }

    private let state: Mutex<State>
    private struct State {
        var nodes: [String: Node] = ["/": .directory(mode: 0o755, owner: .root)]
        var failingWrites: Set<String> = []
    }

    public init() { state = Mutex(State()) }

    /// Builds a tree from `path: content` pairs; parent directories are created.
    public convenience init(files: [String: String]) {
        self.init()
        for (path, content) in files { addFile(path, content) }
    }

    // MARK: - Test set-up

    public func addFile(_ path: String, _ content: String, mode: UInt32 = 0o644, owner: FileOwner = .root) {
        addNode(path, .file(Array(content.utf8), mode: mode, owner: owner))
    }

    public func addNode(_ path: String, _ node: Node) {
        let p = Self.normalize(path)
        state.withLock { s in
            var parent = Self.parent(of: p)
            var missing: [String] = []
            while s.nodes[parent] == nil {
                missing.append(parent)
                parent = Self.parent(of: parent)
            }
            for dir in missing { s.nodes[dir] = .directory(mode: 0o755, owner: .root) }
            s.nodes[p] = node
        }
    }

    /// Makes every later write to `path` fail midway with an I/O error (like `RootFS`, the
    /// original content stays: the failure happens before the atomic replacement).
    public func failWrites(to path: String) {
        let p = Self.normalize(path)
        _ = state.withLock { $0.failingWrites.insert(p) }
    }

    /// Undoes `failWrites(to:)` for every path.
    public func stopFailingWrites() {
        state.withLock { $0.failingWrites.removeAll() }
    }

    /// The raw node stored at `path` (no symlink resolution).
    public func node(_ path: String) -> Node? {
        let p = Self.normalize(path)
        return state.withLock { $0.nodes[p] }
    }

    /// Content of a regular file as a string (no symlink resolution), for assertions.
    public func contents(_ path: String) -> String? {
        guard case .file(let bytes, _, _)? = node(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every path in the tree, sorted.
    public var allPaths: [String] { state.withLock { $0.nodes.keys.sorted() } }

    // MARK: - Path handling

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func parent(of path: String) -> String { GuestPathResolver.parent(of: path) }

    static func name(of path: String) -> String { GuestPathResolver.name(of: path) }

    /// Resolves symlinks in every component but (optionally) the last; returns the normalized physical path.
    private func resolve(_ s: State, _ path: String, followLast: Bool, op: String) throws(FileError) -> String {
        try GuestPathResolver.resolve(path, followLast: followLast, operation: op) { candidate in
            switch s.nodes[candidate] {
            case nil: return nil
            case .directory?: return .directory
            case .symlink(let target)?: return .symlink(target: target)
            default: return .other
            }
        }
    }

    // MARK: - GuestFileSystem

    public func info(_ path: String, followSymlinks: Bool) throws(FileError) -> FileInfo? {
        try state.withLock { (s: inout State) throws(FileError) -> FileInfo? in
            let p = try resolve(s, path, followLast: followSymlinks, op: "stat")
            guard let node = s.nodes[p] else { return nil }
            switch node {
            case .file(let b, let mode, let owner): return FileInfo(kind: .regular, mode: mode, owner: owner, size: b.count)
            case .directory(let mode, let owner): return FileInfo(kind: .directory, mode: mode, owner: owner, size: 0)
            case .symlink(let t): return FileInfo(kind: .symlink, mode: 0o777, owner: .root, size: t.utf8.count)
            case .fifo: return FileInfo(kind: .fifo, mode: 0o644, owner: .root, size: 0)
            }
        }
    }

    public func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        try state.withLock { (s: inout State) throws(FileError) -> [UInt8] in
            let p = try resolve(s, path, followLast: true, op: "read")
            switch s.nodes[p] {
            case nil: throw FileError(code: .notFound, path: path, operation: "read", reason: "no such file or directory")
            case .file(let b, _, _)?:
                if b.count > limit {
                    throw FileError(code: .tooLarge, path: path, operation: "read", reason: "file is larger than \(limit) bytes")
                }
                return b
            case .directory?: throw FileError(code: .isDirectory, path: path, operation: "read", reason: "is a directory")
            default: throw FileError(code: .notRegularFile, path: path, operation: "read", reason: "not a regular file")
            }
        }
    }

    public func readPrefix(_ path: String, count: Int) throws(FileError) -> [UInt8] {
        Array(try read(path, limit: Int.max).prefix(max(count, 0)))
    }

    public func write(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let dir = try resolve(s, Self.parent(of: Self.normalize(path)), followLast: true, op: "write")
            guard case .directory? = s.nodes[dir] else {
                throw FileError(code: .notFound, path: path, operation: "write", reason: "parent directory does not exist")
            }
            let p = dir == "/" ? "/" + Self.name(of: Self.normalize(path)) : dir + "/" + Self.name(of: Self.normalize(path))
            if s.failingWrites.contains(p) || s.failingWrites.contains(Self.normalize(path)) {
                throw FileError(code: .system, path: path, operation: "write", errno: 5, reason: "input/output error (injected)")
            }
            var mode = options.mode
            var owner = options.owner ?? .root
            switch s.nodes[p] {
            case .file(_, let m, let o)?:
                if !options.forceMode { mode = m }
                if !options.forceOwner { owner = o }
            case .directory?:
                throw FileError(code: .isDirectory, path: path, operation: "write", reason: "is a directory")
            default: break
            }
            s.nodes[p] = .file(bytes, mode: mode, owner: owner)
        }
    }

    public func readLink(_ path: String) throws(FileError) -> String {
        try state.withLock { (s: inout State) throws(FileError) -> String in
            let p = try resolve(s, path, followLast: false, op: "readlink")
            guard case .symlink(let t)? = s.nodes[p] else {
                throw FileError(code: .invalidPath, path: path, operation: "readlink", reason: "not a symbolic link")
            }
            return t
        }
    }

    public func symlink(_ path: String, target: String) throws(FileError) {
        try create(path, .symlink(target), op: "symlink")
    }

    public func makeDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws(FileError) {
        try create(path, .directory(mode: mode, owner: owner ?? .root), op: "mkdir")
    }

    private func create(_ path: String, _ node: Node, op: String) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolve(s, path, followLast: false, op: op)
            guard case .directory? = s.nodes[Self.parent(of: p)] else {
                throw FileError(code: .notFound, path: path, operation: op, reason: "parent directory does not exist")
            }
            if s.nodes[p] != nil { throw FileError(code: .exists, path: path, operation: op, reason: "file exists") }
            s.nodes[p] = node
        }
    }

    public func unlink(_ path: String) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolve(s, path, followLast: false, op: "unlink")
            switch s.nodes[p] {
            case nil: throw FileError(code: .notFound, path: path, operation: "unlink", reason: "no such file or directory")
            case .directory?: throw FileError(code: .isDirectory, path: path, operation: "unlink", reason: "is a directory")
            default: s.nodes[p] = nil
            }
        }
    }

    /// Staged writes honour `failWrites(to:)` on the final path; the content goes to a temporary
    /// name beside it (renamed by the default `commitStaged`).
    public func stageWrite(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) -> StagedChange {
        let normalized = Self.normalize(path)
        let failing = state.withLock { $0.failingWrites.contains(normalized) }
        if failing {
            throw FileError(code: .system, path: path, operation: "write", errno: 5, reason: "input/output error (injected)")
        }
        let parent = Self.parent(of: normalized)
        let temporary = (parent == "/" ? "/" : parent + "/") + ".pve-guestsetup.staged." + Self.name(of: normalized)
        try write(temporary, bytes, options: options)
        return StagedChange(path: path, handle: temporary)
    }

    public func removeDirectory(_ path: String) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolve(s, path, followLast: false, op: "rmdir")
            guard case .directory? = s.nodes[p] else {
                throw FileError(code: .notDirectory, path: path, operation: "rmdir", reason: "not a directory")
            }
            if s.nodes.keys.contains(where: { $0.hasPrefix(p + "/") }) {
                throw FileError(code: .system, path: path, operation: "rmdir", reason: "directory not empty")
            }
            s.nodes[p] = nil
        }
    }

    public func rename(_ from: String, to: String) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let a = try resolve(s, from, followLast: false, op: "rename")
            let b = try resolve(s, to, followLast: false, op: "rename")
            guard let node = s.nodes[a] else {
                throw FileError(code: .notFound, path: from, operation: "rename", reason: "no such file or directory")
            }
            let prefix = a + "/"
            for key in s.nodes.keys where key.hasPrefix(prefix) {
                s.nodes[b + "/" + key.dropFirst(prefix.count)] = s.nodes[key]
                s.nodes[key] = nil
            }
            s.nodes[a] = nil
            s.nodes[b] = node
        }
    }

    public func list(_ path: String) throws(FileError) -> [String] {
        try state.withLock { (s: inout State) throws(FileError) -> [String] in
            let p = try resolve(s, path, followLast: true, op: "list")
            guard case .directory? = s.nodes[p] else {
                throw FileError(code: .notDirectory, path: path, operation: "list", reason: "not a directory")
            }
            let prefix = p == "/" ? "/" : p + "/"
            return s.nodes.keys.filter { $0 != p && $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
                .map { String($0.dropFirst(prefix.count)) }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        }
    }

    public func changeOwner(_ path: String, to owner: FileOwner) throws(FileError) {
        try update(path, followLast: false, op: "chown") { node in
            switch node {
            case .file(let b, let m, _): return .file(b, mode: m, owner: owner)
            case .directory(let m, _): return .directory(mode: m, owner: owner)
            default: return node
            }
        }
    }

    public func changeMode(_ path: String, to mode: UInt32) throws(FileError) {
        try update(path, followLast: true, op: "chmod") { node in
            switch node {
            case .file(let b, _, let o): return .file(b, mode: mode, owner: o)
            case .directory(_, let o): return .directory(mode: mode, owner: o)
            default: return node
            }
        }
    }

    private func update(_ path: String, followLast: Bool, op: String, _ change: (Node) -> Node) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolve(s, path, followLast: followLast, op: op)
            guard let node = s.nodes[p] else {
                throw FileError(code: .notFound, path: path, operation: op, reason: "no such file or directory")
            }
            s.nodes[p] = change(node)
        }
    }
}
