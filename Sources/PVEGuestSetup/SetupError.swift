public import PVESystem

/// A failed setup step: Proxmox's message, the guest file it concerns and the step it happened in.
///
/// Proxmox: the `die` inside a chrooted child, reported by `protected_call` as
/// `error in setup task <method>`.
public struct SetupError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Proxmox's message text (without trailing newline), e.g. `unable to parse ipv4 address/mask`.
    public var message: String
    /// The guest path concerned, when there is one.
    public var path: String?
    /// The setup step (Proxmox method name, e.g. `setup_network`), filled in by the hook runner.
    public var step: String?

    /// An error with Proxmox's message, the guest path involved and the failing step.
    public init(_ message: String, path: String? = nil, step: String? = nil) {
        self.message = message
        self.path = path
        self.step = step
    }

    /// Wraps a guest file-access error.
    public init(_ error: FileError) {
        self.init(error.description, path: error.path)
    }

    public var description: String {
        var text = ""
        if let step { text += "\(step): " }
        if let path, !message.contains(path) { text += "\(path): " }
        return text + message
    }
}
