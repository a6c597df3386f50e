/// A problem found while reading a config, with its position and Proxmox's wording.
///
/// `message` is the text Proxmox prints (e.g. `vm 100 - unable to parse config: foo`) for the
/// problems Proxmox reports; problems Proxmox accepts silently get a message of our own.
public struct ConfigDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// How Proxmox treats the problem.
    public enum Kind: Sendable, Hashable {
        /// A parse error: Proxmox's lenient reader warns and goes on, its strict reader refuses the file.
        case error
        /// Proxmox warns in both modes (deprecated `lxc.*` names); never refuses.
        case warning
        /// Proxmox accepts silently (e.g. a duplicate key); reported by this library only.
        case notice
        /// Proxmox's reader dies even in lenient mode (a member clobbered by an ordinary key line).
        case fatal
    }

    /// Whether this is an error (Proxmox refuses) or a warning (Proxmox goes on).
    public var kind: Kind
    /// The file name as given to the reader.
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based byte column.
    public var column: Int
    /// The message (Proxmox's text where Proxmox reports it, without a final newline).
    public var message: String

    /// Creates a diagnostic at a place in a file.
    public init(kind: Kind, file: String, line: Int, column: Int, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// Whether Proxmox's strict reader refuses the file because of this problem.
    public var refusesFile: Bool { kind == .error || kind == .fatal }

    /// `FILE:LINE:COL: error: message` (errors) or `FILE:LINE:COL: warning: message`.
    public var description: String {
        "\(file):\(line):\(column): \(refusesFile ? "error" : "warning"): \(message)"
    }

    /// `FILE:LINE: warning: message`, the form `config format` prints for Proxmox's warnings.
    public var warningLine: String { "\(file):\(line): warning: \(message)" }
}
