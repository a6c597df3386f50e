import PVECore
import PVESystem

/// Renders overlay changes as a unified diff (what `apply --dry-run` prints).
public enum UnifiedDiff {
    /// A git-style unified diff of every change: content hunks with 3 lines of context, plus
    /// header lines for new/deleted files, symlinks, directories, mode and owner changes.
    public static func render(_ changes: [OverlayFileSystem.Change]) -> [UInt8] {
        var out: [UInt8] = []
        for change in changes { out += render(change) }
        return out
    }

    static func octal(_ mode: UInt32) -> String {
        let s = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    static func render(_ c: OverlayFileSystem.Change) -> [UInt8] {
        let rel = String(c.path.drop { $0 == "/" })
        var out = "diff --pve-guestsetup a/\(rel) b/\(rel)\n"
        var oldText: [UInt8]?
        var newText: [UInt8]?
        switch (c.before, c.after) {
        case (.absent, .file(let b, let m, let o)):
            out += "new file mode \(octal(m)) owner \(o)\n"
            oldText = []
            newText = b
        case (.file(let b, let m, let o), .absent):
            out += "deleted file mode \(octal(m)) owner \(o)\n"
            oldText = b
            newText = []
        case (.file(let a, let m1, let o1), .file(let b, let m2, let o2)):
            if m1 != m2 { out += "old mode \(octal(m1))\nnew mode \(octal(m2))\n" }
            if o1 != o2 { out += "old owner \(o1)\nnew owner \(o2)\n" }
            if a != b {
                oldText = a
                newText = b
            }
        case (let before, let after):
            out += "old: \(describe(before))\nnew: \(describe(after))\n"
            if case .file(let a, _, _) = before { oldText = a; newText = [] }
            if case .file(let b, _, _) = after { newText = b; oldText = oldText ?? [] }
        }
        var bytes = Array(out.utf8)
        if let oldText, let newText, oldText != newText {
            let fromName = oldText.isEmpty && !isFile(c.before) ? "/dev/null" : "a/\(rel)"
            let toName = newText.isEmpty && !isFile(c.after) ? "/dev/null" : "b/\(rel)"
            bytes += Array("--- \(fromName)\n+++ \(toName)\n".utf8)
            bytes += hunks(oldText, newText)
        }
        return bytes
    }

    static func isFile(_ s: OverlayFileSystem.Change.State) -> Bool {
        if case .file = s { return true }
        return false
    }

    static func describe(_ s: OverlayFileSystem.Change.State) -> String {
        switch s {
        case .absent: return "(nothing)"
        case .file(let b, let m, let o): return "file mode \(octal(m)) owner \(o) (\(b.count) bytes)"
        case .directory(let m, let o): return "directory mode \(octal(m)) owner \(o)"
        case .symlink(let t): return "symlink -> \(t)"
        case .other(let k): return "\(k)"
        }
    }

    /// Lines of `text` (each without its newline) and whether the last one lacked a newline.
    static func lines(_ text: [UInt8]) -> ([ArraySlice<UInt8>], Bool) {
        if text.isEmpty { return ([], false) }
        var ls = text.split(separator: Bytes.newline, omittingEmptySubsequences: false)
        let missingNewline = text.last != Bytes.newline
        if !missingNewline { ls.removeLast() }
        return (ls, missingNewline)
    }

    enum Op { case same(Int, Int), del(Int), ins(Int) }

    /// Line diff (LCS); falls back to delete-all/insert-all for very large inputs.
    static func diffOps(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> [Op] {
        let n = a.count
        let m = b.count
        if n * m > 4_000_000 {
            return (0..<n).map { .del($0) } + (0..<m).map { .ins($0) }
        }
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var ops: [Op] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(.same(i, j))
                i += 1
                j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                ops.append(.del(i))
                i += 1
            } else {
                ops.append(.ins(j))
                j += 1
            }
        }
        return ops
    }

    static func hunks(_ old: [UInt8], _ new: [UInt8]) -> [UInt8] {
        let (a, aNoNL) = lines(old)
        let (b, bNoNL) = lines(new)
        let ops = diffOps(a, b)
        let context = 3
        var out: [UInt8] = []
        var k = 0
        while k < ops.count {
            guard let firstChange = ops[k...].firstIndex(where: { if case .same = $0 { return false } else { return true } }) else { break }
            var start = max(k, firstChange - context)
            if start < k { start = k }
            var end = firstChange
            var lastChange = firstChange
            while end < ops.count {
                if case .same = ops[end] {
                    if end - lastChange > 2 * context { break }
                } else {
                    lastChange = end
                }
                end += 1
            }
            let stop = min(ops.count, lastChange + context + 1)
            var oldStart = 0, oldCount = 0, newStart = 0, newCount = 0
            var firstOld: Int?
            var firstNew: Int?
            var body: [UInt8] = []
            for op in ops[start..<stop] {
                switch op {
                case .same(let i, let j):
                    firstOld = firstOld ?? i
                    firstNew = firstNew ?? j
                    oldCount += 1
                    newCount += 1
                    body.append(UInt8(ascii: " "))
                    body += a[i]
                    body.append(Bytes.newline)
                    if i == a.count - 1, aNoNL { body += Array("\\ No newline at end of file\n".utf8) }
                case .del(let i):
                    firstOld = firstOld ?? i
                    oldCount += 1
                    body.append(UInt8(ascii: "-"))
                    body += a[i]
                    body.append(Bytes.newline)
                    if i == a.count - 1, aNoNL { body += Array("\\ No newline at end of file\n".utf8) }
                case .ins(let j):
                    firstNew = firstNew ?? j
                    newCount += 1
                    body.append(UInt8(ascii: "+"))
                    body += b[j]
                    body.append(Bytes.newline)
                    if j == b.count - 1, bNoNL { body += Array("\\ No newline at end of file\n".utf8) }
                }
            }
            oldStart = oldCount == 0 ? precedingOld(ops, start) : (firstOld ?? 0) + 1
            newStart = newCount == 0 ? precedingNew(ops, start) : (firstNew ?? 0) + 1
            out += Array("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n".utf8)
            out += body
            k = stop
        }
        return out
    }

    private static func precedingOld(_ ops: [Op], _ index: Int) -> Int {
        var count = 0
        for op in ops[..<index] {
            switch op {
            case .same, .del: count += 1
            case .ins: break
            }
        }
        return count
    }

    private static func precedingNew(_ ops: [Op], _ index: Int) -> Int {
        var count = 0
        for op in ops[..<index] {
            switch op {
            case .same, .ins: count += 1
            case .del: break
            }
        }
        return count
    }
}
