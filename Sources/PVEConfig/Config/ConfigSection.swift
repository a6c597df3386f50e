import Glibc
import PVECore

/// One raw `lxc.*` line of a section (Proxmox keeps them as an ordered list of `[key, value]`).
public struct LXCEntry: Sendable, Hashable {
    /// The key, e.g. `lxc.idmap`.
    public var key: String
    /// The value bytes (usually UTF-8).
    public var valueBytes: [UInt8]
    /// The value as a string (invalid UTF-8 repaired).
    public var value: String {
        get { valueBytes.utf8String }
        set { valueBytes = Array(newValue.utf8) }
    }
    /// An entry with a text value.
    public init(key: String, value: String) {
        self.key = key
        self.valueBytes = Array(value.utf8)
    }
    /// An entry with raw value bytes.
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
    /// Where one ordinary member lives: the bytes `key: value\n`, i.e. already the line the
    /// canonical writer prints, either in `source` (a line read as it is, not copied) or in
    /// `storage` (values set in code or normalised by the reader). Writing copies whole runs of
    /// adjacent lines.
    struct Entry: Sendable {
        /// The first 8 key bytes, big-endian and zero-padded: orders most keys without a byte loop.
        var prefix: UInt64
        /// Offset of the key.
        var start: Int
        /// Offset of the value (the key is `start..<valueStart - 2`, followed by `: `).
        var valueStart: Int
        /// Offset of the value's end (the `\n` that ends the stored line).
        var end: Int
        /// The line the member was read from (for duplicate-key notices), 0 when set in code.
        var line: Int
        /// Whether the canonical writer leaves this member out (`description`, `env`, `digest`, …).
        var writerSkips: Bool
        /// Whether the offsets are into `source` rather than `storage`.
        var inSource: Bool

        var keyCount: Int { valueStart - 2 - start }
    }

    /// Ordinary members sorted by key bytes (the order the writer emits them).
    private(set) var entries: [Entry] = []
    /// The bytes of the file the section was read from (shared by the sections of one read and
    /// never changed); empty for sections built in code.
    private(set) var source: [UInt8] = []
    /// `key: value\n` of the members not in `source` (plus dead bytes of replaced values).
    private(set) var storage: [UInt8] = []
    /// Whether some member is one the writer skips (then `skippedMemberValue` looks).
    private(set) var hasSkippedMembers = false
    /// Whether some member value contains a newline (only possible when set in code): the writer
    /// then checks each value, as Proxmox refuses them.
    private(set) var mayHoldNewline = false
    /// The `description` member as UTF-8 bytes (already decoded from `#` lines), if set.
    public var descriptionBytes: [UInt8]?
    /// The `env` member as bytes (items separated by NUL), if set.
    public var environmentBytes: [UInt8]?
    /// The raw `lxc.*` entries in file order (without `lxc.environment.runtime`).
    public var lxc: [LXCEntry] = []

    /// An empty section.
    public init() {}

    public static func == (a: ConfigSection, b: ConfigSection) -> Bool {
        guard a.entries.count == b.entries.count, a.descriptionBytes == b.descriptionBytes,
            a.environmentBytes == b.environmentBytes, a.lxc == b.lxc
        else { return false }
        for (x, y) in zip(a.entries, b.entries) {
            // Key and value together: `key: value` spans start..<end.
            guard x.valueStart - x.start == y.valueStart - y.start, a.line(of: x).elementsEqual(b.line(of: y)) else { return false }
        }
        return true
    }

    public func hash(into h: inout Hasher) {
        h.combine(entries.count)
        for e in entries {
            h.combine(e.valueStart - e.start)
            h.combine(e.end - e.start)
            for b in line(of: e) { h.combine(b) }
        }
        h.combine(descriptionBytes)
        h.combine(environmentBytes)
        h.combine(lxc)
    }

    /// Whether Proxmox would consider the section hash empty (`keys %$section == 0`).
    public var isEmpty: Bool { entries.isEmpty && descriptionBytes == nil && environmentBytes == nil && lxc.isEmpty }

    /// The ordinary member keys, sorted.
    public var keys: [String] { entries.map(key(of:)) }

    /// Number of ordinary members.
    public var count: Int { entries.count }

    /// The bytes of `e` from its key to the end of its value (`key: value`).
    func line(of e: Entry) -> ArraySlice<UInt8> { e.inSource ? source[e.start..<e.end] : storage[e.start..<e.end] }

    /// The value bytes of `e`.
    func value(of e: Entry) -> ArraySlice<UInt8> { e.inSource ? source[e.valueStart..<e.end] : storage[e.valueStart..<e.end] }

    func key(of e: Entry) -> String {
        let k = e.inSource ? source[e.start..<(e.valueStart - 2)] : storage[e.start..<(e.valueStart - 2)]
        return String(decoding: k, as: UTF8.self)
    }

    /// Calls `body` with both byte buffers (`source`, `storage`), valid only inside `body`.
    @inline(__always)
    func withBuffers<R, E: Error>(
        _ body: (_ source: UnsafeBufferPointer<UInt8>, _ storage: UnsafeBufferPointer<UInt8>) throws(E) -> R
    ) throws(E) -> R {
        try source.withUnsafeBufferPointer { (src) throws(E) -> R in
            try storage.withUnsafeBufferPointer { (sto) throws(E) -> R in try body(src, sto) }
        }
    }

    // MARK: Key order and lookup

    /// The first 8 bytes of `key`, big-endian, zero-padded.
    @inline(__always)
    /// `readable`: how many bytes from the key's start may be read (at least the key's length);
    /// with eight or more the key is loaded at once.
    static func prefix(_ key: UnsafeBufferPointer<UInt8>, readable: Int = 0) -> UInt64 {
        guard let base = key.baseAddress else { return 0 }
        // One little-endian load, the bytes past the key cleared, then big-endian order.
        let word =
            readable >= 8
            ? UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)) : ByteWords.word(key, from: 0)
        let n = key.count
        return (n >= 8 ? word : word & ((1 &<< UInt64(8 * n)) &- 1)).byteSwapped
    }

    /// Three-way byte order of the stored key of `e` against `key`.
    @inline(__always)
    private static func compare(
        _ e: Entry, _ src: UnsafeBufferPointer<UInt8>, _ sto: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>,
        _ prefix: UInt64
    ) -> Int {
        if e.prefix != prefix { return e.prefix < prefix ? -1 : 1 }
        let store = e.inSource ? src : sto
        let n = e.keyCount
        // Equal prefixes mean equal first min(8, length) bytes (zero padding can make `ab` and
        // `ab\0` look alike; the lengths then decide).
        let common = Swift.min(n, key.count)
        if common > 8, let a = store.baseAddress, let b = key.baseAddress {
            let c = memcmp(a + e.start + 8, b + 8, common - 8)
            if c != 0 { return Int(c) }
        }
        return n - key.count
    }

    /// Position of `key` in `entries` (found) or where it would be inserted.
    private static func index(
        of key: UnsafeBufferPointer<UInt8>, prefix: UInt64, in entries: [Entry], _ src: UnsafeBufferPointer<UInt8>,
        _ sto: UnsafeBufferPointer<UInt8>
    ) -> (found: Bool, at: Int) {
        SortedPosition.find(count: entries.count) { compare(entries[$0], src, sto, key, prefix) }
    }

    private func index(ofBytes key: UnsafeBufferPointer<UInt8>) -> (found: Bool, at: Int) {
        withBuffers { Self.index(of: key, prefix: Self.prefix(key), in: entries, $0, $1) }
    }

    private func index(of key: String) -> (found: Bool, at: Int) {
        Bytes.withBytes(key) { index(ofBytes: $0) }
    }

    /// Index in `entries` of the member `key`, if set.
    func entryIndex(of key: StaticString) -> Int? {
        let (found, i) = index(ofBytes: Bytes.buffer(key))
        return found ? i : nil
    }

    /// The value of a member the writer skips (`lxc`, `digest`, `snapshots`, …), found among
    /// the few such members instead of by a key search; nil when not set.
    func skippedMemberValue(_ key: StaticString) -> [UInt8]? {
        guard hasSkippedMembers else { return nil }
        let k = Bytes.buffer(key)
        for e in entries where e.writerSkips && e.keyCount == k.count {
            let matches = withBuffers { src, sto in
                let bytes = e.inSource ? src : sto
                return UnsafeBufferPointer(rebasing: bytes[e.start..<(e.valueStart - 2)]).elementsEqual(k)
            }
            if matches { return Array(value(of: e)) }
        }
        return nil
    }

    // MARK: Raw access

    /// The raw bytes of an ordinary member.
    public func rawValue(_ key: String) -> [UInt8]? {
        let (found, i) = index(of: key)
        return found ? Array(value(of: entries[i])) : nil
    }

    /// Sets (or with nil removes) an ordinary member's raw bytes, without any check.
    public mutating func setRawValue(_ value: [UInt8]?, for key: String) {
        if let value {
            Bytes.withBytes(key) { k in value.withUnsafeBufferPointer { _ = setRaw(key: k, value: $0, line: 0) } }
        } else {
            let (found, i) = index(of: key)
            if found { entries.remove(at: i) }
        }
    }

    /// Prepares a section the reader fills from `source` (the whole file).
    mutating func start(reading source: [UInt8]) {
        self.source = source
        entries.reserveCapacity(24)
    }

    /// Stores `value` for `key` (read from `line`, 0 when set in code); returns the line the key
    /// was set from before (0 when set in code), or nil when it was not set.
    @discardableResult
    mutating func setRaw(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int) -> Int? {
        if !mayHoldNewline, let base = value.baseAddress, memchr(base, Int32(ASCII.newline), value.count) != nil {
            mayHoldNewline = true
        }
        compactIfWasteful()
        let start = storage.count
        storage.append(contentsOf: key)
        storage.append(ASCII.colon)
        storage.append(ASCII.space)
        storage.append(contentsOf: value)
        storage.append(ASCII.newline)
        return place(start: start, key: key, line: line)
    }

    /// `setRaw(key:value:line:)` for a line of `source` that is already `key: value\n` (one
    /// space, no trailing blanks): the member points into the source, nothing is copied. `key`
    /// is the key's bytes in the caller's view of `source`. `ordinary`: the caller knows the key
    /// is not one the writer skips (the reader's common line), so it is not looked at for that.
    @discardableResult @inline(__always)
    mutating func setRaw(
        sourceLine start: Int, key: UnsafeBufferPointer<UInt8>, end: Int, line: Int, ordinary: Bool = false
    ) -> Int? {
        let entry = Entry(
            prefix: Self.prefix(key, readable: end - start), start: start, valueStart: start + key.count + 2, end: end,
            line: line, writerSkips: false, inSource: true)
        return place(entry, key: key, ordinary: ordinary)
    }

    /// Files the member whose `key: value\n` was just appended at `start` of `storage`.
    private mutating func place(start: Int, key: UnsafeBufferPointer<UInt8>, line: Int) -> Int? {
        let entry = Entry(
            prefix: Self.prefix(key), start: start, valueStart: start + key.count + 2, end: storage.count - 1, line: line,
            writerSkips: false, inSource: false)
        return place(entry, key: key)
    }

    /// Files `entry` (spelling `key`) by its key; returns the line the key was set from before
    /// (0 when set in code), or nil when it was not set.
    /// (`ordinary`: see `setRaw(sourceLine:key:end:line:ordinary:)`.)
    @inline(__always)
    private mutating func place(_ entry: Entry, key: UnsafeBufferPointer<UInt8>, ordinary: Bool = false) -> Int? {
        var entry = entry
        // Files are usually sorted: a key whose first bytes sort after the last key's goes last
        // without looking at any stored bytes.
        let count = entries.count
        if count == 0 || entries.withUnsafeBufferPointer({ $0[count - 1].prefix }) < entry.prefix {
            if !ordinary { markIfWriterSkips(&entry, key) }
            entries.append(entry)
            return nil
        }
        return placeAmongOthers(entry, key: key, ordinary: ordinary)
    }

    /// `place` for a key that does not sort after every other one.
    private mutating func placeAmongOthers(_ entry: Entry, key: UnsafeBufferPointer<UInt8>, ordinary: Bool) -> Int? {
        var entry = entry
        // Through the arrays themselves: a call on `self` here would copy the section.
        let (found, i) = source.withUnsafeBufferPointer { src in
            storage.withUnsafeBufferPointer { sto in Self.index(of: key, prefix: entry.prefix, in: entries, src, sto) }
        }
        if found {
            let previous = entries[i].line
            entries[i].start = entry.start
            entries[i].valueStart = entry.valueStart
            entries[i].end = entry.end
            entries[i].line = entry.line
            entries[i].inSource = entry.inSource
            return previous
        }
        if !ordinary { markIfWriterSkips(&entry, key) }
        if i == entries.count { entries.append(entry) } else { entries.insert(entry, at: i) }
        return nil
    }

    private mutating func markIfWriterSkips(_ entry: inout Entry, _ key: UnsafeBufferPointer<UInt8>) {
        entry.writerSkips = Self.writerSkips(key)
        if entry.writerSkips { hasSkippedMembers = true }
    }

    /// Drops the bytes of replaced values once they dominate the storage.
    @inline(__always)
    private mutating func compactIfWasteful() {
        if storage.count > 4096 && storage.count > 4 * liveBytes { compact() }
    }

    /// Members the section generator never prints as `key: value`: `description`, `digest`,
    /// `env`, `lxc`, `pending`, `snapname`, `snapshots`.
    static func writerSkips(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = key.first else { return false }
        switch (key.count, first) {
        case (3, UInt8(ascii: "e")): return Bytes.equals(key, "env")
        case (3, UInt8(ascii: "l")): return Bytes.equals(key, "lxc")
        case (6, UInt8(ascii: "d")): return Bytes.equals(key, "digest")
        case (7, UInt8(ascii: "p")): return Bytes.equals(key, "pending")
        case (8, UInt8(ascii: "s")): return Bytes.equals(key, "snapname")
        case (9, UInt8(ascii: "s")): return Bytes.equals(key, "snapshots")
        case (11, UInt8(ascii: "d")): return Bytes.equals(key, "description")
        default: return false
        }
    }

    private var liveBytes: Int { entries.reduce(0) { $0 + ($1.inSource ? 0 : $1.end + 1 - $1.start) } }

    private mutating func compact() {
        var fresh: [UInt8] = []
        fresh.reserveCapacity(liveBytes)
        for i in entries.indices where !entries[i].inSource {
            let e = entries[i]
            let start = fresh.count
            fresh.append(contentsOf: storage[e.start...e.end])
            entries[i].start = start
            entries[i].valueStart = start + (e.valueStart - e.start)
            entries[i].end = start + (e.end - e.start)
        }
        storage = fresh
    }

    /// Calls `body` with every ordinary member's key and value bytes in key order, without copying
    /// (the buffers are valid only inside `body`).
    func forEachRawBuffer<E: Error>(
        _ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) throws(E) -> Void
    ) throws(E) {
        try withBuffers { (src, sto) throws(E) in
            for e in entries {
                let buf = e.inSource ? src : sto
                try body(UnsafeBufferPointer(rebasing: buf[e.start..<(e.valueStart - 2)]), UnsafeBufferPointer(rebasing: buf[e.valueStart..<e.end]))
            }
        }
    }

    /// Whether the member `key` holds exactly `value`.
    func rawValueEquals(_ key: String, _ value: [UInt8]) -> Bool {
        let (found, i) = index(of: key)
        return found && self.value(of: entries[i]).elementsEqual(value)
    }

    // MARK: String access

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
        entries.map { (key(of: $0), value(of: $0).utf8String) }
    }

    /// All ordinary members in key order, as bytes.
    public var rawMembers: [(key: String, value: [UInt8])] {
        entries.map { (key(of: $0), Array(value(of: $0))) }
    }

    /// Removes all ordinary members whose key satisfies `predicate`.
    public mutating func removeAll(where predicate: (String) -> Bool) {
        let section = self
        entries.removeAll { predicate(section.key(of: $0)) }
    }
}
