public import PVESystem
import Synchronization

/// Wraps any `GuestFileSystem` and makes chosen writes fail, to test that callers cope (and that
/// nothing is left half-written). Everything else is passed through.
///
/// ```swift
/// let fs = FaultInjectingFileSystem(base: rootfs, failing: .writes(to: ["/etc/hosts"]))
/// ```
public final class FaultInjectingFileSystem<Base: GuestFileSystem>: GuestFileSystem, Sendable {
    /// Which writes fail.
    public enum Fault: Sendable {
        /// Every write to one of these guest paths.
        case writes(to: Set<String>)
        /// The n-th write (1-based) and every later one.
        case writesFrom(count: Int)
    }

    public let base: Base
    private let fault: Fault
    private let writeCount = Atomic<Int>(0)

    public init(base: Base, failing fault: Fault) {
        self.base = base
        self.fault = fault
    }

    /// Writes attempted so far (failed ones included).
    public var attemptedWrites: Int { writeCount.load(ordering: .relaxed) }

    public func write(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) {
        try injectFault(path)
        try base.write(path, bytes, options: options)
    }

    /// Staged writes fail like writes (the fault is decided on the final path).
    public func stageWrite(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) -> StagedChange {
        try injectFault(path)
        return try base.stageWrite(path, bytes, options: options)
    }
    public func stageSymlink(_ path: String, target: String) throws(FileError) -> StagedChange {
        try base.stageSymlink(path, target: target)
    }
    public func commitStaged(_ change: StagedChange) throws(FileError) { try base.commitStaged(change) }
    public func discardStaged(_ change: StagedChange) { base.discardStaged(change) }
    public func synchronize() throws(FileError) { try base.synchronize() }
    public func removeDirectory(_ path: String) throws(FileError) { try base.removeDirectory(path) }

    private func injectFault(_ path: String) throws(FileError) {
        let n = writeCount.add(1, ordering: .relaxed).newValue
        let fails: Bool
        switch fault {
        case .writes(let paths): fails = paths.contains(path)
        case .writesFrom(let count): fails = n >= count
        }
        if fails {
            throw FileError(
                code: .system, path: path, operation: "write", errno: 28, reason: "no space left on device (injected)")
        }
    }

    public func info(_ path: String, followSymlinks: Bool) throws(FileError) -> FileInfo? {
        try base.info(path, followSymlinks: followSymlinks)
    }
    public func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] { try base.read(path, limit: limit) }
    public func readPrefix(_ path: String, count: Int) throws(FileError) -> [UInt8] {
        try base.readPrefix(path, count: count)
    }
    public func readLink(_ path: String) throws(FileError) -> String { try base.readLink(path) }
    public func symlink(_ path: String, target: String) throws(FileError) { try base.symlink(path, target: target) }
    public func makeDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws(FileError) {
        try base.makeDirectory(path, mode: mode, owner: owner)
    }
    public func unlink(_ path: String) throws(FileError) { try base.unlink(path) }
    public func rename(_ from: String, to: String) throws(FileError) { try base.rename(from, to: to) }
    public func list(_ path: String) throws(FileError) -> [String] { try base.list(path) }
    public func changeOwner(_ path: String, to owner: FileOwner) throws(FileError) {
        try base.changeOwner(path, to: owner)
    }
    public func changeMode(_ path: String, to mode: UInt32) throws(FileError) { try base.changeMode(path, to: mode) }
}
