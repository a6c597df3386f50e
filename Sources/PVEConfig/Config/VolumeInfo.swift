import PVECore
/// Volume facts about `rootfs`/`mpN`/`unusedN` values that the writer and snapshots need.
enum VolumeInfo {
    /// The `volume` of a `rootfs`/`mpN`/`unusedN` value, or nil when the value does not parse
    /// (Proxmox: `parse_volume($key, $value, 1)`).
    static func volume(key: String, value: [UInt8]) -> [UInt8]? {
        let text = value.utf8String
        if key == "rootfs" {
            return (try? MountPoint(parsing: text, kind: .rootfs)).map { Array($0.volume.utf8) }
        }
        if key.hasPrefix("unused") {
            return (try? UnusedVolume(parsing: text)).map { Array($0.volume.utf8) }
        }
        return (try? MountPoint(parsing: text, kind: .mountPoint)).map { Array($0.volume.utf8) }
    }

    /// The `backup` option of a mount point value (nil when the value does not parse).
    static func backupFlag(key: String, value: [UInt8]) -> Bool {
        guard key != "rootfs", let mp = try? MountPoint(parsing: value.utf8String, kind: .mountPoint) else { return false }
        return mp.backup == true
    }

    /// `classify_mountpoint`: a value starting with `/` is a bind mount or device, else a volume.
    static func isStorageVolume(_ volume: [UInt8]) -> Bool {
        volume.first != UInt8(ascii: "/")
    }

    /// `PVE::Storage::parse_volume_id`: `^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$` (any case).
    static func isVolumeID(_ v: [UInt8]) -> Bool {
        guard let colon = v.firstIndex(of: ASCII.colon) else { return false }
        // The storage part cannot contain `:`, so the first colon ends it.
        let sid = v[..<colon]
        guard sid.count >= 2, let first = sid.first, ASCII.isLetter(first), let last = sid.last,
            ASCII.isLetter(last) || ASCII.isDigit(last)
        else { return false }
        for b in sid where !(ASCII.isLetter(b) || ASCII.isDigit(b) || b == ASCII.hyphen || b == ASCII.underscore || b == ASCII.dot) {
            return false
        }
        return colon + 1 < v.count
    }

    /// Volume IDs used by `rootfs` and `mp0`…`mp255` (Proxmox: `get_vm_volumes`).
    static func usedVolumeIDs(_ s: ConfigSection) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for (key, value) in s.rawMembers where ConfigSchema.isVolumeKey(key) {
            guard let vol = volume(key: key, value: value), !vol.isEmpty, isStorageVolume(vol), isVolumeID(vol) else { continue }
            out.append(vol)
        }
        return out
    }

    /// The storage volumes (`type` `volume`) of a section's volume keys in Proxmox's order
    /// (`rootfs`, `mp0`, …; Proxmox: `foreach_volume`).
    static func volumes(of s: ConfigSection) -> [(key: String, volume: String, isStorage: Bool)] {
        var out: [(String, String, Bool)] = []
        if let v = s.rawValue("rootfs"), let vol = volume(key: "rootfs", value: v) {
            out.append(("rootfs", vol.utf8String, isStorageVolume(vol)))
        }
        var mps: [(Int, String, [UInt8])] = []
        for (key, value) in s.rawMembers where key.hasPrefix("mp") {
            guard let (f, n) = ConfigSchema.splitIndexed(key), f == "mp", n < ConfigSchema.maxMountPoints,
                let vol = volume(key: key, value: value)
            else { continue }
            mps.append((n, key, vol))
        }
        mps.sort { $0.0 < $1.0 }
        for (_, key, vol) in mps { out.append((key, vol.utf8String, isStorageVolume(vol))) }
        return out
    }
}
