import Glibc
import PVETestSupport
import Testing

@testable import PVESystem

@Suite struct SyscallsTests {
    @Test func interruptedCallsAreRepeated() throws {
        var calls = 0
        let result = retryingInterrupts { () -> CInt in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(calls == 3)
        #expect(try result.get() == 7)
    }

    @Test func otherErrorsAreReturnedAtOnce() {
        var calls = 0
        let result = retryingInterrupts { () -> Int in
            calls += 1
            errno = EACCES
            return -1
        }
        #expect(calls == 1)
        #expect(throws: Errno.permissionDenied) { try result.get() }
    }

    @Test func longSymlinkTargetsAreReadWhole() throws {
        let t = TempRoot()
        let target = String(repeating: "abcdefghij/", count: 300) + "end"  // 3303 bytes > first buffer
        #expect(symlink(target, t.host("/long")) == 0)
        let fs = try RootFS(path: t.path)
        #expect(try fs.readLink("/long") == target)
        #expect(try fs.info("/long", followSymlinks: true) == nil)  // dangling, resolved inside
    }

    @Test func namesWithNULAreRejectedBeforeTheKernel() {
        #expect(throws: Errno.invalidArgument) { try Syscalls.openat(AT_FDCWD, "a\u{0}b", O_RDONLY).get() }
    }
}
