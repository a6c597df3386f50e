import PVECore
import Testing

@testable import PVEConfig

/// The word-at-a-time scans of the value checks against plain byte loops, for every length and
/// position around the 8-byte word boundaries.
@Suite struct ByteScanTests {
    static func bytes(_ n: Int, filler: UInt8 = UInt8(ascii: "a")) -> [UInt8] {
        [UInt8](repeating: filler, count: n)
    }

    @Test func firstIndexFindsTheFirstOccurrenceAtEveryPosition() {
        for n in 0...20 {
            for at in 0..<max(n, 1) where at < n {
                var v = Self.bytes(n)
                v[at] = UInt8(ascii: ",")
                // A byte just above the target in value (`,` ^ 1) must not be taken for it.
                if at + 1 < n { v[at + 1] = UInt8(ascii: "-") }
                v.withUnsafeBufferPointer { s in
                    #expect(ByteWords.firstIndex(of: UInt8(ascii: ","), in: s) == at, "n=\(n) at=\(at)")
                    #expect(ByteWords.firstIndex(of: UInt8(ascii: ","), in: s, from: at + 1) == nil)
                    #expect(ByteWords.firstIndex(of: UInt8(ascii: "-"), in: s) == (at + 1 < n ? at + 1 : nil))
                }
            }
            Self.bytes(n).withUnsafeBufferPointer { s in
                #expect(ByteWords.firstIndex(of: UInt8(ascii: ","), in: s) == nil)
            }
        }
    }

    @Test func keyLetterMarksAreExactForEveryByteAtEveryPosition() {
        func isKeyLetter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || b == 0x5F }
        for byte in 0...255 {
            for position in 0..<8 {
                // The other bytes are key letters, so only `byte` can be marked.
                var word = ByteWords.repeated(UInt8(ascii: "k"))
                word &= ~(UInt64(0xFF) << UInt64(8 * position))
                word |= UInt64(byte) << UInt64(8 * position)
                let marks = ByteWords.bytesNotKeyLetters(word)
                let expected: UInt64 = isKeyLetter(UInt8(byte)) ? 0 : 0x80 << UInt64(8 * position)
                #expect(marks == expected, "byte=\(byte) position=\(position)")
            }
        }
        // Neighbours that are not letters do not disturb each other's marks.
        let word = UInt64(littleEndian: 0x5F61_7A7B_6040_FF00)
        #expect(ByteWords.bytesNotKeyLetters(word) == 0x0000_0080_8080_8080)
    }

    @Test func valueBytesSeeEveryByte() {
        for n in 0...20 {
            Self.bytes(n).withUnsafeBufferPointer { s in
                let v = ConfigValueCheck.ValueBytes(s)
                #expect(!v.hasLineBreak && v.isASCII, "n=\(n)")
            }
            for at in 0..<n {
                for (special, lineBreak, ascii) in [
                    (UInt8(ascii: "\n"), true, true), (UInt8(ascii: "\r"), true, true),
                    (0xC3, false, false), (0x80, false, false), (0x0B, false, true),
                ] {
                    var b = Self.bytes(n)
                    b[at] = special
                    b.withUnsafeBufferPointer { s in
                        let v = ConfigValueCheck.ValueBytes(s)
                        #expect(v.hasLineBreak == lineBreak && v.isASCII == ascii, "n=\(n) at=\(at) byte=\(special)")
                    }
                }
            }
        }
    }

    @Test func keyLookupMatchesWholeNamesOnly() {
        let long = "a-key-name-longer-than-16"
        let schema = PropertySchema(
            [
                .init("a", .string), .init("ab", .string), .init("abcdefgh", .string), .init("abcdefghi", .string),
                .init("abcdefghijklmnop", .string), .init(long, .string), .init("b", .boolean),
            ])
        func index(_ key: String) -> String? {
            Bytes.withBytes(key) { s in schema.index(of: s).map { schema.keys[$0].name } }
        }
        for key in schema.keys.map(\.name) { #expect(index(key) == key) }
        for key in [
            "", "abc", "abcdefg", "abcdefghij", "abcdefghijklmno", "abcdefghijklmnopq", "A", "a\0", "b ",
            long + "x", String(long.dropLast()),
        ] {
            #expect(index(key) == nil, "\(key)")
        }
        // Keys inside a longer buffer (the parser's case), at the end and followed by more text.
        let text = Array("x=1,abcdefghi=2,ab=3,a".utf8)
        text.withUnsafeBufferPointer { s in
            #expect(schema.index(ofKeyAt: 4..<13, in: s).map { schema.keys[$0].name } == "abcdefghi")
            #expect(schema.index(ofKeyAt: 16..<18, in: s).map { schema.keys[$0].name } == "ab")
            #expect(schema.index(ofKeyAt: 21..<22, in: s).map { schema.keys[$0].name } == "a")
            #expect(schema.index(ofKeyAt: 0..<1, in: s) == nil)
        }
    }

    @Test(arguments: [
        ("a b,c;d", ["a", "b", "c", "d"]),
        ("  ,;  ", []),
        ("", []),
        ("a\0\0b\0\0", ["a", "", "b"]),
        ("\0a", ["", "a"]),
        ("\0\0", []),
        ("a b\0c", ["a b", "c"]),
    ])
    func listItems(text: String, expected: [String]) {
        #expect(ValueList.split(text) == expected)
    }

    @Test(arguments: [
        ("BC:24:11:00:00:01", true), ("bc:24:11:00:00:01", true), ("0A:00:00:00:00:00", true),
        ("0e:00:00:00:00:00", true), ("01:00:00:00:00:00", false), ("0B:00:00:00:00:00", false),
        ("0f:00:00:00:00:00", false), ("0g:00:00:00:00:00", false), ("BC:24:11:00:00:0", false),
        ("BC-24:11:00:00:01", false), ("BC:24:11:00:00:01:", false),
    ])
    func unicastMAC(text: String, valid: Bool) {
        #expect(Bytes.withBytes(text) { FormatCheck.isUnicastMAC($0) } == valid, "\(text)")
    }

    @Test(arguments: [
        ("a", true), ("a.b", true), ("a-b.c1", true), ("1.2", true), ("", false), ("-a", false), ("a-", false),
        ("a.-b", false), ("a-.b", false), ("a..b", false), (".a", false), ("a.", false), ("a_b", false),
        ("a\n", true), ("a\n\n", false),
    ])
    func dnsNames(text: String, valid: Bool) {
        #expect((Bytes.withBytes(text) { FormatCheck.dnsName($0) } == nil) == valid, "\(text)")
    }

    @Test(arguments: [
        "0", "63", "64", "65", "0064", "65535", "65536", "999999999999999", "9999999999999999",
        "64.0", "63.9", "+64", "-1", "1e2", ".5", "5.", "64\n",
    ])
    func boundsCompareLikePerl(text: String) {
        Bytes.withBytes(text) { s in
            let number = PerlNumber.value(s)
            for bound in [-3, 0, 64, 65535] {
                let expected = number > Double(bound) ? 1 : (number < Double(bound) ? -1 : 0)
                #expect(PerlNumber.compare(s, bound) == expected, "\(text) vs \(bound)")
            }
        }
    }
}
