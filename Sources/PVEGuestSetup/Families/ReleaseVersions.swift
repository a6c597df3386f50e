import PVECore
/// The plugin constructors' version reading and release checks for the RHEL, Fedora, openEuler,
/// SUSE and Gentoo families, run inside the guest when OS detection handed over no version.
///
/// Proxmox: `PVE::LXC::Setup::CentOS::new`, `Fedora::new`, `OpenEuler::new`, `SUSE::new`,
/// `Gentoo::new` and `PVE::LXC::Setup::get_ct_os_release`.
enum ReleaseVersions {
    /// `get_ct_os_release`: `/etc/os-release`, else `/usr/lib/os-release`, parsed like Proxmox.
    static func osRelease(_ ctx: SetupContext) -> [String: String] {
        for path in ["/etc/os-release", "/usr/lib/os-release"] where ctx.isFile(path) {
            guard let data = try? ctx.contents(path) else { return [:] }
            return parseOSRelease(data)
        }
        return [:]
    }

    /// Proxmox's os-release reader: `KEY=value` lines; single quotes verbatim, double quotes with
    /// backslash escapes, otherwise the leading alphanumeric run. Later keys win.
    static func parseOSRelease(_ data: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        for line in data.split(separator: Bytes.newline) {
            var i = line.startIndex
            while i < line.endIndex, Bytes.isSpace(line[i]) { i += 1 }
            let keyStart = i
            func isKeyByte(_ b: UInt8, first: Bool) -> Bool {
                (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || (!first && Bytes.isDigit(b))
            }
            guard i < line.endIndex, isKeyByte(line[i], first: true) else { continue }
            while i < line.endIndex, isKeyByte(line[i], first: false) { i += 1 }
            guard i < line.endIndex, line[i] == UInt8(ascii: "=") else { continue }
            let key = Bytes.string(line[keyStart..<i])
            let content = line[(i + 1)...]
            if content.first == UInt8(ascii: "'") {
                let body = content.dropFirst()
                guard let close = body.firstIndex(of: UInt8(ascii: "'")) else {
                    out[key] = ""
                    continue
                }
                out[key] = Bytes.string(body[..<close])
            } else if content.first == UInt8(ascii: "\"") {
                var value: [UInt8] = []
                var j = content.index(after: content.startIndex)
                var closed = false
                while j < content.endIndex {
                    let b = content[j]
                    if b == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    if b == UInt8(ascii: "\\"), j + 1 < content.endIndex {
                        let next = content[j + 1]
                        switch next {
                        case UInt8(ascii: "n"): value.append(Bytes.newline)
                        case UInt8(ascii: "t"): value.append(Bytes.tab)
                        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: "$"),
                            UInt8(ascii: "\\"):
                            value.append(next)
                        default: value += [b, next]
                        }
                        j += 2
                        continue
                    }
                    value.append(b)
                    j += 1
                }
                guard closed else {
                    out[key] = Bytes.string(content.prefix { Self.isAlnum($0) })
                    continue
                }
                out[key] = Bytes.string(value)
            } else {
                out[key] = Bytes.string(content.prefix { Self.isAlnum($0) })
            }
        }
        return out
    }

    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || Bytes.isDigit(b)
    }

    /// `CentOS::new`: the version of the first line of `/etc/redhat-release`.
    /// - throws: `unable to read version info`, `unable to parse centos version '…'`,
    ///   `unsupported centos version '…'`.
    static func centOS(_ ctx: SetupContext) throws(SetupError) -> String {
        guard let line = ctx.firstLine("/etc/redhat-release") else {
            throw SetupError("unable to read version info", path: "/etc/redhat-release")
        }
        let version = try CentOSFamily.parseVersion(Bytes.string(line))
        _ = try CentOSFamily(version: version)
        return version
    }

    /// `VERSION_ID` checked against a numeric minimum (`Fedora::new`, `OpenEuler::new`).
    static func versionID(_ ctx: SetupContext, minimum: Double, name: String) throws(SetupError) -> String {
        let version = osRelease(ctx)["VERSION_ID"] ?? ""
        guard PerlNumber.value(of: version) >= minimum else { throw SetupError("unsupported \(name) release '\(version)'") }
        return version
    }

    /// `SUSE::new`.
    /// - throws: `unsupported suse release '…'`, `unsupported suse tumbleweed release '…'`,
    ///   `unrecognized suse release at …`.
    static func suse(_ ctx: SetupContext) throws(SetupError) -> String {
        let release = osRelease(ctx)
        let version = release["VERSION_ID"] ?? ""
        let bytes = Array(version.utf8)
        if let dot = bytes.firstIndex(of: UInt8(ascii: ".")), dot > 0, dot + 1 < bytes.count,
            bytes[..<dot].allSatisfy(Bytes.isDigit), bytes[(dot + 1)...].allSatisfy(Bytes.isDigit)
        {
            let major = PerlNumber.value(of: Bytes.string(bytes[..<dot]))
            let minor = PerlNumber.value(of: Bytes.string(bytes[(dot + 1)...]))
            let sles = release["ID"] == "sles"
            guard major >= 42 || (major == 13 && minor <= 2) || (sles && major == 12) || major == 15 || major == 16
            else { throw SetupError("unsupported suse release '\(version)'") }
        } else if bytes.count == 8, bytes.allSatisfy(Bytes.isDigit) {
            let year = PerlNumber.value(of: Bytes.string(bytes[0..<4]))
            let month = PerlNumber.value(of: Bytes.string(bytes[4..<6]))
            let day = PerlNumber.value(of: Bytes.string(bytes[6..<8]))
            guard year >= 2017 && month <= 12 && day <= 31 else {
                throw SetupError("unsupported suse tumbleweed release '\(version)'")
            }
        } else {
            throw SetupError("unrecognized suse release at /usr/share/perl5/PVE/LXC/Setup/SUSE.pm line 37.")
        }
        return version
    }

    /// `Gentoo::new`: `/etc/gentoo-release` must read `Gentoo Base System release …`.
    static func checkGentoo(_ ctx: SetupContext) throws(SetupError) {
        guard let line = ctx.firstLine("/etc/gentoo-release") else {
            throw SetupError("unable to read version info", path: "/etc/gentoo-release")
        }
        let prefix = Array("gentoo base system release ".utf8)
        let lowered = line.prefix(prefix.count).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        guard line.count >= prefix.count, lowered == prefix else {
            throw SetupError("unrecognized gentoo version: \(Bytes.string(line))", path: "/etc/gentoo-release")
        }
    }
}
