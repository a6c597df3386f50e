import PVECore
public import PVESystem

/// Decides which setup plugin Proxmox would use for a guest, with its version checks.
///
/// Proxmox counterpart: `PVE::LXC::Setup->new` (`get_ct_os_release`, `$autodetect_type`,
/// `$plugins`, `$plugin_alias`) and the `new` constructors of `PVE::LXC::Setup::*`.
///
/// Differences on purpose: every guest path is resolved inside the guest's root (Proxmox checks
/// the fallback release files and reads version files on host paths `<rootdir>/etc/...`, where an
/// absolute guest symlink points into the host), and FIFOs/devices are refused instead of opened.
public enum OSDetector {
    /// Plugin type names (`$plugins` keys).
    public static let plugins: [String: OSType] = Dictionary(uniqueKeysWithValues: OSType.all.map { ($0.rawValue, $0) })

    /// os-release `ID`s that select another plugin (`$plugin_alias`).
    public static let aliases: [String: OSType] = [
        "opensuse-leap": .opensuse, "opensuse-tumbleweed": .opensuse, "opensuse-slowroll": .opensuse,
        "openEuler": .openeuler, "arch": .archlinux, "sles": .opensuse, "rocky": .centos, "almalinux": .centos,
    ]

    /// Limit Proxmox applies to files it slurps (`PVE::Tools::file_get_contents`: 1 MiB).
    public static let fileLimit = 1024 * 1024

    /// Detects the guest OS the way `PVE::LXC::Setup->new` does.
    /// - Parameters:
    ///   - fs: the guest's root file system.
    ///   - configuredType: the container config's `ostype`, if set.
    /// - Returns: the plugin type, its version and the warnings Proxmox would print.
    /// - Throws: `DetectionError` with Proxmox's message where Proxmox refuses.
    public static func detect(in fs: some GuestFileSystem, configuredType: OSType?) throws(DetectionError) -> DetectedOS {
        let report = report(in: fs, configuredType: configuredType)
        if let detected = report.detected { return detected }
        throw report.failure ?? DetectionError("unable to detect OS distribution", warnings: report.warnings)
    }

    /// Like `detect`, but never throws: returns everything found, with the evidence.
    public static func report(in fs: some GuestFileSystem, configuredType: OSType?) -> DetectionReport {
        var run = DetectionRun(fs: fs, report: DetectionReport(configuredType: configuredType))
        do {
            try run.detect()
        } catch {
            run.report.error = error.message
            run.report.failure = DetectionError(
                error.message, warnings: run.report.warnings, file: error.file, underlying: error.underlying)
        }
        return run.report
    }
}

/// One detection run: accumulates warnings and evidence in the report.
struct DetectionRun<FS: GuestFileSystem> {
    let fs: FS
    var report: DetectionReport

    mutating func warn(_ text: String) { report.warnings.append(text) }

    // MARK: Perl-like file predicates and reads (inside the guest)

    func info(_ path: String) -> FileInfo? { (try? fs.info(path, followSymlinks: true)) ?? nil }
    func isFile(_ path: String) -> Bool { info(path)?.kind == .regular }
    func isDirectory(_ path: String) -> Bool { info(path)?.kind == .directory }

    /// `PVE::Tools::file_read_firstline`: `nil` if absent, else the first line without its newline
    /// (`nil` for an empty file).
    func firstLine(_ path: String) throws(DetectionError) -> (line: [UInt8], text: String)? {
        let bytes: [UInt8]
        do {
            bytes = try fs.read(path, limit: OSDetector.fileLimit)
        } catch  where error.code == .notFound || error.code == .isDirectory {
            return nil  // Perl opens a directory fine; its first `readline` is undef
        } catch {
            throw DetectionError(
                "file '\(path)' exists but open for reading failed - \(perlErrorText(error))", file: path,
                underlying: error)
        }
        if bytes.isEmpty { return nil }
        let line = Array(bytes.prefix { $0 != UInt8(ascii: "\n") })
        return (line, String(decoding: line, as: UTF8.self))
    }

    /// `PVE::Tools::file_get_contents` (1 MiB limit).
    func contents(_ path: String) throws(DetectionError) -> [UInt8] {
        do {
            return try fs.read(path, limit: OSDetector.fileLimit)
        } catch  where error.code == .tooLarge {
            throw DetectionError("file '\(path)' too long - aborting", file: path, underlying: error)
        } catch  where error.code == .isDirectory {
            throw DetectionError("unable to read file '\(path)' - Is a directory", file: path, underlying: error)
        } catch {
            throw DetectionError("can't open '\(path)' - \(perlErrorText(error))", file: path, underlying: error)
        }
    }

    // MARK: The decision

    mutating func detect() throws(DetectionError) {
        let osRelease = try readOSRelease()
        let type: OSType
        if report.configuredType == .unmanaged {
            type = .unmanaged
            report.decidedBy = Evidence(
                file: "(config)", text: "ostype: unmanaged", rule: "configured ostype is unmanaged")
        } else {
            type = try autodetect(osRelease)
            report.autodetectedType = type
            let configured = report.configuredType.flatMap { $0.rawValue.isEmpty ? nil : $0 }
            let expected = configured ?? type
            if type != expected {
                if info("/etc") == nil { warn("WARNING: /etc not present in CT, is the rootfs mounted?") }
                warn("got unexpected ostype (\(type) != \(expected))")
            }
        }
        guard OSDetector.plugins[type.rawValue] != nil else {
            throw DetectionError("no such OS type '\(type)'")
        }
        let version = try checkPlugin(type, osRelease)
        report.detected = DetectedOS(type: type, version: version, warnings: report.warnings)
    }

    /// `get_ct_os_release`: `/etc/os-release` if it is a file, else `/usr/lib/os-release`.
    mutating func readOSRelease() throws(DetectionError) -> OSRelease {
        for path in ["/etc/os-release", "/usr/lib/os-release"] where isFile(path) {
            let bytes: [UInt8]
            do {
                bytes = try contents(path)
            } catch {
                warn(error.message)  // printed by the chrooted child
                throw DetectionError(
                    "error in setup task PVE::LXC::Setup::get_ct_os_release", file: path, underlying: error.underlying)
            }
            let parsed = OSRelease(proxmox: bytes)
            report.osReleaseFile = path
            report.osRelease = parsed
            report.standardOSRelease = OSRelease(standard: bytes)
            return parsed
        }
        return OSRelease()
    }

    /// `$autodetect_type`.
    mutating func autodetect(_ osRelease: OSRelease) throws(DetectionError) -> OSType {
        if let entry = osRelease.entry("ID"), !entry.value.isEmpty, entry.value != "0" {
            let file = report.osReleaseFile ?? "/etc/os-release"
            if let type = OSDetector.plugins[entry.value] {
                report.decidedBy = Evidence(
                    file: file, line: entry.line, text: entry.text, rule: "os-release ID is a plugin name")
                return type
            }
            if let type = OSDetector.aliases[entry.value] {
                report.decidedBy = Evidence(
                    file: file, line: entry.line, text: entry.text, rule: "os-release ID is an alias of \(type)")
                return type
            }
            warn("unknown ID '\(entry.value)' in /etc/os-release file, trying fallback detection")
        }

        if isFile("/etc/lsb-release") {
            let data = try contents("/etc/lsb-release")
            if let (number, text) = Self.line(in: data, where: { Self.equalsIgnoringCase($0, "DISTRIB_ID=Ubuntu") }) {
                report.decidedBy = Evidence(
                    file: "/etc/lsb-release", line: number, text: text, rule: "fallback: DISTRIB_ID=Ubuntu")
                return .ubuntu
            }
        }
        let fileChecks: [([String], OSType)] = [
            (["/etc/debian_version"], .debian), (["/etc/devuan_version"], .devuan),
            (["/etc/SuSE-brand", "/etc/SuSE-release"], .opensuse), (["/etc/fedora-release"], .fedora),
            (["/etc/centos-release", "/etc/redhat-release"], .centos), (["/etc/arch-release"], .archlinux),
            (["/etc/alpine-release"], .alpine), (["/etc/gentoo-release"], .gentoo),
        ]
        for (paths, type) in fileChecks {
            for path in paths where isFile(path) {
                report.decidedBy = Evidence(file: path, rule: "fallback: \(path) is a file")
                return type
            }
        }
        if isDirectory("/nix/store") {
            report.decidedBy = Evidence(file: "/nix/store", rule: "fallback: /nix/store is a directory")
            return .nixos
        }
        if isFile("/etc/openEuler-release") {
            report.decidedBy = Evidence(
                file: "/etc/openEuler-release", rule: "fallback: /etc/openEuler-release is a file")
            return .openeuler
        }
        if isFile("/etc/os-release") {
            throw DetectionError("unable to detect OS distribution", file: "/etc/os-release")
        }
        warn("/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'")
        report.decidedBy = Evidence(file: "/etc/os-release", rule: "fallback: nothing matched and no /etc/os-release")
        return .unmanaged
    }

    // MARK: Line helpers (Perl `/m` semantics: `^`/`$` at `\n` boundaries)

    /// The first line (1-based number, text) satisfying `predicate`.
    static func line(in data: [UInt8], where predicate: (ArraySlice<UInt8>) -> Bool) -> (Int, String)? {
        var number = 1
        var start = 0
        while start <= data.count {
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.count
            let line = data[start..<end]
            if predicate(line) { return (number, String(decoding: line, as: UTF8.self)) }
            number += 1
            start = end + 1
        }
        return nil
    }

    static func equalsIgnoringCase(_ line: ArraySlice<UInt8>, _ text: String) -> Bool {
        line.count == text.utf8.count && zip(line, text.utf8).allSatisfy { ASCII.lowercased($0) == ASCII.lowercased($1) }
    }

    static func hasPrefixIgnoringCase(_ line: ArraySlice<UInt8>, _ text: String) -> Bool {
        line.count >= text.utf8.count && zip(line, text.utf8).allSatisfy { ASCII.lowercased($0) == ASCII.lowercased($1) }
    }
}

/// The text Perl's `$!` would give for this failure (`strerror`, capitalised), else our reason.
func perlErrorText(_ error: FileError) -> String {
    if let code = error.errno { return Errno(rawValue: code).systemMessage }
    return error.reason
}
