import PVETestSupport
import Testing

@testable import PVEConfig

@Suite("Config reader and canonical writer")
struct ConfigReaderTests {
    static let readFixtures: [String] = TestFiles.list(Fixtures.path("config/read"))
        .filter { $0.hasSuffix(".conf") }
        .map { String($0.dropLast(5)) }

    @Test(arguments: readFixtures)
    func fixture(_ name: String) throws {
        let dir = Fixtures.path("config/read")
        let input = try #require(TestFiles.read("\(dir)/\(name).conf"))
        let expected = try #require(TestFiles.read("\(dir)/\(name).expected"))
        let result = try ConfigReader.read(input, file: "\(name).conf", vmid: "100")
        let written = try ConfigWriter.write(result.config)
        #expect(written.utf8String == expected.utf8String, "canonical output of \(name)")
        let expectedDiagnostics = TestFiles.readString("\(dir)/\(name).diagnostics") ?? ""
        let actual = result.diagnostics.map { $0.description + "\n" }.joined()
        #expect(actual == expectedDiagnostics, "diagnostics of \(name)")
        // The canonical form is a fixed point.
        let again = try ConfigReader.read(written, file: "x.conf")
        #expect(try ConfigWriter.write(again.config) == written)
    }

    @Test func digestIsSHA1OfRawBytes() throws {
        let r = try ConfigReader.read(Array("arch: amd64\n".utf8))
        #expect(r.config.digest == SHA1.hex(Array("arch: amd64\n".utf8)))
        #expect(SHA1.hex([UInt8]()) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA1.hex(long) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        var big = SHA1()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { big.update(chunk) }
        let hex = big.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        #expect(hex == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func digestLineOverridesDigestAsInProxmox() throws {
        let r = try ConfigReader.read(Array("digest: abc\nmemory: 1\n".utf8))
        #expect(r.config.digest == "abc")
        #expect(try ConfigWriter.text(r.config) == "memory: 1\n")
    }

    @Test func strictModeThrowsFirstError() {
        let input = Array("arch: amd64\nlxc.aa_profile: x\nfoo: bar\nMemory: 1\n".utf8)
        #expect(
            throws: ConfigDiagnostic(
                kind: .error, file: "100.conf", line: 3, column: 1, message: "vm 100 - unable to parse value of 'foo' - unknown setting 'foo'")
        ) {
            _ = try ConfigReader.read(input, file: "100.conf", vmid: "100", mode: .strict)
        }
    }

    @Test func vmidFromPath() {
        #expect(ConfigReader.vmid(fromPath: "/etc/pve/lxc/101.conf") == "101")
        #expect(ConfigReader.vmid(fromPath: "/etc/pve/lxc/101xconf") == "101")
        #expect(ConfigReader.vmid(fromPath: "/etc/pve/qemu/101.conf") == nil)
        #expect(ConfigReader.vmid(fromPath: "101.conf") == nil)
    }

    @Test func hugeIntegersFollowPerl() throws {
        let r = try ConfigReader.read(Array("memory: 000099999999999999999999\nswap: 18446744073709551615\ncores: 18446744073709551616\n".utf8))
        #expect(r.config["memory"] == "1e+20")
        #expect(r.config["swap"] == "18446744073709551615")
        #expect(r.config["cores"] == "1.84467440737096e+19")
    }
}
