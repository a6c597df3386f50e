import PVECore
/// Names a section of a config.
public enum ConfigSectionID: Sendable, Hashable, CustomStringConvertible {
    /// The main section (the file's first lines).
    case main
    /// `[pve:pending]`.
    case pending
    /// The snapshot section of that name (`[name]`).
    case snapshot(String)

    public var description: String {
        switch self {
        case .main: return "main section"
        case .pending: return "[pve:pending]"
        case .snapshot(let name): return "[\(name)]"
        }
    }
}

/// A refused edit; `message` names the key and gives Proxmox's reason where Proxmox has one.
public struct ConfigEditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key the edit was about.
    public var key: String
    /// Proxmox's message, e.g. `memory: value must have a minimum value of 16`.
    public var message: String
    /// Creates an edit error for `key`.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }
    public var description: String { message }
}

/// Validation of values set through the edit API: the reader's checks (`check_type`) plus the
/// schema constraints Proxmox's API enforces (`enum`, `minimum`/`maximum`, `maxLength`, `pattern`).
///
/// Proxmox: `PVE::LXC::Config::check_type` and `PVE::JSONSchema::check_prop`.
public enum ConfigValidation {
    /// Returns the value as it is stored (booleans `1`/`0`, integers without leading zeros).
    public static func validate(key: String, value: String) throws(ConfigEditError) -> String {
        if key.hasPrefix("lxc.") {
            switch LXCKeyValidity.of(key) {
            case .accepted, .acceptedWithWarning:
                if value.utf8.contains(ASCII.newline) || value.utf8.contains(ASCII.carriageReturn) {
                    throw ConfigEditError(key: key, message: "\(key): property contains a line feed")
                }
                return value
            case .refused(let reason): throw ConfigEditError(key: key, message: "\(key): \(reason)")
            case .unknown: throw ConfigEditError(key: key, message: "\(key): unknown setting '\(key)'")
            }
        }
        guard let schema = ConfigSchema.schema(for: key) else {
            throw ConfigEditError(key: key, message: "\(key): unknown setting '\(key)'")
        }
        if key == "description" {
            // Stored as comment lines, so newlines are fine here.
            if value.unicodeScalars.count > 8192 {
                throw ConfigEditError(key: key, message: "description: value may only be 8192 characters long")
            }
            return value
        }
        let bytes = Array(value.utf8)
        let stored: [UInt8]
        switch ConfigValueCheck.checkType(schema: schema, value: bytes) {
        case .success(let v): stored = v
        case .failure(let e): throw ConfigEditError(key: key, message: "\(key): \(e.reason)")
        }
        if key == "entrypoint" && !matchesNoControl(bytes, allowNUL: false) {
            throw ConfigEditError(key: key, message: "\(key): value does not match the regex pattern")
        }
        if key == "env" && !isEnvironment(bytes) {
            throw ConfigEditError(key: key, message: "\(key): value does not match the regex pattern")
        }
        if let max = schema.maxLength, value.unicodeScalars.count > max {
            throw ConfigEditError(key: key, message: "\(key): value may only be \(max) characters long")
        }
        if schema.type == .integer || schema.type == .number {
            let n = PerlNumber.value(of: stored)
            if let max = schema.maximum, n > Double(max) {
                throw ConfigEditError(key: key, message: "\(key): value must have a maximum value of \(max)")
            }
            if let min = schema.minimum, n < Double(min) {
                throw ConfigEditError(key: key, message: "\(key): value must have a minimum value of \(min)")
            }
        }
        if let allowed = schema.allowedValues, !allowed.contains(value) {
            throw ConfigEditError(
                key: key,
                message: "\(key): value '\(value)' does not have a value in the enumeration '\(allowed.joined(separator: ", "))'")
        }
        return stored.utf8String
    }

    /// `[^\x00-\x08\x0a-\x1F\x7F]+`.
    private static func matchesNoControl(_ v: [UInt8], allowNUL: Bool) -> Bool {
        !v.isEmpty && v.allSatisfy { b in (b == 0x09 || b >= 0x20) && b != 0x7F }
    }

    /// `(?:\w+=[^\x00-\x08\x0a-\x1F\x7F]*)(?:\0\w+=[^\x00-\x08\x0a-\x1F\x7F]*)*`.
    private static func isEnvironment(_ v: [UInt8]) -> Bool {
        for item in v.split(separator: 0, omittingEmptySubsequences: false) {
            guard let eq = item.firstIndex(of: ASCII.equals), eq > item.startIndex,
                item[item.startIndex..<eq].allSatisfy(ASCII.isWord),
                item[(eq + 1)...].allSatisfy({ b in (b == 0x09 || b >= 0x20) && b != 0x7F })
            else { return false }
        }
        return true
    }
}

extension ContainerConfig {
    /// A section by ID (nil for a missing snapshot).
    public subscript(section id: ConfigSectionID) -> ConfigSection? {
        get {
            switch id {
            case .main: return main
            case .pending: return pending
            case .snapshot(let name): return snapshots[name]
            }
        }
        set {
            switch id {
            case .main: main = newValue ?? ConfigSection()
            case .pending: pending = newValue ?? ConfigSection()
            case .snapshot(let name): snapshots[name] = newValue
            }
        }
    }

    /// The value of `key` in a section (`lxc.*` keys: the last entry).
    public func value(_ key: String, in id: ConfigSectionID = .main) -> String? {
        guard let s = self[section: id] else { return nil }
        if key.hasPrefix("lxc.") {
            if key == "lxc.environment.runtime" { return s.environment }
            return s.lxc.last(where: { $0.key == key })?.value
        }
        return s[key]
    }

    /// Sets a key after validating it (see `ConfigValidation`). A raw `lxc.*` key replaces every
    /// entry of that key by one. Throws for a missing snapshot section.
    public mutating func set(_ key: String, to value: String, in id: ConfigSectionID = .main) throws(ConfigEditError) {
        let stored = try ConfigValidation.validate(key: key, value: value)
        guard var s = self[section: id] else {
            throw ConfigEditError(key: key, message: "snapshot '\(id)' does not exist")
        }
        if key == "lxc.environment.runtime" {
            s.environment = stored
        } else if key.hasPrefix("lxc.") {
            if let first = s.lxc.firstIndex(where: { $0.key == key }) {
                s.lxc[first].value = stored
                var i = s.lxc.count - 1
                while i > first {
                    if s.lxc[i].key == key { s.lxc.remove(at: i) }
                    i -= 1
                }
            } else {
                s.lxc.append(LXCEntry(key: key, value: stored))
            }
        } else {
            s[key] = stored
        }
        self[section: id] = s
    }

    /// Removes a key from a section (raw `lxc.*` keys: every entry of that key).
    public mutating func remove(_ key: String, from id: ConfigSectionID = .main) {
        guard var s = self[section: id] else { return }
        if key == "lxc.environment.runtime" {
            s.environmentBytes = nil
        } else if key.hasPrefix("lxc.") {
            s.lxc.removeAll { $0.key == key }
        } else {
            s.remove(key)
        }
        self[section: id] = s
    }
}
