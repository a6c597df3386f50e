/// A small strict JSON reader for checking `--json` output against the documented fields.
indirect enum TestJSON: Equatable {
    case null, bool(Bool), number(String), string(String), array([TestJSON]), object([(String, TestJSON)])

    static func == (a: TestJSON, b: TestJSON) -> Bool { "\(a)" == "\(b)" }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses one JSON value that fills `text` (whitespace around it allowed).
    static func parse(_ text: String) throws -> TestJSON {
        var reader = Reader(bytes: Array(text.utf8))
        let value = try reader.value()
        reader.skipSpace()
        guard reader.i == reader.bytes.count else { throw Failure(description: "trailing text at \(reader.i)") }
        return value
    }

    var objectMembers: [(String, TestJSON)]? {
        if case .object(let m) = self { return m }
        return nil
    }

    subscript(key: String) -> TestJSON? { objectMembers?.first { $0.0 == key }?.1 }

    private struct Reader {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }

        mutating func expect(_ literal: String) throws {
            for b in literal.utf8 {
                guard i < bytes.count, bytes[i] == b else { throw Failure(description: "expected \(literal) at \(i)") }
                i += 1
            }
        }

        mutating func value() throws -> TestJSON {
            skipSpace()
            guard i < bytes.count else { throw Failure(description: "unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                i += 1
                var items: [TestJSON] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skipSpace()
                    if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "{"):
                i += 1
                var members: [(String, TestJSON)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    members.append((key, try value()))
                    skipSpace()
                    if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect("}")
                    return .object(members)
                }
            default:
                let start = i
                while i < bytes.count, "-+.eE0123456789".utf8.contains(bytes[i]) { i += 1 }
                guard i > start else { throw Failure(description: "unexpected byte at \(i)") }
                return .number(String(decoding: bytes[start..<i], as: UTF8.self))
            }
        }

        mutating func string() throws -> String {
            try expect("\"")
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard b >= 0x20 else { throw Failure(description: "control byte in string at \(i)") }
                if b == UInt8(ascii: "\\") {
                    guard i < bytes.count else { break }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
                        else { throw Failure(description: "bad \\u escape") }
                        i += 4
                        out.append(contentsOf: String(Unicode.Scalar(v).map(Character.init) ?? "?").utf8)
                    default: out.append(e)
                    }
                } else {
                    out.append(b)
                }
            }
            throw Failure(description: "unterminated string")
        }
    }
}
