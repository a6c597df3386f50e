import PVEGuestOS
import PVESystem
import PVETestSupport
import Testing

@testable import PVEGuestSetup

@Suite struct EngineTests {
    static let host = HostEnvironment(search: "proxmox.com", nameservers: ["8.8.8.8", "8.8.8.9"], timezone: "Etc/UTC")

    @Test func debianPostCreateWritesHostnameHostsResolvAndKeys() throws {
        let fs = InMemoryFileSystem(files: [
            "/etc/debian_version": "11.3\n",
            "/etc/crontab": "17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n",
            "/root/.keep": "",
        ])
        let config = try GuestSetupConfig(configText: "hostname: test1\n")
        let result = try GuestSetup.apply(
            .postCreate, os: DetectedOS(type: .debian, version: "11"), on: fs, config: config, host: Self.host,
            now: 1_700_000_000, seed: 0, rootPassword: "$5$SALT$PASS", sshKeys: "ssh-rsa ABCDEFG ABC@DEF")
        #expect(fs.contents("/etc/hostname") == "test1\n")
        #expect(
            fs.contents("/etc/hosts")
                == "# --- BEGIN PVE ---\n127.0.0.1 localhost.localnet localhost\n::1 localhost.localnet localhost\n127.0.1.1 test1.proxmox.com test1\n# --- END PVE ---\n"
        )
        #expect(fs.contents("/etc/resolv.conf") == "# --- BEGIN PVE ---\nsearch proxmox.com\nnameserver 8.8.8.8\nnameserver 8.8.8.9\n# --- END PVE ---\n")
        #expect(fs.contents("/root/.ssh/authorized_keys") == "# --- BEGIN PVE ---\nssh-rsa ABCDEFG ABC@DEF\n# --- END PVE ---\n")
        #expect(fs.contents("/etc/crontab") == "10 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n")
        #expect(!result.changes.isEmpty)
    }
}
