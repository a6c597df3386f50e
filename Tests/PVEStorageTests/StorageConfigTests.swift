import PVETestSupport
import Testing

@testable import PVEStorage

/// storage.cfg reading and writing: the section-config format, Proxmox's fix-ups, every diagnostic.
@Suite struct StorageConfigTests {
    func parse(_ text: String) -> (config: StorageConfig, diagnostics: [StorageDiagnostic]) {
        StorageConfig.parse(Array(text.utf8), file: "storage.cfg")
    }

    func written(_ config: StorageConfig) throws -> String {
        String(decoding: try StorageConfig.write(config), as: UTF8.self)
    }

    @Test func absentFileGivesTheBuiltinLocalStorage() throws {
        let config = StorageConfig.absentFile
        #expect(config.storages.map(\.id) == ["local"])
        let local = try #require(config["local"])
        #expect(local.type == "dir")
        #expect(local.path == "/var/lib/vz")
        #expect(local.content == ["backup", "images", "iso", "rootdir", "snippets", "vztmpl"])
        #expect(
            try written(config)
                == "dir: local\n\tpath /var/lib/vz\n\tcontent backup,images,iso,rootdir,snippets,vztmpl\n\tprune-backups keep-all=1\n\n"
        )
    }

    @Test func typicalFileRoundTrips() throws {
        let text = """
            dir: local
            \tpath /var/lib/vz
            \tcontent iso,vztmpl,backup

            lvmthin: local-lvm
            \tthinpool data
            \tvgname pve
            \tcontent rootdir,images

            """
        let (config, diagnostics) = parse(text)
        #expect(diagnostics.isEmpty)
        #expect(config.storages.map(\.id) == ["local", "local-lvm"])
        #expect(config["local-lvm"]?.type == "lvmthin")
        #expect(
            try written(config)
                == "dir: local\n\tpath /var/lib/vz\n\tcontent backup,iso,vztmpl\n\nlvmthin: local-lvm\n\tthinpool data\n\tvgname pve\n\tcontent images,rootdir\n\n"
        )
    }

    @Test func canonicalOrderDisableFirstThenRequiredThenSortedOptions() throws {
        let (config, _) = parse(
            "NFS: nas\n  shared 1\n\toptions vers=4.2\n\tserver 10.0.0.5\n\tdisable\n\texport /e\n\tpath /mnt/pve/nas\n\n")
        // `shared` is no nfs option: Proxmox rejects it while reading.
        #expect(
            try written(config)
                == "nfs: nas\n\tdisable\n\texport /e\n\tpath /mnt/pve/nas\n\tserver 10.0.0.5\n\tcontent images\n\toptions vers=4.2\n\n"
                + "dir: local\n\tpath /var/lib/vz\n\tcontent backup,images,iso,rootdir,snippets,vztmpl\n\tprune-backups keep-all=1\n\n"
        )
        #expect(config["nas"]?.isShared == true)
        #expect(config["nas"]?.isDisabled == true)
    }

    /// Fuzz finding (`Fuzz/known/storage-cfg-content-dirs-order`): a `content-dirs` line holding a
    /// NUL splits at NULs only (Proxmox's `split_list`), so one directory may hold commas. Proxmox
    /// reads `images` → `img,backup=bk/dump,iso=i.so` (checked with `oracle-storage parse`) and
    /// writes it comma-joined, which reads back as three sorted entries: no fixed point. The
    /// directory is kept as read and the writer refuses it; plain values still write sorted.
    @Test func contentDirsDirectoryWithAListSeparatorIsReadAsProxmoxAndNotWritten() throws {
        let (config, _) = parse("dir: d2\n\tpath /d2\n\tcontent-dirs images=img,backup=bk/dump,iso=i.so\0\0\0\n\n")
        let storage = try #require(config["d2"])
        #expect(storage.contentDirectories == ["images": "img,backup=bk/dump,iso=i.so"])
        #expect(throws: StorageError.self) { try StorageConfig.write(config) }
        do {
            _ = try StorageConfig.write(config)
        } catch {
            #expect(error.message == "section 'd2' - content-dirs: a directory contains a list separator")
        }

        let (plain, _) = parse("dir: d2\n\tpath /d2\n\tcontent-dirs images=img,backup=bk/dump\n\n")
        #expect(plain["d2"]?.contentDirectories == ["images": "img", "backup": "bk/dump"])
        let once = try StorageConfig.write(plain)
        #expect(String(decoding: once, as: UTF8.self).contains("\tcontent-dirs backup=bk/dump,images=img\n"))
        #expect(try StorageConfig.write(StorageConfig.parse(once, file: "storage.cfg").config) == once)
    }

    /// Fuzz finding: a directory storage's `path /..` is read as `/` (as Proxmox does, checked with
    /// `oracle-storage parse`), which Proxmox writes but then refuses to read (the section is lost);
    /// the writer refuses it instead.
    @Test func directoryPathReadAsRootIsNotWritten() throws {
        let (config, _) = parse("dir: d3\n\tpath /..\n\tcontent iso\n\n")
        #expect(config["d3"]?.path == "/")
        #expect(throws: StorageError.self) { try StorageConfig.write(config) }
        do {
            _ = try StorageConfig.write(config)
        } catch {
            #expect(error.message == "section 'd3' - path '/' would not read back")
        }
        let (plain, _) = parse("dir: d3\n\tpath /srv/../x/.\n\n")
        #expect(plain["d3"]?.path == "/srv/../x")
        #expect(try written(plain).hasPrefix("dir: d3\n\tpath /srv/../x\n"))
    }

    @Test func commentsAndLineNumbers() {
        let (config, diagnostics) = parse("# a comment\n\ndir: x1\n  # indented comment inside\n\tpath /srv\n\tbogus 1\n")
        #expect(config["x1"]?.path == "/srv")
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].line == 6)
        #expect(diagnostics[0].column == 2)
        #expect(
            diagnostics[0].proxmoxWarning
                == "file storage.cfg line 6 (section 'x1') - unable to parse value of 'bogus': unknown property type")
        #expect(
            diagnostics[0].description
                == "storage.cfg:6:2: error: section 'x1': unable to parse value of 'bogus': unknown property type")
    }

    @Test func localOfAnotherTypeOrPathIsReplacedInPlace() throws {
        let (config, _) = parse("dir: a1\n\tpath /a\n\nnfs: local\n\tserver s\n\texport /e\n\tpath /p\n\ndir: b1\n\tpath /b\n")
        #expect(config.storages.map(\.id) == ["a1", "local", "b1"])
        #expect(config["local"] == StorageDefinition.builtinLocal)
        let (moved, _) = parse("dir: local\n\tpath /srv\n")
        #expect(moved["local"]?.path == "/var/lib/vz")
        let (kept, _) = parse("dir: local\n\tpath /var/lib/vz\n\tcontent images\n\tnodes n1,n2\n")
        #expect(kept["local"]?.content == ["images"])
        #expect(kept["local"]?.options["nodes"] == nil)
    }

    @Test func valuesAreStoredAsProxmoxWritesThem() throws {
        let (config, diagnostics) = parse(
            "dir: d1\n\tpath /d\n\tmax-protected-backups +007\n\tnodes b1;a1 a1\n\tcontent-dirs images=img,backup=bk\n\tshared\n")
        #expect(diagnostics.isEmpty)
        let d = try #require(config["d1"])
        #expect(d.options["max-protected-backups"] == "7")
        #expect(d.options["nodes"] == "a1,b1")
        #expect(d.options["shared"] == "1")
        #expect(d.contentDirectories == ["images": "img", "backup": "bk"])
        #expect(
            try written(config).hasPrefix(
                "dir: d1\n\tpath /d\n\tcontent images,rootdir\n\tcontent-dirs backup=bk,images=img\n\tmax-protected-backups 7\n\tnodes a1,b1\n\tshared 1\n\n"
            ))
    }

    @Test func laterSectionWithTheSameIDWins() {
        let (config, _) = parse("dir: s1\n\tpath /one\n\ndir: s2\n\tpath /two\n\ndir: s1\n\tpath /three\n")
        #expect(config.storages.map(\.id) == ["s2", "s1", "local"])
        #expect(config["s1"]?.path == "/three")
    }

    @Test func zeroLineEndsASection() {
        let (config, diagnostics) = parse("dir: s1\n\tpath /one\n0\n\tcontent iso\n")
        #expect(config["s1"]?.content == ["images", "rootdir"])
        #expect(diagnostics.map(\.message) == ["ignore config line: \tcontent iso"])
    }

    @Test func headerParsingFollowsPerlsBacktracking() {
        #expect(parse("dir:s1\n\tpath /x\n").config["s1"] != nil)
        #expect(parse("DIR:  s1  \n\tpath /x\n").config["s1"]?.type == "dir")
        // `a:b:c` → type `a:b`, unsupported.
        #expect(parse("dir:x:s1\n\tpath /x\n").diagnostics.map(\.message) == ["skip section 's1': unsupported type 'dir:x'"])
        #expect(parse("dir: s1 s2\n").diagnostics.map(\.message) == ["ignore config line: dir: s1 s2"])
    }

    // MARK: - Every diagnostic

    func messages(_ text: String) -> [String] { parse(text).diagnostics.map(\.message) }

    @Test func ignoredLineOutsideSection() {
        let d = parse("  path /x\n").diagnostics
        #expect(d.map(\.proxmoxWarning) == ["file storage.cfg line 1 - ignore config line:   path /x"])
        #expect(d.map(\.kind) == [.error])
    }

    @Test func ignoredLineInsideSection() {
        #expect(
            parse("dir: s1\n\tpath /x\nno-indent\n").diagnostics.map(\.proxmoxWarning) == [
                "file storage.cfg line 3 (section 's1') - ignore config line: no-indent"
            ])
    }

    @Test func badStorageIDs() {
        #expect(messages("dir: 1x\n\tpath /x\n") == ["skip section '1x': storage ID '1x' contains illegal characters"])
        #expect(messages("dir: x\n\tpath /x\n") == ["skip section 'x': storage ID 'x' cannot be shorter than 2 characters"])
        #expect(parse("dir: 1x\n\tpath /x\n").diagnostics[0].column == 6)
    }

    @Test func unsupportedType() {
        let d = parse("foo: s1\n\tpath /x\n\tbad line\n").diagnostics
        #expect(d.map(\.proxmoxWarning) == ["file storage.cfg line 1 (skip section 's1'): unsupported type 'foo'"])
    }

    @Test func valueErrors() {
        let text = """
            dir: s1
            \tpath /x
            \tfoo 1
            \tvgname pve
            \tpath /y
            \tcontent
            \tmkdir yes
            \tmax-protected-backups x
            \tmax-protected-backups -5
            \tpreallocation sometimes
            \tcontent-dirs images=..
            \tnodes bad_node
            \tcontent images,bogus
            \ttype nfs

            nfs: n1
            \tserver bad!server
            \tport 70000
            \texport /e
            \tpath /p
            \toptions a b

            cifs: c1
            \tserver s
            \tshare x
            \tpath /p
            \tpassword \(String(repeating: "x", count: 257))
            \tsmbversion 1.0

            lvm: v1
            \tvgname -bad
            \tbase nocolon
            \tsaferemove-stepsize 3
            \tsaferemove-stepsize 08

            rbd: r1
            \tmonhost a:b:c
            \tpool p

            cephfs: f1
            \tpath /p
            \tfs-name 9x

            pbs: p1
            \tserver s
            \tdatastore d
            \tport 70000

            """
        #expect(
            messages(text) == [
                "section 's1': unable to parse value of 'foo': unknown property type",
                "section 's1': unable to parse value of 'vgname': unexpected property 'vgname'",
                "section 's1': unable to parse value of 'path': duplicate attribute",
                "section 's1': unable to parse value of 'content': got undefined value",
                "section 's1': unable to parse value of 'mkdir': type check ('boolean') failed - got 'yes'",
                "section 's1': unable to parse value of 'max-protected-backups': type check ('integer') failed - got 'x'",
                "section 's1': unable to parse value of 'max-protected-backups': value must have a minimum value of -1",
                "section 's1': unable to parse value of 'preallocation': value 'sometimes' does not have a value in the enumeration 'off, metadata, falloc, full'",
                "section 's1': unable to parse value of 'content-dirs': invalid format - invalid override 'images=..'",
                "section 's1': unable to parse value of 'nodes': invalid format - value does not look like a valid node name",
                "section 's1': unable to parse value of 'content': invalid format - invalid content type 'bogus'",
                "section 's1': unable to parse value of 'type': unexpected property 'type'",
                "section 'n1': unable to parse value of 'server': invalid format - value does not look like a valid server name or IP address",
                "section 'n1': unable to parse value of 'port': unexpected property 'port'",
                "section 'n1': unable to parse value of 'options': invalid format - invalid options 'a b'",
                "skip section 'n1': missing value for required option 'server'",
                "section 'c1': unable to parse value of 'password': value may only be 256 characters long",
                "section 'c1': unable to parse value of 'smbversion': value '1.0' does not have a value in the enumeration 'default, 2.0, 2.1, 3, 3.0, 3.11'",
                "section 'v1': unable to parse value of 'vgname': invalid format - lvm name '-bad' contains illegal characters",
                "section 'v1': unable to parse value of 'base': invalid format - unable to parse volume ID 'nocolon'",
                "section 'v1': unable to parse value of 'saferemove-stepsize': value '3' does not have a value in the enumeration '1, 2, 4, 8, 16, 32'",
                "section 'v1': unable to parse value of 'saferemove-stepsize': value '08' does not have a value in the enumeration '1, 2, 4, 8, 16, 32'",
                "skip section 'v1': missing value for required option 'vgname'",
                "section 'r1': unable to parse value of 'monhost': invalid format - value does not look like a valid portal address",
                "section 'f1': unable to parse value of 'fs-name': invalid format - invalid configuration ID '9x'",
                "section 'p1': unable to parse value of 'port': value must have a maximum value of 65535",
            ])
    }

    @Test func contentDecodingWarningsAndRefusals() {
        let warned = parse("nfs: n1\n\tserver s\n\texport /e\n\tpath /p\n\tcontent images,none\n")
        #expect(warned.diagnostics.map(\.message) == ["storage does not support content type 'none'"])
        #expect(warned.diagnostics.map(\.kind) == [.warning])
        #expect(warned.diagnostics.map(\.line) == [5])
        #expect(warned.config["n1"]?.content == ["images"])
        #expect(
            messages("dir: d1\n\tpath /p\n\tcontent none,images\n") == [
                "skip section 'd1': unable to combine 'none' with other content types"
            ])
        #expect(
            messages("nfs: n1\n\tserver s\n\texport /e\n\tpath /p\n\tcontent none\n") == [
                "storage does not support content type 'none'",
                "skip section 'n1': storage does not support content type 'none'",
            ])
        let none = parse("dir: d1\n\tpath /p\n\tcontent none\n").config
        #expect(none["d1"]?.options["content"] == "none")
        #expect(
            messages("cephfs: f1\n\tpath /p\n\tcontent-dirs images=x\n") == [
                "storage does not support content type 'images'"
            ])
    }

    @Test func formatDecoding() {
        let (config, diagnostics) = parse("nfs: n1\n\tserver s\n\texport /e\n\tpath /p\n\tformat subvol\n")
        #expect(diagnostics.map(\.message) == ["storage does not support format 'subvol'"])
        #expect(config["n1"]?.options["format"] == nil)
        #expect(parse("dir: d1\n\tpath /p\n\tformat qcow2\n").config["d1"]?.options["format"] == "qcow2")
    }

    @Test func missingRequiredOptionSkipsTheSectionAtItsLastLine() {
        let d = parse("dir: d1\n\tcontent iso\n\n").diagnostics
        #expect(d.map(\.proxmoxWarning) == ["file storage.cfg line 2 (skip section 'd1'): missing value for required option 'path'"])
    }

    // MARK: - Writer errors

    @Test func writerErrors() {
        func failure(_ storage: StorageDefinition) -> String? {
            do {
                _ = try StorageConfig.write(StorageConfig(storages: [storage]))
                return nil
            } catch { return error.message }
        }
        #expect(failure(StorageDefinition(type: "weird", id: "w1")) == "unknown section type 'weird'")
        #expect(failure(StorageDefinition(type: "dir", id: "d1")) == "section 'd1' - missing value for required option 'path'")
        #expect(
            failure(StorageDefinition(type: "dir", id: "d1", options: ["path": "/a\nb"]))
                == "property 'path' contains a line feed")
        // Booleans print as 0/1, empty values and unknown keys are left out, `disable 0` goes.
        #expect(
            (try? StorageConfig.write(
                StorageConfig(storages: [
                    StorageDefinition(
                        type: "dir", id: "d1",
                        options: ["path": "/a", "disable": "0", "shared": "yes", "nodes": "", "priority": "0"])
                ]))).map { String(decoding: $0, as: UTF8.self) } == "dir: d1\n\tpath /a\n\tshared 1\n\n")
    }

    @Test func storageLookupErrors() {
        #expect(throws: StorageError("storage 'nope' does not exist")) { try StorageConfig.absentFile.storage("nope") }
        #expect(throws: StorageError("no storage ID specified")) { try StorageConfig.absentFile.storage("") }
    }
}
