import PVECore
import PVESystem

/// Known Ubuntu releases (`PVE::LXC::Setup::Ubuntu` `$known_versions`).
let ubuntuKnownVersions: Set<String> = [
    "26.10", "26.04", "25.10", "25.04", "24.10", "24.04", "23.10", "23.04", "22.10", "22.04", "21.10", "21.04",
    "20.10", "20.04", "19.10", "19.04", "18.10", "18.04", "17.10", "17.04", "16.10", "16.04", "15.10", "15.04",
    "14.04", "12.04",
]

/// Debian testing names mapped to versions (`PVE::LXC::Setup::Debian::new` `$version_map`).
package let debianVersionMap: [String: String] = [
    "stretch/sid": "9.1", "buster/sid": "10", "bullseye/sid": "11", "bookworm/sid": "12", "trixie/sid": "13",
    "forky/sid": "14", "duke/sid": "15", "kali-rolling": "12",
]

/// Devuan codenames mapped to the equivalent Debian version (`PVE::LXC::Setup::Devuan::new`).
let devuanVersionMap: [String: Int] = [
    "jessie": 8, "ascii": 9, "ascii/ceres": 9, "beowulf": 10, "beowulf/ceres": 10, "chimaera": 11,
    "chimaera/ceres": 11, "daedalus": 12, "daedalus/ceres": 12, "excalibur": 13, "excalibur/ceres": 13,
]

/// `DEBIAN_MINIMUM_RELEASE` (hard) and `DEBIAN_MAXIMUM_RELEASE` (soft) of `PVE::LXC::Setup::Debian`.
package let debianMinimumRelease = 4
let debianMaximumRelease = 14

extension DetectionRun {
    /// Runs the chosen plugin's constructor checks; returns the version the plugin keeps.
    mutating func checkPlugin(_ type: OSType, _ osRelease: OSRelease) throws(DetectionError) -> String {
        switch type {
        case .debian: return try checkDebian()
        case .ubuntu: return try checkUbuntu()
        case .devuan: return try checkDevuan()
        case .alpine:
            let line = try firstLine("/etc/alpine-release")
            if let line {
                report.versionFrom = Evidence(file: "/etc/alpine-release", line: 1, text: line.text, rule: "first line")
            }
            return line?.text ?? ""
        case .centos: return try checkCentOS()
        case .fedora: return try checkVersionID(osRelease, minimum: 22, name: "Fedora")
        case .openeuler: return try checkVersionID(osRelease, minimum: 24, name: "openEuler")
        case .opensuse: return try checkSUSE(osRelease)
        case .gentoo: return try checkGentoo()
        default: return ""  // archlinux, nixos (version 0), unmanaged: no checks
        }
    }

    /// `PVE::LXC::Setup::Debian::new`.
    mutating func checkDebian() throws(DetectionError) -> String {
        let path = "/etc/debian_version"
        guard let line = try firstLine(path) else { throw DetectionError("unable to read version info", file: path) }
        let raw = debianVersionMap[line.text] ?? line.text
        // ^(\d+(\.\d+)?)(\.\d+)?  — only the integer part of the first number is kept.
        let digits = raw.utf8.prefix(while: ASCII.isDigit)
        guard !digits.isEmpty else {
            throw DetectionError("unable to parse version info '\(raw)'", file: path)
        }
        let number = Self.integerText(digits)
        report.versionFrom = Evidence(file: path, line: 1, text: line.text, rule: "first line, integer part")
        if Self.compare(number, debianMinimumRelease) < 0 {
            throw DetectionError("Container Debian version '\(number)' is too old", file: path)
        }
        if Self.compare(number, debianMaximumRelease + 1) >= 0 {
            warn(
                "The container's Debian version '\(number)' is newer than the tested version '\(debianMaximumRelease)'."
                    + " While everything may work fine, full compatibility cannot be guaranteed."
                    + " Please check for PVE system updates.")
        }
        return number
    }

    /// `PVE::LXC::Setup::Ubuntu::new`.
    mutating func checkUbuntu() throws(DetectionError) -> String {
        let path = "/etc/lsb-release"
        let data = try contents(path)
        guard Self.line(in: data, where: { Self.equalsIgnoringCase($0, "DISTRIB_ID=Ubuntu") }) != nil else {
            throw DetectionError("got unknown DISTRIB_ID", file: path)
        }
        let key = "DISTRIB_RELEASE="
        let found = Self.line(in: data) { line in
            guard Self.hasPrefixIgnoringCase(line, key) else { return false }
            return Self.isDecimal(line.dropFirst(key.utf8.count))
        }
        guard let (number, text) = found else { throw DetectionError("unable to read version info", file: path) }
        let version = String(text.utf8.dropFirst(key.utf8.count)) ?? ""
        report.versionFrom = Evidence(file: path, line: number, text: text, rule: "DISTRIB_RELEASE")
        if ubuntuKnownVersions.contains(version) { return version }
        let major = Self.integerText(version.utf8.prefix(while: ASCII.isDigit))
        if Self.compare(major, 17) < 0 {
            throw DetectionError("unsupported ancient Ubuntu version '\(version)'", file: path)
        }
        warn(
            "The container's Ubuntu version '\(version)' is not in the known version list."
                + " As it's newer than the minimum supported version it's likely to work OK, but full"
                + " compatibility cannot be guaranteed. Please check for PVE system updates.")
        return version
    }

    /// `PVE::LXC::Setup::Devuan::new`: the version kept is the equivalent Debian release.
    mutating func checkDevuan() throws(DetectionError) -> String {
        let path = "/etc/devuan_version"
        guard let line = try firstLine(path) else { throw DetectionError("unable to read version info", file: path) }
        let codename = ASCII.lowercased(line.text)
        guard let debian = devuanVersionMap[codename] else {
            throw DetectionError("unsupported Devuan version '\(codename)'", file: path)
        }
        report.codename = codename
        report.versionFrom = Evidence(file: path, line: 1, text: line.text, rule: "codename → Debian version")
        return String(debian)
    }

    /// `PVE::LXC::Setup::CentOS::new` and `get_centos_version`.
    mutating func checkCentOS() throws(DetectionError) -> String {
        let path = "/etc/redhat-release"
        guard let line = try firstLine(path) else { throw DetectionError("unable to read version info", file: path) }
        guard let version = PluginVersions.centOSVersion(line.line) else {
            throw DetectionError("unable to parse centos version '\(line.text)'", file: path)
        }
        report.versionFrom = Evidence(file: path, line: 1, text: line.text, rule: "release N[.M]")
        let value = PerlNumber.value(of: version)
        if !(value >= 5 && value < 11) { throw DetectionError("unsupported centos version '\(version)'", file: path) }
        return version
    }

    /// `PVE::LXC::Setup::Fedora::new` / `OpenEuler::new`: `VERSION_ID` undefined or below `minimum` (numeric).
    mutating func checkVersionID(_ osRelease: OSRelease, minimum: Double, name: String) throws(DetectionError) -> String {
        let entry = osRelease.entry("VERSION_ID")
        let version = entry?.value ?? ""
        if let entry {
            report.versionFrom = Evidence(
                file: report.osReleaseFile ?? "/etc/os-release", line: entry.line, text: entry.text, rule: "VERSION_ID")
        }
        if entry == nil || PerlNumber.value(of: version) < minimum {
            throw DetectionError("unsupported \(name) release '\(version)'", file: report.osReleaseFile)
        }
        return version
    }

    /// `PVE::LXC::Setup::SUSE::new`.
    mutating func checkSUSE(_ osRelease: OSRelease) throws(DetectionError) -> String {
        let entry = osRelease.entry("VERSION_ID")
        let version = entry?.value ?? ""
        let id = osRelease["ID"] ?? ""
        let file = report.osReleaseFile
        if let entry {
            report.versionFrom = Evidence(
                file: file ?? "/etc/os-release", line: entry.line, text: entry.text, rule: "VERSION_ID")
        }
        // Perl's `$` also matches before one final newline.
        var bytes = Array(version.utf8)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        let dot = bytes.firstIndex(of: UInt8(ascii: "."))
        if let dot, dot > 0, dot + 1 < bytes.count, bytes[..<dot].allSatisfy(ASCII.isDigit),
            bytes[(dot + 1)...].allSatisfy(ASCII.isDigit)
        {
            let major = PerlNumber.value(of: String(decoding: bytes[..<dot], as: UTF8.self))
            let minor = PerlNumber.value(of: String(decoding: bytes[(dot + 1)...], as: UTF8.self))
            let accepted =
                major >= 42 || (major == 13 && minor <= 2) || (id == "sles" && major == 12) || major == 15
                || major == 16
            if !accepted { throw DetectionError("unsupported suse release '\(version)'", file: file) }
        } else if bytes.count == 8, bytes.allSatisfy(ASCII.isDigit) {
            let year = PerlNumber.value(of: String(decoding: bytes[0..<4], as: UTF8.self))
            let month = PerlNumber.value(of: String(decoding: bytes[4..<6], as: UTF8.self))
            let day = PerlNumber.value(of: String(decoding: bytes[6..<8], as: UTF8.self))
            if !(year >= 2017 && month <= 12 && day <= 31) {
                throw DetectionError("unsupported suse tumbleweed release '\(version)'", file: file)
            }
        } else {
            // `die` without a newline: Perl appends the source location.
            throw DetectionError(
                "unrecognized suse release at /usr/share/perl5/PVE/LXC/Setup/SUSE.pm line 37.", file: file)
        }
        return version
    }

    /// `PVE::LXC::Setup::Gentoo::new` (the version itself is not kept).
    mutating func checkGentoo() throws(DetectionError) -> String {
        let path = "/etc/gentoo-release"
        guard let line = try firstLine(path) else { throw DetectionError("unable to read version info", file: path) }
        guard Self.hasPrefixIgnoringCase(line.line[...], "gentoo base system release ") else {
            throw DetectionError("unrecognized gentoo version: \(line.text)", file: path)
        }
        report.versionFrom = Evidence(file: path, line: 1, text: line.text, rule: "Gentoo Base System release …")
        return ""
    }

    // MARK: Numbers

    /// `\d+\.\d+` exactly.
    static func isDecimal(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else { return false }
        let a = bytes[..<dot]
        let b = bytes[(dot + 1)...]
        return !a.isEmpty && !b.isEmpty && a.allSatisfy(ASCII.isDigit) && b.allSatisfy(ASCII.isDigit)
    }

    /// Decimal digits as Perl's `int()` prints them (leading zeros dropped).
    static func integerText(_ digits: some Collection<UInt8>) -> String {
        let trimmed = digits.drop { $0 == UInt8(ascii: "0") }
        return trimmed.isEmpty ? "0" : String(decoding: trimmed, as: UTF8.self)
    }

    /// Compares a non-negative decimal integer text with `value`.
    static func compare(_ number: String, _ value: Int) -> Int {
        let other = String(value)
        if number.utf8.count != other.utf8.count { return number.utf8.count < other.utf8.count ? -1 : 1 }
        if number == other { return 0 }
        return number.utf8.lexicographicallyPrecedes(other.utf8) ? -1 : 1
    }
}

/// Version rules of Proxmox's setup plugins that both detection and guest setup apply (one
/// home for each; guest setup re-reads the release file when detection handed over no version).
package enum PluginVersions {
    /// `release\s+(\d+\.\d+)(\.\d+)?` (leftmost), else `release\s+(\d+)` (leftmost).
    package static func centOSVersion(_ line: [UInt8]) -> String? {
        let word = Array("release".utf8)
        func numberAfterRelease(decimal: Bool) -> String? {
            var i = 0
            while i + word.count <= line.count {
                if Array(line[i..<(i + word.count)]) == word {
                    var j = i + word.count
                    let spaceStart = j
                    while j < line.count, ASCII.isSpace(line[j]) { j += 1 }
                    if j > spaceStart {
                        let intStart = j
                        while j < line.count, ASCII.isDigit(line[j]) { j += 1 }
                        if j > intStart {
                            if !decimal { return String(decoding: line[intStart..<j], as: UTF8.self) }
                            if j + 1 < line.count, line[j] == UInt8(ascii: "."), ASCII.isDigit(line[j + 1]) {
                                var k = j + 1
                                while k < line.count, ASCII.isDigit(line[k]) { k += 1 }
                                return String(decoding: line[intStart..<k], as: UTF8.self)
                            }
                        }
                    }
                }
                i += 1
            }
            return nil
        }
        return numberAfterRelease(decimal: true) ?? numberAfterRelease(decimal: false)
    }
}
