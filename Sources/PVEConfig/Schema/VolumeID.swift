import PVECore
/// Storage volume identifiers `STORAGE:NAME` (Proxmox: `PVE::Storage::Plugin::parse_volume_id`,
/// format `pve-volume-id`).
public struct VolumeID: Sendable, Hashable, CustomStringConvertible {
    /// The storage ID, e.g. `local-lvm`.
    public var storage: String
    /// The volume name inside the storage, e.g. `vm-100-disk-0`.
    public var name: String

    /// Creates a volume ID from its parts.
    public init(storage: String, name: String) {
        self.storage = storage
        self.name = name
    }

    /// Parses `STORAGE:NAME`: the storage part matches `[a-z][a-z0-9\-_.]*[a-z0-9]`
    /// (case-insensitive), the name is any non-empty text.
    ///
    /// - Throws: `unable to parse volume ID '<v>'`.
    public init(parsing text: String) throws(PropertyStringError) {
        let parts: (String, String)? = Bytes.withBytes(text) { buf in
            VolumeID.split(buf).map {
                (
                    Bytes.string(UnsafeBufferPointer(rebasing: buf[$0.storage])),
                    Bytes.string(UnsafeBufferPointer(rebasing: buf[$0.name]))
                )
            }
        }
        guard let parts else {
            throw PropertyStringError(message: "unable to parse volume ID '\(text)'", offset: 0)
        }
        self.storage = parts.0
        self.name = parts.1
    }

    /// `STORAGE:NAME`.
    public var description: String { storage + ":" + name }

    /// Splits at the colon the Perl regex would use; nil if the text is not a volume ID.
    package static func split(_ s: UnsafeBufferPointer<UInt8>) -> (storage: Range<Int>, name: Range<Int>)? {
        // `[a-z][a-z0-9\-_.]*[a-z0-9]` cannot contain ':', so the first ':' ends the storage.
        guard let colon = s.firstIndex(of: ASCII.colon), colon >= 2 else { return nil }
        guard FormatCheck.isStorageIDText(UnsafeBufferPointer(rebasing: s[..<colon])) else { return nil }
        // `(.+)$`: at least one non-newline byte, newline allowed only as the very last byte.
        let name = Bytes.dollarTrimmed(UnsafeBufferPointer(rebasing: s[(colon + 1)...]))
        guard !name.isEmpty, !name.contains(ASCII.newline) else { return nil }
        return (0..<colon, (colon + 1)..<(colon + 1 + name.count))
    }
}

/// A request to allocate a new volume, written `STORAGE:SIZE` in a mount point's `volume`
/// (Proxmox: `PVE::LXC::$NEW_DISK_RE`, `create_disks`): SIZE is in GiB and may be fractional.
public struct NewVolumeRequest: Sendable, Hashable {
    /// The storage to allocate on.
    public var storage: String
    /// SIZE as written, in GiB.
    public var sizeText: String
    /// The bytes Proxmox allocates: `int(SIZE × 1024) × 1024 × 1024`.
    public var bytes: UInt64

    /// Recognises `STORAGE:SIZE` (`^([^:\s]+):(\d+(\.\d+)?)$` with a valid storage ID); nil otherwise.
    public init?(volume: String) {
        let parsed: (String, String, UInt64)? = Bytes.withBytes(volume) { raw in
            let s = Bytes.dollarTrimmed(raw)
            guard let colon = s.firstIndex(of: ASCII.colon), colon > 0 else { return nil }
            let storage = UnsafeBufferPointer(rebasing: s[..<colon])
            for b in storage where ASCII.isSpace(b) { return nil }
            guard FormatCheck.storageID(storage) == nil else { return nil }
            let size = UnsafeBufferPointer(rebasing: s[(colon + 1)...])
            guard let dot = Self.sizeSyntax(size) else { return nil }
            let mib: UInt64
            if dot == nil {
                let gib = Bytes.digitValue(size)
                mib = gib > UInt64.max >> 30 ? UInt64.max >> 20 : gib * 1024
            } else {
                let gib = Double(Bytes.string(size)) ?? 0
                let m = gib * 1024
                mib = m < 1.7e13 ? UInt64(m) : UInt64.max >> 20  // UInt64(_:) truncates like int()
            }
            return (Bytes.string(storage), Bytes.string(size), mib << 20)
        }
        guard let parsed else { return nil }
        storage = parsed.0
        sizeText = parsed.1
        bytes = parsed.2
    }

    /// `\d+(\.\d+)?`: returns `.some(nil)` for an integer, `.some(index)` for a decimal, nil otherwise.
    private static func sizeSyntax(_ s: UnsafeBufferPointer<UInt8>) -> Int?? {
        var i = 0
        while i < s.count, ASCII.isDigit(s[i]) { i += 1 }
        guard i > 0 else { return nil }
        if i == s.count { return .some(nil) }
        guard s[i] == ASCII.dot else { return nil }
        let dot = i
        i += 1
        guard i < s.count else { return nil }
        while i < s.count, ASCII.isDigit(s[i]) { i += 1 }
        return i == s.count ? .some(dot) : nil
    }
}
