public import PVESystem
import Synchronization

/// A copy-on-write layer over a `GuestFileSystem`: every change is kept in memory (and logged)
/// until `commit()` replays it on the base. Reads see the changed tree.
///
/// This gives the setup engine its all-or-nothing runs (a failing step leaves the guest as it
/// was) and its `--dry-run` (run on the overlay, print `changes()`, never commit).
/// Symlinks are resolved component by component over the merged view, with the base's rules
/// (absolute targets re-anchored at the guest root, `..` clamped at the root).
public final class OverlayFileSystem: GuestFileSystem, Sendable {
    enum Node: Sendable, Hashable {
        case file([UInt8], mode: UInt32, owner: FileOwner)
        case directory(mode: UInt32, owner: FileOwner)
        case symlink(String)
        case removed
    }

    enum Operation: Sendable {
        case write(String, [UInt8], mode: UInt32, owner: FileOwner)
        case symlink(String, target: String)
        case mkdir(String, mode: UInt32, owner: FileOwner?)
        case unlink(String)
        case rename(String, String)
        case chown(String, FileOwner)
        case chmod(String, UInt32)
    }

    private struct State {
        var nodes: [String: Node] = [:]
        var log: [Operation] = []
    }

    /// The file system underneath.
    public let base: any GuestFileSystem
    private let state = Mutex(State())

    /// An empty overlay over `base`.
    public init(base: any GuestFileSystem) {
        self.base = base
    }

    /// `true` when nothing has been changed.
    public var isEmpty: Bool { state.withLock { $0.log.isEmpty } }

    // MARK: - Merged view

    private enum Entry {
        case file(mode: UInt32, owner: FileOwner, size: Int)
        case directory(mode: UInt32, owner: FileOwner)
        case symlink(String)
        case other(FileInfo)
    }

    private func lookup(_ s: State, _ physical: String) -> Entry? {
        if let node = s.nodes[physical] {
            switch node {
            case .file(let b, let m, let o): return .file(mode: m, owner: o, size: b.count)
            case .directory(let m, let o): return .directory(mode: m, owner: o)
            case .symlink(let t): return .symlink(t)
            case .removed: return nil
            }
        }
        // A parent created in the overlay has no base children.
        var parent = Self.parent(of: physical)
        while parent != "/" {
            if let node = s.nodes[parent] {
                if case .directory = node, (try? base.info(parent, followSymlinks: false)) ?? nil != nil { break }
                return nil
            }
            parent = Self.parent(of: parent)
        }
        guard let info = (try? base.info(physical, followSymlinks: false)) ?? nil else { return nil }
        switch info.kind {
        case .regular: return .file(mode: info.mode, owner: info.owner, size: info.size)
        case .directory: return .directory(mode: info.mode, owner: info.owner)
        case .symlink:
            guard let t = try? base.readLink(physical) else { return .other(info) }
            return .symlink(t)
        default: return .other(info)
        }
    }

    private func resolve(_ s: State, _ path: String, followLast: Bool, op: String) throws(FileError) -> String {
        try GuestPathResolver.resolve(path, followLast: followLast, operation: op) { candidate in
            switch lookup(s, candidate) {
            case nil: return nil
            case .directory?: return .directory
            case .symlink(let target)?: return .symlink(target: target)
            default: return .other
            }
        }
    }

    static func parent(of path: String) -> String { GuestPathResolver.parent(of: path) }

    static func name(of path: String) -> String { GuestPathResolver.name(of: path) }

    /// Resolves the parent (following symlinks) and returns the physical path of the last component.
    private func resolveForCreate(_ s: State, _ path: String, op: String) throws(FileError) -> String {
        let normalized = "/" + path.split(separator: "/").joined(separator: "/")
        let name = Self.name(of: normalized)
        if name == "." || name == ".." || name.isEmpty {
            throw FileError(code: .invalidPath, path: path, operation: op, reason: "invalid file name")
        }
        let dir = try resolve(s, Self.parent(of: normalized), followLast: true, op: op)
        guard case .directory? = lookup(s, dir) else {
            throw FileError(code: .notFound, path: path, operation: op, reason: "parent directory does not exist")
        }
        return dir == "/" ? "/" + name : dir + "/" + name
    }

    // MARK: - GuestFileSystem

    public func info(_ path: String, followSymlinks: Bool) throws(FileError) -> FileInfo? {
        try state.withLock { (s: inout State) throws(FileError) -> FileInfo? in
            let p = try resolve(s, path, followLast: followSymlinks, op: "stat")
            switch lookup(s, p) {
            case nil: return nil
            case .file(let m, let o, let size)?: return FileInfo(kind: .regular, mode: m, owner: o, size: size)
            case .directory(let m, let o)?: return FileInfo(kind: .directory, mode: m, owner: o, size: 0)
            case .symlink(let t)?: return FileInfo(kind: .symlink, mode: 0o777, owner: .root, size: t.utf8.count)
            case .other(let info)?: return info
            }
        }
    }

    public func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        try state.withLock { (s: inout State) throws(FileError) -> [UInt8] in
            let p = try resolve(s, path, followLast: true, op: "read")
            if let node = s.nodes[p] {
                switch node {
                case .file(let b, _, _):
                    if b.count > limit {
                        throw FileError(code: .tooLarge, path: path, operation: "read", reason: "file is larger than \(limit) bytes")
                    }
                    return b
                case .directory: throw FileError(code: .isDirectory, path: path, operation: "read", reason: "is a directory")
                case .removed, .symlink:
                    throw FileError(code: .notFound, path: path, operation: "read", reason: "no such file or directory")
                }
            }
            guard lookup(s, p) != nil else {
                throw FileError(code: .notFound, path: path, operation: "read", reason: "no such file or directory")
            }
            return try base.read(p, limit: limit)
        }
    }

    public func write(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolveForCreate(s, path, op: "write")
            var mode = options.mode
            var owner = options.owner ?? .root
            switch lookup(s, p) {
            case .file(let m, let o, _)?:
                if !options.forceMode { mode = m }
                if !options.forceOwner { owner = o }
            case .directory?:
                throw FileError(code: .isDirectory, path: path, operation: "write", reason: "is a directory")
            case .other?:
                throw FileError(code: .notRegularFile, path: path, operation: "write", reason: "not a regular file")
            default: break
            }
            s.nodes[p] = .file(bytes, mode: mode, owner: owner)
            s.log.append(.write(p, bytes, mode: mode, owner: owner))
        }
    }

    public func readLink(_ path: String) throws(FileError) -> String {
        try state.withLock { (s: inout State) throws(FileError) -> String in
            let p = try resolve(s, path, followLast: false, op: "readlink")
            guard case .symlink(let t)? = lookup(s, p) else {
                throw FileError(code: .invalidPath, path: path, operation: "readlink", reason: "not a symbolic link")
            }
            return t
        }
    }

    public func symlink(_ path: String, target: String) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolveForCreate(s, path, op: "symlink")
            if lookup(s, p) != nil { throw FileError(code: .exists, path: path, operation: "symlink", reason: "file exists") }
            s.nodes[p] = .symlink(target)
            s.log.append(.symlink(p, target: target))
        }
    }

    public func makeDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolveForCreate(s, path, op: "mkdir")
            if lookup(s, p) != nil { throw FileError(code: .exists, path: path, operation: "mkdir", reason: "file exists") }
            s.nodes[p] = .directory(mode: mode, owner: owner ?? .root)
            s.log.append(.mkdir(p, mode: mode, owner: owner))
        }
    }

    public func unlink(_ path: String) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolve(s, path, followLast: false, op: "unlink")
            switch lookup(s, p) {
            case nil: throw FileError(code: .notFound, path: path, operation: "unlink", reason: "no such file or directory")
            case .directory?: throw FileError(code: .isDirectory, path: path, operation: "unlink", reason: "is a directory")
            default:
                s.nodes[p] = .removed
                s.log.append(.unlink(p))
            }
        }
    }

    private func materialize(_ s: State, _ p: String, path: String, op: String) throws(FileError) -> Node {
        if let node = s.nodes[p], node != .removed { return node }
        switch lookup(s, p) {
        case nil: throw FileError(code: .notFound, path: path, operation: op, reason: "no such file or directory")
        case .file(let m, let o, _)?: return .file(try base.read(p, limit: Self.fileLimit), mode: m, owner: o)
        case .directory(let m, let o)?: return .directory(mode: m, owner: o)
        case .symlink(let t)?: return .symlink(t)
        case .other?: throw FileError(code: .notRegularFile, path: path, operation: op, reason: "not a regular file")
        }
    }

    public func rename(_ from: String, to: String) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let a = try resolve(s, from, followLast: false, op: "rename")
            let b = try resolveForCreate(s, to, op: "rename")
            let node = try materialize(s, a, path: from, op: "rename")
            if case .directory = node {
                throw FileError(code: .isDirectory, path: from, operation: "rename", reason: "renaming directories is not supported")
            }
            if case .directory? = lookup(s, b) {
                throw FileError(code: .isDirectory, path: to, operation: "rename", reason: "is a directory")
            }
            if a == b { return }
            s.nodes[b] = node
            s.nodes[a] = .removed
            s.log.append(.rename(a, b))
        }
    }

    public func list(_ path: String) throws(FileError) -> [String] {
        try state.withLock { (s: inout State) throws(FileError) -> [String] in
            let p = try resolve(s, path, followLast: true, op: "list")
            guard case .directory? = lookup(s, p) else {
                throw FileError(code: .notDirectory, path: path, operation: "list", reason: "not a directory")
            }
            var names = Set<String>()
            if isBaseDirectory(p) {
                for n in try base.list(p) { names.insert(n) }
            }
            let prefix = p == "/" ? "/" : p + "/"
            for (key, node) in s.nodes where key.hasPrefix(prefix) && key != p {
                let rest = key.dropFirst(prefix.count)
                guard !rest.contains("/") else { continue }
                if node == .removed { names.remove(String(rest)) } else { names.insert(String(rest)) }
            }
            return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        }
    }

    private func isBaseDirectory(_ p: String) -> Bool {
        ((try? base.info(p, followSymlinks: false)) ?? nil)?.kind == .directory
    }

    public func changeOwner(_ path: String, to owner: FileOwner) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolve(s, path, followLast: false, op: "chown")
            let node = try materialize(s, p, path: path, op: "chown")
            switch node {
            case .file(let b, let m, _): s.nodes[p] = .file(b, mode: m, owner: owner)
            case .directory(let m, _): s.nodes[p] = .directory(mode: m, owner: owner)
            default: break
            }
            s.log.append(.chown(p, owner))
        }
    }

    public func changeMode(_ path: String, to mode: UInt32) throws(FileError) {
        try state.withLock { (s: inout State) throws(FileError) in
            let p = try resolve(s, path, followLast: true, op: "chmod")
            let node = try materialize(s, p, path: path, op: "chmod")
            switch node {
            case .file(let b, _, let o): s.nodes[p] = .file(b, mode: mode, owner: o)
            case .directory(_, let o): s.nodes[p] = .directory(mode: mode, owner: o)
            default: break
            }
            s.log.append(.chmod(p, mode))
        }
    }

    // MARK: - Commit and changes

    /// Largest base file the overlay reads whole (to move, re-own or re-mode it, or to show it in a
    /// diff); a larger one is an error naming the file and this limit, never a memory blow-up.
    public static let fileLimit = 16 << 20

    /// Writes every change to the base file system as one staged commit, then forgets them.
    ///
    /// 1. New directories are created and every changed file and symlink is written under a
    ///    temporary name beside its final path, with its final owner and mode.
    /// 2. Only when all of them are written, the staged objects are flushed (`synchronize`, one
    ///    `syncfs`), renamed into place, removed paths are unlinked and owners and modes of
    ///    unchanged files and directories are set; then `synchronize` again makes it all durable.
    ///
    /// A failure in step 1 (a full disk, a permission) removes every temporary file and every
    /// directory it created and rethrows: the guest is byte-for-byte as it was, owners and modes
    /// included. After a crash at any moment each path holds its old or its new content, never
    /// a partial file (the data reaches the disk before any rename).
    public func commit() throws(FileError) {
        let nodes = state.withLock { $0.nodes }
        let paths = nodes.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }  // parents first
        var created: [String] = []
        var staged: [StagedChange] = []
        var removals: [String] = []
        var metadata: [(path: String, mode: UInt32, owner: FileOwner)] = []
        do {
            for p in paths {
                guard let node = nodes[p] else { continue }
                let info = try base.info(p, followSymlinks: false)
                switch node {
                case .directory(let mode, let owner):
                    if info?.kind == .directory {
                        if info?.mode != mode || info?.owner != owner { metadata.append((p, mode, owner)) }
                    } else {
                        if info != nil { try base.unlink(p) }  // only after an overlay unlink
                        try base.makeDirectory(p, mode: mode, owner: owner)
                        created.append(p)
                    }
                case .file(let bytes, let mode, let owner):
                    if let info, info.kind == .regular, info.size == bytes.count,
                        (try? base.read(p, limit: bytes.count)) == bytes
                    {
                        if info.mode != mode || info.owner != owner { metadata.append((p, mode, owner)) }
                    } else {
                        staged.append(
                            try base.stageWrite(
                                p, bytes, options: WriteOptions(mode: mode, owner: owner, forceMode: true, forceOwner: true)))
                    }
                case .symlink(let target):
                    if info?.kind == .symlink, (try? base.readLink(p)) == target { continue }
                    staged.append(try base.stageSymlink(p, target: target))
                case .removed:
                    if info != nil { removals.append(p) }
                }
            }
            try base.synchronize()
        } catch {
            for change in staged { base.discardStaged(change) }
            for p in created.reversed() { try? base.removeDirectory(p) }
            throw error
        }
        for change in staged { try base.commitStaged(change) }
        for p in removals { try base.unlink(p) }
        for m in metadata {
            try base.changeOwner(m.path, to: m.owner)
            try base.changeMode(m.path, to: m.mode)
        }
        try base.synchronize()
        state.withLock {
            $0.log = []
            $0.nodes = [:]
        }
    }

    /// One path whose final state differs from the base.
    public struct Change: Sendable, Hashable {
        /// The state of a path before or after the run.
        public enum State: Sendable, Hashable {
            /// Nothing at the path.
            case absent
            /// A regular file: its bytes, permission bits and owner.
            case file([UInt8], mode: UInt32, owner: FileOwner)
            /// A directory with its permission bits and owner.
            case directory(mode: UInt32, owner: FileOwner)
            /// A symbolic link and its target.
            case symlink(String)
            /// Another kind of object (device, FIFO, socket).
            case other(FileKind)
        }
        /// Physical guest path (symlinks in parent directories resolved).
        public var path: String
        /// The path's state in the base file system.
        public var before: State
        /// The path's state after the run.
        public var after: State
    }

    /// Every path whose final state differs from the base, sorted by path.
    public func changes() -> [Change] {
        let nodes = state.withLock { $0.nodes }
        var out: [Change] = []
        for path in nodes.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            guard let node = nodes[path] else { continue }
            let before = baseState(path)
            let after: Change.State
            switch node {
            case .file(let b, let m, let o): after = .file(b, mode: m, owner: o)
            case .directory(let m, let o): after = .directory(mode: m, owner: o)
            case .symlink(let t): after = .symlink(t)
            case .removed: after = .absent
            }
            if before != after { out.append(Change(path: path, before: before, after: after)) }
        }
        return out
    }

    private func baseState(_ p: String) -> Change.State {
        guard let info = (try? base.info(p, followSymlinks: false)) ?? nil else { return .absent }
        switch info.kind {
        case .regular:
            guard let b = try? base.read(p, limit: Self.fileLimit) else { return .other(.regular) }
            return .file(b, mode: info.mode, owner: info.owner)
        case .directory: return .directory(mode: info.mode, owner: info.owner)
        case .symlink: return (try? base.readLink(p)).map { .symlink($0) } ?? .other(.symlink)
        default: return .other(info.kind)
        }
    }
}
