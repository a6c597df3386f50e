import PVECore
/// An operation on a config was refused; `message` is Proxmox's text (no final newline).
public struct ConfigOperationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Proxmox's message.
    public var message: String
    /// Creates an error with Proxmox's message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ContainerConfig {
    /// Proxmox: `PVE::AbstractConfig::check_lock` — `CT is locked (<lock>)` when a lock is set.
    public func checkLock() throws(ConfigOperationError) {
        if let lock = main.rawValue("lock"), ByteText.isPerlTrue(lock) {
            throw ConfigOperationError("CT is locked (\(lock.utf8String))")
        }
    }

    /// Proxmox: `has_lock` — a lock is set and (when given) equals `lock`.
    public func hasLock(_ lock: String? = nil) -> Bool {
        guard let current = main.rawValue("lock"), ByteText.isPerlTrue(current) else { return false }
        return lock.map { Array($0.utf8) == current } ?? true
    }

    /// Proxmox: `set_lock` — `check_lock`, then sets `lock`.
    public mutating func setLock(_ lock: String) throws(ConfigOperationError) {
        try checkLock()
        main["lock"] = lock
    }

    /// Proxmox: `remove_lock`.
    public mutating func removeLock(_ lock: String? = nil) throws(ConfigOperationError) {
        guard let current = main.rawValue("lock"), ByteText.isPerlTrue(current) else {
            let what = lock.map { "'\($0)' " } ?? "any"
            throw ConfigOperationError("no lock found trying to remove \(what) lock")
        }
        if let lock, Array(lock.utf8) != current {
            throw ConfigOperationError("found lock '\(current.utf8String)' trying to remove '\(lock)' lock")
        }
        main.remove("lock")
    }

    /// Proxmox: `check_protection` — `<message> - protection mode enabled` when `protection` is set.
    public func checkProtection(_ message: String) throws(ConfigOperationError) {
        if ByteText.isPerlTrue(main.rawValue("protection")) {
            throw ConfigOperationError("\(message) - protection mode enabled")
        }
    }

    /// Proxmox: `is_template` — `template` is numerically 1.
    public var isTemplate: Bool {
        guard let t = main.rawValue("template") else { return false }
        return PerlNumber.value(of: t) == 1
    }
}

extension ConfigSection {
    /// Proxmox: `PVE::AbstractConfig::add_unused_volume` — puts `volume` into the lowest free
    /// `unusedN` slot unless some slot already holds it; returns the key used (nil for a duplicate).
    @discardableResult
    public mutating func addUnusedVolume(_ volume: String) throws(ConfigOperationError) -> String? {
        let vol = Array(volume.utf8)
        var free: String? = nil
        for index in stride(from: ConfigSchema.maxUnusedVolumes - 1, through: 0, by: -1) {
            let key = "unused\(index)"
            if let v = rawValue(key), ByteText.isPerlTrue(v) {
                if v == vol { return nil }
            } else {
                free = key
            }
        }
        guard let free else { throw ConfigOperationError("Too many unused volumes - please delete them first.") }
        setRawValue(vol, for: free)
        return free
    }
}
