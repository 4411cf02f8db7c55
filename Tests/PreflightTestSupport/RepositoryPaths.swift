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

extension RepositoryPaths {
    /// A real tokenizer file (`scripts/fetch-reference-tokenizers.sh`) from
    /// `$PREFLIGHT_TOKENIZERS` or `Benchmarks/.data/tokenizers/`; nil when absent (skip then).
    public static func referenceTokenizer(_ name: String) -> String? {
        var folders = [root.appendingPathComponent("Benchmarks/.data/tokenizers").path]
        if let env = ProcessInfo.processInfo.environment["PREFLIGHT_TOKENIZERS"] {
            folders.insert(env, at: 0)
        }
        for folder in folders {
            let path = (folder as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// The cl100k_base ranks file under tiktoken's cache name.
    public static let cl100kFile = "9b5ad71b2ce5302211f9c61530b329a4922fc6a4"
    /// The o200k_base ranks file under tiktoken's cache name.
    public static let o200kFile = "fb374d419588a4632f3f557e76b4b70aebbca790"
}

extension RepositoryPaths {
    private static let directoryLock = NSLock()

    /// Runs `body` with the repository root as the current directory, so relative paths in
    /// reports read as a user at the root would see them. Serialized: the directory is
    /// process-wide state.
    public static func withRootAsCurrentDirectory<T>(_ body: () throws -> T) rethrows -> T {
        directoryLock.lock()
        defer { directoryLock.unlock() }
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(root.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        return try body()
    }
}
