import PVECore
/// SHA-1, SHA-512, Base64 and glibc's SHA-512 `crypt` (`$6$`), for hashing a clear-text root
/// password the way Proxmox does (`crypt(pw, '$6$' . substr(sha1_base64(time), 0, 8) . '$')`).
enum Crypt {
    // MARK: SHA-1

    static func sha1(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var m = message
        let bitLength = UInt64(message.count) &* 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for i in (0..<8).reversed() { m.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: m.count, by: 64) {
            for i in 0..<16 {
                w[i] =
                    UInt32(m[chunk + 4 * i]) << 24 | UInt32(m[chunk + 4 * i + 1]) << 16
                    | UInt32(m[chunk + 4 * i + 2]) << 8 | UInt32(m[chunk + 4 * i + 3])
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = (x << 1) | (x >> 31)
            }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let t = ((a << 5) | (a >> 27)) &+ f &+ e &+ k &+ w[i]
                e = d
                d = c
                c = (b << 30) | (b >> 2)
                b = a
                a = t
            }
            h[0] &+= a
            h[1] &+= b
            h[2] &+= c
            h[3] &+= d
            h[4] &+= e
        }
        return h.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) } }
    }

    // MARK: SHA-512

    fileprivate static let k512: [UInt64] = [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
        0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
        0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
        0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
        0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
        0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
        0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
        0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
        0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
        0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ]

    static func sha512(_ message: [UInt8]) -> [UInt8] {
        var hasher = SHA512()
        hasher.update(message)
        return hasher.finalize()
    }

    /// An incremental hash as `sha512Crypt` uses it (tests count what it is fed).
    protocol IncrementalHash {
        init()
        mutating func update(_ bytes: UnsafeRawBufferPointer)
        mutating func finalize() -> [UInt8]
    }

    /// Incremental SHA-512: memory is one 128-byte block whatever the length of the input.
    struct SHA512: IncrementalHash {
        init() {}

        private var h: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
            0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1, 0x510e527fade682d1,
            0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179
        )
        private var block = [UInt8](repeating: 0, count: 128)
        private var filled = 0
        private var length: UInt64 = 0

        /// Whole blocks are hashed straight from `bytes`; only a partial block is copied.
        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            length &+= UInt64(bytes.count)
            var i = 0
            if filled > 0 {
                let take = Swift.min(128 - filled, bytes.count)
                block.withUnsafeMutableBytes { UnsafeMutableRawBufferPointer(rebasing: $0[filled..<(filled + take)]) }
                    .copyMemory(from: UnsafeRawBufferPointer(start: base, count: take))
                filled += take
                i = take
                if filled < 128 { return }
                block.withUnsafeBytes { compress($0.baseAddress!) }
                filled = 0
            }
            while bytes.count - i >= 128 {
                compress(base + i)
                i += 128
            }
            let rest = bytes.count - i
            if rest > 0 {
                block.withUnsafeMutableBytes { UnsafeMutableRawBufferPointer(rebasing: $0[0..<rest]) }
                    .copyMemory(from: UnsafeRawBufferPointer(start: base + i, count: rest))
                filled = rest
            }
        }

        mutating func finalize() -> [UInt8] {
            let bitLength = length &* 8
            var tail = [UInt8](block[0..<filled])
            tail.append(0x80)
            while tail.count % 128 != 120 { tail.append(0) }
            for i in 0..<8 { tail.append(UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * UInt64(i)))) }
            tail.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    compress(raw.baseAddress! + offset)
                    offset += 128
                }
            }
            let words = [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7]
            return words.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) } }
        }

        /// One 128-byte block at `p` (big-endian words, unaligned loads).
        private mutating func compress(_ p: UnsafeRawPointer) {
            @inline(__always) func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { (x >> n) | (x << (64 - n)) }
            var state = h
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 80) { w in
                for i in 0..<16 { w[i] = UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
                for i in 16..<80 {
                    let a = w[i - 15]
                    let b = w[i - 2]
                    let s0 = rotr(a, 1) ^ rotr(a, 8) ^ (a >> 7)
                    let s1 = rotr(b, 19) ^ rotr(b, 61) ^ (b >> 6)
                    w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                }
                Crypt.k512.withUnsafeBufferPointer { k in
                    var (a, b, c, d, e, f, g, hh) = state
                    for i in 0..<80 {
                        let s1 = rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                        let s0 = rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        hh = g
                        g = f
                        f = e
                        e = d &+ t1
                        d = c
                        c = b
                        b = a
                        a = t1 &+ s0 &+ maj
                    }
                    state = (
                        state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f,
                        state.6 &+ g, state.7 &+ hh
                    )
                }
            }
            h = state
        }
    }

    // MARK: Base64

    /// Standard Base64 without padding (`Digest::SHA::sha1_base64`).
    static func base64NoPadding(_ data: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            let n = min(3, data.count - i)
            var v: UInt32 = 0
            for j in 0..<3 { v = (v << 8) | (j < n ? UInt32(data[i + j]) : 0) }
            for j in 0...n { out.append(alphabet[Int((v >> (18 - 6 * UInt32(j))) & 0x3F)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: SHA-512 crypt

    /// glibc `crypt(password, "$6$<salt>$")` with the default 5000 rounds.
    ///
    /// Memory is linear in the password length: the digests over the password repeated
    /// `length` times (and the salt `16 + c[0]` times) are fed to an incremental hasher instead of
    /// building those strings (which are quadratic: 900 MB for a 30,000-byte password). Time stays
    /// quadratic in the length, as in glibc.
    static func sha512Crypt(password: [UInt8], salt saltText: String) -> String {
        sha512Crypt(password: password, salt: saltText, hash: SHA512.self)
    }

    /// `sha512Crypt` over any `IncrementalHash` (SHA-512 in production).
    static func sha512Crypt<H: IncrementalHash>(password: [UInt8], salt saltText: String, hash: H.Type) -> String {
        let p = password
        let s = Array(saltText.utf8.prefix(16))
        var hb = H()
        hb.update(p)
        hb.update(s)
        hb.update(p)
        let b = hb.finalize()
        var ha = H()
        ha.update(p)
        ha.update(s)
        var n = p.count
        while n > 64 {
            ha.update(b)
            n -= 64
        }
        ha.update(b[0..<n])
        n = p.count
        while n > 0 {
            if (n & 1) != 0 { ha.update(b) } else { ha.update(p) }
            n >>= 1
        }
        var c = ha.finalize()
        var hdp = H()
        for _ in 0..<p.count { hdp.update(p) }
        let dpHash = hdp.finalize()
        var pBytes: [UInt8] = []
        pBytes.reserveCapacity(p.count)
        for i in 0..<p.count { pBytes.append(dpHash[i % 64]) }
        var hds = H()
        for _ in 0..<(16 + Int(c[0])) { hds.update(s) }
        let dsHash = hds.finalize()
        var sBytes: [UInt8] = []
        for i in 0..<s.count { sBytes.append(dsHash[i % 64]) }
        for i in 0..<5000 {
            var x = H()
            if (i & 1) != 0 { x.update(pBytes) } else { x.update(c) }
            if i % 3 != 0 { x.update(sBytes) }
            if i % 7 != 0 { x.update(pBytes) }
            if (i & 1) != 0 { x.update(c) } else { x.update(pBytes) }
            c = x.finalize()
        }
        let itoa = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var out = Array("$6$".utf8) + s + [UInt8(ascii: "$")]
        func b64(_ b2: UInt8, _ b1: UInt8, _ b0: UInt8, _ count: Int) {
            var w = UInt32(b2) << 16 | UInt32(b1) << 8 | UInt32(b0)
            for _ in 0..<count {
                out.append(itoa[Int(w & 0x3F)])
                w >>= 6
            }
        }
        for k in 0..<21 {
            let t = [k, k + 21, k + 42]
            let r = k % 3
            let (x, y, z) = (t[r], t[(r + 1) % 3], t[(r + 2) % 3])
            b64(c[x], c[y], c[z], 4)
        }
        b64(0, 0, c[63], 2)
        return String(decoding: out, as: UTF8.self)
    }
}

extension Crypt.IncrementalHash {
    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { update($0) }
    }
}
