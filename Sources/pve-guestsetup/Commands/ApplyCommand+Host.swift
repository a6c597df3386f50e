import Glibc
import PVEGuestOS
import PVEGuestSetup
import PVESystem

// Host-side pieces of `apply`: a rooted file system over a host directory (stand-in until
// PVESystem's `RootFS` is available), OS detection (stand-in for `OSDetector`), the host's
// resolv.conf and time zone, and `ssh-keygen`.

/// A `GuestFileSystem` over a host directory. Every guest path is resolved component by component
/// inside the root (absolute symlink targets re-anchored at the root, `..` clamped), and the
/// final operation uses the resolved, symlink-free host path. Writes are atomic (temp + rename).
final class HostTreeFileSystem: GuestFileSystem, Sendable {
    let root: String

    init(root: String) {
        var r = root
        while r.count > 1, r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }

    private func host(_ physical: String) -> String { physical == "/" ? root : root + physical }

    private func lstatKind(_ physical: String) -> (FileInfo, String?)? {
        var st = stat()
        guard lstat(host(physical), &st) == 0 else { return nil }
        let kind: FileKind
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        default: kind = .unknown
        }
        let info = FileInfo(
            kind: kind, mode: UInt32(st.st_mode) & 0o7777, owner: FileOwner(uid: st.st_uid, gid: st.st_gid),
            size: Int(st.st_size))
        if kind == .symlink {
            var buf = [CChar](repeating: 0, count: 4097)
            let n = readlink(host(physical), &buf, 4096)
            guard n >= 0 else { return (info, nil) }
            return (info, String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return (info, nil)
    }

    private func error(_ code: FileError.Code, _ path: String, _ op: String, _ e: Int32? = nil, _ reason: String? = nil) -> FileError {
        let text = reason ?? e.map { String(cString: strerror($0)) } ?? "\(code)"
        return FileError(code: code, path: path, operation: op, errno: e, reason: text)
    }

    private func errnoError(_ path: String, _ op: String) -> FileError {
        let e = errno
        let code: FileError.Code
        switch e {
        case ENOENT: code = .notFound
        case EEXIST: code = .exists
        case ENOTDIR: code = .notDirectory
        case EISDIR: code = .isDirectory
        case ELOOP: code = .symlinkLoop
        default: code = .system
        }
        return error(code, path, op, e)
    }

    func resolve(_ path: String, followLast: Bool, op: String) throws(FileError) -> String {
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
            let entry = lstatKind(candidate)
            if let (info, target) = entry, info.kind == .symlink, !isLast || followLast {
                hops += 1
                guard hops <= 40, let target else {
                    throw error(.symlinkLoop, path, op, ELOOP, "too many levels of symbolic links")
                }
                if target.hasPrefix("/") { current = [] }
                pending.append(contentsOf: target.split(separator: "/").map(String.init).reversed())
                continue
            }
            if !isLast, let (info, _) = entry, info.kind != .directory {
                throw error(.notDirectory, path, op, ENOTDIR, "not a directory")
            }
            current.append(c)
        }
        return "/" + current.joined(separator: "/")
    }

    func info(_ path: String, followSymlinks: Bool) throws(FileError) -> FileInfo? {
        let p = try resolve(path, followLast: followSymlinks, op: "stat")
        return lstatKind(p)?.0
    }

    func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        let p = try resolve(path, followLast: true, op: "read")
        guard let (info, _) = lstatKind(p) else { throw error(.notFound, path, "read", ENOENT) }
        guard info.kind == .regular else {
            throw error(info.kind == .directory ? .isDirectory : .notRegularFile, path, "read", nil,
                info.kind == .directory ? "is a directory" : "not a regular file")
        }
        let fd = open(host(p), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw errnoError(path, "read") }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 65536) }
            if n < 0 {
                if errno == EINTR { continue }
                throw errnoError(path, "read")
            }
            if n == 0 { break }
            out += buf[0..<n]
            if out.count > limit { throw error(.tooLarge, path, "read", nil, "file is larger than \(limit) bytes") }
        }
        return out
    }

    private func parentAndName(_ path: String, op: String) throws(FileError) -> String {
        let parts = path.split(separator: "/")
        guard let name = parts.last, name != ".", name != ".." else {
            throw error(.invalidPath, path, op, nil, "invalid file name")
        }
        let dir = try resolve("/" + parts.dropLast().joined(separator: "/"), followLast: true, op: op)
        guard let (info, _) = lstatKind(dir), info.kind == .directory else {
            throw error(.notFound, path, op, ENOENT, "parent directory does not exist")
        }
        return (dir == "/" ? "" : dir) + "/" + name
    }

    func write(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) {
        let p = try parentAndName(path, op: "write")
        var mode = options.mode
        var owner = options.owner
        if let (info, _) = lstatKind(p) {
            if info.kind == .directory { throw error(.isDirectory, path, "write", EISDIR) }
            if info.kind == .regular {
                if !options.forceMode { mode = info.mode }
                if !options.forceOwner { owner = info.owner }
            }
        }
        let tmp = host(p) + ".tmp.\(getpid())"
        _ = Glibc.unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw errnoError(path, "write") }
        var ok = true
        var failure: FileError?
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    failure = errnoError(path, "write")
                    return
                }
                off += n
            }
        }
        if ok, fchmod(fd, mode_t(mode)) != 0 { ok = false; failure = errnoError(path, "chmod") }
        if ok, let owner, fchown(fd, owner.uid, owner.gid) != 0 { ok = false; failure = errnoError(path, "chown") }
        if ok, fsync(fd) != 0 { ok = false; failure = errnoError(path, "fsync") }
        close(fd)
        if ok, Glibc.rename(tmp, host(p)) != 0 { ok = false; failure = errnoError(path, "rename") }
        if !ok {
            _ = Glibc.unlink(tmp)
            throw failure ?? error(.system, path, "write", nil, "write failed")
        }
    }

    func readLink(_ path: String) throws(FileError) -> String {
        let p = try resolve(path, followLast: false, op: "readlink")
        guard let (info, target) = lstatKind(p), info.kind == .symlink, let target else {
            throw error(.invalidPath, path, "readlink", EINVAL, "not a symbolic link")
        }
        return target
    }

    func symlink(_ path: String, target: String) throws(FileError) {
        let p = try parentAndName(path, op: "symlink")
        guard Glibc.symlink(target, host(p)) == 0 else { throw errnoError(path, "symlink") }
    }

    func makeDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws(FileError) {
        let p = try parentAndName(path, op: "mkdir")
        guard mkdir(host(p), mode_t(mode)) == 0 else { throw errnoError(path, "mkdir") }
        _ = chmod(host(p), mode_t(mode))
        if let owner { _ = lchown(host(p), owner.uid, owner.gid) }
    }

    func unlink(_ path: String) throws(FileError) {
        let p = try resolve(path, followLast: false, op: "unlink")
        guard Glibc.unlink(host(p)) == 0 else { throw errnoError(path, "unlink") }
    }

    func rename(_ from: String, to: String) throws(FileError) {
        let a = try resolve(from, followLast: false, op: "rename")
        let b = try parentAndName(to, op: "rename")
        guard Glibc.rename(host(a), host(b)) == 0 else { throw errnoError(from, "rename") }
    }

    func list(_ path: String) throws(FileError) -> [String] {
        let p = try resolve(path, followLast: true, op: "list")
        guard let d = opendir(host(p)) else { throw errnoError(path, "list") }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    func changeOwner(_ path: String, to owner: FileOwner) throws(FileError) {
        let p = try resolve(path, followLast: false, op: "chown")
        guard lchown(host(p), owner.uid, owner.gid) == 0 else { throw errnoError(path, "chown") }
    }

    func changeMode(_ path: String, to mode: UInt32) throws(FileError) {
        let p = try resolve(path, followLast: true, op: "chmod")
        guard chmod(host(p), mode_t(mode)) == 0 else { throw errnoError(path, "chmod") }
    }
}

/// Which plugin Proxmox would pick and the version it would store (stand-in for `OSDetector`).
///
/// Proxmox: `PVE::LXC::Setup->new` (`$autodetect_type`) and the plugin constructors.
enum HostDetection {
    static func firstLine(_ fs: any GuestFileSystem, _ path: String) -> String? {
        guard let bytes = try? fs.read(path, limit: 1 << 20), !bytes.isEmpty else { return nil }
        let line = bytes.split(separator: 10, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        return String(decoding: line, as: UTF8.self)
    }

    static func isFile(_ fs: any GuestFileSystem, _ path: String) -> Bool {
        ((try? fs.info(path, followSymlinks: true)) ?? nil)?.kind == .regular
    }

    static func osReleaseID(_ fs: any GuestFileSystem) -> String? {
        let data = (try? fs.read("/etc/os-release", limit: 1 << 20)) ?? (try? fs.read("/usr/lib/os-release", limit: 1 << 20))
        guard let data else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let t = line.drop { $0 == " " || $0 == "\t" }
            guard t.hasPrefix("ID=") else { continue }
            var v = t.dropFirst(3)
            if v.hasPrefix("\"") || v.hasPrefix("'") {
                let q = v.first
                v = v.dropFirst()
                return String(v.prefix { $0 != q })
            }
            return String(v.prefix { $0.isLetter || $0.isNumber })
        }
        return nil
    }

    static func detect(_ fs: any GuestFileSystem, configuredType: String?) throws(SetupError) -> DetectedOS {
        var warnings: [String] = []
        var type: String
        if configuredType == "unmanaged" {
            type = "unmanaged"
        } else {
            let aliases = [
                "opensuse-leap": "opensuse", "opensuse-tumbleweed": "opensuse", "opensuse-slowroll": "opensuse",
                "openEuler": "openeuler", "arch": "archlinux", "sles": "opensuse", "rocky": "centos",
                "almalinux": "centos",
            ]
            var detected: String?
            if let id = osReleaseID(fs), !id.isEmpty {
                if OSType.all.contains(OSType(id)) {
                    detected = id
                } else if let a = aliases[id] {
                    detected = a
                } else {
                    warnings.append("unknown ID '\(id)' in /etc/os-release file, trying fallback detection")
                }
            }
            if detected == nil {
                if let lsb = try? fs.read("/etc/lsb-release", limit: 1 << 20),
                    String(decoding: lsb, as: UTF8.self).split(separator: "\n").contains(where: { $0.lowercased() == "distrib_id=ubuntu" })
                {
                    detected = "ubuntu"
                } else if isFile(fs, "/etc/debian_version") {
                    detected = "debian"
                } else if isFile(fs, "/etc/devuan_version") {
                    detected = "devuan"
                } else if isFile(fs, "/etc/SuSE-brand") || isFile(fs, "/etc/SuSE-release") {
                    detected = "opensuse"
                } else if isFile(fs, "/etc/fedora-release") {
                    detected = "fedora"
                } else if isFile(fs, "/etc/centos-release") || isFile(fs, "/etc/redhat-release") {
                    detected = "centos"
                } else if isFile(fs, "/etc/arch-release") {
                    detected = "archlinux"
                } else if isFile(fs, "/etc/alpine-release") {
                    detected = "alpine"
                } else if isFile(fs, "/etc/gentoo-release") {
                    detected = "gentoo"
                } else if ((try? fs.info("/nix/store", followSymlinks: true)) ?? nil)?.kind == .directory {
                    detected = "nixos"
                } else if isFile(fs, "/etc/openEuler-release") {
                    detected = "openeuler"
                } else if isFile(fs, "/etc/os-release") {
                    throw SetupError("unable to detect OS distribution")
                } else {
                    warnings.append("/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'")
                    detected = "unmanaged"
                }
            }
            type = detected ?? "unmanaged"
            let expected = configuredType ?? type
            if type != expected { warnings.append("got unexpected ostype (\(type) != \(expected))") }
        }
        var version = ""
        switch type {
        case "debian":
            guard let v = firstLine(fs, "/etc/debian_version") else { throw SetupError("unable to read version info") }
            version = v
        case "devuan":
            guard let v = firstLine(fs, "/etc/devuan_version") else { throw SetupError("unable to read version info") }
            version = v
        case "alpine":
            version = firstLine(fs, "/etc/alpine-release") ?? ""
        case "ubuntu":
            guard let lsb = try? fs.read("/etc/lsb-release", limit: 1 << 20) else {
                throw SetupError("can't open '/etc/lsb-release' - No such file or directory")
            }
            let lines = String(decoding: lsb, as: UTF8.self).split(separator: "\n")
            guard lines.contains(where: { $0.lowercased() == "distrib_id=ubuntu" }) else { throw SetupError("got unknown DISTRIB_ID") }
            guard let rel = lines.first(where: { $0.lowercased().hasPrefix("distrib_release=") }) else {
                throw SetupError("unable to read version info")
            }
            version = String(rel.dropFirst("DISTRIB_RELEASE=".count))
        default: break
        }
        return DetectedOS(type: OSType(type), version: version, warnings: warnings)
    }
}

/// Host facts for `apply`.
enum HostFacts {
    static func readHostFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }

    /// The host's zone name: `/etc/timezone`, else from the `/etc/localtime` link, else `Etc/UTC`.
    static func timezone() -> String {
        if let tz = readHostFile("/etc/timezone"), let line = tz.split(separator: 10).first, !line.isEmpty {
            return String(decoding: line, as: UTF8.self)
        }
        var buf = [CChar](repeating: 0, count: 4097)
        let n = readlink("/etc/localtime", &buf, 4096)
        if n > 0 {
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let r = target.split(separator: "/").firstIndex(of: "zoneinfo") {
                return target.split(separator: "/")[(r + 1)...].joined(separator: "/")
            }
        }
        return "Etc/UTC"
    }

    /// Seconds since the epoch, from `SOURCE_DATE_EPOCH` when set.
    static func now() -> Int64 {
        if let p = getenv("SOURCE_DATE_EPOCH"), let v = Int64(String(cString: p)) { return v }
        return Int64(time(nil))
    }
}

/// Runs the host's `ssh-keygen` like Proxmox's `generate_ssh_key`.
struct SSHKeygen: SSHHostKeyGenerator {
    func generate(type: String, comment: String) throws(SetupError) -> (fingerprint: String, privateKey: [UInt8], publicKey: [UInt8]) {
        var template = Array("/tmp/pve-guestsetup-keys.XXXXXX".utf8CString)
        let dir: String? = template.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress, let p = mkdtemp(base) else { return nil }
            return String(cString: p)
        }
        guard let dir else { throw SetupError("unable to create a temporary directory for ssh-keygen") }
        let file = "\(dir)/key.\(type)"
        defer {
            _ = Glibc.unlink(file)
            _ = Glibc.unlink(file + ".pub")
            rmdir(dir)
        }
        let args = ["ssh-keygen", "-f", file, "-t", type, "-N", "", "-E", "sha256", "-C", comment]
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SetupError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var cargs = args.map { strdup($0) }
        cargs.append(nil)
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "ssh-keygen", &actions, nil, &cargs, environ)
        posix_spawn_file_actions_destroy(&actions)
        for p in cargs { free(p) }
        close(fds[1])
        var output: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while rc == 0 {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fds[0], $0.baseAddress, 4096) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            output += buf[0..<n]
        }
        close(fds[0])
        guard rc == 0 else { throw SetupError("command 'ssh-keygen' failed: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard status == 0 else { throw SetupError("command '\(args.joined(separator: " "))' failed: exit code \(status >> 8)") }
        var fingerprint = ""
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") where line.hasSuffix(" " + comment) {
            if line.hasPrefix("SHA256:") { fingerprint = String(line) }
        }
        guard let priv = HostFacts.readHostFile(file), let pub = HostFacts.readHostFile(file + ".pub") else {
            throw SetupError("ssh-keygen did not create \(file)")
        }
        return (fingerprint, priv, pub)
    }
}
