import PVESystem

/// Host file access for the commands: bounded, non-blocking reads (`HostFile.read`) with a limit
/// per kind of file, and atomic replacement keeping owner, group and mode (`HostFile.replace`).
enum ConfigFileIO {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What a host file is, and so how large it may be.
    enum Kind {
        /// A container config: 1 MiB, the size limit of Proxmox's cluster file system (pmxcfs).
        case config
        /// A small host file such as `resolv.conf`, `/etc/timezone` or `zone.tab`: 1 MiB.
        case hostFile

        var limit: Int { 1 << 20 }

        var name: String {
            switch self {
            case .config: "container configs"
            case .hostFile: "host files"
            }
        }
    }

    /// Whether `zone` is one of the host's time-zone names (column 3 of
    /// `/usr/share/zoneinfo/zone.tab`, as Proxmox's `pve_verify_timezone` reads it); every name
    /// passes when the file cannot be read. The file is read on the first call only, so configs
    /// without a `timezone` key never read it.
    static let hostTimeZones: @Sendable (String) -> Bool = { zone in hostZoneNames?.contains(zone) ?? true }

    private static let hostZoneNames: Set<String>? = {
        guard let bytes = try? read("/usr/share/zoneinfo/zone.tab", kind: .hostFile) else { return nil }
        var zones: Set<String> = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let trimmed = line.drop { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
            if trimmed.first == UInt8(ascii: "#") { continue }
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            if fields.count > 2 { zones.insert(String(decoding: fields[2], as: UTF8.self)) }
        }
        return zones
    }()

    /// Reads a whole host file without blocking, up to the limit of its kind.
    /// - Throws: `unable to open file '<path>' - <reason>`, or for a larger file
    ///   `unable to read file '<path>' - file is larger than <n> bytes (the limit for <kind>)`.
    static func read(_ path: String, kind: Kind = .config) throws(Failure) -> [UInt8] {
        do {
            return try HostFile.read(path, limit: kind.limit)
        } catch let error where error.code == .tooLarge {
            throw Failure(description: "unable to read file '\(path)' - \(error.reason) (the limit for \(kind.name))")
        } catch {
            throw Failure(description: "unable to open file '\(path)' - \(perlText(error))")
        }
    }

    /// The reason as Perl's `$!` words it ("No such file or directory"), else ours.
    static func perlText(_ error: FileError) -> String {
        guard error.code != .notRegularFile, let code = error.errno else { return error.reason }
        return Errno(rawValue: code).systemMessage
    }

    /// Replaces `path` with `bytes` atomically, keeping the old file's owner, group and mode; a
    /// symlinked config is written through the link.
    static func replace(_ path: String, with bytes: [UInt8]) throws(Failure) {
        do {
            try HostFile.replace(path, with: bytes)
        } catch {
            throw Failure(description: "unable to write '\(path)' - \(error.operation): \(perlText(error))")
        }
    }
}
