import Glibc
import PVECore

/// How strictly a config is read (Proxmox: the `$strict` argument of `parse_pct_config`).
public enum ConfigReadMode: Sendable, Hashable {
    /// Problems become warnings and the value is handled as Proxmox handles it (the normal path).
    case lenient
    /// The first problem Proxmox's strict reader refuses is thrown.
    case strict
}

/// The result of reading a config: the model and every diagnostic in file order.
public struct ConfigReadResult: Sendable {
    /// The parsed config.
    public var config: ContainerConfig
    /// Warnings and errors, in file order, each with file, line and column.
    public var diagnostics: [ConfigDiagnostic]
}

/// Reads container config files.
///
/// Proxmox: `PVE::LXC::Config::parse_pct_config`.
public enum ConfigReader {
    /// Reads `bytes` as Proxmox does.
    ///
    /// - parameters:
    ///   - bytes: the file's contents.
    ///   - file: the file name used in diagnostics.
    ///   - vmid: the container ID used in Proxmox's messages (`vm <vmid> - …`).
    ///   - mode: `.lenient` collects problems as diagnostics; `.strict` throws the first one
    ///     Proxmox's strict reader refuses.
    ///   - isKnownZone: the host's time-zone names (column 3 of `/usr/share/zoneinfo/zone.tab`)
    ///     for checking `timezone`; nil accepts every zone (the library reads no host files).
    ///   - digest: whether to compute `digest` (SHA-1 of `bytes`); callers that do not need it
    ///     (formatting) can skip the work.
    /// - throws: in strict mode the first refusing diagnostic; in both modes a `.fatal` one.
    public static func read(
        _ bytes: [UInt8], file: String = "", vmid: String = "100", mode: ConfigReadMode = .lenient,
        isKnownZone: (@Sendable (String) -> Bool)? = nil, digest: Bool = true
    ) throws(ConfigDiagnostic) -> ConfigReadResult {
        try read(bytes, file: file, vmid: vmid, mode: mode, isKnownZone: isKnownZone, digest: digest, shortcut: true)
    }

    /// `read` with the short path for common lines switched on or off (tests compare the two).
    static func read(
        _ bytes: [UInt8], file: String, vmid: String, mode: ConfigReadMode, isKnownZone: (@Sendable (String) -> Bool)?,
        digest: Bool, shortcut: Bool
    ) throws(ConfigDiagnostic) -> ConfigReadResult {
        var state = ReaderState(file: file, vmid: vmid, strict: mode == .strict, source: bytes)
        state.isKnownZone = isKnownZone
        state.shortcut = shortcut
        let result: Result<Void, ConfigDiagnostic> = bytes.withUnsafeBufferPointer { b in
            do throws(ConfigDiagnostic) {
                try state.run(b)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        if digest { state.config.digest = SHA1.hex(bytes) }
        // A `digest: …` line in the main section overwrites the member, as in Proxmox.
        if let member = state.config.main.skippedMemberValue("digest") { state.config.digest = member.utf8String }
        // Moved out of the state rather than copied.
        var config = ContainerConfig()
        var diagnostics: [ConfigDiagnostic] = []
        swap(&config, &state.config)
        swap(&diagnostics, &state.diagnostics)
        return ConfigReadResult(config: config, diagnostics: diagnostics)
    }

    /// The VMID Proxmox derives from a config path (`/lxc/(\d+).conf$`), or nil (`got strange filename`).
    public static func vmid(fromPath path: String) -> String? {
        let u = Array(path.utf8)
        guard u.count >= 5 else { return nil }
        // `.conf` with the regex's wildcard `.`: any byte then `conf`.
        guard u.suffix(4).elementsEqual("conf".utf8) else { return nil }
        var i = u.count - 5
        let digitsEnd = i
        while i > 0 && ASCII.isDigit(u[i - 1]) { i -= 1 }
        guard i < digitsEnd, i >= 5, u[(i - 5)..<i].elementsEqual("/lxc/".utf8) else {
            return nil
        }
        return String(decoding: u[i..<digitsEnd], as: UTF8.self)
    }
}

private struct ReaderState {
    let file: String
    let vmid: String
    let strict: Bool
    var isKnownZone: (@Sendable (String) -> Bool)? = nil
    var config = ContainerConfig()
    var diagnostics: [ConfigDiagnostic] = []

    /// Which section the lines go to.
    enum Target { case main, pending, snapshot(String) }
    var target: Target = .main
    var section = ConfigSection()
    var descriptionBuffer: [UInt8] = []
    /// Lines of the section's `description:` and `env:` members (for duplicate notices).
    var descriptionLine = 0
    var environmentLine = 0
    /// Where the next byte ≥ 0x80 or `\r` at or after the last value asked about is (see `isPlain`).
    var nextUnplainByte = -1
    /// Whether common lines take `ordinaryMember` (off only in tests comparing both paths).
    var shortcut = true
    /// Whether a `[pve:pending]` section came before (snapshots: their names in `config.snapshots`).
    var pendingSeen = false

    /// The whole file: canonical lines stay in it instead of being copied.
    let source: [UInt8]

    init(file: String, vmid: String, strict: Bool, source: [UInt8]) {
        self.file = file
        self.vmid = vmid
        self.strict = strict
        self.source = source
    }

    mutating func report(_ kind: ConfigDiagnostic.Kind, _ line: Int, _ column: Int, _ message: String) throws(ConfigDiagnostic) {
        let d = ConfigDiagnostic(kind: kind, file: file, line: line, column: column, message: message)
        if kind == .fatal || (strict && kind == .error) { throw d }
        diagnostics.append(d)
    }

    mutating func closeSection(last: Bool = false) {
        if ByteText.isPerlTrue(descriptionBuffer) {
            // Handed over, not copied: the next description starts a buffer of its own.
            section.descriptionBytes = descriptionBuffer
            descriptionBuffer = []
        } else {
            descriptionBuffer.removeAll(keepingCapacity: true)
        }
        // The section moves into the config; a fresh one takes its place.
        switch target {
        case .main: swap(&config.main, &section)
        case .pending: swap(&config.pending, &section)
        case .snapshot(let name): config.snapshots.take(&section, for: name)
        }
        section = ConfigSection()
        if !last { section.start(reading: source) }
        descriptionLine = 0
        environmentLine = 0
    }

    var inPending: Bool {
        if case .pending = target { return true }
        return false
    }

    mutating func run(_ b: UnsafeBufferPointer<UInt8>) throws(ConfigDiagnostic) {
        let zones = isKnownZone
        section.start(reading: source)
        var lineStart = 0
        var lineNumber = 0
        let n = b.count
        while lineStart < n {
            var lineEnd = n
            if let base = b.baseAddress, let nl = memchr(base + lineStart, Int32(ASCII.newline), n - lineStart) {
                lineEnd = lineStart + (UnsafeRawPointer(nl) - UnsafeRawPointer(base + lineStart))
            }
            lineNumber += 1
            let taken = try shortcut ? ordinaryMember(b, lineStart, lineEnd, lineNumber, zones: zones) : false
            if !taken { try handle(b, lineStart, lineEnd, lineNumber, zones: zones) }
            lineStart = lineEnd + 1
        }
        closeSection(last: true)
        config.main.remove("snapstate")
    }

    /// The common line, handled without classifying it first: `key: value` as Proxmox writes it
    /// (one space after the colon, no trailing blanks, a newline after it) for a key of the schema
    /// that has no storage of its own, with a value stored as it is. Returns false, having done
    /// nothing, for every other line; `handle` then takes it (and reaches the same result for
    /// lines this would have taken).
    @inline(__always)
    mutating func ordinaryMember(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ line: Int, zones: ((String) -> Bool)?
    ) throws(ConfigDiagnostic) -> Bool {
        // `k: v` and a newline after it (the stored line includes it).
        guard end - start >= 4, end < b.count else { return false }
        // Keys starting with `d`, `e` or `l` include `description`, `delete`, `env`, `lxc` and
        // the `lxc.*` lines; a line ending in `prepare` or `delete` might match the unanchored
        // `snapstate` pattern.
        let first = b[start]
        guard first &- UInt8(ascii: "a") < 26, first != UInt8(ascii: "d"), first != UInt8(ascii: "e"),
            first != UInt8(ascii: "l")
        else { return false }
        let last = b[end - 1]
        guard !ASCII.isSpace(last) else { return false }
        // (`snapstate:delete` is the shortest match: 16 bytes.)
        if last == UInt8(ascii: "e"), end - start >= 16,
            ByteText.hasPrefix(b, end - 7, end, "prepare") || ByteText.hasPrefix(b, end - 6, end, "delete")
        {
            return false
        }
        // `[a-z][a-z_]*\d*` then `: ` and a value that does not start with a blank.
        let i = ConfigLineClassifier.keyEnd(b, start, end)
        let valueStart = i + 2
        guard valueStart < end, b[i] == ASCII.colon, b[i + 1] == ASCII.space, !ASCII.isSpace(b[valueStart])
        else { return false }
        let key = UnsafeBufferPointer(rebasing: b[start..<i])
        guard let kind = ConfigSchema.kind(forBytes: key) else { return false }
        let value = valueStart..<end
        guard case .verbatim = ConfigValueCheck.check(kind: kind, value: UnsafeBufferPointer(rebasing: b[value]), plain: isPlain(b, value), isKnownZone: zones)
        else { return false }
        // (Keys the writer skips start with `d`, `e` or `l`, or are not in the schema.)
        let previous = section.setRaw(sourceLine: start, key: key, end: end, line: line, ordinary: true)
        try noteDuplicate(key, line, previous: previous)
        return true
    }

    /// Handles one line; `zones` is `isKnownZone`, passed along so that it is not copied per line.
    mutating func handle(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ line: Int, zones: ((String) -> Bool)?
    ) throws(ConfigDiagnostic) {
        let kind = ConfigLineClassifier.classify(b, start, end)
        switch kind {
        case .blank:
            return
        case .pendingHeader:
            closeSection()
            if pendingSeen {
                try report(.notice, line, 1, "duplicate section '[pve:pending]': the earlier one is discarded")
            }
            pendingSeen = true
            target = .pending
            // A `pending` member of the main section is replaced by the section.
            config.main.remove("pending")
        case .snapshotHeader(let r):
            closeSection()
            let name = ByteText.string(b, r.lowerBound, r.upperBound)
            if let clobbered = config.main.skippedMemberValue("snapshots") {
                try report(.fatal, line, 1, "Can't use string (\"\(clobbered.utf8String)\") as a HASH ref while \"strict refs\" in use")
            }
            if config.snapshots[name] != nil {
                try report(.notice, line, 1, "duplicate section '[\(name)]': the earlier one is discarded")
            }
            target = .snapshot(name)
        case .comment(let r):
            // Room for a few lines at once rather than regrowing line by line.
            if descriptionBuffer.isEmpty { descriptionBuffer.reserveCapacity(Swift.max(256, 4 * r.count)) }
            DescriptionCoding.decode(UnsafeBufferPointer(rebasing: b[r]), appendingTo: &descriptionBuffer)
            descriptionBuffer.append(ASCII.newline)
        case .lxc(let k, let v):
            let key = ByteText.string(b, k.lowerBound, k.upperBound)
            let value = ByteText.bytes(b, v.lowerBound, v.upperBound)
            let validity = LXCKeyValidity.of(key)
            if case .acceptedWithWarning(let text) = validity {
                try report(.warning, line, 1, "vm \(vmid) - \(text)")
            }
            if key == "lxc.environment.runtime" {
                if section.environmentBytes == nil {
                    section.environmentBytes = value
                } else {
                    section.environmentBytes?.append(0)
                    section.environmentBytes?.append(contentsOf: value)
                }
                return
            }
            switch validity {
            case .accepted, .acceptedWithWarning:
                if let clobbered = section.skippedMemberValue("lxc") {
                    try report(.fatal, line, 1, "Can't use string (\"\(clobbered.utf8String)\") as an ARRAY ref while \"strict refs\" in use")
                }
                section.lxc.append(LXCEntry(key: key, valueBytes: value))
            case .refused(let reason):
                try report(.error, line, 1, "vm \(vmid) - \(key): \(reason)")
            case .unknown:
                try report(.error, line, 1, "vm \(vmid) - unable to parse config: \(ByteText.string(b, start, end))")
            }
        case .description(let v):
            DescriptionCoding.decode(UnsafeBufferPointer(rebasing: b[v]), appendingTo: &descriptionBuffer)
        case .snapstate(let v):
            section.setRawValue(ByteText.bytes(b, v.lowerBound, v.upperBound), for: "snapstate")
            if !ByteText.hasPrefix(b, start, end, "snapstate:") {
                try report(
                    .notice, line, 1,
                    "line only sets 'snapstate' (Proxmox matches 'snapstate: \(ByteText.string(b, v.lowerBound, v.upperBound))' anywhere in a line)")
            } else if case .main = target {
                try report(.notice, line, 1, "'snapstate' in the main section is ignored")
            }
        case .delete(let v):
            if inPending {
                let previous = section.setRaw(key: Bytes.buffer("delete"), value: UnsafeBufferPointer(rebasing: b[v]), line: line)
                try noteDuplicate(UnsafeBufferPointer(rebasing: b[start..<(start + 6)]), line, previous: previous)
            } else {
                try report(.error, line, 1, "vm \(vmid) - property 'delete' is only allowed in [pve:pending]")
            }
        case .keyValue(let k, let v):
            let keyBytes = UnsafeBufferPointer(rebasing: b[k])
            let raw = UnsafeBufferPointer(rebasing: b[v])
            var normalized: [UInt8]? = nil
            switch ConfigValueCheck.check(keyBytes: keyBytes, value: raw, plain: isPlain(b, v), isKnownZone: zones) {
            case .verbatim: break
            case .normalized(let n): normalized = n
            case .failure(let error):
                let column = error.reason.hasPrefix("unknown setting") ? 1 : v.lowerBound - start + 1 + error.offset
                try report(.error, line, column, "vm \(vmid) - unable to parse value of '\(ByteText.string(b, k.lowerBound, k.upperBound))' - \(error.reason)")
            }
            // Only `description`, `env` and `lxc` have their own storage.
            if Bytes.equals(keyBytes, "description") {
                try noteDuplicate(keyBytes, line, previous: section.descriptionBytes == nil ? nil : descriptionLine)
                descriptionLine = line
                section.descriptionBytes = normalized ?? Array(raw)
                return
            }
            if Bytes.equals(keyBytes, "env") {
                try noteDuplicate(keyBytes, line, previous: section.environmentBytes == nil ? nil : environmentLine)
                environmentLine = line
                section.environmentBytes = normalized ?? Array(raw)
                return
            }
            if Bytes.equals(keyBytes, "lxc") {
                // The member replaces the raw `lxc.*` list (Proxmox's writer then refuses it).
                section.lxc.removeAll()
            }
            let previous: Int?
            if let normalized {
                previous = normalized.withUnsafeBufferPointer { section.setRaw(key: keyBytes, value: $0, line: line) }
            } else if v.lowerBound == k.upperBound + 2, v.upperBound == end, end < b.count, b[k.upperBound + 1] == ASCII.space {
                // The line is already `key: value\n`, as Proxmox writes it.
                previous = section.setRaw(sourceLine: start, key: keyBytes, end: end, line: line)
            } else {
                previous = section.setRaw(key: keyBytes, value: raw, line: line)
            }
            try noteDuplicate(keyBytes, line, previous: previous)
        case .invalid:
            try report(.error, line, 1, "vm \(vmid) - unable to parse config: \(ByteText.string(b, start, end))")
        }
    }

    /// Whether `b[r]` is plain ASCII without `\r` (then its value check needs no scan of its own):
    /// the file is scanned for such bytes once, ahead of the lines asking.
    @inline(__always)
    mutating func isPlain(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        if nextUnplainByte < r.lowerBound { nextUnplainByte = ConfigUnplainScan.firstUnplainByte(b, from: r.lowerBound) }
        return nextUnplainByte >= r.upperBound
    }
    /// Reports a notice when `key` was already set in this section from an earlier line
    /// (`previous`: that line, 0 when set in code, nil when not set).
    @inline(__always)
    mutating func noteDuplicate(_ key: UnsafeBufferPointer<UInt8>, _ line: Int, previous: Int?) throws(ConfigDiagnostic) {
        guard let previous, previous > 0 else { return }
        try reportDuplicate(key, line, previous: previous)
    }
    mutating func reportDuplicate(_ key: UnsafeBufferPointer<UInt8>, _ line: Int, previous: Int) throws(ConfigDiagnostic) {
        try report(.notice, line, 1, "duplicate key '\(String(decoding: key, as: UTF8.self))' (line \(previous) is ignored)")
    }
}

/// Where the reader's value checks need a closer look: bytes ≥ 0x80 (not plain ASCII) and `\r`
/// (Proxmox refuses line breaks in values).
enum ConfigUnplainScan {
    /// The index of the first byte ≥ 0x80 or `\r` at or after `start`, else `b.count`.
    @inline(__always)
    static func firstUnplainByte(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        ByteWords.firstIndex(in: b, from: start) { word in
            (word & ByteWords.repeated(0x80)) | ByteWords.bytes(word, equalTo: ASCII.carriageReturn)
        } ?? b.count
    }
}
