/// One raw `lxc.*` line of a section (Proxmox keeps them as an ordered list of `[key, value]`).
public struct LXCEntry: Sendable, Hashable {
    public var key: String
    /// The value bytes (usually UTF-8).
    public var valueBytes: [UInt8]
    /// The value as a string (invalid UTF-8 repaired).
    public var value: String {
        get { valueBytes.utf8String }
        set { valueBytes = Array(newValue.utf8) }
    }
    public init(key: String, value: String) {
        self.key = key
        self.valueBytes = Array(value.utf8)
    }
    public init(key: String, valueBytes: [UInt8]) {
        self.key = key
        self.valueBytes = valueBytes
    }
}

/// One section of a container config: the main section, `[pve:pending]` or a `[snapshot]`.
///
/// Mirrors the hash Proxmox builds per section in `PVE::LXC::Config::parse_pct_config`: ordinary
/// members (`key: value`), the `description` assembled from `#` lines, the `env` joined from
/// `lxc.environment.runtime` lines, and the ordered raw `lxc.*` list. Values are kept as bytes so
/// that any file round-trips exactly; the `String` accessors decode UTF-8.
public struct ConfigSection: Sendable, Hashable {
    /// Ordinary members sorted by key (byte order, as the writer emits them); values are ranges
    /// of `storage`, so reading a section allocates one buffer instead of one array per value.
    private var entries: [(key: String, prefix: UInt64, start: Int, end: Int)] = []
    private var storage: [UInt8] = []
    /// The `description` member as UTF-8 bytes (already decoded from `#` lines), if set.
    public var descriptionBytes: [UInt8]?
    /// The `env` member as bytes (items separated by NUL), if set.
    public var environmentBytes: [UInt8]?
    /// The raw `lxc.*` entries in file order (without `lxc.environment.runtime`).
    public var lxc: [LXCEntry] = []

    public init() {}

    public static func == (a: ConfigSection, b: ConfigSection) -> Bool {
        guard a.entries.count == b.entries.count, a.descriptionBytes == b.descriptionBytes,
            a.environmentBytes == b.environmentBytes, a.lxc == b.lxc
        else { return false }
        for (x, y) in zip(a.entries, b.entries) {
            guard x.key == y.key, a.storage[x.start..<x.end].elementsEqual(b.storage[y.start..<y.end]) else { return false }
        }
        return true
    }

    public func hash(into h: inout Hasher) {
        h.combine(entries.count)
        for e in entries {
            h.combine(e.key)
            h.combine(e.end - e.start)
            for b in storage[e.start..<e.end] { h.combine(b) }
        }
        h.combine(descriptionBytes)
        h.combine(environmentBytes)
        h.combine(lxc)
    }

    /// Whether Proxmox would consider the section hash empty (`keys %$section == 0`).
    public var isEmpty: Bool { entries.isEmpty && descriptionBytes == nil && environmentBytes == nil && lxc.isEmpty }

    /// The ordinary member keys, sorted.
    public var keys: [String] { entries.map(\.key) }

    /// Number of ordinary members.
    public var count: Int { entries.count }

    /// The first 8 bytes of a key, big-endian: comparing these orders most keys without
    /// looking at the strings.
    @inline(__always)
    static func prefix(_ key: String) -> UInt64 {
        var p: UInt64 = 0
        var n = 0
        for b in key.utf8 {
            if n == 8 { break }
            p = p << 8 | UInt64(b)
            n += 1
        }
        return n == 8 ? p : p << UInt64(8 * (8 - n))
    }

    @inline(__always)
    private static func compare(_ e: (key: String, prefix: UInt64, start: Int, end: Int), _ key: String, _ prefix: UInt64) -> Int {
        if e.prefix != prefix { return e.prefix < prefix ? -1 : 1 }
        return ByteText.compare(e.key, key)
    }

    @inline(__always)
    private func index(of key: String) -> (found: Bool, at: Int) {
        index(of: key, prefix: Self.prefix(key))
    }

    private func index(of key: String, prefix: UInt64) -> (found: Bool, at: Int) {
        // Files are usually sorted already: check the end first.
        guard let last = entries.last else { return (false, 0) }
        let c = Self.compare(last, key, prefix)
        if c < 0 { return (false, entries.count) }
        if c == 0 { return (true, entries.count - 1) }
        var lo = 0
        var hi = entries.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = Self.compare(entries[mid], key, prefix)
            if c == 0 { return (true, mid) }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }

    /// The raw bytes of an ordinary member.
    public func rawValue(_ key: String) -> [UInt8]? {
        let (found, i) = index(of: key)
        return found ? Array(storage[entries[i].start..<entries[i].end]) : nil
    }

    /// Sets (or with nil removes) an ordinary member's raw bytes, without any check.
    public mutating func setRawValue(_ value: [UInt8]?, for key: String) {
        if let value {
            value.withUnsafeBufferPointer { _ = setRaw(key, $0) }
        } else {
            let (found, i) = index(of: key)
            if found { entries.remove(at: i) }
        }
    }

    /// Reserves room for a typical section (reader).
    mutating func reserve() {
        entries.reserveCapacity(24)
        storage.reserveCapacity(512)
    }

    /// Stores `value` for `key`; returns whether the key was already set.
    @discardableResult
    mutating func setRaw(_ key: String, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        if storage.count > 4096 && storage.count > 4 * liveBytes { compact() }
        let start = storage.count
        storage.append(contentsOf: value)
        let prefix = Self.prefix(key)
        let (found, i) = index(of: key, prefix: prefix)
        if found {
            entries[i].start = start
            entries[i].end = storage.count
        } else if i == entries.count {
            entries.append((key, prefix, start, storage.count))
        } else {
            entries.insert((key, prefix, start, storage.count), at: i)
        }
        return found
    }

    private var liveBytes: Int { entries.reduce(0) { $0 + $1.end - $1.start } }

    private mutating func compact() {
        var fresh: [UInt8] = []
        fresh.reserveCapacity(liveBytes)
        for i in entries.indices {
            let start = fresh.count
            fresh.append(contentsOf: storage[entries[i].start..<entries[i].end])
            entries[i].start = start
            entries[i].end = fresh.count
        }
        storage = fresh
    }

    /// Calls `body` with every ordinary member in key order, without copying values.
    func forEachRaw<E: Error>(_ body: (String, ArraySlice<UInt8>) throws(E) -> Void) throws(E) {
        for e in entries { try body(e.key, storage[e.start..<e.end]) }
    }

    /// `forEachRaw` with each value as a buffer into the section's storage (valid only inside
    /// `body`): no slice, no reference counting per member.
    func forEachRawBuffer<E: Error>(_ body: (String, UnsafeBufferPointer<UInt8>) throws(E) -> Void) throws(E) {
        try storage.withUnsafeBufferPointer { (buf) throws(E) in
            for e in entries { try body(e.key, UnsafeBufferPointer(rebasing: buf[e.start..<e.end])) }
        }
    }

    /// Whether the member `key` holds exactly `value`.
    func rawValueEquals(_ key: String, _ value: [UInt8]) -> Bool {
        let (found, i) = index(of: key)
        return found && storage[entries[i].start..<entries[i].end].elementsEqual(value)
    }

    /// An ordinary member as a string; setting does not validate (use `ContainerConfig.set` for that).
    /// `description` and `env` are members too and are routed to their own storage.
    public subscript(key: String) -> String? {
        get {
            switch key {
            case "description": return description
            case "env": return environment
            default: return rawValue(key)?.utf8String
            }
        }
        set {
            switch key {
            case "description": description = newValue
            case "env": environment = newValue
            default: setRawValue(newValue.map { Array($0.utf8) }, for: key)
            }
        }
    }

    /// Whether Proxmox would see the member as defined.
    public func contains(_ key: String) -> Bool {
        switch key {
        case "description": return descriptionBytes != nil
        case "env": return environmentBytes != nil
        case "lxc": return !lxc.isEmpty || index(of: "lxc").found
        default: return index(of: key).found
        }
    }

    /// Removes a member (ordinary, `description`, `env`).
    public mutating func remove(_ key: String) {
        switch key {
        case "description": descriptionBytes = nil
        case "env": environmentBytes = nil
        default: setRawValue(nil, for: key)
        }
    }

    /// The description (text of the `#` comment lines).
    public var description: String? {
        get { descriptionBytes?.utf8String }
        set { descriptionBytes = newValue.map { Array($0.utf8) } }
    }

    /// The runtime environment (`env`), NUL-separated `NAME=value` items.
    public var environment: String? {
        get { environmentBytes?.utf8String }
        set { environmentBytes = newValue.map { Array($0.utf8) } }
    }

    /// All ordinary members in key order.
    public var members: [(key: String, value: String)] {
        entries.map { ($0.key, storage[$0.start..<$0.end].utf8String) }
    }

    /// All ordinary members in key order, as bytes.
    public var rawMembers: [(key: String, value: [UInt8])] {
        entries.map { ($0.key, Array(storage[$0.start..<$0.end])) }
    }

    /// Removes all ordinary members whose key satisfies `predicate`.
    public mutating func removeAll(where predicate: (String) -> Bool) {
        entries.removeAll { predicate($0.key) }
    }
}
