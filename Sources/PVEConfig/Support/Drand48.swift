/// Perl's `rand()` on Linux: the 48-bit linear congruential generator of `drand48`.
///
/// `srand(seed)` sets the state to `(seed << 16) + 0x330E`; each draw is
/// `x = (0x5DEECE66D * x + 0xB) mod 2^48`, `rand() = x / 2^48`.
public struct Drand48: Sendable, Hashable {
    private var state: UInt64

    /// Perl's `srand(seed)` (the seed is truncated to 32 bits as `srand48` does).
    public init(seed: UInt64) {
        state = ((seed & 0xFFFF_FFFF) << 16) | 0x330E
    }

    /// The next value in [0, 1).
    public mutating func next() -> Double {
        state = (0x5_DEEC_E66D &* state &+ 0xB) & 0xFFFF_FFFF_FFFF
        return Double(state) / 281_474_976_710_656.0
    }

    /// `int(rand() * n)`.
    public mutating func nextInt(below n: Int) -> Int {
        Int(next() * Double(n))
    }
}
