import Glibc

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
        var main = config.main
        main.remove("snapstate")
        removeUnusedStillInUse(&main)
        for member in ConfigWriter.clobberedHashes {
            if let v = main.rawValue(member) {
                throw ConfigWriteError(
                    key: member,
                    message: "Can't use string (\"\(v.utf8String)\") as a HASH ref while \"strict refs\" in use")
            }
        }
        try writeSection(main, into: &out)
        if !config.pending.isEmpty {
            out.append(contentsOf: "\n[pve:pending]\n".utf8)
            try writeSection(config.pending, into: &out)
        }
        for (name, section) in config.snapshots.sorted(by: { ByteText.less($0.key, $1.key) }) {
            out.append(ConfigASCII.newline)
            out.append(ConfigASCII.openBracket)
            out.append(contentsOf: name.utf8)
            out.append(ConfigASCII.closeBracket)
            out.append(ConfigASCII.newline)
            try writeSection(section, into: &out)
        }
    }

    /// Members that stand for the parser's `pending`/`snapshots` hashes when set as plain keys.
    private static let clobberedHashes = ["pending", "snapshots"]

    /// The canonical text of `config` (see `write(_:)`).
    public static func text(_ config: ContainerConfig) throws(ConfigWriteError) -> String {
        try write(config).utf8String
    }

    static func writeSection(_ s: ConfigSection, into out: inout [UInt8]) throws(ConfigWriteError) {
        if let d = s.descriptionBytes, ByteText.isPerlTrue(d) {
            writeDescription(d, into: &out)
        }
        try writeMembers(s, into: &out)
        if let env = s.environmentBytes, ByteText.isPerlTrue(env) {
            for item in perlSplit(env, separator: 0) {
                out.append(contentsOf: "lxc.environment.runtime: ".utf8)
                out.append(contentsOf: item)
                out.append(ConfigASCII.newline)
            }
        }
        if let v = s.rawValue("lxc"), ByteText.isPerlTrue(v) {
            throw ConfigWriteError(
                key: "lxc", message: "Can't use string (\"\(v.utf8String)\") as an ARRAY ref while \"strict refs\" in use")
        }
        for entry in s.lxc where entry.key != "lxc.environment.runtime" {
            appendUTF8(entry.key, to: &out)
            out.append(ConfigASCII.colon)
            out.append(ConfigASCII.space)
            out.append(contentsOf: entry.valueBytes)
            out.append(ConfigASCII.newline)
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
            while end > 0 && text[end - 1] == ConfigASCII.newline { end -= 1 }
            var start = 0
            while start < end {
                var lineEnd = end
                if let nl = memchr(base + start, Int32(ConfigASCII.newline), end - start) {
                    lineEnd = UnsafePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - base
                }
                out.append(ConfigASCII.hash)
                DescriptionCoding.encode(buffer: UnsafeBufferPointer(rebasing: text[start..<lineEnd]), into: &out)
                out.append(ConfigASCII.newline)
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

    /// The `key: value` lines of the ordinary members in key order. Each member is stored as its
    /// line already, so runs of adjacent stored lines are copied at once.
    static func writeMembers(_ s: ConfigSection, into out: inout [UInt8]) throws(ConfigWriteError) {
        let entries = s.entries
        if s.mayHoldNewline {
            for e in entries where !e.writerSkips && s.storage[e.valueStart..<e.end].contains(ConfigASCII.newline) {
                let key = s.key(of: e)
                throw ConfigWriteError(key: key, message: "detected invalid newline inside property '\(key)'")
            }
        }
        s.storage.withUnsafeBufferPointer { store in
            var runStart = -1
            var runEnd = -1
            for e in entries where !e.writerSkips {
                if e.start == runEnd {
                    runEnd = e.end + 1
                    continue
                }
                if runStart >= 0 { out.append(contentsOf: UnsafeBufferPointer(rebasing: store[runStart..<runEnd])) }
                runStart = e.start
                runEnd = e.end + 1
            }
            if runStart >= 0 { out.append(contentsOf: UnsafeBufferPointer(rebasing: store[runStart..<runEnd])) }
        }
    }

    /// Drops main-section members starting with `unused` whose value is a volume ID still used by
    /// `rootfs`/`mpN` (Proxmox: the `get_vm_volumes` clean-up in `write_pct_config`).
    static func removeUnusedStillInUse(_ s: inout ConfigSection) {
        // Keys are sorted: most sections have no `u…` key at all.
        guard s.entries.contains(where: { $0.prefix >> 56 == UInt64(UInt8(ascii: "u")) }) else { return }
        var unused: [(key: String, value: [UInt8])] = []
        var volumeValues: [[UInt8]] = []
        s.forEachRawBuffer { key, value in
            // Both tests need a particular first byte: skip the other keys at once.
            switch key.first {
            case UInt8(ascii: "u"):
                if key.count >= 6 && Bytes.equals(UnsafeBufferPointer(rebasing: key[0..<6]), "unused") {
                    unused.append((String(decoding: key, as: UTF8.self), Array(value)))
                }
            case UInt8(ascii: "r"), UInt8(ascii: "m"):
                if ConfigSchema.kind(forBytes: key)?.format.map({ $0 == .rootfs || $0 == .mountPoint }) == true {
                    volumeValues.append(Array(value))
                }
            default: break
            }
        }
        guard !unused.isEmpty, !volumeValues.isEmpty else { return }
        // Cheap filter before parsing mount points: a used volume ID occurs in some volume value.
        let candidates = unused.filter { u in !u.value.isEmpty && volumeValues.contains { contains($0[...], u.value) } }
        guard !candidates.isEmpty else { return }
        let used = Set(VolumeInfo.usedVolumeIDs(s))
        for u in candidates where used.contains(u.value) { s.setRawValue(nil, for: u.key) }
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        var i = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
