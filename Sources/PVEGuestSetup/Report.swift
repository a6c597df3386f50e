public import PVESystem

/// The per-file account of a run: what happened to each path, why, with which mode and owner.
public struct SetupReport: Sendable, Hashable {
    /// What happened to one path.
    public struct Entry: Sendable, Hashable {
        /// `create`, `modify`, `delete`, `symlink`, `mkdir`, `metadata`, or `ignored`.
        public var action: String
        /// The guest path.
        public var path: String
        /// The step(s) that touched the path (Proxmox method names), in order.
        public var steps: [String]
        /// `whole file`, `marker block`, `symlink -> T`, `directory`, `unlink`, `rename from P`,
        /// or `ignored by /dir/.pve-ignore.name`.
        public var how: [String]
        /// Final permission bits and owner (nil when the path no longer exists or is a symlink).
        public var mode: UInt32?
        /// Final owner (nil when the path no longer exists or is a symlink).
        public var owner: FileOwner?
    }

    /// One entry per path, in the overlay's order.
    public var entries: [Entry]

    /// Joins the overlay's final changes with the steps' records.
    public init(changes: [OverlayFileSystem.Change], records: [ChangeRecord]) {
        var entries: [Entry] = []
        var seen = Set<String>()
        for c in changes {
            let recs = records.filter { $0.path == c.path || Self.normalize($0.path) == c.path }
            var e = Entry(action: "", path: c.path, steps: Self.unique(recs.map(\.step)), how: Self.unique(recs.map { Self.describe($0.how) }))
            switch (c.before, c.after) {
            case (.absent, .file(_, let m, let o)):
                e.action = "create"
                e.mode = m
                e.owner = o
            case (_, .absent): e.action = "delete"
            case (.file(let a, _, _), .file(let b, let m, let o)):
                e.action = a == b ? "metadata" : "modify"
                e.mode = m
                e.owner = o
            case (_, .file(_, let m, let o)):
                e.action = "create"
                e.mode = m
                e.owner = o
            case (_, .symlink): e.action = "symlink"
            case (_, .directory(let m, let o)):
                e.action = "mkdir"
                e.mode = m
                e.owner = o
            case (_, .other): e.action = "modify"
            }
            entries.append(e)
            seen.insert(c.path)
        }
        for r in records {
            if case .ignored(let by) = r.how, !seen.contains(Self.normalize(r.path)) {
                entries.append(Entry(action: "ignored", path: Self.normalize(r.path), steps: [r.step], how: ["ignored by \(by)"]))
                seen.insert(Self.normalize(r.path))
            }
        }
        self.entries = entries
    }

    static func normalize(_ p: String) -> String { "/" + p.split(separator: "/").joined(separator: "/") }

    static func unique(_ xs: [String]) -> [String] {
        var out: [String] = []
        for x in xs where !out.contains(x) { out.append(x) }
        return out
    }

    static func describe(_ how: ChangeRecord.How) -> String {
        switch how {
        case .wholeFile: return "whole file"
        case .markerBlock: return "marker block"
        case .symlink(let t): return "symlink -> \(t)"
        case .directory: return "directory"
        case .unlink: return "unlink"
        case .rename(let from): return "rename from \(from)"
        case .ignored(let by): return "ignored by \(by)"
        }
    }
}
