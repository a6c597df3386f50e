import PVEStorage
import Testing

/// The code of the PVEStorage landing page (Sources/PVEStorage/PVEStorage.docc), compiled and run.
/// `DocArticleSnippetSyncTests` keeps the two in step.
@Suite("PVEStorage articles")
struct PVEStorageArticleTests {
    /// PVEStorage.md
    @Test func readResolveWrite() throws {
        let text = "dir: local\n\tpath /var/lib/vz\n\tcontent rootdir,images\n"
        let (config, diagnostics) = StorageConfig.parse(Array(text.utf8), file: "storage.cfg")
        for diagnostic in diagnostics { print(diagnostic) }
        let path = try config.path(of: "local:100/vm-100-disk-0.raw")
        print(path)  // /var/lib/vz/images/100/vm-100-disk-0.raw
        let canonical = try StorageConfig.write(config)
        #expect(diagnostics.isEmpty)
        #expect(path == "/var/lib/vz/images/100/vm-100-disk-0.raw")
        #expect(String(decoding: canonical, as: UTF8.self).hasPrefix("dir: local\n"))
    }
}
