import Testing

@testable import PVECore

/// The shared helpers every module uses: the IP address type, Perl's number rules, byte search.
struct IPAddressTests {
    @Test func parsesBothFamiliesAsProxmoxRegexesDo() {
        #expect(IPAddress("10.0.0.1") == .v4(0x0A00_0001))
        #expect(IPAddress("01.2.3.4") == nil)
        #expect(IPAddress("256.1.1.1") == nil)
        #expect(IPAddress("::ffff:1.2.3.4") == .v6(0xFFFF_0102_0304))
        #expect(IPAddress("fe80::1") == .v6(UInt128(0xFE80) << 112 | 1))
        #expect(IPAddress("1::2::3") == nil)
        #expect(IPAddress("1:2:3:4:5:6:7:8") == .v6(0x0001_0002_0003_0004_0005_0006_0007_0008))
        #expect(IPAddress("1:2:3:4:5:6:7:8:9") == nil)
        #expect(IPAddress("1:2:3:4:5:6:7::") != nil)
        #expect(IPAddress("1:2:3:4:5:6:7:8::") == nil)
        #expect(IPAddress("+1::") == nil)
        #expect(IPAddress("1:") == nil)
        #expect(IPAddress("") == nil)
    }

    @Test func networksAndNetmasks() {
        #expect(IPAddress.isIP("10.0.0.1", inCIDR: "10.0.0.5/24", version: 4))
        #expect(!IPAddress.isIP("10.0.1.1", inCIDR: "10.0.0.5/24", version: 4))
        #expect(!IPAddress.isIP("11.0.0.1", inCIDR: "10.0.0.100/32", version: 4))
        #expect(IPAddress.isIP("11.0.0.1", inCIDR: "10.0.0.100/0", version: 4))
        #expect(IPAddress.isIP("fe80::1", inCIDR: "fe80::/10", version: 6))
        #expect(!IPAddress.isIP("fc00:1::ff", inCIDR: "fc00::1/64", version: 6))
        #expect(IPAddress.isIP("fc00::ff", inCIDR: "fc00::1/64", version: 6))
        #expect(!IPAddress.isIP("fc00::ff", inCIDR: "fc00::1/64", version: 4))
        #expect(!IPAddress.isIP("garbage", inCIDR: "10.0.0.1/8", version: 4))
        #expect(!IPAddress.isIP("10.0.0.1", inCIDR: "10.0.0.1/33", version: 4))
        #expect(IPAddress.isOffLinkIPv6Gateway("fc00:1::ff", cidr: "fc00::1/64"))
        #expect(!IPAddress.isOffLinkIPv6Gateway("fc00::ff", cidr: "fc00::1/64"))
        #expect(!IPAddress.isOffLinkIPv6Gateway("fe80::1", cidr: "fc00::1/64"))
        #expect(IPAddress.isOffLinkIPv6Gateway("fc00::ff", cidr: ""))
        #expect(IPAddress.ipv4Netmask(prefix: 20) == "255.255.240.0")
        #expect(IPAddress.parseIPv4CIDR("1.2.3.4/7") == nil)
        #expect(IPAddress.parseIPv4CIDR("1.2.3.4/8")?.netmask == "255.0.0.0")
        #expect(IPAddress.parseIPv6CIDR("fd00::1/64")?.prefix == "64")
        #expect(IPAddress.parseIPv6CIDR("1.2.3.4/64") == nil)
    }

    /// A seeded comparison of the parser with a plain reference built from the text's groups.
    @Test func ipv6MatchesAReferenceOnRandomAddresses() {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for _ in 0..<2000 {
            let groups = (0..<8).map { _ in UInt16(truncatingIfNeeded: next()) }
            let expected = groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
            let full = groups.map { String($0, radix: 16) }.joined(separator: ":")
            #expect(IPAddress(full) == .v6(expected))
            // Compress a run of groups into "::" when they are zero.
            let start = Int(next() % 8)
            let length = 1 + Int(next() % UInt64(8 - start))
            var zeroed = groups
            for k in start..<(start + length) { zeroed[k] = 0 }
            let value = zeroed.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
            let head = zeroed[..<start].map { String($0, radix: 16) }.joined(separator: ":")
            let tail = zeroed[(start + length)...].map { String($0, radix: 16) }.joined(separator: ":")
            #expect(IPAddress(head + "::" + tail) == .v6(value), "\(head)::\(tail)")
        }
    }
}

struct PerlNumberTests {
    @Test func stringToNumberAsPerl() {
        #expect(PerlNumber.value(of: "7.9") == 7.9)
        #expect(PerlNumber.value(of: "  10abc") == 10)
        #expect(PerlNumber.value(of: "1.") == 1)
        #expect(PerlNumber.value(of: "1.e2") == 100)
        #expect(PerlNumber.value(of: ".5") == 0.5)
        #expect(PerlNumber.value(of: "-2e1x") == -20)
        #expect(PerlNumber.value(of: "Inf") == .infinity)
        #expect(PerlNumber.value(of: "nanx").isNaN)
        #expect(PerlNumber.value(of: "abc") == 0)
        #expect(PerlNumber.value(of: ".") == 0)
        #expect(PerlNumber.value(of: "") == 0)
    }

    @Test func integerPrinting() {
        #expect(PerlNumber.integerString(Array("0512".utf8)) == Array("512".utf8))
        #expect(PerlNumber.integerString(Array("99999999999999999999".utf8)) == Array("1e+20".utf8))
        #expect(PerlNumber.integerString(Array("18446744073709551615".utf8)) == Array("18446744073709551615".utf8))
    }
}

struct BytesTests {
    @Test func lineAndSearchHelpers() {
        #expect(Bytes.splitLines(Array("a\n\nb\n\n".utf8)).map { Array($0) } == [Array("a".utf8), [], Array("b".utf8)])
        #expect(Bytes.joinLines([Array("a".utf8), Array("b".utf8)]) == Array("a\nb\n".utf8))
        #expect(Bytes.firstLine([]) == nil)
        #expect(Bytes.firstIndex(of: Array("lo".utf8), in: Array("hello".utf8)) == 3)
        #expect(!Bytes.contains(Array("hello".utf8), Array("ol".utf8)))
        #expect(ASCII.lowercased("AbC-1") == "abc-1")
        #expect(ASCII.isHorizontalSpace(0xA0) && !ASCII.isHorizontalSpace(0x0A))
    }
}
