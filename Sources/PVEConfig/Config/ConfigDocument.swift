import PVECore
/// A config file kept byte for byte: reading and writing back an unmodified file reproduces it
/// exactly (comments where they stood, key order, `lxc.k = v`, blank lines, CRLF, even lines
/// Proxmox would drop), and an edit rewrites only the lines it touches.
///
/// The parsed `config` is always the model of the current `bytes`, read the way Proxmox reads
/// them (`parse_pct_config`, lenient). Edits go through the model (validated) and are then turned
/// into line edits: a changed key rewrites its (last) line, a new key is inserted in key order, a
/// removed key loses its lines, a new section is inserted in Proxmox's section order.
public struct ConfigDocument: Sendable {
    /// The current file content.
    public private(set) var bytes: [UInt8]
    /// The file name used in diagnostics.
    public let file: String
    /// The VMID used in Proxmox's messages.
    public let vmid: String
    /// The model of `bytes`.
    public private(set) var config: ContainerConfig
    /// The diagnostics of reading `bytes`.
    public private(set) var diagnostics: [ConfigDiagnostic]
    /// False when the last update could not be expressed as line edits and the document was
    /// rewritten in Proxmox's canonical form instead.
    public private(set) var lastUpdateWasLossless = true
    private let isKnownZone: (@Sendable (String) -> Bool)?

    /// Reads a document (lenient, as Proxmox); throws only for a `.fatal` problem.
    /// - parameters:
    ///   - bytes: the file's contents.
    ///   - file: the file name used in diagnostics.
    ///   - vmid: the container ID used in Proxmox's messages.
    ///   - isKnownZone: the host's time-zone names for checking `timezone` (see `ConfigReader`).
    public init(
        bytes: [UInt8], file: String = "", vmid: String = "100", isKnownZone: (@Sendable (String) -> Bool)? = nil
    ) throws(ConfigDiagnostic) {
        self.bytes = bytes
        self.file = file
        self.vmid = vmid
        self.isKnownZone = isKnownZone
        let r = try ConfigReader.read(bytes, file: file, vmid: vmid, isKnownZone: isKnownZone)
        self.config = r.config
        self.diagnostics = r.diagnostics
    }

    /// The document as Proxmox's writer would write it (`write_pct_config`).
    public func canonicalBytes() throws(ConfigWriteError) -> [UInt8] { try ConfigWriter.write(config) }

    /// Sets a key (validated) with a minimal line edit.
    public mutating func set(_ key: String, to value: String, in section: ConfigSectionID = .main) throws(ConfigEditError) {
        var c = config
        try c.set(key, to: value, in: section)
        update(to: c)
    }

    /// Removes a key with a minimal line edit.
    public mutating func remove(_ key: String, from section: ConfigSectionID = .main) {
        var c = config
        c.remove(key, from: section)
        update(to: c)
    }

    /// Rewrites the document so that its model becomes `target`, touching only the lines that
    /// differ. Falls back to the canonical form (see `lastUpdateWasLossless`) in the rare cases
    /// line edits cannot express the change.
    public mutating func update(to target: ContainerConfig) {
        var editor = LineEditor(bytes)
        editor.sync(from: config, to: target)
        let candidate = editor.joined()
        if let r = try? ConfigReader.read(candidate, file: file, vmid: vmid, isKnownZone: isKnownZone), Self.sameContent(r.config, target) {
            bytes = candidate
            config = r.config
            diagnostics = r.diagnostics
            lastUpdateWasLossless = true
            return
        }
        if let canonical = try? ConfigWriter.write(target), let r = try? ConfigReader.read(canonical, file: file, vmid: vmid, isKnownZone: isKnownZone) {
            bytes = canonical
            config = r.config
            diagnostics = r.diagnostics
        }
        lastUpdateWasLossless = false
    }

    /// Whether `a` (read back from text) has the content of `b`, comparing descriptions and
    /// environments in the form they take once written and read again.
    static func sameContent(_ a: ContainerConfig, _ b: ContainerConfig) -> Bool {
        var bm = b.main
        bm.remove("snapstate")
        guard normalized(a.main) == normalized(bm), normalized(a.pending) == normalized(b.pending),
            a.snapshots.count == b.snapshots.count
        else { return false }
        for (name, s) in a.snapshots {
            guard let other = b.snapshots[name], normalized(s) == normalized(other) else { return false }
        }
        return true
    }

    static func normalized(_ s: ConfigSection) -> ConfigSection {
        var s = s
        if let d = s.descriptionBytes, ByteText.isPerlTrue(d) {
            let pieces = ConfigWriter.perlSplit(d, separator: ASCII.newline)
            s.descriptionBytes = pieces.isEmpty ? nil : Array(pieces.joined(separator: [ASCII.newline])) + [ASCII.newline]
        }
        if let e = s.environmentBytes, ByteText.isPerlTrue(e) {
            s.environmentBytes = Array(ConfigWriter.perlSplit(e, separator: 0).joined(separator: [0]))
        }
        return s
    }
}

/// Line-level editing of a config text, organised in blocks (the main section, then one block
/// per section header).
struct LineEditor {
    struct Block {
        var id: ConfigSectionID
        var lines: [[UInt8]]
        /// Index of the first body line (after the header).
        var bodyStart: Int { id == .main ? 0 : 1 }
    }

    var blocks: [Block] = []
    var finalNewline: Bool
    var crlf: Bool
    let wasEmpty: Bool

    init(_ bytes: [UInt8]) {
        wasEmpty = bytes.isEmpty
        finalNewline = bytes.isEmpty || bytes.last == ASCII.newline
        var lines = bytes.split(separator: ASCII.newline, omittingEmptySubsequences: false).map { Array($0) }
        if bytes.last == ASCII.newline || bytes.isEmpty { lines.removeLast() }
        var crCount = 0
        var current = Block(id: .main, lines: [])
        for line in lines {
            if line.last == ASCII.carriageReturn { crCount += 1 }
            switch Self.kind(line) {
            case .pendingHeader:
                blocks.append(current)
                current = Block(id: .pending, lines: [line])
            case .snapshotHeader(let r):
                blocks.append(current)
                current = Block(id: .snapshot(String(decoding: line[r], as: UTF8.self)), lines: [line])
            default:
                current.lines.append(line)
            }
        }
        blocks.append(current)
        crlf = crCount * 2 > lines.count && crCount > 0
    }

    static func kind(_ line: [UInt8]) -> ConfigLineKind {
        line.withUnsafeBufferPointer { ConfigLineClassifier.classify($0, 0, $0.count) }
    }

    func joined() -> [UInt8] {
        var out: [UInt8] = []
        var first = true
        for block in blocks {
            for line in block.lines {
                if !first { out.append(ASCII.newline) }
                out.append(contentsOf: line)
                first = false
            }
        }
        if !first && finalNewline { out.append(ASCII.newline) }
        return out
    }

    /// The live block of a section (the last one with that ID).
    func blockIndex(_ id: ConfigSectionID) -> Int? { blocks.lastIndex { $0.id == id } }

    mutating func sync(from old: ContainerConfig, to target: ContainerConfig) {
        // Sections that go away.
        if !old.pending.isEmpty && target.pending.isEmpty { removeSection(.pending) }
        for name in old.snapshots.keys where target.snapshots[name] == nil { removeSection(.snapshot(name)) }
        // Sections that stay.
        var mainOld = old.main
        var mainNew = target.main
        mainOld.remove("snapstate")
        mainNew.remove("snapstate")
        if let b = blockIndex(.main) { syncSection(b, from: mainOld, to: mainNew) }
        if !target.pending.isEmpty, let b = blockIndex(.pending) {
            syncSection(b, from: old.pending, to: target.pending)
        }
        for (name, section) in target.snapshots {
            if let before = old.snapshots[name], let b = blockIndex(.snapshot(name)) {
                syncSection(b, from: before, to: section)
            }
        }
        // New sections.
        if !target.pending.isEmpty && blockIndex(.pending) == nil { addSection(.pending, target.pending) }
        for name in target.snapshotNames where old.snapshots[name] == nil {
            if let s = target.snapshots[name] { addSection(.snapshot(name), s) }
        }
    }

    // MARK: sections

    mutating func removeSection(_ id: ConfigSectionID) {
        while let i = blocks.lastIndex(where: { $0.id == id }) {
            blocks.remove(at: i)
            // A removed last section leaves no blank line behind.
            if i == blocks.count, let last = blocks[i - 1].lines.last, Self.isBlank(last),
                blocks[i - 1].lines.count > blocks[i - 1].bodyStart
            {
                blocks[i - 1].lines.removeLast()
            }
        }
    }

    static func isBlank(_ line: [UInt8]) -> Bool { line.allSatisfy(ASCII.isSpace) }

    mutating func addSection(_ id: ConfigSectionID, _ section: ConfigSection) {
        var body: [UInt8] = []
        try? ConfigWriter.writeSection(section, into: &body)
        var lines: [[UInt8]] = []
        switch id {
        case .pending: lines.append(Array("[pve:pending]".utf8))
        case .snapshot(let name): lines.append(Array("[\(name)]".utf8))
        case .main: return
        }
        for piece in body.split(separator: ASCII.newline, omittingEmptySubsequences: false).dropLast() {
            lines.append(Array(piece))
        }
        if crlf { lines = lines.map { $0.first == ASCII.hash ? $0 : $0 + [ASCII.carriageReturn] } }
        // Position: pending before the first snapshot; snapshots in name order.
        var at = blocks.count
        for (i, b) in blocks.enumerated() {
            if case .snapshot(let other) = b.id {
                if case .snapshot(let name) = id, !ByteText.less(name, other) { continue }
                at = i
                break
            }
        }
        let blank: [UInt8] = crlf ? [ASCII.carriageReturn] : []
        if at < blocks.count { lines.append(blank) }
        let prev = at - 1
        if let last = blocks[prev].lines.last, !Self.isBlank(last) { blocks[prev].lines.append(blank) }
        blocks.insert(Block(id: id, lines: lines), at: at)
    }

    // MARK: members

    mutating func syncSection(_ b: Int, from old: ConfigSection, to new: ConfigSection) {
        var keys = Set(old.keys)
        keys.formUnion(new.keys)
        for key in keys.sorted(by: ByteText.less) {
            let before = old.rawValue(key)
            let after = new.rawValue(key)
            if before == after { continue }
            if let after {
                if before == nil { insertMember(b, key, after) } else { replaceMember(b, key, after) }
            } else {
                removeMember(b, key)
            }
        }
        if old.descriptionBytes != new.descriptionBytes { rewriteDescription(b, new.descriptionBytes) }
        if old.environmentBytes != new.environmentBytes { rewriteEnvironment(b, new.environmentBytes) }
        if old.lxc != new.lxc { rewriteLXC(b, old.lxc, new.lxc) }
    }

    func defines(_ line: [UInt8], _ key: String, pending: Bool) -> Bool {
        switch Self.kind(line) {
        case .keyValue(let k, _): return line[k].elementsEqual(key.utf8)
        case .snapstate: return key == "snapstate"
        case .delete: return key == "delete" && pending
        default: return false
        }
    }

    func memberKey(_ line: [UInt8]) -> [UInt8]? {
        switch Self.kind(line) {
        case .keyValue(let k, _): return Array(line[k])
        case .snapstate: return Array("snapstate".utf8)
        case .delete: return Array("delete".utf8)
        default: return nil
        }
    }

    func renderMember(_ key: String, _ value: [UInt8], cr: Bool) -> [UInt8] {
        var line = Array(key.utf8) + [ASCII.colon, ASCII.space] + value
        if cr { line.append(ASCII.carriageReturn) }
        return line
    }

    mutating func replaceMember(_ b: Int, _ key: String, _ value: [UInt8]) {
        let pending = blocks[b].id == .pending
        guard let i = blocks[b].lines.lastIndex(where: { defines($0, key, pending: pending) }) else {
            insertMember(b, key, value)
            return
        }
        let cr = blocks[b].lines[i].last == ASCII.carriageReturn
        blocks[b].lines[i] = renderMember(key, value, cr: cr)
    }

    mutating func removeMember(_ b: Int, _ key: String) {
        let pending = blocks[b].id == .pending
        let start = blocks[b].bodyStart
        var i = blocks[b].lines.count - 1
        while i >= start {
            if defines(blocks[b].lines[i], key, pending: pending) { blocks[b].lines.remove(at: i) }
            i -= 1
        }
    }

    mutating func insertMember(_ b: Int, _ key: String, _ value: [UInt8]) {
        let line = renderMember(key, value, cr: crlf)
        let lines = blocks[b].lines
        let start = blocks[b].bodyStart
        var lastMember: Int? = nil
        for i in start..<lines.count {
            guard let k = memberKey(lines[i]) else { continue }
            if Array(key.utf8).lexicographicallyPrecedes(k) {
                blocks[b].lines.insert(line, at: i)
                return
            }
            lastMember = i
        }
        if let lastMember {
            blocks[b].lines.insert(line, at: lastMember + 1)
            return
        }
        if let firstLXC = (start..<lines.count).first(where: { if case .lxc = Self.kind(lines[$0]) { return true } else { return false } }) {
            blocks[b].lines.insert(line, at: firstLXC)
            return
        }
        blocks[b].lines.insert(line, at: endOfContent(b))
    }

    /// Index after the last non-blank line of a block (before trailing blank lines).
    func endOfContent(_ b: Int) -> Int {
        var e = blocks[b].lines.count
        while e > blocks[b].bodyStart && Self.isBlank(blocks[b].lines[e - 1]) { e -= 1 }
        return e
    }

    /// Removes the lines matching `predicate` from a block; returns where the first one was.
    mutating func removeLines(_ b: Int, where predicate: ([UInt8]) -> Bool) -> Int? {
        var first: Int? = nil
        var i = blocks[b].lines.count - 1
        while i >= blocks[b].bodyStart {
            if predicate(blocks[b].lines[i]) {
                blocks[b].lines.remove(at: i)
                first = i
            }
            i -= 1
        }
        return first
    }

    mutating func rewriteDescription(_ b: Int, _ description: [UInt8]?) {
        let at =
            removeLines(b) { line in
                switch Self.kind(line) {
                case .comment, .description: return true
                case .keyValue(let k, _): return line[k].elementsEqual("description".utf8)
                default: return false
                }
            } ?? blocks[b].bodyStart
        guard let description, ByteText.isPerlTrue(description) else { return }
        var text: [UInt8] = []
        ConfigWriter.writeDescription(description, into: &text)
        let lines = text.split(separator: ASCII.newline, omittingEmptySubsequences: false).dropLast().map { Array($0) }
        blocks[b].lines.insert(contentsOf: lines, at: at)
    }

    func isRuntimeLine(_ line: [UInt8]) -> Bool {
        switch Self.kind(line) {
        case .lxc(let k, _): return line[k].elementsEqual("lxc.environment.runtime".utf8)
        case .keyValue(let k, _): return line[k].elementsEqual("env".utf8)
        default: return false
        }
    }

    func isListedLXCLine(_ line: [UInt8]) -> Bool {
        guard case .lxc(let k, _) = Self.kind(line) else { return false }
        let key = String(decoding: line[k], as: UTF8.self)
        guard key != "lxc.environment.runtime" else { return false }
        switch LXCKeyValidity.of(key) {
        case .accepted, .acceptedWithWarning: return true
        default: return false
        }
    }

    mutating func rewriteEnvironment(_ b: Int, _ env: [UInt8]?) {
        var at = removeLines(b, where: isRuntimeLine)
        guard let env, ByteText.isPerlTrue(env) else { return }
        if at == nil {
            let lines = blocks[b].lines
            at = (blocks[b].bodyStart..<lines.count).first { isListedLXCLine(lines[$0]) } ?? endOfContent(b)
        }
        let lines = ConfigWriter.perlSplit(env, separator: 0).map { item in
            Array("lxc.environment.runtime: ".utf8) + item + (crlf ? [ASCII.carriageReturn] : [])
        }
        blocks[b].lines.insert(contentsOf: lines, at: at ?? endOfContent(b))
    }

    mutating func rewriteLXC(_ b: Int, _ old: [LXCEntry], _ new: [LXCEntry]) {
        let render: (LXCEntry) -> [UInt8] = { e in
            Array(e.key.utf8) + [ASCII.colon, ASCII.space] + e.valueBytes + (self.crlf ? [ASCII.carriageReturn] : [])
        }
        if new.count > old.count, Array(new.prefix(old.count)) == old {
            let lines = blocks[b].lines
            let lastLXC = (blocks[b].bodyStart..<lines.count).last { isListedLXCLine(lines[$0]) }
            let at = lastLXC.map { $0 + 1 } ?? endOfContent(b)
            blocks[b].lines.insert(contentsOf: new[old.count...].map(render), at: at)
            return
        }
        let at = removeLines(b, where: isListedLXCLine) ?? endOfContent(b)
        blocks[b].lines.insert(contentsOf: new.map(render), at: at)
    }
}
