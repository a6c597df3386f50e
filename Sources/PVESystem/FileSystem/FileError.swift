/// An error from guest file access: names the guest path, the operation and the cause in words.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Storage: Sendable, Hashable {
            case notFound, exists, notRegularFile, notDirectory, isDirectory, tooLarge, symlinkLoop,
                escapesRoot, invalidPath, system
        }
        fileprivate let storage: Storage
        /// The path does not exist.
        public static let notFound = Code(storage: .notFound)
        /// The path exists already.
        public static let exists = Code(storage: .exists)
        /// A regular file was expected.
        public static let notRegularFile = Code(storage: .notRegularFile)
        /// A directory was expected.
        public static let notDirectory = Code(storage: .notDirectory)
        /// The path is a directory.
        public static let isDirectory = Code(storage: .isDirectory)
        /// The file is larger than the read limit.
        public static let tooLarge = Code(storage: .tooLarge)
        /// Too many symbolic links (or a loop).
        public static let symlinkLoop = Code(storage: .symlinkLoop)
        /// A path or link leads out of the root.
        public static let escapesRoot = Code(storage: .escapesRoot)
        /// The path cannot be used (empty component, NUL byte, relative).
        public static let invalidPath = Code(storage: .invalidPath)
        /// Any other failing system call; see `errno`.
        public static let system = Code(storage: .system)
        public var description: String { "\(storage)" }
    }

    /// What went wrong.
    public var code: Code
    /// The guest path the operation was about.
    public var path: String
    /// The operation, e.g. `read`, `write`, `rename`.
    public var operation: String
    /// The system error number, when a system call failed.
    public var errno: Int32?
    /// A readable explanation.
    public var reason: String

    /// Creates an error.
    public init(code: Code, path: String, operation: String, errno: Int32? = nil, reason: String) {
        self.code = code
        self.path = path
        self.operation = operation
        self.errno = errno
        self.reason = reason
    }

    public var description: String { "\(operation) '\(path)': \(reason)" }
}
