import Glibc
import PVEConfig
import PVERuntime
import PVESystem
import PVETestSupport
import Testing

@testable import PVEStorage

/// Real allocation and mounting on a temporary `dir` storage: a raw image (sparse file, ext4,
/// loop device) as rootfs and a subvol directory as mp0, mounted and unmounted as `pct mount` /
/// `pct unmount` do. Needs root, `mkfs.ext4`, `losetup` and loop devices; skipped otherwise.
enum StorageTestHost {
    /// Why the integration tests cannot run here, or nil.
    static let unavailableReason: String? = {
        if geteuid() != 0 { return "storage integration tests need root (loop devices and mounts)" }
        for tool in StorageTools.debian.all where access(tool, X_OK) != 0 {
            return "storage integration tests need \(tool) (Debian: e2fsprogs, mount)"
        }
        if access("/dev/loop-control", F_OK) != 0 { return "storage integration tests need /dev/loop-control" }
        return nil
    }()
}

@Suite(.serialized, .enabled(if: StorageTestHost.unavailableReason == nil, "\(StorageTestHost.unavailableReason ?? "")"))
struct StorageIntegrationTests {
    @Test func allocateMountWriteUnmount() throws {
        let root = TestFiles.makeTemporaryDirectory(prefix: "pve-storage-it")
        defer { TestFiles.removeTree(root) }
        let fs = try RootFS(path: "/")
        try fs.makeDirectories(root + "/conf", mode: 0o755, owner: nil)
        _ = TestFiles.write(root + "/storage.cfg", Array("dir: scratch\n\tpath \(root)/store\n\tcontent rootdir,images\n".utf8))
        let host = StorageHost()
        let storage = ContainerStorage(
            configDirectory: root + "/conf", storageConfigPath: root + "/storage.cfg", lxcPath: root + "/lxc", host: host)
        let config = try storage.storageConfig()
        let owner = ContainerRootOwner(uid: 100000, gid: 100000)

        let rootfs = try host.allocate(#require(NewVolumeRequest(volume: "scratch:0.0625")), vmid: "100", config: config, rootOwner: owner)
        let data = try host.allocate(#require(NewVolumeRequest(volume: "scratch:0")), vmid: "100", config: config, rootOwner: owner)
        #expect(rootfs.volumeID == "scratch:100/vm-100-disk-0.raw")
        #expect(data.volumeID == "scratch:100/subvol-100-disk-1.subvol")
        #expect(try fs.info(data.path, followSymlinks: false)?.owner == FileOwner(uid: 100000, gid: 100000))

        _ = TestFiles.write(
            root + "/conf/100.conf",
            Array("arch: amd64\nrootfs: \(rootfs.volumeID),size=64M\nmp0: \(data.volumeID),mp=/srv/data\nunprivileged: 1\n".utf8))
        let mounted = try storage.mount(vmid: "100")
        var unmounted = false
        defer { if !unmounted { try? storage.unmount(vmid: "100") } }
        #expect(try host.isMounted(mounted))
        #expect(try host.isMounted(mounted + "/srv/data"))
        // The ext4 root belongs to the container's root; the mount point directory was made inside it.
        #expect(try fs.info(mounted, followSymlinks: false)?.owner == FileOwner(uid: 100000, gid: 100000))
        #expect(try fs.info(mounted + "/lost+found", followSymlinks: false)?.kind == .directory)
        #expect(TestFiles.write(mounted + "/srv/data/hello", Array("hi\n".utf8)))
        #expect(TestFiles.write(mounted + "/on-ext4", Array("ext4\n".utf8)))

        try storage.unmount(vmid: "100")
        unmounted = true
        #expect(try !host.isMounted(mounted))
        #expect(try !host.isMounted(mounted + "/srv/data"))
        #expect(TestFiles.readString(data.path + "/hello") == "hi\n")
        #expect(try fs.info(mounted + "/on-ext4", followSymlinks: false) == nil)  // it lives in the image
        let loops = try SpawnRunner().run(Command(StorageTools.debian.losetup, ["--associated", rootfs.path])).checked()
        #expect(loops.outputText.isEmpty)
        #expect(!(TestFiles.readString(root + "/conf/100.conf") ?? "").contains("lock:"))

        // Mounting again finds the file written into the image.
        try storage.mount(vmid: "100")
        #expect(TestFiles.readString(mounted + "/on-ext4") == "ext4\n")
        try storage.unmount(vmid: "100")

        try host.free(data.volumeID, config: config)
        try host.free(rootfs.volumeID, config: config)
        #expect(try fs.list(root + "/store/images/100") == [])
    }
}

extension StorageTools {
    /// Every tool, for availability checks.
    var all: [String] { [mkfs, losetup, mount, umount] }
}
