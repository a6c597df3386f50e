import Testing

@testable import PVEConfig

@Suite("Canonical writer drops")
struct WriterDropTests {
    /// `write_pct_config` drops the main section's `snapstate` and every member starting with
    /// `unused` whose value is a volume still used by `rootfs`/`mpN`; a value that merely occurs
    /// inside a volume string stays.
    @Test func unusedVolumesStillInUseAndSnapstate() throws {
        var c = ContainerConfig()
        c.main.setRawValue(Array("local:vm-1-disk-0,size=8G".utf8), for: "rootfs")
        c.main.setRawValue(Array("local:vm-1-disk-1,mp=/srv".utf8), for: "mp0")
        c.main.setRawValue(Array("local:vm-1-disk-0".utf8), for: "unused0")
        c.main.setRawValue(Array("local:vm-1-disk-1".utf8), for: "unusedfoo")
        c.main.setRawValue(Array("local:vm-1-disk".utf8), for: "unused1")
        c.main.setRawValue(Array("prepare".utf8), for: "snapstate")
        c.main.setRawValue(Array("1".utf8), for: "zz")
        #expect(
            try ConfigWriter.text(c)
                == "mp0: local:vm-1-disk-1,mp=/srv\nrootfs: local:vm-1-disk-0,size=8G\nunused1: local:vm-1-disk\nzz: 1\n")
        // Snapshots keep theirs.
        c.snapshots["s"] = c.main
        #expect(
            try ConfigWriter.text(c).hasSuffix(
                "[s]\nmp0: local:vm-1-disk-1,mp=/srv\nrootfs: local:vm-1-disk-0,size=8G\nsnapstate: prepare\nunused0: local:vm-1-disk-0\nunused1: local:vm-1-disk\nunusedfoo: local:vm-1-disk-1\nzz: 1\n"
            ))
    }

    /// A newline in a dropped member is not refused; one in a kept member is.
    @Test func newlineRefusedOnlyInWrittenMembers() throws {
        var c = ContainerConfig()
        c.main.setRawValue(Array("pre\npare".utf8), for: "snapstate")
        #expect(try ConfigWriter.text(c) == "")
        c.main.setRawValue(Array("a\nb".utf8), for: "hostname")
        #expect(throws: ConfigWriteError(key: "hostname", message: "detected invalid newline inside property 'hostname'")) {
            try ConfigWriter.text(c)
        }
    }

    /// Proxmox fails on the main section's lines first, then on a plain `pending`, then on the
    /// pending section, then on a plain `snapshots`.
    @Test func refusalsInProxmoxOrder() throws {
        func refusal(_ text: String) -> String? {
            guard let c = try? ConfigReader.read(Array(text.utf8)).config else { return "unreadable" }
            do throws(ConfigWriteError) {
                _ = try ConfigWriter.write(c)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(refusal("snapshots: v\nlxc: x\n") == "Can't use string (\"x\") as an ARRAY ref while \"strict refs\" in use")
        #expect(refusal("snapshots: v\npending: p\n") == "Can't use string (\"p\") as a HASH ref while \"strict refs\" in use")
        #expect(refusal("snapshots: v\n") == "Can't use string (\"v\") as a HASH ref while \"strict refs\" in use")
        #expect(refusal("snapshots: v\n[pve:pending]\nlxc: y\n") == "Can't use string (\"y\") as an ARRAY ref while \"strict refs\" in use")
        #expect(refusal("pending: p\nlxc: 0\n") == "Can't use string (\"p\") as a HASH ref while \"strict refs\" in use")
    }
}
