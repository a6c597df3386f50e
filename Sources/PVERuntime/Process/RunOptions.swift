/// How a ``CommandRunner`` wires up and supervises one run: standard streams, time limit, teardown.
///
///     RunOptions()                                   // stdin /dev/null, capture stdout+stderr (1 MiB each)
///     RunOptions(timeout: .seconds(5))               // SIGTERM after 5 s, SIGKILL 2 s later
///     RunOptions.interactive                         // the caller's terminal (for `enter`)
public struct RunOptions: Sendable, Hashable {
    /// Where the child's standard input comes from.
    public enum Input: Sendable, Hashable {
        /// `/dev/null`.
        case null
        /// The caller's standard input (a terminal for interactive sessions).
        case inherit
    }

    /// Where one of the child's output streams goes.
    public enum Output: Sendable, Hashable {
        /// Collected into the result, keeping at most `limit` bytes: the first ones (`.head`) or the last
        /// ones (`.tail`, useful for error messages). Further output is read and dropped, so the child
        /// never blocks on a full pipe.
        case capture(limit: Int, keep: Keep)
        /// Written straight to the caller's stream.
        case inherit
        /// `/dev/null`.
        case discard
    }

    /// Which part of oversized output a capture keeps.
    public enum Keep: Sendable, Hashable {
        /// The first `limit` bytes.
        case head
        /// The last `limit` bytes.
        case tail
    }

    /// Standard input of the child.
    public var input: Input
    /// Standard output of the child.
    public var output: Output
    /// Standard error of the child.
    public var error: Output
    /// The time limit; nil = none. When it passes, the child gets SIGTERM, then SIGKILL after `killGrace`.
    public var timeout: Duration?
    /// How long to wait between SIGTERM and SIGKILL.
    public var killGrace: Duration

    /// The default capture limit per stream: 1 MiB.
    public static let defaultLimit = 1 << 20

    /// Creates run options.
    /// - Parameters:
    ///   - input: standard input (default `/dev/null`).
    ///   - output: standard output (default: capture the first MiB).
    ///   - error: standard error (default: capture the last MiB).
    ///   - timeout: time limit (default none).
    ///   - killGrace: SIGTERM-to-SIGKILL delay (default 2 s).
    public init(
        input: Input = .null,
        output: Output = .capture(limit: RunOptions.defaultLimit, keep: .head),
        error: Output = .capture(limit: RunOptions.defaultLimit, keep: .tail),
        timeout: Duration? = nil,
        killGrace: Duration = .seconds(2)
    ) {
        self.input = input
        self.output = output
        self.error = error
        self.timeout = timeout
        self.killGrace = killGrace
    }

    /// All three streams connected to the caller's (a terminal for `enter`), no time limit.
    public static let interactive = RunOptions(input: .inherit, output: .inherit, error: .inherit)

    /// True when the child shares the caller's terminal: it then stays in the caller's process group
    /// (so the terminal's job control reaches it) and the caller ignores SIGINT/SIGQUIT while waiting.
    public var isInteractive: Bool { input == .inherit }
}
