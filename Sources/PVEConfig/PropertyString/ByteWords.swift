/// Word-at-a-time byte scanning: eight bytes of a buffer are loaded as one little-endian
/// `UInt64` and tested together ("SIMD within a register"), for the loops that run over every
/// byte of every config value.
enum ByteWords {
    /// `b` in every byte of a word.
    @inline(__always)
    static func repeated(_ b: UInt8) -> UInt64 { UInt64(b) &* 0x0101_0101_0101_0101 }

    /// The high bit of every byte of `x` that is zero may be set, and no high bit is set unless
    /// some byte is zero; the lowest set bit always marks the first zero byte (a borrow only
    /// produces false marks above a real zero byte). So the result is exact for "is there a zero
    /// byte" and for "where is the first one".
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- repeated(0x01)) & ~x & repeated(0x80)
    }

    /// Marks the bytes of `word` equal to `b` (see ``zeroBytes(_:)`` for what the marks mean).
    @inline(__always)
    static func bytes(_ word: UInt64, equalTo b: UInt8) -> UInt64 {
        zeroBytes(word ^ repeated(b))
    }

    /// Marks (exactly: every mark is real) the bytes of `word` that are not in `[a-z_]`, the
    /// letters of a config key; zero bytes are marked.
    @inline(__always)
    static func bytesNotKeyLetters(_ word: UInt64) -> UInt64 {
        let low = word & repeated(0x7F)
        // High bit of each byte: its low seven bits are >= `a`, resp. > `z` (no carries between bytes).
        let atLeastA = low &+ repeated(0x80 - 0x61)
        let aboveZ = low &+ repeated(0x7F - 0x7A)
        let letters = atLeastA & ~aboveZ & ~word
        let t = word ^ repeated(0x5F)
        let notUnderscore = ((t & repeated(0x7F)) &+ repeated(0x7F)) | t
        return ~letters & notUnderscore & repeated(0x80)
    }

    /// The eight bytes at `offset` (the caller makes sure that `offset + 8 <= s.count`).
    @inline(__always)
    static func load(_ s: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(s.baseAddress!).loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The bytes from `offset` (< `s.count`) on as one word: the next eight bytes, or the rest of
    /// the buffer followed by zero bytes. A search for a non-zero byte never matches the padding.
    @inline(__always)
    static func word(_ s: UnsafeBufferPointer<UInt8>, from offset: Int) -> UInt64 {
        if offset + 8 <= s.count { return load(s, at: offset) }
        if s.count >= 8 {
            // The last eight bytes, shifted so that `offset` comes first.
            return load(s, at: s.count - 8) &>> UInt64(8 * (offset + 8 - s.count))
        }
        var w: UInt64 = 0
        for k in 0..<(s.count - offset) { w |= UInt64(s[offset + k]) &<< UInt64(8 * k) }
        return w
    }

    /// The index of the byte that the lowest mark in `marks` (non-zero) stands for, relative to
    /// the start of the word.
    @inline(__always)
    static func firstMarked(_ marks: UInt64) -> Int { marks.trailingZeroBitCount &>> 3 }

    /// The first index `>= start` where `marks(word)` marks a byte, or nil; `marks` must never
    /// mark a zero byte (the padding of the last word).
    @inline(__always)
    static func firstIndex(
        in s: UnsafeBufferPointer<UInt8>, from start: Int, where marks: (UInt64) -> UInt64
    ) -> Int? {
        var i = start
        // Whole words straight from the buffer, then at most one padded tail word.
        while i + 8 <= s.count {
            let m = marks(load(s, at: i))
            if m != 0 { return i + firstMarked(m) }
            i += 8
        }
        if i < s.count {
            let m = marks(word(s, from: i))
            if m != 0 { return i + firstMarked(m) }
        }
        return nil
    }

    /// The first index `>= start` where `s` holds `b` (not zero), or nil.
    @inline(__always)
    static func firstIndex(of b: UInt8, in s: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        firstIndex(in: s, from: start) { bytes($0, equalTo: b) }
    }

    /// Calls `body` with words that together contain every byte of `s` (some more than once);
    /// bytes that fill up a short buffer's word are zero. For order-independent checks.
    @inline(__always)
    static func forEachWord(covering s: UnsafeBufferPointer<UInt8>, _ body: (UInt64) -> Void) {
        guard let base = s.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        if s.count >= 8 {
            var i = 0
            while i + 8 < s.count {
                body(load(s, at: i))
                i += 8
            }
            body(load(s, at: s.count - 8))
        } else if s.count >= 4 {
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: s.count - 4, as: UInt32.self)))
            body(low | high &<< 32)
        } else {
            var w: UInt64 = 0
            for k in 0..<s.count { w |= UInt64(s[k]) &<< UInt64(8 * k) }
            body(w)
        }
    }

    /// The low `count` bytes (at most 8) of `s` starting at `offset`, packed little-endian.
    @inline(__always)
    static func packed(_ s: UnsafeBufferPointer<UInt8>, at offset: Int, count: Int) -> UInt64 {
        let w = word(s, from: offset)
        return count >= 8 ? w : w & ((1 &<< UInt64(8 * count)) &- 1)
    }
}
