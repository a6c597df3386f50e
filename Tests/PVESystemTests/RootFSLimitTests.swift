import PVESystem
import PVETestSupport
import Testing

@Suite struct RootFSLimitTests {
    /// `Int.max` means "no limit" to callers that do not care; it must not overflow.
    @Test func unboundedLimitReadsTheWholeFile() throws {
        let dir = TestFiles.makeTemporaryDirectory()
        defer { TestFiles.removeTree(dir) }
        TestFiles.write(dir + "/f", Array("hello\n".utf8))
        let fs = try RootFS(path: dir)
        #expect(try fs.read("/f", limit: Int.max) == Array("hello\n".utf8))
        #expect(try fs.readPrefix("/f", count: Int.max) == Array("hello\n".utf8))
    }
}
