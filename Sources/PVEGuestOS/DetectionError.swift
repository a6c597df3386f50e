public import PVESystem

/// Why Proxmox would refuse a guest: carries Proxmox's exact message (without the trailing newline).
///
/// Proxmox counterpart: the `die` messages of `PVE::LXC::Setup->new` and of the plugins' `new`.
public struct DetectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Proxmox's message, e.g. `unable to detect OS distribution`.
    public var message: String
    /// Warnings Proxmox would have printed before failing, in order.
    public var warnings: [String]
    /// The guest file whose content (or absence) caused the failure, if any.
    public var file: String?
    /// The file-system error behind the failure, if one.
    public var underlying: FileError?

    /// Creates an error with Proxmox's `message`.
    public init(_ message: String, warnings: [String] = [], file: String? = nil, underlying: FileError? = nil) {
        self.message = message
        self.warnings = warnings
        self.file = file
        self.underlying = underlying
    }

    /// The message.
    public var description: String { message }
}
