import PVEConfig
import PVERuntime
import PVESystem
import PVETestSupport
import Testing

@testable import PVEStorage

/// `pct mount` / `pct unmount` on files: the `mounted` lock, missing files, storage.cfg warnings.
@Suite struct ContainerStorageTests {
    struct Host {
        let root = TestFiles.makeTemporaryDirectory(prefix: "pve-ctstorage")
        let runner = RecordingRunner()
        var storage: ContainerStorage {
            var host = StorageHost(runner: runner)
            host.verifiesBindMounts = false
            return ContainerStorage(
                configDirectory: root + "/lxc-conf", storageConfigPath: root + "/storage.cfg", lxcPath: root + "/lxc",
                host: host, lockDirectory: root + "/locks")
        }
        func write(_ name: String, _ text: String) {
            _ = try? RootFS(path: "/").makeDirectories(root + "/lxc-conf", mode: 0o755, owner: nil)
            _ = TestFiles.write(root + "/" + name, Array(text.utf8))
        }
        func config() -> String { TestFiles.readString(root + "/lxc-conf/100.conf") ?? "" }
    }

    @Test func mountSetsTheLockAndUnmountRemovesIt() throws {
        let host = Host()
        defer { TestFiles.removeTree(host.root) }
        host.write("storage.cfg", "dir: store\n\tpath \(host.root)/store\n\tcontent rootdir\n\tbogus 1\n")
        try RootFS(path: "/").makeDirectories(host.root + "/store/images/100/subvol-100-disk-0.subvol", mode: 0o755, owner: nil)
        host.write("lxc-conf/100.conf", "arch: amd64\nrootfs: store:100/subvol-100-disk-0.subvol,size=0T\n")
        var warnings: [String] = []
        let rootfs = try host.storage.mount(vmid: "100") { warnings.append($0) }
        #expect(rootfs == host.root + "/lxc/100/rootfs")
        #expect(host.config() == "arch: amd64\nlock: mounted\nrootfs: store:100/subvol-100-disk-0.subvol,size=0T\n")
        #expect(
            warnings == [
                "\(host.root)/storage.cfg:4:2: error: section 'store': unable to parse value of 'bogus': unknown property type"
            ])
        #expect(
            host.runner.argumentVectors == [
                ["/usr/bin/mount", "-o", "bind", host.root + "/store/images/100/subvol-100-disk-0.subvol", rootfs + "/"]
            ])
        #expect(throws: StorageError("CT is locked (mounted)")) { try host.storage.mount(vmid: "100") }
        try host.storage.unmount(vmid: "100")
        #expect(host.config() == "arch: amd64\nrootfs: store:100/subvol-100-disk-0.subvol,size=0T\n")
        // Proxmox's text has the two spaces.
        #expect(throws: StorageError("no lock found trying to remove 'mounted'  lock")) {
            try host.storage.unmount(vmid: "100")
        }
    }

    @Test func configLockIsTaken() throws {
        let host = Host()
        defer { TestFiles.removeTree(host.root) }
        host.write("lxc-conf/100.conf", "rootfs: /srv\n")
        var storage = host.storage
        storage.lockTimeout = 0.05
        // The lock directory is made on first use; the lock file stays.
        try storage.withConfigLock("100") { () throws(StorageError) in }
        #expect(TestFiles.read(host.root + "/locks/pve-config-100.lock") == [])
        let held = try FileLock(path: host.root + "/locks/pve-config-100.lock", timeout: 1)
        var warnings: [String] = []
        #expect(throws: StorageError("can't lock file '\(host.root)/locks/pve-config-100.lock' - got timeout")) {
            try storage.mount(vmid: "100") { warnings.append($0) }
        }
        #expect(warnings == ["trying to acquire lock..."])
        #expect(host.config() == "rootfs: /srv\n")
        held.release()
        #expect(throws: StorageError("no lock found trying to remove 'mounted'  lock")) { try storage.unmount(vmid: "100") }
    }

    @Test func otherLocks() throws {
        let host = Host()
        defer { TestFiles.removeTree(host.root) }
        host.write("lxc-conf/100.conf", "lock: backup\nrootfs: /srv\n")
        #expect(throws: StorageError("CT is locked (backup)")) { try host.storage.mount(vmid: "100") }
        #expect(throws: StorageError("found lock 'backup' trying to remove 'mounted' lock")) {
            try host.storage.unmount(vmid: "100")
        }
    }

    @Test func failedMountTakesTheLockOffAgain() throws {
        let host = Host()
        defer { TestFiles.removeTree(host.root) }
        host.write("lxc-conf/100.conf", "rootfs: \(host.root)/missing\n")
        #expect(throws: StorageError("directory '\(host.root)/missing' does not exist")) {
            try host.storage.mount(vmid: "100")
        }
        #expect(host.config() == "rootfs: \(host.root)/missing\n")
    }

    @Test func unmountNeedsNoStorage() throws {
        let host = Host()
        defer { TestFiles.removeTree(host.root) }
        host.write("lxc-conf/100.conf", "lock: mounted\nrootfs: gone:100/vm-100-disk-0.raw\n")
        try host.storage.unmount(vmid: "100")
        #expect(host.config() == "rootfs: gone:100/vm-100-disk-0.raw\n")
        #expect(
            ContainerMountPlan.targets(
                config: try ConfigDocument(bytes: Array("rootfs: a:b\nmp3: /x,mp=/m//n\nmp1: bad\n".utf8)).config,
                vmid: "7", lxcPath: "/l//") == ["/l/7/rootfs/", "/l/7/rootfs/m/n"])
    }

    @Test func missingFiles() throws {
        let host = Host()
        defer { TestFiles.removeTree(host.root) }
        #expect(throws: StorageError("Configuration file '\(host.root)/lxc-conf/100.conf' does not exist")) {
            try host.storage.mount(vmid: "100")
        }
        host.write("lxc-conf/101.conf", "rootfs: /srv\n")
        #expect(throws: StorageError("Configuration file '\(host.root)/lxc-conf/100.conf' does not exist")) {
            try host.storage.mount(vmid: "100")
        }
        // A missing storage.cfg is the built-in `local` storage.
        #expect(try host.storage.storageConfig() == StorageConfig.absentFile)
        host.write("lxc-conf/100.conf", "rootfs: nope:100/vm-100-disk-0.raw\n")
        #expect(throws: StorageError("storage 'nope' does not exist")) { try host.storage.mount(vmid: "100") }
    }
}
