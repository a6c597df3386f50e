import Glibc

/// Host file access for the `config` commands: whole-file reads and atomic replacement
/// (temporary file in the same directory, fsync, rename).
enum ConfigFileIO {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func errnoText(_ code: Int32) -> String {
        guard let p = strerror(code) else { return "error \(code)" }
        return String(cString: p)
    }

    /// Whether `zone` is one of the host's time-zone names (column 3 of
    /// `/usr/share/zoneinfo/zone.tab`, as Proxmox's `pve_verify_timezone` reads it); every name
    /// passes when the file cannot be read. The file is read on the first call only, so configs
    /// without a `timezone` key never read it.
    static let hostTimeZones: @Sendable (String) -> Bool = { zone in hostZoneNames?.contains(zone) ?? true }

    private static let hostZoneNames: Set<String>? = {
        guard let bytes = try? read("/usr/share/zoneinfo/zone.tab") else { return nil }
        var zones: Set<String> = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let trimmed = line.drop { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
            if trimmed.first == UInt8(ascii: "#") { continue }
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            if fields.count > 2 { zones.insert(String(decoding: fields[2], as: UTF8.self)) }
        }
        return zones
    }()

    /// Reads a whole file.
    static func read(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "unable to open file '\(path)' - \(errnoText(errno))") }
        defer { close(fd) }
        var st = stat()
        let isRegular = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        let expected = isRegular && st.st_size > 0 ? Int(st.st_size) : 0
        var out: [UInt8] = []
        var capacity = max(expected + 1, 4096)
        while true {
            var failed: Int32 = 0
            let chunk = try readChunk(fd, capacity: capacity, failed: &failed)
            if failed != 0 { throw Failure(description: "unable to read file '\(path)' - \(errnoText(failed))") }
            if chunk.isEmpty { break }
            // The first chunk usually is the whole file: keep it instead of copying it, and
            // when a regular file gave exactly its size, skip the read that would return EOF.
            if out.isEmpty {
                out = chunk
                if isRegular && chunk.count == expected && expected > 0 { break }
            } else {
                out.append(contentsOf: chunk)
            }
            capacity = 4096
        }
        return out
    }

    /// Reads up to `capacity` bytes (retrying on EINTR) without zero-filling a buffer first.
    private static func readChunk(_ fd: Int32, capacity: Int, failed: inout Int32) throws(Failure) -> [UInt8] {
        var code: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = 0
            while true {
                let n = Glibc.read(fd, buffer.baseAddress, capacity)
                if n < 0 {
                    if errno == EINTR { continue }
                    code = errno
                    return
                }
                count = n
                return
            }
        }
        failed = code
        return chunk
    }

    /// Replaces `path` with `bytes` atomically, keeping the old file's mode.
    static func replace(_ path: String, with bytes: [UInt8]) throws(Failure) {
        var dir = "."
        if let slash = path.lastIndex(of: "/") { dir = slash == path.startIndex ? "/" : String(path[..<slash]) }
        var mode: mode_t = 0o640
        var st = stat()
        if stat(path, &st) == 0 { mode = st.st_mode & 0o7777 }
        var template = Array((dir + "/.pve-guestsetup.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw Failure(description: "unable to create temporary file in '\(dir)' - \(errnoText(errno))") }
        let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        var failure: String? = nil
        bytes.withUnsafeBytes { raw in
            var p = raw.baseAddress
            var left = raw.count
            while left > 0, let q = p {
                let n = write(fd, q, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = "unable to write '\(tmp)' - \(errnoText(errno))"
                    return
                }
                left -= n
                p = q + n
            }
        }
        if failure == nil, fchmod(fd, mode) != 0 { failure = "unable to chmod '\(tmp)' - \(errnoText(errno))" }
        if failure == nil, fsync(fd) != 0 { failure = "unable to fsync '\(tmp)' - \(errnoText(errno))" }
        close(fd)
        if let failure { throw Failure(description: failure) }
        guard rename(tmp, path) == 0 else {
            throw Failure(description: "unable to rename '\(tmp)' to '\(path)' - \(errnoText(errno))")
        }
        ok = true
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}
