/// Resolves a guest path against a tree that is known by lookups rather than by system calls
/// (the in-memory and overlay file systems), with the rules `RootFS` applies on disk: absolute
/// link targets restart at the root, `..` stops at the root, at most `RootFS.maximumSymlinkHops`
/// links are followed, and a non-directory in the middle of a path is an error.
package enum GuestPathResolver {
    /// What a lookup knows about one absolute, normalised path.
    package enum Entry: Sendable, Hashable {
        /// A directory.
        case directory
        /// A symbolic link and its stored target.
        case symlink(target: String)
        /// Any other object.
        case other
    }

    /// The physical path of `path`: every symlink resolved except, unless `followLast`, the last.
    /// - Parameters:
    ///   - path: an absolute guest path.
    ///   - followLast: whether a symlink in the last component is resolved too.
    ///   - operation: the operation named in errors.
    ///   - requireParents: a missing component before the last is an error (`notFound`), as for
    ///     Perl's `Cwd::abs_path`; otherwise the walk goes on with the name as written.
    ///   - lookup: what exists at an absolute path (`nil`: nothing).
    package static func resolve(
        _ path: String, followLast: Bool, operation: String, requireParents: Bool = false,
        lookup: (String) -> Entry?
    ) throws(FileError) -> String {
        var hops = 0
        var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        pending.reverse()
        var current: [String] = []
        while let c = pending.popLast() {
            if c == "." { continue }
            if c == ".." {
                if !current.isEmpty { current.removeLast() }
                continue
            }
            let candidate = "/" + (current + [c]).joined(separator: "/")
            let isLast = pending.isEmpty
            let entry = lookup(candidate)
            if case .symlink(let target)? = entry, !isLast || followLast {
                hops += 1
                if hops > RootFS.maximumSymlinkHops {
                    throw FileError(
                        code: .symlinkLoop, path: path, operation: operation, reason: "too many levels of symbolic links")
                }
                if target.hasPrefix("/") { current = [] }
                pending.append(contentsOf: target.split(separator: "/", omittingEmptySubsequences: true).map(String.init).reversed())
                continue
            }
            if !isLast, requireParents, entry == nil {
                throw FileError(code: .notFound, path: path, operation: operation, reason: "no such file or directory")
            }
            if !isLast, let entry, entry != .directory {
                throw FileError(code: .notDirectory, path: path, operation: operation, reason: "not a directory")
            }
            current.append(c)
        }
        return "/" + current.joined(separator: "/")
    }

    /// The parent of an absolute, normalised path (`/` for `/` and top-level names).
    package static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), path != "/" else { return "/" }
        let p = String(path[..<slash])
        return p.isEmpty ? "/" : p
    }

    /// The last component of a path.
    package static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
