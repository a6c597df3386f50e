import PVEConfig
import PVERuntime
import PVETestSupport
import Testing

@testable import PVEStorage

/// Volume names, paths, allocation planning and the mount plan: pure computation.
@Suite struct VolumeTests {
    let config = StorageConfig.parse(
        Array(
            """
            dir: local
            \tpath /var/lib/vz
            \tcontent rootdir,images,vztmpl,iso

            dir: nort
            \tpath /srv/nort
            \tcontent images

            lvmthin: thin
            \tthinpool data
            \tvgname pve
            \tcontent rootdir,images

            """.utf8), file: "storage.cfg"
    ).config

    @Test func volumeNames() throws {
        let clone = try DirVolume(parsing: "100/base-100-disk-0.raw/101/vm-101-disk-1.qcow2")
        #expect(clone.baseName == "base-100-disk-0.raw")
        #expect(clone.baseVMID == "100")
        #expect(clone.vmid == "101")
        #expect(clone.format == "qcow2")
        #expect(try DirVolume(parsing: "100/base-100-disk-0.raw").isBase)
        #expect(try DirVolume(parsing: "100/subvol-100-disk-0.subvol").format == "subvol")
        #expect(try DirVolume(parsing: "import/a b.raw").format == "raw")
        #expect(throws: StorageError("unable to parse directory volume name '100/x y.raw'")) {
            try DirVolume(parsing: "100/x y.raw")
        }
        #expect(throws: StorageError("unable to parse volume filename 'x.img'")) { try DirVolume(parsing: "100/x.img") }
        #expect(throws: StorageError("unable to parse directory volume name 'vztmpl/a/b.tar'")) {
            try DirVolume(parsing: "vztmpl/a/b.tar")
        }
        #expect(throws: StorageError("unable to parse directory volume name ''")) { try DirVolume(parsing: "") }
    }

    @Test func pathsAndRefusals() throws {
        #expect(try config.path(of: "local:100/vm-100-disk-0.raw") == "/var/lib/vz/images/100/vm-100-disk-0.raw")
        #expect(try config.path(of: "/srv/share") == "/srv/share")
        #expect(throws: StorageError("unable to parse volume ID 'x'")) { try config.path(of: "x") }
        #expect(
            throws: StorageError(
                "cannot resolve a path on storage 'thin': storage type 'lvmthin' is not supported (only 'dir' storages are)")
        ) { try config.path(of: "thin:vm-100-disk-0") }
        #expect(throws: StorageError("unknown vtype 'nonsense'")) { try config["local"]?.contentDirectory("nonsense") }
        #expect(throws: StorageError("storage definition has no path")) {
            try StorageDefinition(type: "dir", id: "np").contentDirectory("images")
        }
    }

    func plan(_ volume: String, vmid: String = "100", existing: [String] = [], node: String = "pve") throws
        -> VolumeAllocation
    {
        let request = try #require(NewVolumeRequest(volume: volume))
        return try VolumeAllocation.plan(request, vmid: vmid, config: config, existingNames: existing, node: node)
    }

    @Test func allocationPlans() throws {
        let raw = try plan("local:0.5")
        #expect(raw.format == .raw)
        #expect(raw.size == 512 << 20)
        #expect(raw.volumeID == "local:100/vm-100-disk-0.raw")
        #expect(raw.path == "/var/lib/vz/images/100/vm-100-disk-0.raw")
        let subvol = try plan("local:0", existing: ["subvol-100-disk-0.subvol", "vm-100-disk-1.raw"])
        #expect(subvol.format == .subvol)
        #expect(subvol.volumeID == "local:100/subvol-100-disk-2.subvol")
        #expect(subvol.directory == "/var/lib/vz/images/100")
    }

    @Test func allocationErrors() throws {
        #expect(throws: StorageError("storage 'nope' does not exist")) { try plan("nope:1") }
        #expect(throws: StorageError("content type 'rootdir' is not available or configured on storage 'nort'")) {
            try plan("nort:1")
        }
        #expect(
            throws: StorageError(
                "cannot allocate on storage 'thin': storage type 'lvmthin' is not supported (only 'dir' storages are)")
        ) { try plan("thin:1") }
        #expect(throws: StorageError("no VMID specified")) { try plan("local:1", vmid: "") }
        #expect(throws: StorageError("VMID '1x' contains illegal characters")) { try plan("local:1", vmid: "1x") }
        let all = (0..<1024).map { "vm-100-disk-\($0).raw" }
        #expect(throws: StorageError("unable to allocate an image name for VM 100 in storage 'local'")) {
            try plan("local:1", existing: all)
        }
    }

    @Test func enabledChecks() throws {
        let off = StorageDefinition(type: "dir", id: "off", options: ["path": "/x", "disable": "1"])
        #expect(throws: StorageError("storage 'off' is disabled")) { try off.checkEnabled(node: "pve") }
        let pinned = StorageDefinition(type: "dir", id: "pin", options: ["path": "/x", "nodes": "a1,b1"])
        #expect(throws: StorageError("storage 'pin' is not available on node 'pve'")) {
            try pinned.checkEnabled(node: "pve")
        }
        try pinned.checkEnabled(node: "b1")
    }

    @Test func diskNumbers() {
        #expect(VolumeAllocation.diskNumber("subvol-100-disk-1-vm-100-disk-2.raw", vmid: "100") == "1")
        #expect(VolumeAllocation.diskNumber("basevol-100-disk-7.raw", vmid: "100") == "7")
        #expect(VolumeAllocation.diskNumber("vm-1000-disk-7.raw", vmid: "100") == nil)
        #expect(!VolumeAllocation.isListedImage("vm-100-disk-0"))
        #expect(!VolumeAllocation.isListedImage("snap-a-vm-100-disk-0.qcow2"))
    }

    // MARK: - Mount plans

    func containerConfig(_ text: String) throws -> ContainerConfig {
        try ConfigDocument(bytes: Array(text.utf8), file: "100.conf", vmid: "100").config
    }

    @Test func mountPlanOrderAndArguments() throws {
        let ct = try containerConfig(
            """
            rootfs: local:100/vm-100-disk-0.raw,size=8G,mountoptions=noatime;lazytime
            mp1: /srv/share,mp=/mnt/share,ro=1
            mp0: local:100/subvol-100-disk-1.subvol,mp=/data,acl=1
            mp2: /dev/sdb1,mp=//dev//disk/,quota=1
            mp3: local:iso/debian.iso,mp=/iso
            mp4: local:100/base-100-disk-2.raw,mp=/base

            """)
        let plan = try ContainerMountPlan(config: ct, vmid: "100", storage: config, lxcPath: "/var/lib/lxc/")
        #expect(plan.rootDirectory == "/var/lib/lxc/100/rootfs")
        #expect(plan.mounts.map(\.key) == ["rootfs", "mp0", "mp1", "mp2", "mp3", "mp4"])
        #expect(
            plan.mounts.map(\.target) == [
                "/var/lib/lxc/100/rootfs/", "/var/lib/lxc/100/rootfs/data", "/var/lib/lxc/100/rootfs/mnt/share",
                "/var/lib/lxc/100/rootfs/dev/disk/", "/var/lib/lxc/100/rootfs/iso", "/var/lib/lxc/100/rootfs/base",
            ])
        #expect(
            plan.mounts[0].mountArguments(device: "/dev/loop3") == [
                ["-o", "noatime,lazytime", "/dev/loop3", "/var/lib/lxc/100/rootfs/"]
            ])
        #expect(
            plan.mounts[1].mountArguments() == [
                ["-o", "bind", "-o", "acl", "/var/lib/vz/images/100/subvol-100-disk-1.subvol", "/var/lib/lxc/100/rootfs/data"]
            ])
        #expect(
            plan.mounts[2].mountArguments() == [
                ["-o", "bind", "/srv/share", "/var/lib/lxc/100/rootfs/mnt/share"],
                ["-o", "bind,remount,ro", "/var/lib/lxc/100/rootfs/mnt/share"],
            ])
        #expect(
            plan.mounts[3].mountArguments() == [
                ["-o", "usrjquota=aquota.user,grpjquota=aquota.group,jqfmt=vfsv0", "/dev/sdb1", "/var/lib/lxc/100/rootfs/dev/disk/"]
            ])
        #expect(
            plan.mounts[4].mountArguments(device: "/dev/loop1") == [
                ["-o", "ro", "/dev/loop1", "/var/lib/lxc/100/rootfs/iso"]
            ])
        #expect(
            plan.mounts[5].mountArguments(device: "/dev/loop2") == [
                ["-o", "ro,noload", "/dev/loop2", "/var/lib/lxc/100/rootfs/base"]
            ])
    }

    @Test func mountPlanReadOnlyQuotaAndSkippedValues() throws {
        let ct = try containerConfig(
            "rootfs: local:100/vm-100-disk-0.raw,ro=1,quota=1,mountoptions=noatime;nodev\nmp0: garbage\n")
        let plan = try ContainerMountPlan(config: ct, vmid: "100", storage: config, lxcPath: "/l")
        #expect(plan.mounts.count == 1)
        #expect(plan.mounts[0].mountArguments(device: "/dev/loop0") == [["-o", "nodev", "-o", "ro", "/dev/loop0", "/l/100/rootfs/"]])
        let q = try containerConfig("rootfs: local:100/vm-100-disk-0.raw,quota=1\n")
        #expect(
            try ContainerMountPlan(config: q, vmid: "100", storage: config, lxcPath: "/l").mounts[0].mountArguments(
                device: "/dev/loop0") == [
                    ["-o", "usrjquota=aquota.user,grpjquota=aquota.group,jqfmt=vfsv0", "/dev/loop0", "/l/100/rootfs/"]
                ])
    }

    @Test func mountPlanErrors() throws {
        func failure(_ rootfs: String) throws -> String? {
            let ct = try containerConfig("rootfs: \(rootfs)\n")
            do {
                _ = try ContainerMountPlan(config: ct, vmid: "100", storage: config, lxcPath: "/l")
                return nil
            } catch { return error.message }
        }
        #expect(try failure("nope:100/vm-100-disk-0.raw") == "storage 'nope' does not exist")
        #expect(try failure("nort:100/vm-100-disk-0.raw") == "storage 'nort' does not support containers")
        #expect(try failure("local:100/vm-100-disk-0.qcow2") == "unsupported image format 'qcow2'")
        #expect(
            try failure("thin:vm-100-disk-0")
                == "cannot use storage 'thin': storage type 'lvmthin' is not supported (only 'dir' storages are)")
    }

    @Test func rootOwner() throws {
        #expect(try ContainerRootOwner(config: containerConfig("arch: amd64\n")) == ContainerRootOwner(uid: 0, gid: 0))
        #expect(
            try ContainerRootOwner(config: containerConfig("unprivileged: 1\n")) == ContainerRootOwner(uid: 100000, gid: 100000))
        #expect(
            try ContainerRootOwner(
                config: containerConfig("unprivileged: 1\nlxc.idmap: u 0 200000 65536\nlxc.idmap: g 0 300000 65536\n"))
                == ContainerRootOwner(uid: 200000, gid: 300000))
        #expect(throws: StorageError("failed to parse idmap: x 0 1 2")) {
            try ContainerRootOwner(config: containerConfig("lxc.idmap: x 0 1 2\n"))
        }
    }

    @Test func mountTableUnescaping() {
        let table = Array("/dev/loop0 /var/lib/lxc/100/rootfs ext4 rw 0 0\nsrc /mnt/with\\040space none rw 0 0\n".utf8)
        #expect(MountTable.mountPoints(table) == ["/var/lib/lxc/100/rootfs", "/mnt/with space"])
    }
}
