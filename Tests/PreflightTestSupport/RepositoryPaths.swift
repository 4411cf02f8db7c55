import Foundation

/// Paths of the repository, found from this source file, so tests need no resource bundles.
public enum RepositoryPaths {
    /// The repository root (the folder holding Package.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `samples/`.
    public static var samples: URL { root.appendingPathComponent("samples") }
    /// `rules/`.
    public static var rules: URL { root.appendingPathComponent("rules") }

    /// A test target's folder, e.g. `Tests/PreflightChecksTests`.
    public static func tests(_ target: String) -> URL {
        root.appendingPathComponent("Tests").appendingPathComponent(target)
    }

    /// `../shared/data/<name>` when present (it is absent on a fresh clone: skip then).
    public static func sharedData(_ name: String) -> URL? {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/data")
            .appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
