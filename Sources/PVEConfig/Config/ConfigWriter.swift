import Glibc
import PVECore

/// Why Proxmox's writer refuses a config.
public struct ConfigWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key involved.
    public var key: String
    /// Proxmox's message (e.g. `detected invalid newline inside property 'hostname'`).
    public var message: String
    public var description: String { message }
}

/// Writes configs the way Proxmox does.
///
/// Proxmox: `PVE::LXC::Config::write_pct_config`.
public enum ConfigWriter {
    /// The canonical bytes of `config`: description first, sorted keys, `lxc.environment.runtime`
    /// and `lxc.*` lines, then `[pve:pending]` and the snapshots in name order. Like Proxmox, drops
    /// the main section's `snapstate` and the `unusedN` entries whose volume is still in use.
    public static func write(_ config: ContainerConfig) throws(ConfigWriteError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try write(config, into: &out)
        return out
    }

    /// Appends the canonical bytes of `config` to `out`; when the writer refuses the config,
    /// `out` is left as it was (Proxmox writes nothing then).
    public static func write(_ config: ContainerConfig, into out: inout [UInt8]) throws(ConfigWriteError) {
        let mark = out.count
        do throws(ConfigWriteError) {
            try appendCanonical(config, to: &out)
        } catch {
            out.removeSubrange(mark...)
            throw error
        }
    }

    private static func appendCanonical(_ config: ContainerConfig, to out: inout [UInt8]) throws(ConfigWriteError) {
        // Proxmox's order of failures: the main section's lines, then the `pending` hash, the
        // pending section, the `snapshots` hash and the snapshots.
        try writeSection(config.main, dropping: droppedMainMembers(config.main), into: &out)
        try refuseClobberedHash("pending", in: config.main)
        if !config.pending.isEmpty {
            out.append(contentsOf: "\n[pve:pending]\n".utf8)
            try writeSection(config.pending, into: &out)
        }
        try refuseClobberedHash("snapshots", in: config.main)
        for i in 0..<config.snapshots.count {
            out.append(ASCII.newline)
            out.append(ASCII.openBracket)
            var name = config.snapshots.name(at: i)
            name.withUTF8 { out.append(contentsOf: $0) }
            out.append(ASCII.closeBracket)
            out.append(ASCII.newline)
            try writeSection(config.snapshots[sectionAt: i], into: &out)
        }
    }

    /// A plain `pending`/`snapshots` member of the main section stands for the parser's hash of
    /// that name, which Proxmox's writer then cannot walk.
    private static func refuseClobberedHash(_ name: StaticString, in main: ConfigSection) throws(ConfigWriteError) {
        // It is one of the few members the writer skips.
        guard let value = main.skippedMemberValue(name) else { return }
        let key = name.description
        throw ConfigWriteError(key: key, message: "Can't use string (\"\(value.utf8String)\") as a HASH ref while \"strict refs\" in use")
    }

    /// The canonical text of `config` (see `write(_:)`).
    public static func text(_ config: ContainerConfig) throws(ConfigWriteError) -> String {
        try write(config).utf8String
    }

    /// Writes one section; `dropped` are indices of members left out (sorted, usually none).
    static func writeSection(_ s: ConfigSection, dropping dropped: [Int] = [], into out: inout [UInt8]) throws(ConfigWriteError) {
        if let d = s.descriptionBytes, ByteText.isPerlTrue(d) {
            writeDescription(d, into: &out)
        }
        try writeMembers(s, dropping: dropped, into: &out)
        if let env = s.environmentBytes, ByteText.isPerlTrue(env) {
            for item in perlSplit(env, separator: 0) {
                out.append(contentsOf: "lxc.environment.runtime: ".utf8)
                out.append(contentsOf: item)
                out.append(ASCII.newline)
            }
        }
        // A plain `lxc` member stands for the raw list.
        if let v = s.skippedMemberValue("lxc"), ByteText.isPerlTrue(v) {
            throw ConfigWriteError(
                key: "lxc", message: "Can't use string (\"\(v.utf8String)\") as an ARRAY ref while \"strict refs\" in use")
        }
        for entry in s.lxc where entry.key != "lxc.environment.runtime" {
            appendUTF8(entry.key, to: &out)
            out.append(ASCII.colon)
            out.append(ASCII.space)
            out.append(contentsOf: entry.valueBytes)
            out.append(ASCII.newline)
        }
    }

    @inline(__always)
    static func appendUTF8(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    /// `#<encoded line>` for every piece of `split(/\n/, $description)`: the pieces between
    /// newlines, trailing empty pieces dropped.
    static func writeDescription(_ d: [UInt8], into out: inout [UInt8]) {
        d.withUnsafeBufferPointer { text in
            guard let base = text.baseAddress else { return }
            var end = text.count
            while end > 0 && text[end - 1] == ASCII.newline { end -= 1 }
            var start = 0
            while start < end {
                var lineEnd = end
                if let nl = memchr(base + start, Int32(ASCII.newline), end - start) {
                    lineEnd = UnsafePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - base
                }
                out.append(ASCII.hash)
                DescriptionCoding.encode(buffer: UnsafeBufferPointer(rebasing: text[start..<lineEnd]), into: &out)
                out.append(ASCII.newline)
                start = lineEnd + 1
            }
        }
    }

    /// Perl's `split(/X+/)` / `split(/X/)` semantics for the writer: pieces between separators,
    /// trailing empty pieces dropped. With `separator: 0` runs of NULs count as one separator
    /// (`split(/\0+/)`); newlines split one by one (`split(/\n/)`).
    static func perlSplit(_ bytes: [UInt8], separator: UInt8) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        let collapse = separator == 0
        while i < bytes.count {
            if bytes[i] == separator {
                pieces.append(bytes[start..<i])
                i += 1
                if collapse { while i < bytes.count && bytes[i] == separator { i += 1 } }
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(bytes[start..<bytes.count])
        while let last = pieces.last, last.isEmpty { pieces.removeLast() }
        return pieces
    }

    /// The `key: value` lines of the ordinary members in key order, except `dropped` (sorted
    /// indices). Each member is stored as its line already, so runs of adjacent stored lines are
    /// copied at once.
    static func writeMembers(_ s: ConfigSection, dropping dropped: [Int], into out: inout [UInt8]) throws(ConfigWriteError) {
        let entries = s.entries
        if s.mayHoldNewline {
            for (i, e) in entries.enumerated() where !e.writerSkips && !dropped.contains(i) {
                if s.value(of: e).contains(ASCII.newline) {
                    let key = s.key(of: e)
                    throw ConfigWriteError(key: key, message: "detected invalid newline inside property '\(key)'")
                }
            }
        }
        s.withBuffers { src, sto in
            var run = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            var runInSource = false
            var runEnd = -1
            var nextDropped = 0
            for i in entries.indices {
                let e = entries[i]
                if nextDropped < dropped.count && dropped[nextDropped] == i {
                    nextDropped += 1
                    continue
                }
                if e.writerSkips { continue }
                if e.start == runEnd && e.inSource == runInSource {
                    run = UnsafeBufferPointer(start: run.baseAddress, count: run.count + (e.end + 1 - e.start))
                    runEnd = e.end + 1
                    continue
                }
                if !run.isEmpty { out.append(contentsOf: run) }
                let bytes = e.inSource ? src : sto
                run = UnsafeBufferPointer(rebasing: bytes[e.start...e.end])
                runInSource = e.inSource
                runEnd = e.end + 1
            }
            if !run.isEmpty { out.append(contentsOf: run) }
        }
    }

    /// Indices of the main-section members the writer drops: `snapstate`, and members starting
    /// with `unused` whose value is a volume ID still used by `rootfs`/`mpN` (Proxmox: the
    /// `get_vm_volumes` clean-up in `write_pct_config`).
    static func droppedMainMembers(_ s: ConfigSection) -> [Int] {
        var dropped: [Int] = []
        if let i = s.entryIndex(of: "snapstate") { dropped.append(i) }
        // Most sections have no key starting with `unused` (the first six bytes of the prefix), and
        // a volume still in use must occur in some `rootfs`/`mpN` value before it is worth parsing
        // them.
        let unused: UInt64 = 0x75_6E_75_73_65_64 << 16
        guard s.entries.contains(where: { $0.prefix & ~0xFFFF == unused }) else { return dropped }
        let candidates = s.withBuffers { src, sto -> [Int] in
            var volumeValues: [UnsafeBufferPointer<UInt8>] = []
            for e in s.entries {
                let store = e.inSource ? src : sto
                let first = store[e.start]
                guard first == UInt8(ascii: "r") || first == UInt8(ascii: "m") else { continue }
                let key = UnsafeBufferPointer(rebasing: store[e.start..<(e.valueStart - 2)])
                if let format = ConfigSchema.kind(forBytes: key)?.format, format == .rootfs || format == .mountPoint {
                    volumeValues.append(UnsafeBufferPointer(rebasing: store[e.valueStart..<e.end]))
                }
            }
            var candidates: [Int] = []
            for (i, e) in s.entries.enumerated() where e.prefix & ~0xFFFF == unused {
                let store = e.inSource ? src : sto
                let value = UnsafeBufferPointer(rebasing: store[e.valueStart..<e.end])
                if !value.isEmpty && volumeValues.contains(where: { occurs(value, in: $0) }) { candidates.append(i) }
            }
            return candidates
        }
        guard !candidates.isEmpty else { return dropped }
        let used = Set(VolumeInfo.usedVolumeIDs(s))
        for i in candidates where used.contains(Array(s.value(of: s.entries[i]))) {
            dropped.append(i)
        }
        return dropped.sorted()
    }

    /// Whether `needle` (not empty) occurs in `haystack`.
    private static func occurs(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard needle.count <= haystack.count, let n = needle.baseAddress, let h = haystack.baseAddress else { return false }
        let last = haystack.count - needle.count
        var i = 0
        while i <= last {
            guard let hit = memchr(h + i, Int32(n[0]), last - i + 1) else { return false }
            i = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - h
            if memcmp(h + i, n, needle.count) == 0 { return true }
            i += 1
        }
        return false
    }
}
