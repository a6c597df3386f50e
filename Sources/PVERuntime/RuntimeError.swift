public import PVESystem
/// A failure of the process layer or of an LXC tool, with a sentence that says what failed.
///
/// The messages Proxmox itself prints are reproduced verbatim where there is one
/// (`container '100' not running!`, `startup for container '100' failed`, `container did not stop`,
/// `unable to get PID for CT 100 (not running?)`); the others name the command line and the cause.
public struct RuntimeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Storage: Sendable, Hashable {
            case executableNotFound, toolNotInstalled, spawnFailed, systemCallFailed, timedOut, nonZeroExit,
                containerNotFound, containerNotRunning, startFailed, stopFailed, unexpectedOutput, invalidArgument
        }
        fileprivate let storage: Storage
        /// The program does not exist or is not executable.
        public static let executableNotFound = Code(storage: .executableNotFound)
        /// An LXC tool (`lxc-start`, …) is missing from the tool directory.
        public static let toolNotInstalled = Code(storage: .toolNotInstalled)
        /// `posix_spawn` failed for another reason (see `errno`).
        public static let spawnFailed = Code(storage: .spawnFailed)
        /// A system call while supervising the child failed (see `errno`).
        public static let systemCallFailed = Code(storage: .systemCallFailed)
        /// The command hit its time limit and was terminated.
        public static let timedOut = Code(storage: .timedOut)
        /// The command exited with a non-zero status or was killed by a signal.
        public static let nonZeroExit = Code(storage: .nonZeroExit)
        /// The container is not defined under the lxcpath.
        public static let containerNotFound = Code(storage: .containerNotFound)
        /// The container exists but is not running.
        public static let containerNotRunning = Code(storage: .containerNotRunning)
        /// The container did not reach RUNNING.
        public static let startFailed = Code(storage: .startFailed)
        /// The container did not reach STOPPED.
        public static let stopFailed = Code(storage: .stopFailed)
        /// A tool printed something this layer cannot interpret.
        public static let unexpectedOutput = Code(storage: .unexpectedOutput)
        /// A caller-supplied value cannot be used (e.g. a relative executable path).
        public static let invalidArgument = Code(storage: .invalidArgument)
        /// The code's name.
        public var description: String { "\(storage)" }
    }

    /// What went wrong.
    public var code: Code
    /// The readable sentence.
    public var message: String
    /// The command involved, if any.
    public var command: Command?
    /// How the command ended, for `.nonZeroExit` and `.timedOut`.
    public var status: TerminationStatus?
    /// The last lines of the command's standard error (at most 4 lines / 1000 bytes), trimmed.
    public var standardErrorTail: String
    /// The system error number, for `.executableNotFound`, `.spawnFailed` and `.systemCallFailed`.
    public var errno: Errno?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: the readable sentence.
    ///   - command: the command involved.
    ///   - status: how the command ended.
    ///   - standardErrorTail: the end of its standard error.
    ///   - errno: the system error number.
    public init(
        _ code: Code,
        _ message: String,
        command: Command? = nil,
        status: TerminationStatus? = nil,
        standardErrorTail: String = "",
        errno: Errno? = nil
    ) {
        self.code = code
        self.message = message
        self.command = command
        self.status = status
        self.standardErrorTail = standardErrorTail
        self.errno = errno
    }

    /// The message, followed by the standard error tail on its own lines when there is one.
    public var description: String {
        standardErrorTail.isEmpty ? message : message + "\n" + standardErrorTail
    }

    // MARK: - Builders

    /// `command '<line>' failed: exit code N` (Proxmox `run_command`'s wording) with the stderr tail.
    static func nonZeroExit(_ result: CommandResult) -> RuntimeError {
        let how: String
        switch result.status {
        case .exited(let code): how = "exit code \(code)"
        case .signaled(let signal): how = "got signal \(signal)"
        }
        return RuntimeError(
            .nonZeroExit, "command '\(result.command)' failed: \(how)", command: result.command, status: result.status,
            standardErrorTail: tail(of: result.standardError))
    }

    /// `command '<line>' failed: got timeout` (Proxmox `run_command`'s wording) with the stderr tail.
    static func timedOut(_ result: CommandResult) -> RuntimeError {
        RuntimeError(
            .timedOut, "command '\(result.command)' failed: got timeout", command: result.command,
            status: result.status, standardErrorTail: tail(of: result.standardError))
    }

    /// The last `maxLines` non-empty lines of `bytes`, at most `maxBytes` long, without trailing blanks.
    static func tail(of bytes: [UInt8], maxLines: Int = 4, maxBytes: Int = 1000) -> String {
        var end = bytes.count
        while end > 0,
            bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: " ")
                || bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == UInt8(ascii: "\t")
        {
            end -= 1
        }
        var start = end
        var lines = 0
        while start > 0, end - start < maxBytes {
            if bytes[start - 1] == UInt8(ascii: "\n") {
                lines += 1
                if lines == maxLines { break }
            }
            start -= 1
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
