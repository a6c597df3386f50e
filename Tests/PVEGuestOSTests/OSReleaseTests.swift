import PVEGuestOS
import Testing

@Suite struct OSReleaseTests {
    /// (line, variable, value Proxmox's `$parse_os_release` gives; nil = line ignored).
    static let proxmoxCases: [(String, String, String?)] = [
        (#"ID=debian"#, "ID", "debian"),
        (#"ID="opensuse-leap""#, "ID", "opensuse-leap"),
        (#"ID=opensuse-leap"#, "ID", "opensuse"),
        (#"VERSION_ID=22.04"#, "VERSION_ID", "22"),
        (#"VERSION_ID='22.04'"#, "VERSION_ID", "22.04"),
        (#"NAME='single \" q'"#, "NAME", #"single \" q"#),
        (#"X="a\"b\\c\$d\`e""#, "X", #"a"b\c$d`e"#),
        (#"Y="unterminated"#, "Y", ""),
        (#"W="#, "W", ""),
        (#"_Z=abc def"#, "_Z", "abc"),
        ("  B=lead", "B", "lead"),
        ("\tB=tab", "B", "tab"),
        ("#C=x", "C", nil),
        ("export C=x", "C", nil),
        ("1C=x", "1C", nil),
        ("C = x", "C", nil),
        (#"D="a\nb""#, "D", "a\nb"),
        (#"D="a\tb""#, "D", "a\tb"),
        (#"D="a\xb""#, "D", #"a\xb"#),
        (#"D="ab"trailing"#, "D", "ab"),
        (#"D='ab'trailing"#, "D", "ab"),
        (#"D='unterminated"#, "D", ""),
        (#"D="a\""#, "D", ""),
        (#"D="a\\""#, "D", #"a\"#),
        (#"D="\\n""#, "D", #"\n"#),
        (#"G="it\'s""#, "G", "it's"),
        (#"G=-dash"#, "G", ""),
        (#"G="""#, "G", ""),
        ("E=crlf\r", "E", "crlf"),
        ("E=\"q\"\r", "E", "q"),
    ]

    @Test(arguments: proxmoxCases.indices)
    func proxmoxRules(_ index: Int) {
        let (line, name, value) = Self.proxmoxCases[index]
        let parsed = OSRelease(proxmox: Array((line + "\n").utf8))
        #expect(parsed[name] == value, "line \(line.debugDescription)")
        if value == nil { #expect(parsed.entries.isEmpty, "line \(line.debugDescription)") }
    }

    @Test func laterAssignmentWinsAndLinesAreNumbered() throws {
        let parsed = OSRelease(proxmox: Array("# c\nID=a\n\nID=b\nVERSION_ID=\"1\"".utf8))
        #expect(parsed["ID"] == "b")
        let entry = try #require(parsed.entry("ID"))
        #expect(entry.line == 4)
        #expect(entry.text == "ID=b")
        #expect(parsed.entry("VERSION_ID")?.line == 5)  // last line without newline counts
        #expect(parsed.assignments.map(\.name) == ["ID", "ID", "VERSION_ID"])
        #expect(parsed.values == ["ID": "b", "VERSION_ID": "1"])
    }

    @Test func emptyAndBinaryInputsAreHarmless() {
        #expect(OSRelease(proxmox: []).entries.isEmpty)
        #expect(OSRelease(standard: []).entries.isEmpty)
        let noise: [UInt8] = (0...255).map(UInt8.init) + [0x0A, 0x3D, 0x22, 0x5C]
        _ = OSRelease(proxmox: noise)
        _ = OSRelease(standard: noise)
    }

    /// (line, variable, value with the os-release(5) reading; nil = ignored).
    static let standardCases: [(String, String, String?)] = [
        (#"ID=debian"#, "ID", "debian"),
        (#"VERSION_ID=22.04"#, "VERSION_ID", "22.04"),
        (#"ID=opensuse-leap"#, "ID", "opensuse-leap"),
        (#"PRETTY_NAME="Debian GNU/Linux 12 (bookworm)""#, "PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)"),
        (#"NAME='a b'"#, "NAME", "a b"),
        (#"X="a\"b\\c\$d\`e""#, "X", #"a"b\c$d`e"#),
        (#"X="a\nb""#, "X", #"a\nb"#),
        (#"X=a\ b"#, "X", "a b"),
        ("X=abc   ", "X", "abc"),
        ("X=\"q\"\r", "X", "q"),
        ("# ID=x", "ID", nil),
        ("   # ID=x", "ID", nil),
        ("  ID=lead", "ID", "lead"),
        (#"X="con"'cat'"#, "X", "concat"),
    ]

    @Test(arguments: standardCases.indices)
    func standardRules(_ index: Int) {
        let (line, name, value) = Self.standardCases[index]
        #expect(OSRelease(standard: Array((line + "\n").utf8))[name] == value, "line \(line.debugDescription)")
    }

    @Test func idLikeIsSplitAtSpaces() {
        let parsed = OSRelease(standard: Array("ID_LIKE=\"rhel centos  fedora\"\n".utf8))
        #expect(parsed.idLike == ["rhel", "centos", "fedora"])
        #expect(OSRelease().idLike.isEmpty)
    }
}
