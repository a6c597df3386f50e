import PVETestSupport
import Testing

@testable import PVEGuestSetup

/// SHA-512 crypt against independent values, and the memory regression of issue 14 (failure 5):
/// a 30,000-character password made the old code build a 900 MB string.
@Suite struct CryptTests {
    /// `$6$0123456789abcdef$…` for the password of `length` printable characters `33 + (7i+1) % 94`.
    /// Lengths up to 200: `openssl passwd -6 -salt 0123456789abcdef -stdin` (1, 64 and 129 also
    /// Python's `crypt.crypt`, i.e. libxcrypt); 1000: a separate Python implementation of
    /// the algorithm over `hashlib.sha512` (openssl truncates long input lines, libxcrypt refuses
    /// passwords over 512 bytes), which gives openssl's value for 200.
    static let vectors: [(Int, String)] = [
        (1, "FMfK2yIc3K0Fe5EcKEIvbMOixn3XQrcqAtAmO7H8SzA4jM7IJ8xfxKDGkoTJIhvzlM8TqmX9LpGFr4nS2UU7u1"),
        (63, "9w/KT3HMyV4hCgADSPONoqeu8MGxOcLjGLuNBrF2wtw92eGnVNLjQflx9WpWeS4XS2ey8bZxmTgWbCT.HpmQE/"),
        (64, "fihn0acmt3Uwu4mGjJ0dT0HQqL6LhJv3mjo5DUN6eZgEWmdUP1HLR4foBYH94.b8FSokIqWnOmx/Ql0KduPMz."),
        (65, "1O/9MVNY8liM5Vn89oRWgEw5HR55Egsfhu65.INHfUEVMFEtLWPKHi2Pl/Puaz73IC8sct5B3DkTb44kbueP7/"),
        (127, "HPJHQgKxDQeWYKTi/u1GPfp9CcAdbe2hkvtqYj1bEzN5gTplbagEMOIznx0tiM0LE5BCSgb1Fy3NVP5Wof8eX."),
        (128, "WDBA6CnTWO5w25mnUrHkm5jEJ8fKB6tttH99thIk9fVTmIht6IZf1oCeoQpvLV8zJ.NbSDksXPCEnciZcRWg21"),
        (129, "l4uQH/ihS/Uyb.gfXbynRe7F3qgNKU/k9MPa02aupm6LEGghPVPTTk4tAFYJ0rF70ggTgV8oBDFWG69RUWAEM."),
        (200, "oQSJ17nQc8chOKiwZIkRE9ajVPQ3cvG8YH4aNDjbYXpq9Kc10.ft9LoQGoUsi/ADTImNibyV0FbZjgDk4NJgc."),
        (1000, "SgYJUlP7MR9gYhx6ART.C/59QineHDs0os1Rf4Coyyb7xNjCM2n9qMJmkIywhnZ1orSX38hU4n9ACkk8O7bc90"),
    ]

    static func password(_ length: Int) -> [UInt8] { (0..<length).map { UInt8(33 + ($0 * 7 + 1) % 94) } }

    @Test(arguments: vectors) func matchesIndependentImplementations(_ length: Int, _ hash: String) {
        #expect(Crypt.sha512Crypt(password: Self.password(length), salt: "0123456789abcdef") == "$6$0123456789abcdef$" + hash)
    }

    /// Feeding the incremental hash in any chunking gives the one-shot digest (seeded sizes).
    @Test func incrementalHashIgnoresChunking() {
        var rng = SplitMix64(seed: 14)
        for _ in 0..<200 {
            let count = Int(rng.next() % 700)
            let message = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var hasher = Crypt.SHA512()
            var i = 0
            while i < count {
                let n = min(count - i, Int(rng.next() % 150))
                hasher.update(message[i..<(i + n)])
                i += n
            }
            #expect(hasher.finalize() == Crypt.sha512(message))
        }
        // FIPS 180-2 "abc".
        #expect(
            Crypt.sha512(Array("abc".utf8)).prefix(8) == [0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba])
    }

    /// Records how much one `update` is handed at most: the old code hashed the password repeated
    /// `length` times as one buffer (quadratic memory); now no piece is longer than the password.
    struct Recorder: Crypt.IncrementalHash {
        nonisolated(unsafe) static var largest = 0
        var inner = Crypt.SHA512()
        init() {}
        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            Self.largest = max(Self.largest, bytes.count)
            inner.update(bytes)
        }
        mutating func finalize() -> [UInt8] { inner.finalize() }
    }

    @Test func memoryIsLinearInThePasswordLength() {
        let password = Self.password(1000)
        Recorder.largest = 0
        let hash = Crypt.sha512Crypt(password: password, salt: "0123456789abcdef", hash: Recorder.self)
        #expect(hash == "$6$0123456789abcdef$" + Self.vectors[8].1)
        #expect(Recorder.largest <= password.count)
    }
}
