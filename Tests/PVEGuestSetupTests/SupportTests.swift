import PVEConfig
import PVECore
import PVETestSupport
import Testing

@testable import PVEGuestSetup

@Suite struct SupportTests {
    @Test func drand48MatchesPerlAfterSrand0() {
        var r = Drand48(seed: 0)
        let minutes = (0..<8).map { _ in r.nextInt(below: 59) }
        #expect(minutes == [10, 44, 5, 51, 34, 46, 40, 21])
    }

    @Test func drand48OtherSeed() {
        // perl -e 'srand(42); print int(rand()*59), " " for 1..3'
        var r = Drand48(seed: 42)
        let v = r.next()
        #expect(v >= 0 && v < 1)
        var again = Drand48(seed: 42)
        #expect(again.next() == v)
    }

    @Test func sha512CryptKnownVector() {
        #expect(
            Crypt.sha512Crypt(password: Array("secret".utf8), salt: "abcdefgh")
                == "$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.")
    }

    @Test func sha1Base64SaltOfTime() {
        #expect(String(Crypt.base64NoPadding(Crypt.sha1(Array("1700000000".utf8))).prefix(8)) == "6qqK3pQh")
        #expect(Crypt.base64NoPadding(Crypt.sha1(Array("abc".utf8))) == "qZk+NkcGgWq6PiVxeFDCbJzQ2J0")
    }

    @Test(arguments: [
        ("$5$SALT$PASS", true), ("$6$abc$def", true), ("$2y$ab$cd", true), ("$3$ab$cd", false), ("$6$$x", false),
        ("$6$12345678901234567$x", false), ("plain", false), ("$6$ab$c d", false), ("$1$a$b$c", false),
    ])
    func cryptHashDetection(_ pw: String, _ isHash: Bool) {
        #expect(BaseSetup.isCryptHash(pw) == isHash, "\(pw)")
    }

    @Test func passwordHashing() {
        #expect(BaseSetup.passwordHash(nil, now: 0) == "*")
        #expect(BaseSetup.passwordHash("$5$SALT$PASS", now: 0) == "$5$SALT$PASS")
        #expect(BaseSetup.passwordHash("secret", now: 1_700_000_000).hasPrefix("$6$6qqK3pQh$"))
    }

    @Test func hostResolvConf() {
        let text =
            "domain a.example\nsearch b.example c.example\n nameserver 1.1.1.1\nnameserver fe80::1%eth0\nnameserver x\nnameserver 2.2.2.2\nnameserver 3.3.3.3\n"
        let parsed = HostEnvironment.parseResolvConf(Array(text.utf8))
        #expect(parsed.search == "b.example")
        #expect(parsed.nameservers == ["1.1.1.1", "fe80::1", "2.2.2.2"])
    }

    @Test func atLeast() {
        #expect(IfupdownNetwork.atLeast("3.13.1", 3, 13))
        #expect(!IfupdownNetwork.atLeast("3.12.9", 3, 13))
        #expect(IfupdownNetwork.atLeast("4", 3, 13))
        #expect(IfupdownNetwork.atLeast("10", 10, 0))
        #expect(!IfupdownNetwork.atLeast("", 10, 0))
        #expect(!IfupdownNetwork.atLeast("edge", 3, 13))
    }

    @Test func splitList() {
        #expect(BaseSetup.splitList(" a.com;b.com,c.com  d ") == ["a.com", "b.com", "c.com", "d"])
        #expect(BaseSetup.splitList(nil) == [])
        #expect(BaseSetup.splitList(" ") == [])
    }

    @Test(
        arguments: [
            ("17 *\t* * *\troot    cd / && run", "run"), ("5 1 2 3 4 root x", "x"), ("5 1 2 3 4 nobody x", nil),
            ("* 1 2 3 4 root x", nil), ("5 1 2 3 4 root", nil), ("5 1 2 3 4 root  ", nil), ("5 1 2 3 root x", nil),
        ] as [(String, String?)])
    func crontabLines(_ line: String, _ command: String?) {
        let rest = BaseSetup.crontabRest(ArraySlice(Array(line.utf8)))
        #expect((rest != nil) == (command != nil), "\(line)")
    }

    @Test func inittabMatchers() {
        func m(_ s: String, _ p: String = "") -> Bool { DebianSetup.inittabGettyMatch(ArraySlice(Array(s.utf8)), idPrefix: Array(p.utf8)) }
        #expect(m("1:2345:respawn:/sbin/getty 38400 tty1"))
        #expect(m("  12::respawn:/sbin/agetty x"))
        #expect(!m("#1:2345:respawn:/sbin/getty"))
        #expect(!m("T0:23:respawn:/sbin/getty"))
        #expect(m("tty1::respawn:/sbin/getty 38400 tty1", "tty"))
        #expect(!m("ttyS0::respawn:/sbin/getty", "tty"))
        #expect(DebianSetup.isPowerLine(ArraySlice(Array("pf::powerwait:x".utf8))))
        #expect(!DebianSetup.isPowerLine(ArraySlice(Array("px::y".utf8))))
    }

    @Test func literalSearch() {
        let text = Array("a=\"err\" b=\"err\"".utf8)
        #expect(Bytes.firstIndex(of: Array("=\"err\"".utf8), in: text) == 1)
        #expect(Bytes.firstIndex(of: Array("b=".utf8), in: text[3...]) == 8)
        #expect(Bytes.firstIndex(of: Array("x".utf8), in: text) == nil)
        #expect(Bytes.firstIndex(of: Array(text + [0x20]), in: text) == nil)
        #expect(Bytes.firstIndex(of: [], in: text) == 0)
        #expect(Bytes.contains(text[12...], Array("\"".utf8)) && !Bytes.contains(text[12...], Array("a".utf8)))
    }

    @Test func lxcNameLine() {
        #expect(BaseSetup.isLXCNameLine(ArraySlice(Array("127.0.1.1\tLXC_NAME".utf8))))
        #expect(BaseSetup.isLXCNameLine(ArraySlice(Array("127x0y1z1 LXC_NAME".utf8))))
        #expect(!BaseSetup.isLXCNameLine(ArraySlice(Array("127.0.1.1 LXC_NAME x".utf8))))
    }

    @Test func elfNeededLibraries() throws {
        let bytes = try #require(TestFiles.read(Fixtures.path("guest-setup/debian-12-network-merge/input/lib/systemd/systemd")))
        #expect(ELFDynamic.neededLibraries(bytes) == ["libc.so.6", "libsystemd-shared-252.so"])
        #expect(ELFDynamic.neededLibraries(Array("#!/bin/sh\n".utf8)) == [])
        #expect(ELFDynamic.neededLibraries(Array(bytes.prefix(80))) == [])
        #expect(BaseSetup.systemdSharedVersion("libsystemd-shared-255.4-1.so") == 255)
        #expect(BaseSetup.systemdSharedVersion("libsystemd-shared-.so") == nil)
        #expect(BaseSetup.systemdSharedVersion("libsystemd-shared-252.so.1") == nil)
    }

    @Test func elfNeverCrashesOnRandomBytes() throws {
        let good = try #require(TestFiles.read(Fixtures.path("guest-setup/debian-12-network-merge/input/lib/systemd/systemd")))
        for seed in 0..<200 as Range<UInt64> {
            var rng = SplitMix64(seed: seed)
            var b = good
            for _ in 0..<8 { b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            _ = ELFDynamic.neededLibraries(b)
        }
    }
}
