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

    /// Whether stderr is a terminal: only then do long commands show progress there.
    var showsProgress = false

    init(
        writeOut: @escaping (String) -> Void, writeErr: @escaping (String) -> Void, writeOutBytes: (([UInt8]) -> Void)? = nil,
        showsProgress: Bool = false
    ) {
        self.writeOut = writeOut
        self.writeErr = writeErr
        self.writeOutBytes = writeOutBytes ?? { writeOut(String(decoding: $0, as: UTF8.self)) }
        self.showsProgress = showsProgress
    }

    static var standard: Console {
        Console(
            writeOut: { writeAll(1, Array($0.utf8)) },
            writeErr: { writeAll(2, Array($0.utf8)) },
            writeOutBytes: { writeAll(1, $0) },
            showsProgress: isatty(2) == 1
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

/// A one-line progress counter on stderr (`label: 1200/5000`), redrawn in place, for work that can
/// take more than a second. It prints nothing unless `console.showsProgress` (stderr is a terminal)
/// and the work has at least `minimum` items; `clear()` removes the line before other output.
struct Progress {
    let label: String
    let total: Int
    let enabled: Bool
    private var shown = -1
    private var visible = false

    init(_ label: String, total: Int, console: Console, minimum: Int = 64) {
        self.label = label
        self.total = total
        self.enabled = console.showsProgress && total >= minimum
    }

    /// Shows `done` of `total` when the percentage changed.
    mutating func update(_ done: Int, console: inout Console) {
        guard enabled else { return }
        let percent = done * 100 / max(total, 1)
        guard percent != shown else { return }
        shown = percent
        visible = true
        console.err("\r\(label): \(done)/\(total)\u{1B}[K")
    }

    /// Erases the progress line (before other output, and at the end).
    mutating func clear(console: inout Console) {
        guard visible else { return }
        visible = false
        shown = -1
        console.err("\r\u{1B}[K")
    }
}
