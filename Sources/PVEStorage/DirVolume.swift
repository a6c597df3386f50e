import PVEConfig
import PVECore

/// A volume name of a file-based (`dir`) storage, the part after `STORAGE:` (Proxmox:
/// `PVE::Storage::Plugin::parse_volname` and `parse_name_dir`).
///
/// ```swift
/// let v = try DirVolume(parsing: "100/vm-100-disk-0.raw")
/// v.contentType  // "images"; v.vmid == "100"; v.format == "raw"
/// ```
public struct DirVolume: Sendable, Hashable {
    /// The content type the name belongs to: `images`, `iso`, `vztmpl`, `backup`, `snippets`, `import`.
    public var contentType: String
    /// The file or directory name inside the content directory (`vm-100-disk-0.raw`, `debian.tar.zst`).
    public var name: String
    /// The owning guest, for images and for backups named `vzdump-<type>-<vmid>-…`.
    public var vmid: String?
    /// For a linked clone (`<basevmid>/<basename>/<vmid>/<name>`): the base image's name.
    public var baseName: String?
    /// For a linked clone: the VMID owning the base image.
    public var baseVMID: String?
    /// The name is a base image (`base-…`).
    public var isBase: Bool
    /// The image format: `raw`, `qcow2`, `vmdk`, `subvol` for images; `raw` for the other contents;
    /// the archive type for imports (`ova+raw`, `qcow2`, …).
    public var format: String

    /// Parses a volume name.
    /// - Throws: Proxmox's message: `unable to parse directory volume name 'x'`,
    ///   `unable to parse volume filename 'x'`, `'x' is a snapshot filename, not a volume!`.
    public init(parsing volname: String) throws(StorageError) {
        let parts = volname.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let noSpace = !volname.utf8.contains(where: ASCII.isSpace)
        if noSpace, let clone = Self.linkedClone(volname) {
            _ = try Self.parseNameDir(clone.baseName)
            let (_, format, isBase) = try Self.parseNameDir(clone.name)
            self.init("images", clone.name, vmid: clone.vmid, format: format, isBase: isBase)
            baseName = clone.baseName
            baseVMID = clone.baseVMID
            return
        }
        if noSpace, parts.count >= 2, ASCII.isDigits(parts[0]), !parts.dropFirst().joined(separator: "/").isEmpty {
            let name = parts.dropFirst().joined(separator: "/")
            let (_, format, isBase) = try Self.parseNameDir(name)
            self.init("images", name, vmid: parts[0], format: format, isBase: isBase)
            return
        }
        if parts.count == 2, !parts[1].isEmpty {
            let file = parts[1]
            let lower = file.lowercased()
            switch parts[0] {
            case "iso" where Self.hasStem(lower, [".iso", ".img"]):
                self.init("iso", file, format: "raw")
                return
            case "vztmpl" where Self.hasStem(lower, [".tar", ".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2"]):
                self.init("vztmpl", file, format: "raw")
                return
            case "backup" where Self.hasStem(file, Self.backupSuffixes):
                self.init("backup", file, vmid: Self.vzdumpOwner(file), format: "raw")
                return
            case "snippets":
                self.init("snippets", file, format: "raw")
                return
            default: break
            }
        }
        if parts.count >= 2, parts[0] == "import", let format = Self.importFormat(parts.dropFirst()) {
            self.init("import", parts.dropFirst().joined(separator: "/"), format: format)
            return
        }
        throw StorageError("unable to parse directory volume name '\(volname)'")
    }

    private init(_ contentType: String, _ name: String, vmid: String? = nil, format: String, isBase: Bool = false) {
        self.contentType = contentType
        self.name = name
        self.vmid = vmid
        self.baseName = nil
        self.baseVMID = nil
        self.isBase = isBase
        self.format = format
    }

    /// `^(\d+)/(\S+)/(\d+)/(\S+)$` with Perl's greedy choice of the middle split.
    private static func linkedClone(_ s: String) -> (baseVMID: String, baseName: String, vmid: String, name: String)? {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 4, ASCII.isDigits(parts[0]) else { return nil }
        // The base name takes as many parts as possible: try the rightmost digits part first.
        var i = parts.count - 2
        while i >= 2 {
            if ASCII.isDigits(parts[i]) {
                let base = parts[1..<i].joined(separator: "/")
                let name = parts[(i + 1)...].joined(separator: "/")
                if !base.isEmpty, !name.isEmpty { return (parts[0], base, parts[i], name) }
            }
            i -= 1
        }
        return nil
    }

    /// Proxmox: `parse_name_dir`: (name, format, isBase).
    static func parseNameDir(_ name: String) throws(StorageError) -> (String, String, Bool) {
        let formats = ["raw", "qcow2", "vmdk", "subvol"]
        let valid = !name.isEmpty && !name.contains("/") && !name.utf8.contains(where: ASCII.isSpace)
        if valid, let dot = name.lastIndex(of: "."), formats.contains(String(name[name.index(after: dot)...])) {
            let stem = name[..<dot]
            let format = String(name[name.index(after: dot)...])
            for prefix in ["vm-", "base-", "subvol-"] where stem.hasPrefix(prefix) {
                let rest = stem.dropFirst(prefix.count)
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix("-"), rest.count > digits.count + 1 {
                    return (name, format, prefix == "base-")
                }
            }
        }
        if name.hasPrefix("snap-"), name.hasSuffix(".qcow2") {
            throw StorageError("'\(name)' is a snapshot filename, not a volume!")
        }
        if valid, let dot = name.lastIndex(of: "."), dot > name.startIndex,
            formats.contains(String(name[name.index(after: dot)...]))
        {
            let format = String(name[name.index(after: dot)...])
            let isBase = name.hasPrefix("base-") && name.index(name.startIndex, offsetBy: 5) < dot
            return (name, format, isBase)
        }
        throw StorageError("unable to parse volume filename '\(name)'")
    }

    /// A non-empty stem before one of `suffixes`.
    private static func hasStem(_ file: String, _ suffixes: [String]) -> Bool {
        suffixes.contains { file.hasSuffix($0) && file.utf8.count > $0.utf8.count }
    }

    private static let backupSuffixes: [String] = {
        var list = [".tgz"]
        for base in [".tar", ".vma"] {
            list.append(base)
            for c in ["gz", "lzo", "zst", "bz2"] { list.append("\(base).\(c)") }
        }
        return list
    }()

    /// `^vzdump-(openvz|lxc|qemu)-(\d+)-.+`: the VMID of a backup.
    private static func vzdumpOwner(_ file: String) -> String? {
        for kind in ["openvz", "lxc", "qemu"] {
            let prefix = "vzdump-\(kind)-"
            guard file.hasPrefix(prefix) else { continue }
            let rest = file.dropFirst(prefix.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix("-"), rest.count > digits.count + 1 {
                return String(digits)
            }
        }
        return nil
    }

    /// `import/NAME.ova/INNER.(qcow2|raw|vmdk)` → `ova+FMT`; `import/NAME.(ova|ovf|qcow2|raw|vmdk)` → the extension.
    private static func importFormat(_ parts: ArraySlice<String>) -> String? {
        func safe(_ s: String) -> Bool {
            !s.isEmpty
                && s.utf8.allSatisfy {
                    ASCII.isAlphanumeric($0) || " -.+=_".utf8.contains($0)
                }
        }
        func ext(_ s: String, _ allowed: [String]) -> String? {
            guard let dot = s.lastIndex(of: "."), dot > s.startIndex else { return nil }
            let e = String(s[s.index(after: dot)...])
            return allowed.contains(e) && safe(s) ? e : nil
        }
        if parts.count == 2, let first = parts.first, let last = parts.last, first.hasSuffix(".ova"), safe(first),
            first.count > 4, let inner = ext(last, ["qcow2", "raw", "vmdk"])
        {
            return "ova+\(inner)"
        }
        if parts.count == 1, let only = parts.first { return ext(only, ["ova", "ovf", "qcow2", "raw", "vmdk"]) }
        return nil
    }
}

extension ASCII {
    /// A non-empty run of ASCII digits (`^\d+$` without the final newline Perl would allow).
    static func isDigits(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy(ASCII.isDigit) }
}
