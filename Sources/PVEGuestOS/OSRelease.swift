import PVECore
/// The variables of an os-release file (`/etc/os-release`, `/usr/lib/os-release`).
///
/// Two readings exist:
/// - `init(proxmox:)` applies the rules of Proxmox's parser (`PVE::LXC::Setup` `$parse_os_release`),
///   which decide detection and version checks: a line must match
///   `^\s*([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$`; the value is `'…'` (no escapes), or `"…"` with the escapes
///   `\" \' \` \$ \\ \n \t`, or else only the leading run of `[A-Za-z0-9]` (so an unquoted
///   `VERSION_ID=22.04` is `22`).
/// - `init(standard:)` follows os-release(5) (shell-like quoting, `#` comments), for callers that
///   want what the distribution meant.
///
/// A later assignment of a name replaces an earlier one; every entry remembers its line number.
public struct OSRelease: Sendable, Hashable {
    /// One assignment.
    public struct Entry: Sendable, Hashable {
        /// The variable name, e.g. `ID`.
        public var name: String
        /// The interpreted value.
        public var value: String
        /// 1-based line number in the file.
        public var line: Int
        /// The raw line (without its newline).
        public var text: String
    }

    /// Assignments in file order (duplicates kept; lookups use the last one).
    public var entries: [Entry]

    /// The value of the last assignment to `name`.
    public subscript(name: String) -> String? { entry(name)?.value }

    /// The last assignment to `name`.
    public func entry(_ name: String) -> Entry? { entries.last { $0.name == name } }

    /// `(name, value)` of every assignment in file order (duplicates kept).
    public var assignments: [(name: String, value: String)] { entries.map { ($0.name, $0.value) } }

    /// Every variable with its final value.
    public var values: [String: String] {
        var out: [String: String] = [:]
        for e in entries { out[e.name] = e.value }
        return out
    }

    /// `ID_LIKE` split at spaces (standard reading: space-separated list).
    public var idLike: [String] {
        (self["ID_LIKE"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    /// An empty set of variables.
    public init() { entries = [] }

    /// Parses with Proxmox's rules. Proxmox: `PVE::LXC::Setup` `$parse_os_release`.
    public init(proxmox bytes: [UInt8]) {
        entries = []
        for (index, line) in Self.lines(bytes) {
            guard !line.isEmpty, let (name, rest) = Self.assignment(line) else { continue }
            let value = Self.proxmoxValue(rest)
            entries.append(
                Entry(name: name, value: value, line: index, text: String(decoding: line, as: UTF8.self)))
        }
    }

    /// Parses with the os-release(5) rules: blank lines and `#` comments skipped, `NAME=value` with
    /// shell-like single quotes, double quotes (escapes `\" \\ \$ \``) and backslash escapes outside
    /// quotes; trailing unquoted whitespace dropped.
    public init(standard bytes: [UInt8]) {
        entries = []
        for (index, line) in Self.lines(bytes) {
            var start = line.startIndex
            while start < line.endIndex, ASCII.isSpace(line[start]) { start += 1 }
            let trimmed = line[start...]
            guard let first = trimmed.first, first != UInt8(ascii: "#") else { continue }
            guard let (name, rest) = Self.assignment(trimmed) else { continue }
            entries.append(
                Entry(
                    name: name, value: Self.shellValue(rest), line: index,
                    text: String(decoding: line, as: UTF8.self)))
        }
    }

    // MARK: - Grammar

    /// Lines split at `\n` with 1-based numbers (a final line without newline included).
    static func lines(_ bytes: [UInt8]) -> [(Int, ArraySlice<UInt8>)] {
        var out: [(Int, ArraySlice<UInt8>)] = []
        var start = 0
        var number = 1
        for i in bytes.indices where bytes[i] == UInt8(ascii: "\n") {
            out.append((number, bytes[start..<i]))
            number += 1
            start = i + 1
        }
        if start < bytes.count { out.append((number, bytes[start...])) }
        return out
    }

    /// `^\s*([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$` → (name, rest after `=`).
    static func assignment(_ line: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        var i = line.startIndex
        while i < line.endIndex, ASCII.isSpace(line[i]) { i += 1 }
        let nameStart = i
        guard i < line.endIndex, ASCII.isLetter(line[i]) || line[i] == UInt8(ascii: "_") else { return nil }
        i += 1
        while i < line.endIndex, ASCII.isAlphanumeric(line[i]) || line[i] == UInt8(ascii: "_") { i += 1 }
        guard i < line.endIndex, line[i] == UInt8(ascii: "=") else { return nil }
        return (String(decoding: line[nameStart..<i], as: UTF8.self), line[(i + 1)...])
    }

    static func proxmoxValue(_ content: ArraySlice<UInt8>) -> String {
        let quote = UInt8(ascii: "'")
        let dquote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        if content.first == quote, let end = content.dropFirst().firstIndex(of: quote) {
            return String(decoding: content[(content.startIndex + 1)..<end], as: UTF8.self)
        }
        if content.first == dquote {
            // ^"((?:[^"\\]|\\.)*)"
            var i = content.startIndex + 1
            var closed: Int?
            while i < content.endIndex {
                let b = content[i]
                if b == backslash {
                    if i + 1 < content.endIndex {
                        i += 2
                        continue
                    }
                    break
                }
                if b == dquote {
                    closed = i
                    break
                }
                i += 1
            }
            if let closed {
                var out: [UInt8] = []
                var j = content.startIndex + 1
                while j < closed {
                    let b = content[j]
                    if b == backslash, j + 1 < closed {
                        let next = content[j + 1]
                        switch next {
                        case dquote, quote, UInt8(ascii: "`"), UInt8(ascii: "$"), backslash:
                            out.append(next)
                            j += 2
                            continue
                        case UInt8(ascii: "n"):
                            out.append(UInt8(ascii: "\n"))
                            j += 2
                            continue
                        case UInt8(ascii: "t"):
                            out.append(UInt8(ascii: "\t"))
                            j += 2
                            continue
                        default: break
                        }
                    }
                    out.append(b)
                    j += 1
                }
                return String(decoding: out, as: UTF8.self)
            }
        }
        let run = content.prefix { ASCII.isAlphanumeric($0) }
        return String(decoding: run, as: UTF8.self)
    }

    static func shellValue(_ content: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var pendingSpace: [UInt8] = []
        var i = content.startIndex
        let backslash = UInt8(ascii: "\\")
        func emit(_ b: UInt8) {
            out.append(contentsOf: pendingSpace)
            pendingSpace.removeAll()
            out.append(b)
        }
        while i < content.endIndex {
            let b = content[i]
            switch b {
            case UInt8(ascii: "'"):
                i += 1
                out.append(contentsOf: pendingSpace)
                pendingSpace.removeAll()
                while i < content.endIndex, content[i] != UInt8(ascii: "'") {
                    out.append(content[i])
                    i += 1
                }
                i += 1
            case UInt8(ascii: "\""):
                i += 1
                out.append(contentsOf: pendingSpace)
                pendingSpace.removeAll()
                while i < content.endIndex, content[i] != UInt8(ascii: "\"") {
                    if content[i] == backslash, i + 1 < content.endIndex,
                        [UInt8(ascii: "\""), backslash, UInt8(ascii: "$"), UInt8(ascii: "`")].contains(content[i + 1])
                    {
                        i += 1
                    }
                    out.append(content[i])
                    i += 1
                }
                i += 1
            case backslash:
                if i + 1 < content.endIndex { emit(content[i + 1]) }
                i += 2
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                pendingSpace.append(b)
                i += 1
            default:
                emit(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
