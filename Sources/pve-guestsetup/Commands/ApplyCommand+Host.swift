import Glibc

/// Host facts for `apply`.
enum HostFacts {
    /// A host file's bytes (bounded, never blocking), or nil when it cannot be read (callers that
    /// must report why use `ConfigFileIO.read`).
    static func readHostFile(_ path: String) -> [UInt8]? { try? ConfigFileIO.read(path, kind: .hostFile) }

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
