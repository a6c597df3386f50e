import Glibc
import PVEConfig
import PVERuntime
import PVESystem
import PVETestSupport
import Testing

@testable import PVEStorage

/// The effect layer on temporary directories, with a recording runner standing in for
/// `mkfs.ext4`, `losetup`, `mount` and `umount` (nothing is mounted; no root needed).
@Suite struct StorageHostTests {
    let me = ContainerRootOwner(uid: geteuid(), gid: getegid())

    struct Scratch {
        let root: String
        let config: StorageConfig
        init() {
            root = TestFiles.makeTemporaryDirectory(prefix: "pve-storage")
            config =
                StorageConfig.parse(
                    Array("dir: store\n\tpath \(root)/store\n\tcontent rootdir,images\n".utf8), file: "storage.cfg"
                ).config
        }
        var storage: StorageDefinition { config["store"]! }
    }

    func makeDirectory(_ path: String) throws {
        try RootFS(path: "/").makeDirectories(path, mode: 0o755, owner: nil)
    }

    func request(_ text: String) throws -> NewVolumeRequest { try #require(NewVolumeRequest(volume: text)) }

    @Test func allocatesARawImageAndFormatsIt() throws {
        let scratch = Scratch()
        defer { TestFiles.removeTree(scratch.root) }
        let runner = RecordingRunner()
        let host = StorageHost(runner: runner)
        let plan = try host.allocate(try request("store:0.25"), vmid: "100", config: scratch.config, rootOwner: me)
        #expect(plan.volumeID == "store:100/vm-100-disk-0.raw")
        let fs = try RootFS(path: "/")
        let info = try #require(try fs.info(plan.path, followSymlinks: false))
        #expect(info.kind == .regular)
        #expect(info.size == 256 << 20)
        #expect(info.mode == 0o640)
        #expect(try fs.info(plan.directory, followSymlinks: false)?.mode == 0o740)
        // Activation made the content directories (images, and dump for rootdir).
        #expect(try fs.info(scratch.root + "/store/dump", followSymlinks: false)?.kind == .directory)
        #expect(
            runner.argumentVectors == [
                ["/usr/sbin/mkfs.ext4", "-O", "mmp", "-E", "root_owner=\(me.uid):\(me.gid)", plan.path]
            ])
        // The next allocation takes the next number.
        let next = try host.allocate(try request("store:0"), vmid: "100", config: scratch.config, rootOwner: me)
        #expect(next.volumeID == "store:100/subvol-100-disk-1.subvol")
        #expect(try fs.info(next.path, followSymlinks: false)?.kind == .directory)
        #expect(try fs.info(next.path, followSymlinks: false)?.mode == 0o755)
        // Freeing removes the image file, and the directory with what is inside (not following links).
        try host.free(plan.volumeID, config: scratch.config)
        #expect(try fs.info(plan.path, followSymlinks: false) == nil)
        try fs.makeDirectories(next.path + "/etc/deep", mode: 0o755, owner: nil)
        _ = TestFiles.write(next.path + "/etc/deep/file", [1])
        _ = TestFiles.write(scratch.root + "/outside", [2])
        try fs.symlink(next.path + "/escape", target: scratch.root)
        try host.free(next.volumeID, config: scratch.config)
        #expect(try fs.info(next.path, followSymlinks: false) == nil)
        #expect(TestFiles.read(scratch.root + "/outside") == [2])
    }

    @Test func failedMkfsLeavesNothingBehind() throws {
        let scratch = Scratch()
        defer { TestFiles.removeTree(scratch.root) }
        let runner = RecordingRunner(replies: [.exit(1, stderr: "mkfs.ext4: No space left on device\n")])
        let host = StorageHost(runner: runner)
        let error = try #require(
            #expect(throws: StorageError.self) {
                try host.allocate(try request("store:1"), vmid: "100", config: scratch.config, rootOwner: me)
            })
        #expect(error.message.contains("No space left on device"))
        #expect(try RootFS(path: "/").list(scratch.root + "/store/images/100") == [])
    }

    @Test func existingVolumeIsNotOverwritten() throws {
        let scratch = Scratch()
        defer { TestFiles.removeTree(scratch.root) }
        let host = StorageHost(runner: RecordingRunner())
        let plan = try VolumeAllocation.plan(
            try request("store:1"), vmid: "100", config: scratch.config, existingNames: [], node: "pve")
        try RootFS(path: "/").makeDirectories(plan.directory, mode: 0o755, owner: nil)
        #expect(TestFiles.write(plan.path, Array("keep".utf8)))
        #expect(throws: StorageError("disk image '\(plan.path)' already exists")) {
            try host.create(plan, storage: scratch.storage, rootOwner: me)
        }
        #expect(TestFiles.readString(plan.path) == "keep")
    }

    @Test func activationErrors() throws {
        let scratch = Scratch()
        defer { TestFiles.removeTree(scratch.root) }
        let host = StorageHost(runner: RecordingRunner())
        let missing = StorageDefinition(
            type: "dir", id: "m1", options: ["path": scratch.root + "/none", "create-base-path": "0"])
        #expect(
            throws: StorageError(
                "unable to activate storage 'm1' - directory '\(scratch.root)/none' does not exist or is unreachable")
        ) { try host.activate(missing) }
        let notMounted = StorageDefinition(type: "dir", id: "m2", options: ["path": scratch.root, "is_mountpoint": "yes"])
        #expect(
            throws: StorageError(
                "unable to activate storage 'm2' - directory is expected to be a mount point but is not mounted: '\(scratch.root)'"
            )
        ) { try host.activate(notMounted) }
        #expect(
            throws: StorageError(
                "cannot activate storage 'n1': storage type 'nfs' is not supported (only 'dir' storages are)")
        ) { try host.activate(StorageDefinition(type: "nfs", id: "n1", options: ["path": "/p"])) }
    }

    // MARK: - Mounting

    struct Container {
        let scratch = Scratch()
        var lxcPath: String { scratch.root + "/lxc" }
        var rootfs: String { lxcPath + "/100/rootfs" }

        /// Creates the (empty) image or directory a volume ID names.
        func create(_ volumeID: String, directory: Bool = false) throws {
            let path = try scratch.config.path(of: volumeID)
            try RootFS(path: "/").makeDirectories(
                directory ? path : String(path[..<path.lastIndex(of: "/")!]), mode: 0o755, owner: nil)
            if !directory { _ = TestFiles.write(path, []) }
        }

        func plan(_ text: String) throws -> ContainerMountPlan {
            let config = try ConfigDocument(bytes: Array(text.utf8), file: "100.conf", vmid: "100").config
            return try ContainerMountPlan(config: config, vmid: "100", storage: scratch.config, lxcPath: lxcPath)
        }
    }

    @Test func mountsInOrderThroughLoopDevices() throws {
        let ct = Container()
        defer { TestFiles.removeTree(ct.scratch.root) }
        try makeDirectory(ct.scratch.root + "/share")
        try ct.create("store:100/vm-100-disk-0.raw")
        let plan = try ct.plan(
            "rootfs: store:100/vm-100-disk-0.raw,size=1G\nmp0: \(ct.scratch.root)/share,mp=/srv/a/b,ro=1,quota=1\n")
        let runner = RecordingRunner { command in
            if command.arguments.first == "--show" { return .exit(0, stdout: "/dev/loop7\n") }
            return .exit(0)
        }
        var host = StorageHost(runner: runner)
        host.verifiesBindMounts = false
        var warnings: [String] = []
        try host.mount(plan, storage: ct.scratch.config, rootOwner: me) { warnings.append($0) }
        #expect(warnings == [])  // quota is not asked of a read-only mount
        let image = ct.scratch.root + "/store/images/100/vm-100-disk-0.raw"
        #expect(
            runner.argumentVectors == [
                ["/usr/sbin/losetup", "--associated", image],
                ["/usr/sbin/losetup", "--show", "-f", image],
                ["/usr/bin/mount", "/dev/loop7", ct.rootfs + "/"],
                ["/usr/sbin/losetup", "-d", "/dev/loop7"],
                ["/usr/bin/mount", "-o", "bind", ct.scratch.root + "/share", ct.rootfs + "/srv/a/b"],
                ["/usr/bin/mount", "-o", "bind,remount,ro", ct.rootfs + "/srv/a/b"],
            ])
        let fs = try RootFS(path: ct.rootfs)
        #expect(try fs.info("/srv/a/b", followSymlinks: false)?.kind == .directory)
        #expect(try fs.info("/srv", followSymlinks: false)?.mode == 0o755)
    }

    @Test func reusesAnAttachedLoopDevice() throws {
        let ct = Container()
        defer { TestFiles.removeTree(ct.scratch.root) }
        try ct.create("store:100/vm-100-disk-0.raw")
        let plan = try ct.plan("rootfs: store:100/vm-100-disk-0.raw,ro=1\n")
        let image = ct.scratch.root + "/store/images/100/vm-100-disk-0.raw"
        let runner = RecordingRunner(replies: [.exit(0, stdout: "/dev/loop3: []: (\(image))\n")])
        try StorageHost(runner: runner).mount(plan, storage: ct.scratch.config, rootOwner: me)
        #expect(
            runner.argumentVectors == [
                ["/usr/sbin/losetup", "--associated", image],
                ["/usr/bin/mount", "-o", "ro", "/dev/loop3", ct.rootfs + "/"],
            ])
    }

    @Test func failedMountUndoesEarlierMounts() throws {
        let ct = Container()
        defer { TestFiles.removeTree(ct.scratch.root) }
        try makeDirectory(ct.scratch.root + "/share")
        let plan = try ct.plan("rootfs: \(ct.scratch.root)/share\nmp0: \(ct.scratch.root)/share,mp=/data\n")
        let runner = RecordingRunner { command in
            command.arguments.last?.hasSuffix("/data") == true && command.name == "mount"
                ? .exit(32, stderr: "mount: permission denied\n") : .exit(0)
        }
        var host = StorageHost(runner: runner)
        host.verifiesBindMounts = false
        let rootfs = ct.rootfs
        host.mountTableOverride = { Array("x \(rootfs) none rw 0 0\n".utf8) }
        var warnings: [String] = []
        let error = try #require(#expect(throws: StorageError.self) { try host.mount(plan, storage: ct.scratch.config, rootOwner: me) { warnings.append($0) } })
        #expect(error.message.contains("permission denied"))
        #expect(warnings == ["mounting container failed"])
        #expect(runner.argumentVectors.last == ["/usr/bin/umount", "-d", ct.rootfs + "/"])
    }

    @Test func refusesSymlinksAndMissingDirectories() throws {
        let ct = Container()
        defer { TestFiles.removeTree(ct.scratch.root) }
        try makeDirectory(ct.scratch.root + "/share")
        try RootFS(path: "/").makeDirectories(ct.rootfs, mode: 0o755, owner: nil)
        try RootFS(path: ct.rootfs).symlink("/evil", target: "/etc")
        let host = StorageHost(runner: RecordingRunner())
        let link = try ct.plan("mp0: \(ct.scratch.root)/share,mp=/evil/x\n")
        #expect(throws: StorageError("symlink encountered at: \(ct.rootfs)/evil")) { try host.mount(link, storage: ct.scratch.config, rootOwner: me) }
        let missing = try ct.plan("mp0: \(ct.scratch.root)/nothing,mp=/x\n")
        #expect(throws: StorageError("directory '\(ct.scratch.root)/nothing' does not exist")) {
            try host.mount(missing, storage: ct.scratch.config, rootOwner: me)
        }
        #expect(TestFiles.write(ct.rootfs + "/file", []))
        let notDir = try ct.plan("mp0: \(ct.scratch.root)/share,mp=/file/x\n")
        #expect(throws: StorageError("cannot open directory \(ct.rootfs)/file: Not a directory")) {
            try host.mount(notDir, storage: ct.scratch.config, rootOwner: me)
        }
    }

    @Test func bindMountThatDidNotArriveIsUndone() throws {
        // With a recording runner nothing is mounted: the target still is the empty directory,
        // not the source, which is what a swapped path component would also look like.
        let ct = Container()
        defer { TestFiles.removeTree(ct.scratch.root) }
        try makeDirectory(ct.scratch.root + "/share")
        let plan = try ct.plan("mp0: \(ct.scratch.root)/share,mp=/s\n")
        let runner = RecordingRunner()
        var host = StorageHost(runner: runner)
        host.mountTableOverride = { [] }
        #expect(throws: StorageError("detected mount path change at: \(ct.scratch.root)/share")) {
            try host.mount(plan, storage: ct.scratch.config, rootOwner: me)
        }
        #expect(
            runner.argumentVectors == [
                ["/usr/bin/mount", "-o", "bind", ct.scratch.root + "/share", ct.rootfs + "/s"],
                ["/usr/bin/umount", ct.rootfs + "/s"],
            ])
        // A symlink in the source path is refused before anything is mounted.
        try RootFS(path: "/").symlink(ct.scratch.root + "/link", target: ct.scratch.root + "/share")
        let linked = try ct.plan("mp0: \(ct.scratch.root)/link,mp=/s\n")
        #expect(throws: StorageError("symlink encountered at: \(ct.scratch.root)/link")) {
            try host.mount(linked, storage: ct.scratch.config, rootOwner: me)
        }
    }

    @Test func loopDeviceSetupFailure() throws {
        let ct = Container()
        defer { TestFiles.removeTree(ct.scratch.root) }
        try ct.create("store:100/vm-100-disk-0.raw")
        let plan = try ct.plan("rootfs: store:100/vm-100-disk-0.raw\n")
        let runner = RecordingRunner(replies: [.exit(0), .exit(0, stdout: "")])
        let image = ct.scratch.root + "/store/images/100/vm-100-disk-0.raw"
        #expect(throws: StorageError("failed to setup loop device for \(image)")) {
            try StorageHost(runner: runner).mount(plan, storage: ct.scratch.config, rootOwner: me)
        }
    }

    @Test func volumesAreActivatedFirst() throws {
        let ct = Container()
        defer { TestFiles.removeTree(ct.scratch.root) }
        let runner = RecordingRunner()
        let host = StorageHost(runner: runner)
        let plan = try ct.plan("rootfs: store:100/vm-100-disk-0.raw\n")
        #expect(throws: StorageError("volume 'store:100/vm-100-disk-0.raw' does not exist")) {
            try host.mount(plan, storage: ct.scratch.config, rootOwner: me)
        }
        var off = ct.scratch.config
        off.storages[0].options["disable"] = "1"
        #expect(throws: StorageError("storage 'store' is disabled")) { try host.mount(plan, storage: off, rootOwner: me) }
        #expect(runner.calls.isEmpty)
    }

    @Test func quotaOnBindMountsIsOnlyWarnedAbout() throws {
        let ct = Container()
        defer { TestFiles.removeTree(ct.scratch.root) }
        try makeDirectory(ct.scratch.root + "/share")
        try ct.create("store:100/subvol-100-disk-0.subvol", directory: true)
        let plan = try ct.plan(
            "rootfs: store:100/subvol-100-disk-0.subvol,quota=1\nmp0: \(ct.scratch.root)/share,mp=/s,quota=1\n")
        var warnings: [String] = []
        var host = StorageHost(runner: RecordingRunner())
        host.verifiesBindMounts = false
        try host.mount(plan, storage: ct.scratch.config, rootOwner: me) { warnings.append($0) }
        #expect(
            warnings == [
                "cannot enable quota control for bind mounted subvolumes", "cannot enable quota control for bind mounts",
            ])
    }

    @Test func unmountGoesInReverseAndSkipsWhatIsNotMounted() throws {
        let ct = Container()
        defer { TestFiles.removeTree(ct.scratch.root) }
        let plan = try ct.plan("rootfs: store:100/vm-100-disk-0.raw\nmp0: /srv,mp=/a\nmp1: /srv,mp=/b\n")
        let runner = RecordingRunner { command in
            command.arguments.last?.hasSuffix("/b") == true ? .exit(32, stderr: "umount: target is busy\n") : .exit(0)
        }
        var host = StorageHost(runner: runner)
        let rootfs = ct.rootfs
        host.mountTableOverride = { Array("a \(rootfs) ext4 rw 0 0\nb \(rootfs)/b none rw 0 0\n".utf8) }
        var warnings: [String] = []
        #expect(try host.unmount(plan, ignoringErrors: true) { warnings.append($0) } == false)
        #expect(
            runner.argumentVectors == [
                ["/usr/bin/umount", "-d", ct.rootfs + "/b"], ["/usr/bin/umount", "-d", ct.rootfs + "/"],
            ])
        #expect(warnings.count == 1)
        let strict = try #require(#expect(throws: StorageError.self) { try host.unmount(plan, ignoringErrors: false) })
        #expect(strict.message.contains("target is busy"))
    }
}

/// `create_disks`: every `STORAGE:SIZE` value becomes a volume; a failure removes what was made.
@Suite struct CreateDisksTests {
    let me = ContainerRootOwner(uid: geteuid(), gid: getegid())

    @Test func allocatesRequestsAndKeepsOtherValues() throws {
        let scratch = StorageHostTests.Scratch()
        defer { TestFiles.removeTree(scratch.root) }
        let host = StorageHost(runner: RecordingRunner())
        let values = [
            (key: "rootfs", value: try MountPoint(parsing: "store:0.5", kind: .rootfs)),
            (key: "mp0", value: try MountPoint(parsing: "store:0,mp=/data,backup=1")),
            (key: "mp1", value: try MountPoint(parsing: "/srv/share,mp=/share")),
        ]
        let (done, volumes) = try host.createDisks(values, vmid: "100", config: scratch.config, rootOwner: me)
        #expect(volumes == ["store:100/vm-100-disk-0.raw", "store:100/subvol-100-disk-1.subvol"])
        #expect(
            done.map { $0.value.propertyString } == [
                "store:100/vm-100-disk-0.raw,size=512M",
                "store:100/subvol-100-disk-1.subvol,mp=/data,backup=1,size=0T",
                "/srv/share,mp=/share",
            ])
    }

    @Test func failureRemovesWhatWasMade() throws {
        let scratch = StorageHostTests.Scratch()
        defer { TestFiles.removeTree(scratch.root) }
        let host = StorageHost(runner: RecordingRunner())
        let values = [
            (key: "rootfs", value: try MountPoint(parsing: "store:0", kind: .rootfs)),
            (key: "mp0", value: try MountPoint(parsing: "nope:1,mp=/data")),
        ]
        #expect(throws: StorageError("storage 'nope' does not exist")) {
            try host.createDisks(values, vmid: "100", config: scratch.config, rootOwner: me)
        }
        #expect(try RootFS(path: "/").list(scratch.root + "/store/images/100") == [])
    }
}
