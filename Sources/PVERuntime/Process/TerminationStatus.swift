/// How a child process ended.
///
/// Proxmox: `PVE::Tools::run_command` reports "exit code N" or "got signal N"; `lxc-attach` itself
/// folds a signal death into `128 + signal`, see ``exitCode``.
public enum TerminationStatus: Sendable, Hashable, CustomStringConvertible {
    /// The process called `exit` with this status (0…255).
    case exited(Int32)
    /// The process was killed by this signal.
    case signaled(Int32)

    /// Decodes a raw `waitpid` status word.
    /// - Parameter raw: the status from `waitpid`.
    public init(waitStatus raw: Int32) {
        let signal = raw & 0x7f
        if signal == 0 {
            self = .exited((raw >> 8) & 0xff)
        } else {
            self = .signaled(signal)
        }
    }

    /// True for `exited(0)`.
    public var isSuccess: Bool { self == .exited(0) }

    /// The status a shell would report: the exit status, or `128 + signal` for a signal death.
    public var exitCode: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    /// `exit status 3` or `killed by signal 9`.
    public var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}
