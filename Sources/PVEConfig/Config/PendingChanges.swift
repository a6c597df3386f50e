import PVECore
/// Pending changes (`[pve:pending]`) as Proxmox models them.
///
/// Proxmox: `PVE::AbstractConfig::parse_pending_delete`, `print_pending_delete`,
/// `add_to_pending_delete`, `remove_from_pending_delete`, `cleanup_pending`,
/// `load_current_config` and `PVE::LXC::Config::update_pct_config` / `vmconfig_apply_pending`.
public struct PendingDeletion: Sendable, Hashable {
    /// The key to delete.
    public var key: String
    /// Set by a leading `!` (parsed and kept; containers do not implement forced deletion).
    public var force: Bool
    /// A pending deletion of `key`.
    public init(key: String, force: Bool) {
        self.key = key
        self.force = force
    }

    /// Parses a `delete:` value: `,` and `;` count as blanks; each item is `!`?key; a key listed
    /// twice keeps its last flag. Returned sorted by key.
    public static func parse(_ text: String?) -> [PendingDeletion] {
        guard let text, !text.isEmpty, text != "0" else { return [] }
        var flags: [String: Bool] = [:]
        let normalized = text.utf8.map { $0 == ASCII.comma || $0 == ASCII.semicolon ? ASCII.space : $0 }
        for item in normalized.split(whereSeparator: ASCII.isSpace) {
            if item.first == ASCII.bang {
                flags[String(decoding: item.dropFirst(), as: UTF8.self)] = true
            } else {
                flags[String(decoding: item, as: UTF8.self)] = false
            }
        }
        return flags.keys.sorted(by: ByteText.less).map { PendingDeletion(key: $0, force: flags[$0] ?? false) }
    }

    /// Prints deletions Proxmox's way: sorted, `!key` when forced, joined with `,`.
    public static func print(_ deletions: [PendingDeletion]) -> String {
        deletions.sorted { ByteText.less($0.key, $1.key) }.map { ($0.force ? "!" : "") + $0.key }.joined(separator: ",")
    }
}

extension ContainerConfig {
    /// The queued deletions of `[pve:pending]`.
    public var pendingDeletions: [PendingDeletion] { PendingDeletion.parse(pending["delete"]) }

    private mutating func setPendingDeletions(_ list: [PendingDeletion]) {
        pending["delete"] = list.isEmpty ? nil : PendingDeletion.print(list)
    }

    /// Proxmox: `add_to_pending_delete`.
    public mutating func addPendingDeletion(_ key: String, force: Bool = false) {
        var list = pendingDeletions.filter { $0.key != key }
        list.append(PendingDeletion(key: key, force: force))
        setPendingDeletions(list)
    }

    /// Proxmox: `remove_from_pending_delete`.
    public mutating func removePendingDeletion(_ key: String) {
        let list = pendingDeletions
        guard list.contains(where: { $0.key == key }) else { return }
        setPendingDeletions(list.filter { $0.key != key })
    }

    /// Queues a new value (validated): `pending[key] = value` and the key leaves the deletion list.
    public mutating func queuePendingValue(_ key: String, _ value: String, vmid: String = "100") throws(ConfigEditError) {
        if key == "unprivileged" { throw ConfigEditError(key: key, message: "unable to modify read-only option: 'unprivileged'") }
        if ConfigSchema.isVolumeKey(key) {
            do throws(ConfigOperationError) {
                try checkProtection("can't update CT \(vmid) drive '\(key)'")
            } catch {
                throw ConfigEditError(key: key, message: error.message)
            }
        }
        try set(key, to: Self.apiNormalized(key, value), in: .pending)
        removePendingDeletion(key)
    }

    /// The rewriting `update_pct_config` applies to some values: `nameserver` and `searchdomain`
    /// lists are re-joined with single blanks, `tags` are lower-cased, sorted and de-duplicated and
    /// joined with `;` (Proxmox's default tag style: case-insensitive, sorted).
    static func apiNormalized(_ key: String, _ value: String) -> String {
        switch key {
        case "nameserver", "searchdomain":
            return ValueList.split(value).joined(separator: " ")
        case "tags":
            var seen: Set<String> = []
            var out: [String] = []
            let tags = ValueList.split(value).sorted { ByteText.less(asciiLowercased($0), asciiLowercased($1)) }
            for tag in tags {
                let lower = asciiLowercased(tag)
                if seen.insert(lower).inserted { out.append(lower) }
            }
            return out.joined(separator: ";")
        default:
            return value
        }
    }

    private static func asciiLowercased(_ s: String) -> String {
        String(decoding: s.utf8.map { ASCII.lowercased($0) }, as: UTF8.self)
    }

    /// Queues a deletion as `pct set --delete` does. Returns Proxmox's warning when the key is set
    /// nowhere (nothing is queued then); throws for required and read-only keys and for protected
    /// volumes.
    @discardableResult
    public mutating func queuePendingDeletion(_ key: String, force: Bool = false, vmid: String = "100") throws(ConfigEditError) -> String? {
        if !main.contains(key) && !pending.contains(key) {
            return "cannot delete '\(key)' - not set in current configuration!"
        }
        switch key {
        case "memory", "rootfs", "ostype":
            throw ConfigEditError(key: key, message: "unable to delete required option '\(key)'")
        case "unprivileged":
            throw ConfigEditError(key: key, message: "unable to delete read-only option: '\(key)'")
        default:
            if ConfigSchema.isUnusedKey(key) || (ConfigSchema.isVolumeKey(key) && key != "rootfs") {
                do throws(ConfigOperationError) {
                    try checkProtection("can't remove CT \(vmid) drive '\(key)'")
                } catch {
                    throw ConfigEditError(key: key, message: error.message)
                }
            }
        }
        addPendingDeletion(key, force: force)
        return nil
    }

    /// Drops a queued value and a queued deletion of `key` (`pct set --revert`).
    public mutating func revertPending(_ key: String) {
        pending.remove(key)
        removePendingDeletion(key)
    }

    /// Proxmox: `cleanup_pending` — drops queued values equal to the current ones and queued
    /// deletions of keys that are not set. Returns whether anything changed.
    @discardableResult
    public mutating func cleanupPending() -> Bool {
        var changed = false
        for (key, value) in pending.rawMembers where key != "delete" {
            if let current = main.rawValue(key), current == value {
                pending.remove(key)
                changed = true
            }
        }
        if let d = pending.descriptionBytes, d == main.descriptionBytes {
            pending.descriptionBytes = nil
            changed = true
        }
        if let e = pending.environmentBytes, e == main.environmentBytes {
            pending.environmentBytes = nil
            changed = true
        }
        let list = pendingDeletions
        let kept = list.filter { main.contains($0.key) }
        if kept.count != list.count { changed = true }
        setPendingDeletions(kept)
        return changed
    }

    /// Applies all pending changes to the main section as for a stopped container
    /// (Proxmox: `vmconfig_apply_pending`): queued deletions first (a deleted volume mount point's
    /// volume becomes `unusedN`), then `cleanup_pending`, then the queued values
    /// (a replaced volume mount point's old volume becomes `unusedN`; the writer drops it again
    /// while a mount point still uses it).
    /// Storage work (freeing `unusedN` volumes, allocating new ones) and the re-printing of `netN`
    /// with a generated MAC address are left to the caller.
    public mutating func applyPending() throws(ConfigOperationError) {
        for deletion in pendingDeletions {
            let key = deletion.key
            // Proxmox asks `is_volume_in_use` with the raw mount point string instead of the volume
            // ID, which never matches: the volume is always listed (the writer drops entries that
            // `rootfs`/`mpN` still use).
            if ConfigSchema.isVolumeKey(key), key != "rootfs", let v = main.rawValue(key),
                let vol = VolumeInfo.volume(key: key, value: v), VolumeInfo.isStorageVolume(vol)
            {
                try main.addUnusedVolume(vol.utf8String)
            }
            main.remove(key)
            removePendingDeletion(key)
        }
        cleanupPending()
        for (key, value) in pending.rawMembers where key != "delete" {
            if key != "rootfs", ConfigSchema.isVolumeKey(key), let old = main.rawValue(key),
                let oldVol = VolumeInfo.volume(key: key, value: old), VolumeInfo.isStorageVolume(oldVol)
            {
                // `apply_pending_mountpoint`: the old volume is listed as unused (same in-use quirk).
                main.setRawValue(value, for: key)
                pending.remove(key)
                try main.addUnusedVolume(oldVol.utf8String)
                continue
            }
            main.setRawValue(value, for: key)
            pending.remove(key)
        }
        if let d = pending.descriptionBytes {
            main.descriptionBytes = d
            pending.descriptionBytes = nil
        }
        if let e = pending.environmentBytes {
            main.environmentBytes = e
            pending.environmentBytes = nil
        }
        if !pending.lxc.isEmpty {
            main.lxc = pending.lxc
            pending.lxc = []
        }
    }

    /// The config with pending changes taken in (Proxmox: `load_current_config` without
    /// `current`): queued values replace the main ones, queued deletions remove them.
    public var withPendingApplied: ConfigSection {
        var s = main
        for (key, value) in pending.rawMembers where key != "delete" { s.setRawValue(value, for: key) }
        if let d = pending.descriptionBytes { s.descriptionBytes = d }
        if let e = pending.environmentBytes { s.environmentBytes = e }
        if !pending.lxc.isEmpty { s.lxc = pending.lxc }
        for deletion in pendingDeletions where ByteText.isPerlTrue(rawMember(s, deletion.key)) {
            s.remove(deletion.key)
        }
        return s
    }

    private func rawMember(_ s: ConfigSection, _ key: String) -> [UInt8]? {
        switch key {
        case "description": return s.descriptionBytes
        case "env": return s.environmentBytes
        default: return s.rawValue(key)
        }
    }
}

extension ContainerConfig {
    /// Sets a key the way `pct set` does on a stopped container (Proxmox: `update_pct_config`
    /// followed by `vmconfig_apply_pending` for that key): validated, `unprivileged` is read-only,
    /// volume keys need `protection` off; a queued pending value or deletion of the key is consumed.
    /// A replaced volume mount point's old volume becomes `unusedN` (dropped again by the writer
    /// while still mounted).
    public mutating func setApplying(_ key: String, to value: String, vmid: String = "100") throws(ConfigEditError) {
        if key == "unprivileged" { throw ConfigEditError(key: key, message: "unable to modify read-only option: 'unprivileged'") }
        if ConfigSchema.isVolumeKey(key) {
            do throws(ConfigOperationError) {
                try checkProtection("can't update CT \(vmid) drive '\(key)'")
            } catch {
                throw ConfigEditError(key: key, message: error.message)
            }
        }
        var c = self
        let old = c.main.rawValue(key)
        try c.set(key, to: Self.apiNormalized(key, value), in: .main)
        c.revertPending(key)
        if key != "rootfs", ConfigSchema.isVolumeKey(key), let old, let oldVol = VolumeInfo.volume(key: key, value: old),
            VolumeInfo.isStorageVolume(oldVol)
        {
            do throws(ConfigOperationError) {
                try c.main.addUnusedVolume(oldVol.utf8String)
            } catch {
                throw ConfigEditError(key: key, message: error.message)
            }
        }
        self = c
    }

    /// Deletes a key the way `pct set --delete` does on a stopped container: returns Proxmox's
    /// warning when the key is not set; refuses required and read-only keys and protected volumes;
    /// a deleted volume mount point's volume becomes `unusedN`.
    @discardableResult
    public mutating func deleteApplying(_ key: String, vmid: String = "100") throws(ConfigEditError) -> String? {
        var c = self
        if key.hasPrefix("lxc.") {
            c.remove(key, from: .main)
            self = c
            return nil
        }
        if let warning = try c.queuePendingDeletion(key, vmid: vmid) { return warning }
        if ConfigSchema.isVolumeKey(key), key != "rootfs", let v = c.main.rawValue(key),
            let vol = VolumeInfo.volume(key: key, value: v), VolumeInfo.isStorageVolume(vol)
        {
            do throws(ConfigOperationError) {
                try c.main.addUnusedVolume(vol.utf8String)
            } catch {
                throw ConfigEditError(key: key, message: error.message)
            }
        }
        c.main.remove(key)
        c.pending.remove(key)
        c.removePendingDeletion(key)
        self = c
        return nil
    }
}
