import PVETestSupport
import Testing

@testable import pve_guestsetup

@Suite struct DetectCommandTests {
    func run(_ args: [String]) -> (Int32, String, String) {
        let captured = CapturedOutput()
        var console = captured.console
        let code = CLI.run(args, console: &console)
        return (code, captured.stdout, captured.stderr)
    }

    func fixture(_ name: String) -> String { Fixtures.path("os-release/cases/\(name)/root") }

    @Test(arguments: [
        ("id-debian", "debian 12\n"), ("alias-rocky", "centos 9.3\n"), ("ubuntu-2204", "ubuntu 22.04\n"),
        ("fallback-devuan", "devuan 10\n"), ("alias-arch", "archlinux\n"), ("fallback-nix-store", "nixos\n"),
        ("alias-openEuler", "openeuler 24.03\n"), ("alias-opensuse-leap", "opensuse 15.5\n"),
        ("fallback-alpine-release", "alpine 3.19.1\n"), ("id-gentoo", "gentoo\n"), ("fedora-41", "fedora 41\n"),
    ])
    func printsTypeThenVersion(_ name: String, _ stdout: String) {
        let (code, out, err) = run(["detect", fixture(name)])
        #expect(code == 0)
        #expect(out == stdout)
        #expect(err.isEmpty)
    }

    @Test func warningsGoToStderr() {
        let (code, out, err) = run(["detect", fixture("empty-rootfs")])
        #expect(code == 0)
        #expect(out == "unmanaged\n")
        #expect(err == "/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'\n")
    }

    @Test func configuredOstype() {
        var (code, out, err) = run(["detect", fixture("id-debian"), "--ostype", "ubuntu"])
        #expect(code == 0)
        #expect(out == "debian 12\n")
        #expect(err == "got unexpected ostype (debian != ubuntu)\n")
        (code, out, err) = run(["detect", fixture("id-debian"), "--ostype=unmanaged"])
        #expect(code == 0)
        #expect(out == "unmanaged\n")
        #expect(err.isEmpty)
    }

    @Test(arguments: [
        (
            "only-os-release-unknown-id",
            "unknown ID 'foo' in /etc/os-release file, trying fallback detection\nunable to detect OS distribution\n"
        ),
        ("debian-too-old", "Container Debian version '3' is too old\n"),
        ("ubuntu-ancient", "unsupported ancient Ubuntu version '12.10'\n"),
        ("centos-11-too-new", "unsupported centos version '11'\n"),
        ("suse-14-1-rejected", "unsupported suse release '14.1'\n"),
    ])
    func refusalsPrintProxmoxsMessageAndExit1(_ name: String, _ stderr: String) {
        let (code, out, err) = run(["detect", fixture(name)])
        #expect(code == 1)
        #expect(out.isEmpty)
        #expect(err == stderr)
    }

    @Test func jsonReport() {
        let (code, out, err) = run(["detect", fixture("arch-amd64-relative-link"), "--json"])
        #expect(code == 0)
        #expect(err.isEmpty)
        #expect(out.hasPrefix("{\n  \"ostype\": \"archlinux\",\n  \"version\": \"\",\n  \"accepted\": true,\n"))
        #expect(out.contains("\"architecture\": \"amd64\""))
        #expect(out.contains("\"rule\": \"os-release ID is a plugin name\""))
        #expect(out.hasSuffix("}\n"))
    }

    @Test func jsonReportOfARefusal() {
        let (code, out, _) = run(["detect", fixture("fedora-21-too-old"), "--json"])
        #expect(code == 1)
        #expect(out.contains("\"accepted\": false"))
        #expect(out.contains("\"error\": \"unsupported Fedora release '21'\""))
        #expect(out.contains("\"versionFrom\": {\n    \"file\": \"/etc/os-release\",\n    \"line\": 2,"))
    }

    @Test func jsonReportShowsEvidenceAndIdLike() {
        let (_, out, _) = run(["detect", fixture("alias-opensuse-leap"), "--json"])
        #expect(out.contains("\"idLike\": [\n    \"suse\",\n    \"opensuse\"\n  ]"))
        #expect(out.contains("\"text\": \"ID=\\\"opensuse-leap\\\"\""))
    }

    @Test func badRootfs() {
        var (code, _, err) = run(["detect", "/"])
        #expect(code == 1)
        #expect(err == "no root directory\n")
        (code, _, err) = run(["detect", "/nonexistent-rootfs-dir"])
        #expect(code == 1)
        #expect(err == "detect: open root directory '/nonexistent-rootfs-dir': no such file or directory\n")
        (code, _, err) = run(["detect"])
        #expect(code == 64)
        #expect(err.hasPrefix("Error: Missing expected argument '<rootfs>'"))
        (code, _, err) = run(["detect", "a", "b"])
        #expect(code == 64)
        (code, _, err) = run(["detect", "a", "--ostype"])
        #expect(code == 64)
    }

    @Test func help() {
        let (code, out, _) = run(["detect", "--help"])
        #expect(code == 0)
        #expect(out.contains("USAGE: pve-guestsetup detect <rootfs> [--ostype <type>] [--json]"))
        #expect(out.contains("--ostype <type>"))
    }
}
