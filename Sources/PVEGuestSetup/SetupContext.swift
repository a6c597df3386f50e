package import PVEConfig
import PVECore
package import PVESystem

/// A message Proxmox would print during setup (`print` → info, `warn`/`log_warn` → warning).
public struct SetupMessage: Sendable, Hashable, CustomStringConvertible {
    /// Whether Proxmox prints the message or warns with it.
    public enum Kind: Sendable, Hashable {
        /// Printed on standard output (`print`).
        case info
        /// A warning on standard error (`warn`, `log_warn`).
        case warning
    }
    /// Info or warning.
    public var kind: Kind
    /// The text as Proxmox prints it.
    public var text: String
    /// A message of `kind`.
    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
    public var description: String { text }
}

/// Why a guest path was touched (or deliberately left alone): one entry per file operation.
public struct ChangeRecord: Sendable, Hashable {
    /// How a path was touched.
    public enum How: Sendable, Hashable {
        /// The whole file was (re)written.
        case wholeFile
        /// Only the `# --- BEGIN PVE ---` block was edited.
        case markerBlock
        /// A symbolic link to `target` was created.
        case symlink(target: String)
        /// A directory was created.
        case directory
        /// The file was removed.
        case unlink
        /// The file was renamed from another path.
        case rename(from: String)
        /// Skipped because this `.pve-ignore.NAME` file exists.
        case ignored(by: String)
    }
    /// The guest path as the step named it.
    public var path: String
    /// The Proxmox step (method name), e.g. `set_hostname`.
    public var step: String
    /// How the path was touched.
    public var how: How
}

/// Generates SSH host keys on the host (Proxmox runs `ssh-keygen` outside the guest).
public protocol SSHHostKeyGenerator: Sendable {
    /// Creates a key pair of `type` (`rsa`, `ecdsa`, `ed25519`) with `comment`.
    /// - returns: the fingerprint line printed by ssh-keygen, the private key and the public key.
    func generate(type: String, comment: String) throws(SetupError) -> (fingerprint: String, privateKey: [UInt8], publicKey: [UInt8])
}

/// Everything a setup step works with: the guest file system, the config, host facts, the clock,
/// the random source, and what has been done so far.
///
/// Its methods are Proxmox's `ct_*` file helpers (`PVE::LXC::Setup::Base`): they honour
/// `.pve-ignore.NAME`, give written files Proxmox's modes and (for unprivileged containers) the
/// mapped root owner, and skip writes that would change nothing.
package struct SetupContext: Sendable {
    /// The guest file system (usually an `OverlayFileSystem`).
    package let fs: any GuestFileSystem
    package var config: GuestSetupConfig
    package var host: HostEnvironment
    /// Host uid/gid that container root maps to (`PVE::LXC::parse_id_maps`); `nil` without an id map.
    package var rootOwner: FileOwner?
    /// The ids files get when no id map applies (the process's own ids; root under Proxmox).
    package var processOwner: FileOwner
    /// The current time (Unix seconds).
    package var now: Int64
    /// Perl's `rand()` state after `srand(seed)`.
    package var random: Drand48
    /// The process umask applied to created files and directories.
    package var umask: UInt32 = 0o022
    /// Process id used in temporary names (Proxmox's `$$`).
    package var pid: Int = 1
    package var sshKeyGenerator: (any SSHHostKeyGenerator)?
    /// Messages in the order Proxmox prints them.
    package var messages: [SetupMessage] = []
    /// What was done to which path, and why.
    package var records: [ChangeRecord] = []
    /// The step currently running (Proxmox method name).
    package var currentStep: String = ""
    /// Where new connection files' UUIDs come from (random unless a reproducible run asked for zeros).
    package var connectionUUIDs: ConnectionUUID.Source = .random

    /// Builds a context; parses `lxc.idmap` like `PVE::LXC::parse_id_maps`.
    /// - throws: `failed to parse idmap: <value>` for a malformed entry.
    package init(
        fs: any GuestFileSystem, config: GuestSetupConfig, host: HostEnvironment = HostEnvironment(),
        now: Int64, seed: UInt64 = 0, processOwner: FileOwner = .root,
        sshKeyGenerator: (any SSHHostKeyGenerator)? = nil
    ) throws(SetupError) {
        self.fs = fs
        self.config = config
        self.host = host
        self.now = now
        self.random = Drand48(seed: seed)
        self.processOwner = processOwner
        self.sshKeyGenerator = sshKeyGenerator
        self.rootOwner = try Self.parseIDMap(config)
    }

    /// `PVE::LXC::parse_id_maps`: the host ids of container root, or `nil` without a map.
    package static func parseIDMap(_ config: GuestSetupConfig) throws(SetupError) -> FileOwner? {
        var found = false
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        for entry in config.lxc where entry.key == "lxc.idmap" {
            let value = entry.value
            let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let trailingOK = !(value.first == " " || value.first == "\t")
            guard trailingOK, words.count == 4, words[0] == "u" || words[0] == "g",
                words[1...].allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                let ct = UInt64(words[1]), let hostID = UInt32(words[2])
            else { throw SetupError("failed to parse idmap: \(value)") }
            found = true
            if ct == 0 {
                if words[0] == "u" { uid = hostID } else { gid = hostID }
            }
        }
        if found { return FileOwner(uid: uid, gid: gid) }
        if config.unprivileged { return FileOwner(uid: 100_000, gid: 100_000) }
        return nil
    }

    // MARK: - Messages and records

    package mutating func info(_ text: String) { messages.append(SetupMessage(.info, text)) }
    package mutating func warn(_ text: String) { messages.append(SetupMessage(.warning, text)) }

    mutating func record(_ path: String, _ how: ChangeRecord.How) {
        records.append(ChangeRecord(path: path, step: currentStep, how: how))
    }

    // MARK: - Queries (`ct_file_exists`, `ct_is_directory`, ...)

    /// Splits a guest path into directory and base name (`File::Basename::fileparse`).
    static func split(_ path: String) -> (dir: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }

    /// The `.pve-ignore.NAME` file that freezes `path`, if it exists (`ct_is_file_ignored`).
    package func ignoreFile(for path: String) -> String? {
        let (dir, name) = Self.split(path)
        let marker = (dir.hasSuffix("/") ? dir : dir + "/") + ".pve-ignore." + name
        return isFile(marker) ? marker : nil
    }

    /// `ct_is_file_ignored`.
    package func isIgnored(_ path: String) -> Bool { ignoreFile(for: path) != nil }

    private func stat(_ path: String, follow: Bool) -> FileInfo? {
        (try? fs.info(path, followSymlinks: follow)) ?? nil
    }

    /// `-f`: a regular file after following symlinks (`ct_file_exists`).
    package func isFile(_ path: String) -> Bool { stat(path, follow: true)?.kind == .regular }
    /// `-d` (`ct_is_directory`).
    package func isDirectory(_ path: String) -> Bool { stat(path, follow: true)?.kind == .directory }
    /// `-l` (`ct_is_symlink`).
    package func isSymlink(_ path: String) -> Bool { stat(path, follow: false)?.kind == .symlink }
    /// `-e`.
    package func exists(_ path: String) -> Bool { stat(path, follow: true) != nil }
    /// `-x` as root: any execute bit on a file, or a directory (`ct_is_executable`).
    package func isExecutable(_ path: String) -> Bool {
        guard let info = stat(path, follow: true) else { return false }
        return info.kind == .directory || info.mode & 0o111 != 0
    }

    /// Largest guest file read whole (16 MiB): a larger one is an error naming the file and the
    /// limit (`file is larger than 16777216 bytes`), never a silent replacement.
    package static let fileLimit = 16 << 20

    /// `ct_file_get_contents`: the whole file, or Proxmox's `can't open '<p>' - <reason>`.
    package func contents(_ path: String) throws(SetupError) -> [UInt8] {
        do {
            return try fs.read(path, limit: Self.fileLimit)
        } catch {
            let reason: String
            switch error.code {
            case .notFound: reason = "No such file or directory"
            case .isDirectory: reason = "Is a directory"
            case .notDirectory: reason = "Not a directory"
            case .symlinkLoop: reason = "Too many levels of symbolic links"
            default: reason = error.reason
            }
            throw SetupError("can't open '\(path)' - \(reason)", path: path)
        }
    }

    /// `ct_file_read_firstline`: first line without newline; `nil` if missing or empty.
    /// - throws: when the file is larger than `fileLimit` (never read as if absent).
    package func firstLine(_ path: String) throws(SetupError) -> [UInt8]? {
        guard let bytes = try readIfReadable(path) else { return nil }
        return Bytes.firstLine(bytes)
    }

    /// The whole file, or `nil` where Proxmox's read fails quietly (missing, unreadable, not a
    /// regular file). A file larger than `fileLimit` is an error naming the file and the limit.
    package func readIfReadable(_ path: String) throws(SetupError) -> [UInt8]? {
        do {
            return try fs.read(path, limit: Self.fileLimit)
        } catch let error where error.code == .tooLarge {
            throw SetupError("can't open '\(path)' - \(error.reason)", path: path)
        } catch {
            return nil
        }
    }

    /// `ct_readlink`: the stored target, or `nil` if `path` is not a symlink.
    package func readLink(_ path: String) -> String? { try? fs.readLink(path) }

    /// `Cwd::abs_path` inside the guest: every symlink resolved (relative paths from `/`); the
    /// last component may be missing. `nil` when a parent is missing or on a loop.
    package func absolutePath(_ path: String) -> String? {
        try? GuestPathResolver.resolve(path, followLast: true, operation: "abs_path", requireParents: true) { candidate in
            guard let info = stat(candidate, follow: false) else { return nil }
            switch info.kind {
            case .directory: return .directory
            case .symlink: return readLink(candidate).map { .symlink(target: $0) } ?? .other
            default: return .other
            }
        }
    }

    /// `ct_readlink_recursive`.
    /// - throws: `maximal link depth of 10 for resolving '<p>' reached, abort`.
    package func readLinkRecursive(_ path: String) throws(SetupError) -> String? {
        var result: String? = path
        var i = 0
        while let r = result, isSymlink(r) {
            if i >= 10 { throw SetupError("maximal link depth of 10 for resolving '\(path)' reached, abort", path: path) }
            guard let target = readLink(r) else { return nil }
            result = absolutePath(target)
            i += 1
        }
        return result
    }

    // MARK: - Changes

    /// The owner Proxmox's files end up with: the mapped root, else the process's ids.
    package var fileOwner: FileOwner { rootOwner ?? processOwner }

    /// `ct_file_set_contents`: writes the whole file atomically with `perms` (default 0644,
    /// filtered by the umask) and the mapped owner; no-op if ignored or already identical.
    package mutating func setContents(_ path: String, _ data: [UInt8], perms: UInt32? = nil) throws(SetupError) {
        try setContents(path, data, perms: perms, how: .wholeFile)
    }

    mutating func setContents(_ path: String, _ data: [UInt8], perms: UInt32?, how: ChangeRecord.How) throws(SetupError) {
        if let marker = ignoreFile(for: path) {
            record(path, .ignored(by: marker))
            return
        }
        let mode = (perms ?? 0o644) & ~umask & 0o7777
        let owner = fileOwner
        if let info = stat(path, follow: false), info.kind == .regular, info.mode == mode, info.owner == owner,
            let old = try? fs.read(path, limit: data.count + 1), old == data
        {
            return
        }
        do {
            try fs.write(path, data, options: WriteOptions(mode: mode, owner: owner, forceMode: true, forceOwner: true))
        } catch {
            throw writeError(path, error)
        }
        record(path, how)
    }

    /// Proxmox's texts for a failed `file_set_contents` (temp file, then rename).
    func writeError(_ path: String, _ error: FileError) -> SetupError {
        switch error.code {
        case .isDirectory:
            return SetupError("close (rename) atomic file '\(path)' failed: Is a directory", path: path)
        case .notFound:
            return SetupError("unable to open file '\(path).tmp.\(pid)' - No such file or directory", path: path)
        case .notDirectory:
            return SetupError("unable to open file '\(path).tmp.\(pid)' - Not a directory", path: path)
        default:
            return SetupError("unable to write '\(path)' - \(error.reason)", path: path)
        }
    }

    /// Rewrites a file keeping its current mode and owner (Proxmox's password-file rewrite).
    mutating func replaceKeepingMetadata(_ path: String, _ data: [UInt8]) throws(SetupError) {
        if let marker = ignoreFile(for: path) {
            record(path, .ignored(by: marker))
            return
        }
        if let old = try? fs.read(path, limit: data.count + 1), old == data, !isSymlink(path) { return }
        guard let info = stat(path, follow: true) else { return }
        do {
            try fs.write(
                path, data, options: WriteOptions(mode: info.mode, owner: info.owner, forceMode: true, forceOwner: true))
        } catch {
            throw SetupError(error)
        }
        record(path, .wholeFile)
    }

    /// `ct_modify_file`: edits the marker block of `path` (see `MarkerBlock.edit`).
    package mutating func modifyFile(
        _ path: String, _ data: [UInt8], options: MarkerBlock.Options = MarkerBlock.Options(), perms: UInt32? = nil
    ) throws(SetupError) {
        if let marker = ignoreFile(for: path) {
            record(path, .ignored(by: marker))
            return
        }
        let existing: [UInt8]? = isFile(path) ? try contents(path) : nil
        switch MarkerBlock.edit(existing: existing, data: data, options: options) {
        case .unchanged: return
        case .delete: unlink(path)
        case .write(let bytes, let usesPermissions):
            let how: ChangeRecord.How =
                existing == nil || (options.placement == .replaceFile && usesPermissions) ? .wholeFile : .markerBlock
            try setContents(path, bytes, perms: usesPermissions ? perms : nil, how: how)
        }
    }

    /// `ct_unlink`: removes each path unless ignored; errors are ignored.
    package mutating func unlink(_ paths: String...) {
        for path in paths {
            if let marker = ignoreFile(for: path) {
                if stat(path, follow: false) != nil { record(path, .ignored(by: marker)) }
                continue
            }
            guard let info = stat(path, follow: false), info.kind != .directory else { continue }
            if (try? fs.unlink(path)) != nil { record(path, .unlink) }
        }
    }

    /// `ct_rename`: no-op if `new` is ignored; errors are ignored.
    package mutating func rename(_ old: String, to new: String) {
        if let marker = ignoreFile(for: new) {
            record(new, .ignored(by: marker))
            return
        }
        if (try? fs.rename(old, to: new)) != nil { record(new, .rename(from: old)) }
    }

    /// `ct_symlink`: creates `link` → `target` unless ignored; failure (e.g. exists) is ignored.
    @discardableResult
    package mutating func symlink(_ target: String, at link: String) -> Bool {
        if let marker = ignoreFile(for: link) {
            record(link, .ignored(by: marker))
            return false
        }
        guard (try? fs.symlink(link, target: target)) != nil else { return false }
        if let rootOwner { try? fs.changeOwner(link, to: rootOwner) }
        record(link, .symlink(target: target))
        return true
    }

    /// `ct_mkdir`: one directory (mode filtered by the umask), owned by the mapped root.
    @discardableResult
    package mutating func mkdir(_ path: String, mode: UInt32 = 0o777) -> Bool {
        let m = mode & ~umask & 0o7777
        guard (try? fs.makeDirectory(path, mode: m, owner: fileOwner)) != nil else { return false }
        record(path, .directory)
        return true
    }

    /// `ct_make_path` (`File::Path::make_path`): creates missing directories (0777 & ~umask).
    package mutating func makePath(_ path: String) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            if isDirectory(current) { continue }
            if (try? fs.makeDirectory(current, mode: 0o777 & ~umask, owner: fileOwner)) != nil {
                record(current, .directory)
            } else {
                return
            }
        }
    }
}
