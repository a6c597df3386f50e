import PVEConfig
import Testing

/// The README's library example, kept compiling and correct.
@Suite("Config library API example")
struct ConfigAPIExampleTests {
    @Test func readChangeWriteBack() throws {
        let bytes = Array("# web server\narch: amd64\nhostname: web\nmemory: 512\nrootfs: local:vm-101-disk-0,size=8G\n".utf8)

        // Read (lenient, as Proxmox), keeping the file byte for byte.
        var document = try ConfigDocument(bytes: bytes, file: "101.conf", vmid: "101")
        #expect(document.config["hostname"] == "web")
        #expect(document.diagnostics.isEmpty)

        // Change a key: validated like Proxmox's API, only that line changes.
        try document.set("memory", to: "2048")
        #expect(throws: ConfigEditError.self) { try document.set("memory", to: "lots") }

        // Write back: the lossless bytes, or Proxmox's canonical form.
        #expect(document.bytes == Array("# web server\narch: amd64\nhostname: web\nmemory: 2048\nrootfs: local:vm-101-disk-0,size=8G\n".utf8))
        let canonical = try ConfigWriter.write(document.config)
        #expect(canonical == document.bytes)

        // Snapshots are transformations of the parsed config.
        var config = document.config
        try config.createSnapshot("before-upgrade", description: "pre apt upgrade", snaptime: 1_700_000_000)
        #expect(config["parent"] == "before-upgrade")
        document.update(to: config)
        #expect(document.config.snapshots["before-upgrade"]?["memory"] == "2048")
    }
}
