/// An error from guest file access: names the guest path, the operation and the cause in words.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Storage: Sendable, Hashable {
            case notFound, exists, notRegularFile, notDirectory, isDirectory, tooLarge, symlinkLoop,
                escapesRoot, invalidPath, system
        }
        fileprivate let storage: Storage
        public static let notFound = Code(storage: .notFound)
        public static let exists = Code(storage: .exists)
        public static let notRegularFile = Code(storage: .notRegularFile)
        public static let notDirectory = Code(storage: .notDirectory)
        public static let isDirectory = Code(storage: .isDirectory)
        public static let tooLarge = Code(storage: .tooLarge)
        public static let symlinkLoop = Code(storage: .symlinkLoop)
        public static let escapesRoot = Code(storage: .escapesRoot)
        public static let invalidPath = Code(storage: .invalidPath)
        /// Any other failing system call; see `errno`.
        public static let system = Code(storage: .system)
        public var description: String { "\(storage)" }
    }

    public var code: Code
    /// The guest path the operation was about.
    public var path: String
    /// The operation, e.g. `read`, `write`, `rename`.
    public var operation: String
    /// The system error number, when a system call failed.
    public var errno: Int32?
    /// A readable explanation.
    public var reason: String

    public init(code: Code, path: String, operation: String, errno: Int32? = nil, reason: String) {
        self.code = code
        self.path = path
        self.operation = operation
        self.errno = errno
        self.reason = reason
    }

    public var description: String { "\(operation) '\(path)': \(reason)" }
}
