import PVECore
import PVEGuestOS

/// The plugin constructors' version reading and release checks for the RHEL, Fedora, openEuler,
/// SUSE and Gentoo families, run inside the guest when OS detection handed over no version.
///
/// Proxmox: `PVE::LXC::Setup::CentOS::new`, `Fedora::new`, `OpenEuler::new`, `SUSE::new`,
/// `Gentoo::new` and `PVE::LXC::Setup::get_ct_os_release`.
enum ReleaseVersions {
    /// `get_ct_os_release`: `/etc/os-release`, else `/usr/lib/os-release`, read by PVEGuestOS's
    /// ``OSRelease/init(proxmox:)`` (the one os-release reader).
    static func osRelease(_ ctx: SetupContext) -> [String: String] {
        for path in ["/etc/os-release", "/usr/lib/os-release"] where ctx.isFile(path) {
            guard let data = try? ctx.contents(path) else { return [:] }
            return OSRelease(proxmox: data).values
        }
        return [:]
    }

    /// `CentOS::new`: the version of the first line of `/etc/redhat-release`.
    /// - throws: `unable to read version info`, `unable to parse centos version '…'`,
    ///   `unsupported centos version '…'`.
    static func centOS(_ ctx: SetupContext) throws(SetupError) -> String {
        guard let line = try ctx.firstLine("/etc/redhat-release") else {
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
        guard let line = try ctx.firstLine("/etc/gentoo-release") else {
            throw SetupError("unable to read version info", path: "/etc/gentoo-release")
        }
        let prefix = Array("gentoo base system release ".utf8)
        let lowered = line.prefix(prefix.count).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        guard line.count >= prefix.count, lowered == prefix else {
            throw SetupError("unrecognized gentoo version: \(Bytes.string(line))", path: "/etc/gentoo-release")
        }
    }
}
