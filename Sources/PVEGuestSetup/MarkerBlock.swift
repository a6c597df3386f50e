import PVECore
/// Proxmox's `# --- BEGIN PVE ---` / `# --- END PVE ---` managed sections, as pure functions on bytes.
///
/// Proxmox: `PVE::LXC::Setup::Base::ct_modify_file` and `remove_pve_sections`.
public enum MarkerBlock {
    /// The canonical first line of a block (without newline).
    public static let beginMarker: [UInt8] = Array("# --- BEGIN PVE ---".utf8)
    /// The canonical last line of a block (without newline).
    public static let endMarker: [UInt8] = Array("# --- END PVE ---".utf8)

    /// Where a new block goes when the file has none.
    public enum Placement: Sendable, Hashable {
        /// After the existing content (Proxmox's default).
        case append
        /// Before the existing content (`prepend => 1`).
        case prepend
        /// The block becomes the whole file (`replace => 1`).
        case replaceFile
    }

    /// Options of `ct_modify_file`.
    public struct Options: Sendable, Hashable {
        /// Where a new block goes.
        public var placement: Placement
        /// Unlink the file when the data is empty and the block was the whole file (`delete => 1`).
        public var deleteWhenEmpty: Bool
        /// Options for `ct_modify_file`.
        public init(placement: Placement = .append, deleteWhenEmpty: Bool = false) {
            self.placement = placement
            self.deleteWhenEmpty = deleteWhenEmpty
        }
    }

    /// What `edit` decided.
    public enum Edit: Sendable, Hashable {
        /// Leave the file alone.
        case unchanged
        /// Write these bytes. `usesPermissions` is true when Proxmox passes the caller's `perms`
        /// (new file, whole-file replace, prepend, append); false for an in-place block update,
        /// which Proxmox writes with the default mode.
        case write([UInt8], usesPermissions: Bool)
        /// Delete the file.
        case delete
    }

    /// Applies Proxmox's marker-block rules.
    /// - parameters:
    ///   - existing: the current content, or `nil` when the file is not a regular file.
    ///   - data: the block body (a newline is added if missing).
    ///   - options: where a new block goes and whether an empty result deletes the file.
    /// - returns: the decision; bytes outside the block are kept (Proxmox normalises a missing
    ///   final newline and drops trailing empty lines, as its line splitting does).
    public static func edit(existing: [UInt8]?, data: [UInt8], options: Options = Options()) -> Edit {
        // Perl truthiness: "" and "0" are false.
        let hasData = !(data.isEmpty || data == [UInt8(ascii: "0")])
        var body = data
        if hasData, body.last != Bytes.newline { body.append(Bytes.newline) }

        guard let existing else {
            return hasData ? .write(block(body), usesPermissions: true) : .unchanged
        }
        let lines = Bytes.splitLines(existing)
        if let (begin, end) = findBlock(lines) {
            if !hasData, begin == 0, end == lines.count - 1 {
                return options.deleteWhenEmpty ? .delete : .unchanged
            }
            var out: [UInt8] = []
            out.reserveCapacity(existing.count + body.count + 40)
            for i in 0..<begin {
                out.append(contentsOf: lines[i])
                out.append(Bytes.newline)
            }
            out.append(contentsOf: beginMarker)
            out.append(Bytes.newline)
            out.append(contentsOf: body)
            out.append(contentsOf: endMarker)
            // Upstream quirk: an empty body keeps the END marker's newline, so joining adds a blank line.
            if !hasData { out.append(Bytes.newline) }
            for i in (end + 1)..<lines.count {
                out.append(Bytes.newline)
                out.append(contentsOf: lines[i])
            }
            out.append(Bytes.newline)
            return .write(out, usesPermissions: false)
        }
        guard hasData else { return .unchanged }
        var content = Bytes.joinLines(lines)
        let newBlock = block(body)
        switch options.placement {
        case .replaceFile:
            return .write(newBlock, usesPermissions: true)
        case .prepend:
            return .write(newBlock + content, usesPermissions: true)
        case .append:
            content.append(contentsOf: newBlock)
            return .write(content, usesPermissions: true)
        }
    }

    /// `BEGIN\n` + body + `END\n`.
    static func block(_ body: [UInt8]) -> [UInt8] {
        var out = beginMarker
        out.append(Bytes.newline)
        out.append(contentsOf: body)
        out.append(contentsOf: endMarker)
        out.append(Bytes.newline)
        return out
    }

    /// Indices of the first BEGIN line and the first END line after it.
    /// BEGIN: `^#\s*---\s*BEGIN\s*PVE` (case-sensitive); END: `^#\s*---\s*END\s*PVE` (case-insensitive).
    static func findBlock(_ lines: [ArraySlice<UInt8>]) -> (Int, Int)? {
        var begin: Int?
        for (i, line) in lines.enumerated() {
            if begin == nil {
                if matchesMarker(line, word: Array("BEGIN".utf8), caseInsensitive: false) { begin = i }
            } else if matchesMarker(line, word: Array("END".utf8), caseInsensitive: true) {
                return (begin ?? 0, i)
            }
        }
        return nil
    }

    /// Whether the bytes at the start of `line` match `#\s*---\s*WORD\s*PVE`.
    static func matchesMarker(_ line: ArraySlice<UInt8>, word: [UInt8], caseInsensitive: Bool) -> Bool {
        var i = line.startIndex
        guard i < line.endIndex, line[i] == Bytes.hash else { return false }
        i = Bytes.skipSpaces(line, from: i + 1)
        for _ in 0..<3 {
            guard i < line.endIndex, line[i] == UInt8(ascii: "-") else { return false }
            i += 1
        }
        i = Bytes.skipSpaces(line, from: i)
        func literal(_ w: [UInt8]) -> Bool {
            for c in w {
                guard i < line.endIndex else { return false }
                let b = line[i]
                if caseInsensitive ? (b | 0x20) != (c | 0x20) : b != c { return false }
                i += 1
            }
            return true
        }
        guard literal(word) else { return false }
        i = Bytes.skipSpaces(line, from: i)
        return literal(Array("PVE".utf8))
    }

    /// Removes everything from the first line that starts with (horizontal blanks and) the BEGIN
    /// marker to the end of the last line that starts with (blanks and) the END marker.
    ///
    /// Proxmox: `PVE::LXC::Setup::Base::remove_pve_sections` (used before scanning `/etc/hosts`).
    public static func removeSections(_ text: [UInt8]) -> [UInt8] {
        var lineStarts: [Int] = [0]
        for (i, b) in text.enumerated() where b == Bytes.newline && i + 1 <= text.count {
            lineStarts.append(i + 1)
        }
        func markerAt(_ start: Int, _ marker: [UInt8]) -> Bool {
            var i = start
            while i < text.count, Bytes.isHorizontalSpace(text[i]) { i += 1 }
            return text.count - i >= marker.count && text[i..<(i + marker.count)].elementsEqual(marker)
        }
        guard let head = lineStarts.first(where: { markerAt($0, beginMarker) }),
            let tail = lineStarts.last(where: { $0 > head && markerAt($0, endMarker) })
        else { return text }
        var stop = tail
        while stop < text.count, text[stop] != Bytes.newline { stop += 1 }
        return Array(text[..<head]) + Array(text[stop...])
    }
}
