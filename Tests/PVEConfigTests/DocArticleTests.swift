import PVEConfig
import Testing

/// The code of the PVEConfig documentation articles (Sources/PVEConfig/PVEConfig.docc), compiled
/// and run. `DocArticleSnippetSyncTests` checks that every article snippet appears here verbatim.
@Suite("PVEConfig articles")
struct PVEConfigArticleTests {
    /// ReadingAndEditingConfigs.md
    @Test func readingAndEditingConfigs() throws {
        let bytes = Array("arch: amd64\nhostname: web\nmemory: 512\n".utf8)
        var document = try ConfigDocument(bytes: bytes, file: "101.conf", vmid: "101")
        for diagnostic in document.diagnostics {
            print(diagnostic)  // 101.conf:3:9: warning: ...
        }
        let hostname = document.config["hostname"]  // "web"
        #expect(hostname == "web")

        try document.set("memory", to: "2048")
        do {
            try document.set("memory", to: "lots")
        } catch {
            print(error.message)  // memory: type check ('integer') failed - got 'lots'
            #expect(error.message == "memory: type check ('integer') failed - got 'lots'")
        }

        let lossless: [UInt8] = document.bytes
        let canonical: [UInt8] = try ConfigWriter.write(document.config)
        #expect(lossless == Array("arch: amd64\nhostname: web\nmemory: 2048\n".utf8))
        #expect(canonical == lossless)

        var config = document.config
        try config.createSnapshot("before-upgrade", description: "pre apt upgrade", snaptime: 1_700_000_000)
        try config.queuePendingValue("cores", "4", vmid: "101")
        document.update(to: config)
        for (name, section) in document.config.snapshots {
            print(name, section["memory"] ?? "-")  // before-upgrade 2048
            #expect(name == "before-upgrade" && section["memory"] == "2048")
        }
        #expect(document.config.value("cores", in: .pending) == "4")
    }

    /// PropertyStringsAsTypedValues.md
    @Test func propertyStringsAsTypedValues() throws {
        let net = try NetworkInterface(parsing: "bridge=vmbr0,name=eth0,ip=dhcp")
        print(net.name, net.bridge ?? "-")  // eth0 vmbr0
        print(net.propertyString)  // name=eth0,bridge=vmbr0,ip=dhcp
        #expect(net.name == "eth0" && net.bridge == "vmbr0")
        #expect(net.propertyString == "name=eth0,bridge=vmbr0,ip=dhcp")

        let rootfs = try MountPoint(parsing: "local-lvm:vm-101-disk-0,size=8G", kind: .rootfs)
        print(rootfs.volume, rootfs.size ?? 0)  // local-lvm:vm-101-disk-0 8589934592
        #expect(rootfs.volume == "local-lvm:vm-101-disk-0" && rootfs.size == 8_589_934_592)

        do {
            _ = try NetworkInterface(parsing: "name=eth0,mtu=lots")
        } catch {
            print(error)  // format error, then: mtu: type check ('integer') failed - got 'lots'
            #expect("\(error)".contains("mtu: type check ('integer') failed - got 'lots'"))
        }
        #expect(throws: PropertyStringError.self) { try NetworkInterface(parsing: "name=eth0,mtu=lots") }

        struct Backup: PropertyStringValue {
            static let defaultKey: String? = "storage"
            var storage: String
            var compress: Bool?
            var keep: Int?
        }
        let backup = try PropertyStringDecoder().decode(Backup.self, from: "local,compress=yes,keep=3")
        let text = try PropertyStringEncoder().encode(backup)  // "local,compress=1,keep=3"
        #expect(text == "local,compress=1,keep=3")
    }
}
