public import PVERuntime
import Synchronization

/// A fake `CommandRunner` that records every command and answers with scripted replies; nothing runs.
///
///     let runner = RecordingRunner(replies: [.exit(0, stdout: "PID:            42\n")])
///     let lxc = LXC(runner: runner)
///     _ = try lxc.pid(of: "100")
///     #expect(runner.argumentVectors == [["/usr/bin/lxc-info", "-n", "100", "-p"]])
public final class RecordingRunner: CommandRunner, Sendable {
    /// A scripted answer to one command.
    public enum Reply: Sendable, Hashable {
        /// The command exits with `code` after printing the given text.
        case exit(Int32, stdout: String = "", stderr: String = "")
        /// The command is killed by `signal`.
        case signal(Int32, stderr: String = "")
        /// The command hits its time limit (reported as killed by SIGTERM, `timedOut` set).
        case timeout(stderr: String = "")
        /// The runner itself throws (e.g. `.executableNotFound`).
        case fail(RuntimeError)
    }

    /// One recorded call.
    public struct Call: Sendable, Hashable {
        /// The command as passed to `run`.
        public var command: Command
        /// The options as passed to `run`.
        public var options: RunOptions
    }

    private struct State {
        var calls: [Call] = []
        var replies: [Reply]
    }

    private let state: Mutex<State>
    private let respond: (@Sendable (Command) -> Reply)?

    /// A runner that answers the commands in order with `replies`, then with `.exit(0)`.
    /// - Parameter replies: the answers, first to last.
    public init(replies: [Reply] = []) {
        state = Mutex(State(replies: replies))
        respond = nil
    }

    /// A runner that computes each answer from the command.
    /// - Parameter respond: called for every command.
    public init(_ respond: @escaping @Sendable (Command) -> Reply) {
        state = Mutex(State(replies: []))
        self.respond = respond
    }

    /// Records the call and returns the scripted reply.
    /// - Parameters:
    ///   - command: the command (recorded, not run).
    ///   - options: the options (recorded).
    /// - Returns: the scripted result.
    /// - Throws: the scripted `RuntimeError` of a `.fail` reply.
    public func run(_ command: Command, options: RunOptions) throws(RuntimeError) -> CommandResult {
        let reply: Reply = state.withLock { s in
            s.calls.append(Call(command: command, options: options))
            if let respond { return respond(command) }
            return s.replies.isEmpty ? .exit(0) : s.replies.removeFirst()
        }
        switch reply {
        case .exit(let code, let out, let err):
            return CommandResult(
                command: command, status: .exited(code), standardOutput: Array(out.utf8), standardError: Array(err.utf8)
            )
        case .signal(let signal, let err):
            return CommandResult(command: command, status: .signaled(signal), standardError: Array(err.utf8))
        case .timeout(let err):
            return CommandResult(
                command: command, status: .signaled(15), standardError: Array(err.utf8), timedOut: true)
        case .fail(let error):
            throw error
        }
    }

    /// Every call so far, in order.
    public var calls: [Call] { state.withLock { $0.calls } }
    /// Every command so far, in order.
    public var commands: [Command] { calls.map(\.command) }
    /// Every command as `[executable] + arguments`, in order.
    public var argumentVectors: [[String]] { calls.map { [$0.command.executable] + $0.command.arguments } }
    /// Every command as its printed command line, in order.
    public var commandLines: [String] { calls.map { $0.command.description } }
}
