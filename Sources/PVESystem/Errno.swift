import Glibc

/// A system error number with a readable description (`strerror`).
///
/// The named constants cover the errors guest file access distinguishes; any other value can be
/// represented through `init(rawValue:)`.
public struct Errno: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible {
    /// The C `errno` value.
    public let rawValue: Int32

    /// Wraps a C `errno` value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `EPERM`
    public static let notPermitted = Errno(rawValue: EPERM)
    /// `ENOENT`
    public static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
    /// `EINTR`
    public static let interrupted = Errno(rawValue: EINTR)
    /// `EIO`
    public static let ioError = Errno(rawValue: EIO)
    /// `EBADF`
    public static let badFileDescriptor = Errno(rawValue: EBADF)
    /// `EAGAIN`
    public static let resourceTemporarilyUnavailable = Errno(rawValue: EAGAIN)
    /// `EACCES`
    public static let permissionDenied = Errno(rawValue: EACCES)
    /// `EEXIST`
    public static let fileExists = Errno(rawValue: EEXIST)
    /// `EXDEV`
    public static let crossDeviceLink = Errno(rawValue: EXDEV)
    /// `ENOTDIR`
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    /// `EISDIR`
    public static let isDirectory = Errno(rawValue: EISDIR)
    /// `EINVAL`
    public static let invalidArgument = Errno(rawValue: EINVAL)
    /// `EFBIG`
    public static let fileTooLarge = Errno(rawValue: EFBIG)
    /// `ENOSPC`
    public static let noSpace = Errno(rawValue: ENOSPC)
    /// `EROFS`
    public static let readOnlyFileSystem = Errno(rawValue: EROFS)
    /// `ENAMETOOLONG`
    public static let fileNameTooLong = Errno(rawValue: ENAMETOOLONG)
    /// `ENOTEMPTY`
    public static let directoryNotEmpty = Errno(rawValue: ENOTEMPTY)
    /// `ELOOP`
    public static let tooManySymbolicLinks = Errno(rawValue: ELOOP)
    /// `ENOSYS`
    public static let notImplemented = Errno(rawValue: ENOSYS)
    /// `EOPNOTSUPP`
    public static let notSupported = Errno(rawValue: EOPNOTSUPP)
    /// `ENXIO`
    public static let noSuchDeviceOrAddress = Errno(rawValue: ENXIO)

    /// The C library's text for this error, unchanged ("No such file or directory"), as Perl's `$!` prints it.
    public var systemMessage: String {
        Syscalls.errorText(rawValue)
    }

    /// The C library's text for this error, first letter lower-cased ("no such file or directory").
    public var description: String {
        var bytes = Array(Syscalls.errorText(rawValue).utf8)
        if let first = bytes.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"),
            bytes.count > 1, !(bytes[1] >= UInt8(ascii: "A") && bytes[1] <= UInt8(ascii: "Z"))
        {
            bytes[0] = first + 32
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
