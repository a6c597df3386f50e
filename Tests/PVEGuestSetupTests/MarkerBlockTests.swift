import PVETestSupport
import Testing

@testable import PVEGuestSetup

@Suite struct MarkerBlockTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var existing: String?
        var data: String
        var options = MarkerBlock.Options()
        var expected: MarkerBlock.Edit
        var description: String { name }
    }

    // swift-format-ignore: AlwaysUseLowerCamelCase
    static let B = "# --- BEGIN PVE ---\n"
    // swift-format-ignore: AlwaysUseLowerCamelCase
    static let E = "# --- END PVE ---\n"
    static func w(_ s: String, _ perms: Bool = true) -> MarkerBlock.Edit { .write(Array(s.utf8), usesPermissions: perms) }

    static let cases: [Case] = [
        Case(name: "missing file, data", existing: nil, data: "X", expected: w(B + "X\n" + E)),
        Case(name: "missing file, no data", existing: nil, data: "", expected: .unchanged),
        Case(name: "missing file, data 0 is false in Perl", existing: nil, data: "0", expected: .unchanged),
        Case(name: "append", existing: "a\nb\n", data: "X\n", expected: w("a\nb\n" + B + "X\n" + E)),
        Case(name: "prepend without final newline", existing: "abc", data: "X", options: .init(placement: .prepend), expected: w(B + "X\n" + E + "abc\n")),
        Case(
            name: "replace whole file", existing: "# c1\n# c2\nnameserver 1.1.1.1\n", data: "X\n", options: .init(placement: .replaceFile),
            expected: w(B + "X\n" + E)),
        Case(name: "empty file gets a blank line before the block", existing: "", data: "X\n", expected: w("\n" + B + "X\n" + E)),
        Case(name: "block replaced in place", existing: "a\n" + B + "old\n" + E + "z\n", data: "new\n", expected: w("a\n" + B + "new\n" + E + "z\n", false)),
        Case(
            name: "block in place even with replace option", existing: "a\n" + B + "old\n" + E + "z\n", data: "new\n", options: .init(placement: .replaceFile),
            expected: w("a\n" + B + "new\n" + E + "z\n", false)),
        Case(
            name: "flexible markers, END case-insensitive", existing: "#---BEGIN PVE extra\nold\n#  ---  end   pve\n", data: "n",
            expected: w(B + "n\n" + E, false)),
        Case(
            name: "lower-case BEGIN not recognised", existing: "# --- begin pve ---\nx\n", data: "n\n", expected: w("# --- begin pve ---\nx\n" + B + "n\n" + E)),
        Case(name: "BEGIN without END appends a second block", existing: B + "x\n", data: "n\n", expected: w(B + "x\n" + B + "n\n" + E)),
        Case(name: "only the first block is managed", existing: B + "1\n" + E + B + "2\n" + E, data: "n\n", expected: w(B + "n\n" + E + B + "2\n" + E, false)),
        Case(name: "empty data, whole-file block, delete", existing: B + "x\n" + E, data: "", options: .init(deleteWhenEmpty: true), expected: .delete),
        Case(name: "empty data, whole-file block, keep", existing: B + "x\n" + E, data: "", expected: .unchanged),
        Case(name: "empty data quirk: blank line after END", existing: "a\n" + B + "x\n" + E + "z\n", data: "", expected: w("a\n" + B + E + "\nz\n", false)),
        Case(name: "no block and no data", existing: "a\n", data: "", expected: .unchanged),
        Case(name: "trailing blank lines vanish", existing: "a\n\n\n", data: "X\n", expected: w("a\n" + B + "X\n" + E)),
        Case(name: "leading blank lines stay", existing: "\n\na\n" + B + "x\n" + E, data: "y", expected: w("\n\na\n" + B + "y\n" + E, false)),
    ]

    @Test(arguments: cases)
    func edit(_ c: Case) {
        let got = MarkerBlock.edit(existing: c.existing.map { Array($0.utf8) }, data: Array(c.data.utf8), options: c.options)
        #expect(got == c.expected, "\(c.name)")
    }

    @Test func removeSectionsIsGreedyAcrossBlocks() {
        let text = "a\n  # --- BEGIN PVE ---\n1\n# --- END PVE ---\nb\n\t# --- END PVE --- tail\nc\n"
        #expect(String(decoding: MarkerBlock.removeSections(Array(text.utf8)), as: UTF8.self) == "a\n\nc\n")
        #expect(MarkerBlock.removeSections(Array("no block\n".utf8)) == Array("no block\n".utf8))
        #expect(MarkerBlock.removeSections(Array("# --- BEGIN PVE ---\nno end\n".utf8)) == Array("# --- BEGIN PVE ---\nno end\n".utf8))
    }

    /// Random content around a block: the bytes before the block never change, the bytes after it
    /// change only by Proxmox's newline normalisation (trailing empty lines dropped, final newline added).
    @Test func bytesOutsideTheBlockAreKept() {
        for seed in 0..<300 as Range<UInt64> {
            var rng = SplitMix64(seed: seed)
            func randomLines(_ maxLines: Int) -> String {
                var s = ""
                let alphabet = Array("ab #-\t=xyz0:.".utf8)
                for _ in 0..<Int.random(in: 0...maxLines, using: &rng) {
                    var line: [UInt8] = []
                    for _ in 0..<Int.random(in: 0...12, using: &rng) { line.append(alphabet.randomElement(using: &rng) ?? 0x61) }
                    // Never produce a marker by accident.
                    s += String(decoding: line, as: UTF8.self).replacingOccurrences("#", "h") + "\n"
                }
                return s
            }
            let prefix = randomLines(6)
            let suffix = randomLines(6)
            let old = prefix + Self.B + randomLines(3) + Self.E + suffix
            let data = randomLines(4)
            let edit = MarkerBlock.edit(existing: Array(old.utf8), data: Array(data.utf8))
            guard case .write(let out, _) = edit else {
                #expect(data.isEmpty || data == "0", "seed \(seed): no write")
                continue
            }
            let text = String(decoding: out, as: UTF8.self)
            #expect(text.hasPrefix(prefix + Self.B), "seed \(seed)")
            var normalizedSuffix = Substring(suffix)
            while normalizedSuffix.hasSuffix("\n\n") { normalizedSuffix = normalizedSuffix.dropLast() }
            if normalizedSuffix == "\n" { normalizedSuffix = "" }
            let expectedTail = data.isEmpty ? Self.E + "\n" + normalizedSuffix : Self.E + normalizedSuffix
            #expect(text.hasSuffix(expectedTail), "seed \(seed): \(text.debugDescription)")
        }
    }
}

extension String {
    func replacingOccurrences(_ a: Character, _ b: Character) -> String { String(map { $0 == a ? b : $0 }) }
}
