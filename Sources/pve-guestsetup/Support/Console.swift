import Glibc

/// Where a command writes. `Console.standard` writes to the process's stdout/stderr;
/// `Console.capturing()` collects the text for in-process tests.
struct Console {
    var writeOut: (String) -> Void
    var writeErr: (String) -> Void

    mutating func out(_ text: String) { writeOut(text) }
    mutating func err(_ text: String) { writeErr(text) }

    /// Writes bytes verbatim to stdout (file contents, diffs).
    var writeOutBytes: ([UInt8]) -> Void

    init(writeOut: @escaping (String) -> Void, writeErr: @escaping (String) -> Void, writeOutBytes: (([UInt8]) -> Void)? = nil) {
        self.writeOut = writeOut
        self.writeErr = writeErr
        self.writeOutBytes = writeOutBytes ?? { writeOut(String(decoding: $0, as: UTF8.self)) }
    }

    static var standard: Console {
        Console(
            writeOut: { writeAll(1, Array($0.utf8)) },
            writeErr: { writeAll(2, Array($0.utf8)) },
            writeOutBytes: { writeAll(1, $0) }
        )
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = Glibc.write(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                left -= n
                p += n
            }
        }
    }
}

/// Collects what a command prints; for tests.
final class CapturedOutput {
    var stdout = ""
    var stderr = ""
    init() {}
    var console: Console {
        Console(writeOut: { [unowned self] in self.stdout += $0 }, writeErr: { [unowned self] in self.stderr += $0 })
    }
}
