import Glibc

/// The one read loop of the package: reads an open descriptor to its end, never past a limit,
/// growing the buffer only as data arrives (a sparse 8 GB file costs `limit` bytes at most).
enum BoundedRead {
    /// Reads until end of file or `upTo` bytes; with `failPastLimit`, more than `upTo` is `.tooLarge`.
    /// `expected` (the size `fstat` reported) only sizes the first buffer: files may grow or shrink
    /// meanwhile, and it is never trusted past the limit.
    static func readAll(_ fd: CInt, path: String, upTo limit: Int, expected: Int, failPastLimit: Bool)
        throws(FileError) -> [UInt8]
    {
        var out: [UInt8] = []
        let wanted = Swift.min(Swift.max(expected, 0), limit) + 1  // +1 sees end of file in one call
        var chunk = [UInt8](repeating: 0, count: Swift.min(Swift.max(wanted, 512), 1 << 16))
        while true {
            let want = failPastLimit ? chunk.count : Swift.min(chunk.count, limit - out.count)
            if want == 0 { break }
            let n: Int
            switch chunk.withUnsafeMutableBytes({
                Syscalls.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want]))
            }) {
            case .success(let count): n = count
            case .failure(let e): throw FileError(e, path: path, operation: "read")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if failPastLimit && out.count > limit { throw tooLarge(path, limit) }
        }
        return out
    }

    static func tooLarge(_ path: String, _ limit: Int) -> FileError {
        FileError(code: .tooLarge, path: path, operation: "read", reason: "file is larger than \(limit) bytes")
    }
}
