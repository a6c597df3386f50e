import PVEConfig
import PVECore

/// The checks Proxmox applies to each `storage.cfg` value (Proxmox: `PVE::SectionConfig::check_value`
/// with `PVE::JSONSchema::check_prop` and the storage formats registered by `PVE::Storage::Plugin`).
enum StorageValueCheck {
    /// Why a value was refused, in Proxmox's words; `atKey` points the diagnostic at the key.
    struct Failure: Error {
        var message: String
        var atKey: Bool
        init(_ message: String, atKey: Bool = false) {
            self.message = message
            self.atKey = atKey
        }
    }

    /// Proxmox: `PVE::JSONSchema::parse_storage_id`'s message, nil for a valid ID.
    static func storageIDProblem(_ id: String) -> String? {
        Bytes.withBytes(id) { FormatCheck.storageID($0) }
    }

    /// Checks one value of a section of type `info`; returns the value as Proxmox stores it.
    static func check(
        _ info: StorageSchema.TypeInfo, key: String, value: String?, type: StorageSchema.ValueType
    ) throws(Failure) -> String {
        if key == "type", value == info.name { return info.name }
        guard info.allows(key) else { throw Failure("unexpected property '\(key)'", atKey: true) }
        if case .boolean = type, value == nil { return "1" }
        guard let value else { throw Failure("got undefined value", atKey: true) }
        switch type {
        case .boolean:
            guard value == "0" || value == "1" else { throw Failure("type check ('boolean') failed - got '\(value)'") }
            return value
        case .integer(let minimum, let maximum, let allowed):
            guard let number = integerValue(value) else {
                throw Failure("type check ('integer') failed - got '\(value)'")
            }
            if let maximum, number > maximum { throw Failure("value must have a maximum value of \(maximum)") }
            if let minimum, number < minimum { throw Failure("value must have a minimum value of \(minimum)") }
            if let allowed, !allowed.contains(value) { throw enumFailure(value, allowed) }
            return String(number)
        case .string(let format, let allowed, let maxLength):
            if let format, let problem = formatProblem(format, value) {
                throw Failure("invalid format - \(problem)")
            }
            if format == .fingerprint, !isFingerprint(value) {
                throw Failure("value does not match the regex pattern")
            }
            if let maxLength, value.utf8.count > maxLength {
                throw Failure("value may only be \(maxLength) characters long")
            }
            if let allowed, !allowed.contains(value) { throw enumFailure(value, allowed) }
            return value
        }
    }

    private static func enumFailure(_ value: String, _ allowed: [String]) -> Failure {
        Failure("value '\(value)' does not have a value in the enumeration '\(allowed.joined(separator: ", "))'")
    }

    /// `[+-]?\d+` and its numeric value (Perl's `+ 0`); nil when not an integer.
    static func integerValue(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy(ASCII.isDigit) else { return nil }
        let trimmed = digits.drop { $0 == "0" }
        guard let magnitude = Int(trimmed.isEmpty ? "0" : trimmed) else { return negative ? Int.min : Int.max }
        return negative ? -magnitude : magnitude
    }

    /// The message of the format's verifier, nil when the value passes.
    static func formatProblem(_ format: StorageSchema.Format, _ value: String) -> String? {
        switch format {
        case .unchecked, .zfsBlockSize, .fingerprint:
            return nil
        case .storagePath:
            return isAbsolutePath(value) ? nil : "value does not look like a valid absolute path"
        case .storageServer:
            let ok = Bytes.withBytes(value) { FormatCheck.ip($0) == nil || FormatCheck.dnsName($0) == nil }
            return ok ? nil : "value does not look like a valid server name or IP address"
        case .contentList:
            for item in ValueList.split(value) where !StorageSchema.contentTypes.contains(item) {
                return "invalid content type '\(item)'"
            }
            return nil
        case .nodeList:
            for item in ValueList.split(value) where !isNodeName(item) {
                return "value does not look like a valid node name"
            }
            return nil
        case .storageOptions:
            return !value.isEmpty && !value.utf8.contains(where: ASCII.isSpace) ? nil : "invalid options '\(value)'"
        case .dirOverrideList:
            for item in ValueList.split(value) {
                if let problem = dirOverrideProblem(item) { return problem }
            }
            return nil
        case .volumeID:
            return Bytes.withBytes(value) { FormatCheck.volumeID($0) }
        case .volumeGroupName:
            let bytes = Array(value.utf8)
            let inner: (UInt8) -> Bool = {
                ASCII.isAlphanumeric($0) || $0 == ASCII.minus || $0 == ASCII.underscore || $0 == ASCII.dot
            }
            let ok =
                bytes.count >= 2 && ASCII.isAlphanumeric(bytes[0]) && ASCII.isAlphanumeric(bytes[bytes.count - 1])
                && bytes.allSatisfy(inner)
            return ok ? nil : "lvm name '\(value)' contains illegal characters"
        case .portalDNS:
            return isPortal(value) ? nil : "value does not look like a valid portal address"
        case .portalDNSList:
            for item in ValueList.split(value) where !isPortal(item) {
                return "value does not look like a valid portal address"
            }
            return nil
        case .configID:
            return Bytes.withBytes(value) { FormatCheck.configID($0) }
        }
    }

    /// `^/[-/a-zA-Z0-9_.@]+$` (Proxmox: `DirPlugin::check_config`).
    static func isPlainAbsolutePath(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        return bytes.count >= 2 && bytes[0] == ASCII.slash
            && bytes.dropFirst().allSatisfy { ASCII.isAlphanumeric($0) || "-/_.@".utf8.contains($0) }
    }

    /// An absolute path without repeated slashes, `.` components, leading `..` components and a
    /// final slash (Perl: `File::Spec->canonpath`).
    static func canonicalPath(_ path: String) -> String {
        var parts = path.split(separator: "/").filter { $0 != "." }
        while parts.first == ".." { parts.removeFirst() }
        return "/" + parts.joined(separator: "/")
    }

    /// `^/[^;\(\)]+` (Proxmox: `verify_path`; only the start is anchored).
    static func isAbsolutePath(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 2, bytes[0] == ASCII.slash else { return false }
        let b = bytes[1]
        return b != ASCII.semicolon && b != UInt8(ascii: "(") && b != UInt8(ascii: ")") && b != ASCII.newline
    }

    /// `^([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}$` (the pattern of `fingerprint-sha256`).
    static func isFingerprint(_ value: String) -> Bool {
        let groups = value.split(separator: ":", omittingEmptySubsequences: false)
        return groups.count == 32 && groups.allSatisfy { $0.utf8.count == 2 && $0.utf8.allSatisfy(ASCII.isHexDigit) }
    }

    /// `^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)$` (Proxmox: `pve_verify_node_name`).
    static func isNodeName(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last, ASCII.isAlphanumeric(first), ASCII.isAlphanumeric(last)
        else { return false }
        return bytes.allSatisfy { ASCII.isAlphanumeric($0) || $0 == ASCII.minus }
    }

    /// Host, IPv4 or bracketed address with an optional `:port` (Proxmox: `parse_host_and_port`,
    /// simplified: bracketed and dotted-port IPv6 forms are accepted when the address parses).
    static func isPortal(_ value: String) -> Bool {
        var host = Substring(value)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), rest.count > 1, rest.dropFirst().utf8.allSatisfy(ASCII.isDigit) else {
                    return false
                }
            }
            return !host.isEmpty && (Bytes.withBytes(String(host)) { FormatCheck.ip($0) == nil } || isHostWord(host))
        }
        if Bytes.withBytes(value, { FormatCheck.ipv6($0) == nil }) { return true }
        if let colon = host.lastIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.utf8.allSatisfy(ASCII.isDigit) else { return false }
            host = host[..<colon]
        }
        return isHostWord(host)
    }

    private static func isHostWord(_ host: Substring) -> Bool {
        !host.isEmpty && host.utf8.allSatisfy { ASCII.isAlphanumeric($0) || $0 == ASCII.minus || $0 == ASCII.dot }
    }

    /// `^([a-z]+)=([^.]*(?:\.?[^.]+)+)$`, a known content type, and length limits (Proxmox:
    /// `verify_dir_override`).
    static func dirOverrideProblem(_ item: String) -> String? {
        let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let invalid = "invalid override '\(item)'"
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else {
            return invalid
        }
        let content = String(parts[0])
        let path = parts[1]
        guard !path.isEmpty, !path.contains(".."), !path.hasSuffix("."), path.contains(where: { $0 != "." })
        else { return invalid }
        if content != "import" && !StorageSchema.contentTypes.contains(content) {
            return "invalid content type '\(content)'"
        }
        guard path.utf8.count < 1023, !path.split(separator: "/").contains(where: { $0.utf8.count >= 255 }) else {
            return invalid
        }
        return nil
    }
}
