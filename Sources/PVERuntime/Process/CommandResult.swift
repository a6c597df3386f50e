/// What a finished run produced: how it ended and the captured output.
public struct CommandResult: Sendable, Hashable {
    /// The command that ran.
    public var command: Command
    /// How the process ended.
    public var status: TerminationStatus
    /// Captured standard output (empty unless captured).
    public var standardOutput: [UInt8]
    /// Captured standard error (empty unless captured).
    public var standardError: [UInt8]
    /// True when standard output exceeded its capture limit and was cut.
    public var outputTruncated: Bool
    /// True when standard error exceeded its capture limit and was cut.
    public var errorTruncated: Bool
    /// True when the run hit its time limit and was terminated.
    public var timedOut: Bool

    /// Creates a result (runners and test fakes).
    /// - Parameters:
    ///   - command: the command that ran.
    ///   - status: how it ended.
    ///   - standardOutput: captured standard output.
    ///   - standardError: captured standard error.
    ///   - outputTruncated: whether standard output was cut.
    ///   - errorTruncated: whether standard error was cut.
    ///   - timedOut: whether the time limit was hit.
    public init(
        command: Command,
        status: TerminationStatus,
        standardOutput: [UInt8] = [],
        standardError: [UInt8] = [],
        outputTruncated: Bool = false,
        errorTruncated: Bool = false,
        timedOut: Bool = false
    ) {
        self.command = command
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.outputTruncated = outputTruncated
        self.errorTruncated = errorTruncated
        self.timedOut = timedOut
    }

    /// Standard output decoded as UTF-8 (invalid bytes become U+FFFD).
    public var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
    /// Standard error decoded as UTF-8 (invalid bytes become U+FFFD).
    public var errorText: String { String(decoding: standardError, as: UTF8.self) }

    /// The result if the command exited with status 0 within its time limit.
    /// - Returns: `self`.
    /// - Throws: ``RuntimeError`` `.timedOut` or `.nonZeroExit` (with the tail of standard error).
    @discardableResult
    public func checked() throws(RuntimeError) -> CommandResult {
        if timedOut { throw RuntimeError.timedOut(self) }
        guard status.isSuccess else { throw RuntimeError.nonZeroExit(self) }
        return self
    }
}
