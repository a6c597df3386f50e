import PVECore
/// What one line of a config file is, by Proxmox's rules (`parse_pct_config`), tested in
/// Proxmox's order; ranges are byte offsets into the whole file.
enum ConfigLineKind: Sendable, Hashable {
    /// `^\s*$`
    case blank
    /// `^\[pve:pending\]\s*$` (any case)
    case pendingHeader
    /// `^\[([a-z][a-z0-9_\-]+)\]\s*$` (any case)
    case snapshotHeader(name: Range<Int>)
    /// `^#(.*)$`
    case comment(text: Range<Int>)
    /// `^(lxc\.[a-z0-9_\-\.]+)(:|\s*=)\s*(.*?)\s*$`
    case lxc(key: Range<Int>, value: Range<Int>)
    /// `^(description):\s*(.*\S)\s*$`
    case description(value: Range<Int>)
    /// `snapstate:\s*(prepare|delete)\s*$` (not anchored)
    case snapstate(value: Range<Int>)
    /// `^delete:\s*(.*\S)\s*$`
    case delete(value: Range<Int>)
    /// `^([a-z][a-z_]*\d*):\s*(.+?)\s*$`
    case keyValue(key: Range<Int>, value: Range<Int>)
    /// Anything else (`unable to parse config`).
    case invalid
}

enum ConfigLineClassifier {
    /// Classifies the line `b[start..<end]` (without its `\n`).
    static func classify(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> ConfigLineKind {
        // Most lines are `key: value` with a key not starting with `l` or `d`: of the patterns
        // before key/value, only the unanchored `snapstate` one can match such a line.
        if start < end, case let first = b[start], ASCII.isLower(first),
            first != UInt8(ascii: "l"), first != UInt8(ascii: "d")
        {
            let trimmedEnd = ByteText.trimEnd(b, start, end)
            // `prepare` and `delete` both end in `e`: other lines cannot match `snapstate`.
            if b[trimmedEnd - 1] == UInt8(ascii: "e"), let state = snapstate(b, start, end) {
                return .snapstate(value: state)
            }
            return keyValue(b, start, end, trimmedEnd: trimmedEnd)
        }
        let firstNonSpace = ByteText.skipSpace(b, start, end)
        if firstNonSpace == end { return .blank }
        let first = b[start]
        if first == ASCII.openBracket {
            if ByteText.hasPrefixIgnoringCase(b, start, end, "[pve:pending]"),
                ByteText.skipSpace(b, start + 13, end) == end
            {
                return .pendingHeader
            }
            if start + 1 < end, ASCII.isLetter(b[start + 1]) {
                var i = start + 2
                while i < end, ASCII.isLetter(b[i]) || ASCII.isDigit(b[i]) || b[i] == ASCII.underscore || b[i] == ASCII.hyphen {
                    i += 1
                }
                if i > start + 2, i < end, b[i] == ASCII.closeBracket, ByteText.skipSpace(b, i + 1, end) == end {
                    return .snapshotHeader(name: (start + 1)..<i)
                }
            }
        }
        if first == ASCII.hash { return .comment(text: (start + 1)..<end) }
        if ByteText.hasPrefix(b, start, end, "lxc.") {
            var i = start + 4
            while i < end, ASCII.isLower(b[i]) || ASCII.isDigit(b[i]) || b[i] == ASCII.underscore || b[i] == ASCII.hyphen || b[i] == ASCII.dot {
                i += 1
            }
            if i > start + 4, i < end {
                var sep = -1
                if b[i] == ASCII.colon {
                    sep = i
                } else {
                    let j = ByteText.skipSpace(b, i, end)
                    if j < end && b[j] == ASCII.equals { sep = j }
                }
                if sep >= 0 {
                    let vs = ByteText.skipSpace(b, sep + 1, end)
                    let ve = ByteText.trimEnd(b, vs, end)
                    return .lxc(key: start..<i, value: vs..<ve)
                }
            }
        }
        if ByteText.hasPrefix(b, start, end, "description:") {
            let vs = ByteText.skipSpace(b, start + 12, end)
            if vs < end { return .description(value: vs..<ByteText.trimEnd(b, vs, end)) }
        }
        if let state = snapstate(b, start, end) { return .snapstate(value: state) }
        if ByteText.hasPrefix(b, start, end, "delete:") {
            let vs = ByteText.skipSpace(b, start + 7, end)
            if vs < end { return .delete(value: vs..<ByteText.trimEnd(b, vs, end)) }
        }
        if ASCII.isLower(first) { return keyValue(b, start, end, trimmedEnd: ByteText.trimEnd(b, start, end)) }
        return .invalid
    }

    /// `^([a-z][a-z_]*\d*):\s*(.+?)\s*$` on a line starting with a lower-case letter, else `.invalid`;
    /// `trimmedEnd` is the line's end without trailing blanks.
    @inline(__always)
    private static func keyValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, trimmedEnd: Int) -> ConfigLineKind {
        let i = keyEnd(b, start, end)
        guard i < end, b[i] == ASCII.colon else { return .invalid }
        let rest = i + 1
        guard rest < end else { return .invalid }
        let vs = ByteText.skipSpace(b, rest, end)
        if vs == end {
            // `.+?` needs one byte: an all-blank value is its last blank.
            return .keyValue(key: start..<i, value: (end - 1)..<end)
        }
        // The value's first byte is not blank, so the line's last non-blank byte is in the value.
        return .keyValue(key: start..<i, value: vs..<trimmedEnd)
    }

    /// Where the key `[a-z][a-z_]*\d*` that starts at `start` (its first letter already checked)
    /// ends, at most `end`.
    @inline(__always)
    static func keyEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = start + 1
        // `[a-z_]*`, eight bytes at a time.
        while i < end {
            let marks = ByteWords.bytesNotKeyLetters(ByteWords.word(b, from: i))
            if marks != 0 {
                i += ByteWords.firstMarked(marks)
                break
            }
            i += 8
        }
        if i > end { i = end }
        while i < end, b[i] &- ASCII.zero < 10 { i += 1 }
        return i
    }

    /// The unanchored `snapstate:\s*(prepare|delete)\s*$`.
    private static func snapstate(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int>? {
        let e = ByteText.trimEnd(b, start, end)
        var wordStart: Int
        if e - start >= 7, ByteText.hasPrefix(b, e - 7, e, "prepare") {
            wordStart = e - 7
        } else if e - start >= 6, ByteText.hasPrefix(b, e - 6, e, "delete") {
            wordStart = e - 6
        } else {
            return nil
        }
        let word = wordStart..<e
        while wordStart > start && ASCII.isSpace(b[wordStart - 1]) { wordStart -= 1 }
        guard wordStart - start >= 10, ByteText.hasPrefix(b, wordStart - 10, wordStart, "snapstate:") else { return nil }
        return word
    }
}
