/// The state of a container as the LXC tools name it (`lxc-info -s`, `lxc-wait -s`).
///
/// An extensible struct rather than an enum: LXC may add states, and an unknown one is kept verbatim.
public struct ContainerState: Sendable, Hashable, CustomStringConvertible {
    /// The upper-case name LXC prints (`RUNNING`).
    public let name: String

    /// Wraps a state name; it is upper-cased, so `running` and `RUNNING` are the same state.
    /// - Parameter name: the state as printed by LXC.
    public init(_ name: String) { self.name = name.uppercased() }

    /// Not running.
    public static let stopped = ContainerState("STOPPED")
    /// `lxc-start` is setting the container up.
    public static let starting = ContainerState("STARTING")
    /// Init is running.
    public static let running = ContainerState("RUNNING")
    /// Shutting down.
    public static let stopping = ContainerState("STOPPING")
    /// The start failed and is being undone.
    public static let aborting = ContainerState("ABORTING")
    /// Being frozen.
    public static let freezing = ContainerState("FREEZING")
    /// Frozen.
    public static let frozen = ContainerState("FROZEN")
    /// Thawed again.
    public static let thawed = ContainerState("THAWED")

    /// Every state `lxc-wait` accepts, in LXC's order.
    public static let all: [ContainerState] = [
        .stopped, .starting, .running, .stopping, .aborting, .freezing, .frozen, .thawed,
    ]

    /// True for ``running``.
    public var isRunning: Bool { self == .running }

    /// The name, e.g. `RUNNING`.
    public var description: String { name }
}

/// What `lxc-info -s -p` reports about one container.
///
/// Proxmox: `PVE::LXC::find_lxc_pid` (the PID part) and `check_running`.
public struct ContainerStatus: Sendable, Hashable {
    /// The container's name (the VMID for Proxmox containers).
    public var name: String
    /// Its state.
    public var state: ContainerState
    /// The host PID of its init, while it runs.
    public var pid: Int32?

    /// Creates a status.
    /// - Parameters:
    ///   - name: the container's name.
    ///   - state: its state.
    ///   - pid: its init's host PID, if running.
    public init(name: String, state: ContainerState, pid: Int32?) {
        self.name = name
        self.state = state
        self.pid = pid
    }
}

/// The LXC version from `lxc-start --version`.
///
/// Proxmox: `PVE::LXC::get_lxc_version` (which keeps only major and minor).
public struct LXCVersion: Sendable, Hashable, CustomStringConvertible {
    /// Major version (`5` for `5.0.2`).
    public var major: Int
    /// Minor version (`0` for `5.0.2`).
    public var minor: Int
    /// The whole line as printed (`5.0.2`).
    public var text: String

    /// Creates a version.
    /// - Parameters:
    ///   - major: major version.
    ///   - minor: minor version.
    ///   - text: the line as printed.
    public init(major: Int, minor: Int, text: String) {
        self.major = major
        self.minor = minor
        self.text = text
    }

    /// Parses `lxc-start --version` output: the **last** line that looks like a version (digits, a dot,
    /// digits, then optionally a non-digit and anything: `^(\d+)\.(\d+)(\D.*)?$`) wins, as in Proxmox,
    /// whose per-line callback overwrites earlier matches.
    /// - Parameter output: the tool's standard output.
    /// - Returns: the version, or nil when no line matches.
    public static func parse(_ output: String) -> LXCVersion? {
        var found: LXCVersion?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var i = 0
            func digits() -> Int? {
                let start = i
                while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
                guard i > start, i - start < 18 else { return nil }
                return Int(String(decoding: bytes[start..<i], as: UTF8.self))
            }
            guard let major = digits(), i < bytes.count, bytes[i] == UInt8(ascii: ".") else { continue }
            i += 1
            guard let minor = digits() else { continue }
            // Either the line ends here or a non-digit follows (digits() consumed all digits).
            found = LXCVersion(major: major, minor: minor, text: String(line))
        }
        return found
    }

    /// `major.minor (text)`.
    public var description: String { text }
}
