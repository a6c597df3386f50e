/// A JSON value with deterministic output (object keys keep insertion order), for `--json`.
enum JSON: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    static func == (a: JSON, b: JSON) -> Bool { a.rendered() == b.rendered() }

    /// Pretty-printed with two-space indentation and a final newline when `pretty`.
    func rendered(pretty: Bool = true) -> String {
        var s = ""
        write(to: &s, indent: 0, pretty: pretty)
        return pretty ? s + "\n" : s
    }

    private func write(to s: inout String, indent: Int, pretty: Bool) {
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = pretty ? String(repeating: "  ", count: indent) : ""
        let nl = pretty ? "\n" : ""
        switch self {
        case .null: s += "null"
        case .bool(let b): s += b ? "true" : "false"
        case .int(let n): s += String(n)
        case .string(let str): JSON.quote(str, into: &s)
        case .array(let items):
            if items.isEmpty { s += "[]"; return }
            s += "[" + nl
            for (i, item) in items.enumerated() {
                s += pad
                item.write(to: &s, indent: indent + 1, pretty: pretty)
                s += (i + 1 < items.count ? "," : "") + nl
            }
            s += closePad + "]"
        case .object(let members):
            if members.isEmpty { s += "{}"; return }
            s += "{" + nl
            for (i, (k, v)) in members.enumerated() {
                s += pad
                JSON.quote(k, into: &s)
                s += pretty ? ": " : ":"
                v.write(to: &s, indent: indent + 1, pretty: pretty)
                s += (i + 1 < members.count ? "," : "") + nl
            }
            s += closePad + "}"
        }
    }

    static func quote(_ str: String, into s: inout String) {
        s += "\""
        for u in str.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    s += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    s.unicodeScalars.append(u)
                }
            }
        }
        s += "\""
    }
}
