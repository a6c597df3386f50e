/// Locates the repository's `Fixtures/` directory from this source file's path (no bundles).
public enum Fixtures {
    /// Absolute path of `Fixtures/` at the package root.
    public static let root: String = {
        let file = #filePath  // <root>/Tests/PVETestSupport/Fixtures.swift
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/Fixtures"
    }()

    /// Absolute path of a fixture, e.g. `Fixtures.path("property-strings/net.cases")`.
    public static func path(_ relative: String) -> String { root + "/" + relative }
}
