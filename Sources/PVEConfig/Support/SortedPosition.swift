/// Where a key stands in a sorted sequence: the index it is found at, or the index to insert it
/// at. Used by the section members and the snapshot table.
enum SortedPosition {
    /// `order(i)` is the sign of item `i` against the key (negative: the item sorts first). The
    /// last item is tried first, since keys read from a file usually arrive in order; then a binary
    /// search.
    @inline(__always)
    static func find(count: Int, _ order: (Int) -> Int) -> (found: Bool, at: Int) {
        guard count > 0 else { return (false, 0) }
        let c = order(count - 1)
        if c < 0 { return (false, count) }
        if c == 0 { return (true, count - 1) }
        var lo = 0
        var hi = count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = order(mid)
            if c == 0 { return (true, mid) }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }
}
