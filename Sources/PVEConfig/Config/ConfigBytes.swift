// Byte-level helpers for the config reader and writers. Lines are parsed as bytes, never as
// Characters, and the character classes mirror Perl's on byte strings (Proxmox's regexes).

import PVECore

extension Array where Element == UInt8 {
    /// The bytes as a Swift string; invalid UTF-8 is repaired with U+FFFD.
    @inlinable
    var utf8String: String { String(decoding: self, as: UTF8.self) }
}

extension ArraySlice where Element == UInt8 {
    @inlinable
    var utf8String: String { String(decoding: self, as: UTF8.self) }
}

enum ByteText {
    /// Index of the first byte in `start..<end` that is not Perl whitespace (or `end`).
    @inlinable
    static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = start
        while i < end && ASCII.isSpace(b[i]) { i += 1 }
        return i
    }

    /// One past the last byte in `start..<end` that is not Perl whitespace (or `start`).
    @inlinable
    static func trimEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start && ASCII.isSpace(b[e - 1]) { e -= 1 }
        return e
    }

    /// Whether `b[at...]` starts with `prefix` (exact bytes).
    @inlinable
    static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ end: Int, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard end - at >= n else { return false }
        let p = prefix.utf8Start
        for k in 0..<n where b[at + k] != p[k] { return false }
        return true
    }

    /// Whether `b[at...]` starts with `prefix`, ASCII letters compared case-insensitively.
    @inlinable
    static func hasPrefixIgnoringCase(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ end: Int, _ prefix: StaticString)
        -> Bool
    {
        let n = prefix.utf8CodeUnitCount
        guard end - at >= n else { return false }
        let p = prefix.utf8Start
        for k in 0..<n where ASCII.lowercased(b[at + k]) != p[k] { return false }
        return true
    }

    /// Whether `bytes` is "true" for Perl (defined, not empty and not the string `0`).
    @inlinable
    static func isPerlTrue(_ bytes: [UInt8]?) -> Bool {
        guard let bytes, !bytes.isEmpty else { return false }
        return !(bytes.count == 1 && bytes[0] == ASCII.zero)
    }

    static func string(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }

    static func bytes(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [UInt8] {
        Array(b[start..<end])
    }

    /// Three-way byte comparison (negative, zero, positive), as Perl's string `cmp` on byte strings.
    static func compare(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let n = min(pa.count, pb.count)
                var i = 0
                while i < n {
                    let x = pa[i]
                    let y = pb[i]
                    if x != y { return Int(x) - Int(y) }
                    i += 1
                }
                return pa.count - pb.count
            }
        }
    }

    /// Byte-wise "less than" (Perl's `sort` on byte strings).
    static func less(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }
}
