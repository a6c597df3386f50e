import PVECore
/// The percent coding Proxmox uses for `#` comment lines (the `description`).
///
/// Proxmox: `PVE::Tools::encode_text` / `decode_text` (`PVE::ParseUtils`). Decoding turns every
/// `%XX` into a byte and then reads the bytes as (lax) UTF-8 the way Perl's `Encode::decode("utf8")`
/// does; encoding escapes every byte outside `0x20–0x24`, `0x26–0x39`, `0x3B–0x7E`.
public enum DescriptionCoding {
    /// Decodes the text after `#` into UTF-8 bytes: `%XX` sequences become bytes, malformed
    /// sequences stay literal, and malformed UTF-8 is replaced by U+FFFD as Perl's lax decoder does.
    public static func decode<C: Collection>(_ text: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        if text.withContiguousStorageIfAvailable({ decode($0, appendingTo: &out) }) == nil {
            Array(text).withUnsafeBufferPointer { decode($0, appendingTo: &out) }
        }
        return out
    }

    /// `decode`, appending to `out`: the line is decoded into a scratch buffer and appended at
    /// once, and only a line that is not well-formed UTF-8 goes through the lax pass.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, appendingTo out: inout [UInt8]) {
        let n = text.count
        guard n > 0 else { return }
        // Decoding never makes a line longer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { scratch in
            var written = 0
            var high: UInt8 = 0
            var i = 0
            while i < n {
                var b = text[i]
                if b == ASCII.percent, i + 2 < n, let hi = hexValue(text[i + 1]), let lo = hexValue(text[i + 2]) {
                    b = hi << 4 | lo
                    i += 3
                } else {
                    i += 1
                }
                scratch[written] = b
                high |= b
                written += 1
            }
            let decoded = UnsafeBufferPointer(start: scratch.baseAddress, count: written)
            if high & 0x80 != 0, !isWellFormedUTF8(decoded) {
                out.append(contentsOf: laxUTF8(Array(decoded)))
            } else {
                out.append(contentsOf: decoded)
            }
        }
    }

    /// Encodes UTF-8 bytes of one description line for a `#` comment line.
    public static func encode<C: Collection>(_ bytes: C, into out: inout [UInt8]) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ encode(buffer: $0, into: &out) }) != nil { return }
        Array(bytes).withUnsafeBufferPointer { encode(buffer: $0, into: &out) }
    }

    /// Whether a byte stays as it is in a `#` line (printable ASCII except `%` and `:`).
    @inline(__always)
    static func isKept(_ b: UInt8) -> Bool { (b >= 0x20 && b <= 0x24) || (b >= 0x26 && b <= 0x39) || (b >= 0x3B && b <= 0x7E) }

    /// `encode` on contiguous bytes: a line without bytes to escape is copied at once; others are
    /// encoded into a scratch buffer and appended at once.
    static func encode(buffer bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        guard let firstEscaped = bytes.firstIndex(where: { !isKept($0) }) else {
            out.append(contentsOf: bytes)
            return
        }
        // Every byte takes at most three.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * bytes.count) { scratch in
            var written = 0
            for i in 0..<firstEscaped {
                scratch[written] = bytes[i]
                written += 1
            }
            for i in firstEscaped..<bytes.count {
                let b = bytes[i]
                if isKept(b) {
                    scratch[written] = b
                    written += 1
                } else {
                    scratch[written] = ASCII.percent
                    scratch[written + 1] = hexDigit(b >> 4)
                    scratch[written + 2] = hexDigit(b & 0x0F)
                    written += 3
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress, count: written))
        }
    }

    /// Encodes one description line (a string without `\n`) for a `#` comment line.
    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        encode(Array(text.utf8), into: &out)
        return out.utf8String
    }

    /// The upper-case hex digit of a value below 16.
    @inline(__always)
    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? ASCII.zero + v : UInt8(ascii: "A") + v - 10 }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Whether `s` is well-formed UTF-8 in the strict sense (no overlong forms, surrogates or
    /// code points above U+10FFFF). Such bytes are exactly what ``laxUTF8(_:)`` returns for them;
    /// everything else is left to it.
    static func isWellFormedUTF8(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = s.count
        var i = 0
        while i < n {
            let b = s[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            let smallest: UInt32
            if b & 0xE0 == 0xC0 {
                (length, scalar, smallest) = (2, UInt32(b & 0x1F), 0x80)
            } else if b & 0xF0 == 0xE0 {
                (length, scalar, smallest) = (3, UInt32(b & 0x0F), 0x800)
            } else if b & 0xF8 == 0xF0 {
                (length, scalar, smallest) = (4, UInt32(b & 0x07), 0x1_0000)
            } else {
                return false
            }
            guard n - i >= length else { return false }
            for k in 1..<length {
                let c = s[i + k]
                guard c & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard scalar >= smallest, scalar <= 0x10_FFFF, scalar & 0xFFFF_F800 != 0xD800 else { return false }
            i += length
        }
        return true
    }

    /// Perl's lax `utf8` decoding (Encode `process_utf8` without `strict`), returned re-encoded:
    /// well-formed sequences (including surrogates and Perl's extended code points) are kept,
    /// every malformed piece becomes one U+FFFD.
    static func laxUTF8(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        let e = s.count
        var i = 0
        while i < e {
            let b = s[i]
            if b < 0x80 {
                out.append(b)
                i += 1
                continue
            }
            if b < 0xC0 {  // stray continuation byte
                out.append(contentsOf: replacement)
                i += 1
                continue
            }
            let skip = perlSkip(b)
            if i + skip > e {
                var ulen = 1
                if e - i >= 2 { ulen = convert(s, i, e - i).consumed }
                out.append(contentsOf: replacement)
                i += max(ulen, 1)
                continue
            }
            let (value, consumed) = convert(s, i, skip)
            if value == nil {
                out.append(contentsOf: replacement)
                i += max(consumed, 1)
                continue
            }
            out.append(contentsOf: s[i..<(i + skip)])
            i += skip
        }
        return out
    }

    /// `UTF8SKIP` of Perl's extended UTF-8 for a start byte.
    private static func perlSkip(_ b: UInt8) -> Int {
        switch b {
        case 0xC0...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF7: return 4
        case 0xF8...0xFB: return 5
        case 0xFC...0xFD: return 6
        case 0xFE: return 7
        default: return 13
        }
    }

    /// Bytes needed to encode `uv` in Perl's extended UTF-8 (`UNISKIP`).
    private static func perlUniSkip(_ uv: UInt64) -> Int {
        switch uv {
        case ..<0x80: return 1
        case ..<0x800: return 2
        case ..<0x1_0000: return 3
        case ..<0x20_0000: return 4
        case ..<0x400_0000: return 5
        case ..<0x8000_0000: return 6
        case ..<0x10_0000_0000: return 7
        default: return 13
        }
    }

    /// Encode's `convert_utf8_multi_seq`: the code point (nil when malformed or overlong) and the
    /// number of bytes examined.
    private static func convert(_ s: [UInt8], _ start: Int, _ length: Int) -> (value: UInt64?, consumed: Int) {
        let skip = perlSkip(s[start])
        let mask: UInt64 = skip >= 7 ? 0 : UInt64(0x1F >> (skip - 2))
        var uv = UInt64(s[start]) & mask
        var overflowed = false
        var k = 1
        while k < length {
            let c = s[start + k]
            guard c & 0xC0 == 0x80 else { return (nil, k) }
            if uv & 0xFC00_0000_0000_0000 != 0 { overflowed = true }
            uv = (uv << 6) | UInt64(c & 0x3F)
            k += 1
        }
        if overflowed || k > perlUniSkip(uv) { return (nil, k) }
        return (uv, k)
    }
}
