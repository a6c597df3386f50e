/// SHA-1 (FIPS 180-4) over bytes, for the config `digest`.
///
/// Proxmox: `Digest::SHA::sha1_hex($raw)` in `PVE::LXC::Config::parse_pct_config`.
public struct SHA1: Sendable {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    /// A fresh hash state.
    public init() { buffer.reserveCapacity(64) }

    /// Feeds more bytes.
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done = bytes.withContiguousStorageIfAvailable({ update(buffer: $0) }) { return done }
        let copy = Array(bytes)
        copy.withUnsafeBufferPointer { update(buffer: $0) }
    }

    private mutating func update(buffer p: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(p.count)
        var off = 0
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, p.count)
            buffer.append(contentsOf: p[0..<take])
            off = take
            if buffer.count == 64 {
                let block = buffer
                block.withUnsafeBufferPointer { compress($0, 0) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        while p.count - off >= 64 {
            compress(p, off)
            off += 64
        }
        if off < p.count { buffer.append(contentsOf: p[off...]) }
    }

    /// The 20-byte digest.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail = buffer
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBufferPointer { p in
            var off = 0
            while off < p.count {
                compress(p, off)
                off += 64
            }
        }
        buffer.removeAll()
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for word in [h.0, h.1, h.2, h.3, h.4] {
            out.append(UInt8(truncatingIfNeeded: word >> 24))
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8))
            out.append(UInt8(truncatingIfNeeded: word))
        }
        return out
    }

    /// Lower-case hex SHA-1 of `bytes` (40 characters).
    public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var s = SHA1()
        s.update(bytes)
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(40)
        for b in s.finalize() {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return out.utf8String
    }

    private mutating func compress(_ p: UnsafeBufferPointer<UInt8>, _ off: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { words in
            for t in 0..<16 {
                let o = off + t &* 4
                words[t] = UInt32(p[o]) << 24 | UInt32(p[o + 1]) << 16 | UInt32(p[o + 2]) << 8 | UInt32(p[o + 3])
            }
            var a = h.0, b = h.1, c = h.2, d = h.3, e = h.4
            @inline(__always) func schedule(_ t: Int) -> UInt32 {
                if t < 16 { return words[t] }
                let x = words[(t &- 3) & 15] ^ words[(t &- 8) & 15] ^ words[(t &- 14) & 15] ^ words[t & 15]
                let w = (x << 1) | (x >> 31)
                words[t & 15] = w
                return w
            }
            for t in 0..<20 {
                let temp = ((a << 5) | (a >> 27)) &+ ((b & c) | (~b & d)) &+ e &+ 0x5A82_7999 &+ schedule(t)
                e = d; d = c; c = (b << 30) | (b >> 2); b = a; a = temp
            }
            for t in 20..<40 {
                let temp = ((a << 5) | (a >> 27)) &+ (b ^ c ^ d) &+ e &+ 0x6ED9_EBA1 &+ schedule(t)
                e = d; d = c; c = (b << 30) | (b >> 2); b = a; a = temp
            }
            for t in 40..<60 {
                let temp = ((a << 5) | (a >> 27)) &+ ((b & c) | (b & d) | (c & d)) &+ e &+ 0x8F1B_BCDC &+ schedule(t)
                e = d; d = c; c = (b << 30) | (b >> 2); b = a; a = temp
            }
            for t in 60..<80 {
                let temp = ((a << 5) | (a >> 27)) &+ (b ^ c ^ d) &+ e &+ 0xCA62_C1D6 &+ schedule(t)
                e = d; d = c; c = (b << 30) | (b >> 2); b = a; a = temp
            }
            h.0 &+= a
            h.1 &+= b
            h.2 &+= c
            h.3 &+= d
            h.4 &+= e
        }
    }
}
