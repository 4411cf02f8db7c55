import Foundation
import PreflightCore

/// One file to read, after folders are expanded and roles decided.
struct FileJob: Sendable {
    /// The path as the user named it (joined with the member name for folders).
    var path: String
    /// The path to open; nil for standard input.
    var fsPath: String?
    var split: SplitRole
    var splitSource: String
    /// The format from a flag or the extension; nil sniffs the content.
    var format: InputFormat?
    var gzip: Bool
    /// The stored size when known.
    var size: Int?
}

/// Expands inputs into files: folders, roles from file names, formats from extensions.
enum InputPlanner {
    /// Extensions read, after an optional `.gz`.
    static let extensions: [String: InputFormat] = [
        "jsonl": .jsonl, "ndjson": .jsonl, "csv": .csv, "tsv": .tsv, "yaml": .yaml, "yml": .yaml,
        "json": .json,
    ]

    /// The format and compression a file name implies (case-insensitive).
    static func classify(_ name: String) -> (format: InputFormat?, gzip: Bool) {
        var lower = name.lowercased()
        var gzip = false
        if lower.hasSuffix(".gz") {
            gzip = true
            lower.removeLast(3)
        }
        guard let dot = lower.lastIndex(of: ".") else { return (nil, gzip) }
        return (extensions[String(lower[lower.index(after: dot)...])], gzip)
    }

    /// The split role a file name implies, and how it was decided.
    static func inferRole(fileName: String) -> (SplitRole, String) {
        let lower = fileName.lowercased()
        let prefixes: [(String, SplitRole)] = [
            ("train", .train), ("val", .validation), ("dev", .validation), ("test", .test),
            ("regression", .regression), ("eval", .regression),
        ]
        for (prefix, role) in prefixes where lower.hasPrefix(prefix) {
            return (role, "file name '\(prefix)*'")
        }
        return (.train, "default (file name names no split)")
    }

    private struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// Expands `inputs` into files, in order.
    /// - Throws: `IngestError` for a missing path, an unreadable or empty folder, an unknown
    ///   extension, or a file named twice.
    static func plan(_ inputs: [InputSpec]) throws(IngestError) -> [FileJob] {
        var jobs: [FileJob] = []
        var seen: [FileIdentity: String] = [:]
        var sawStdin: String?
        for spec in inputs {
            if spec.path == "-" {
                if let first = sawStdin {
                    throw .duplicateInput(path: spec.path, firstGivenAs: first)
                }
                sawStdin = spec.path
                let role = spec.split ?? .train
                let source =
                    spec.split != nil
                    ? (spec.splitSource ?? "--\(role.rawValue) flag") : "default (standard input)"
                jobs.append(
                    FileJob(
                        path: "-", fsPath: nil, split: role, splitSource: source,
                        format: spec.format, gzip: false, size: nil))
                continue
            }
            var st = stat()
            guard stat(spec.path, &st) == 0 else {
                throw FileChunkSource.error(errno, path: spec.path)
            }
            var members: [(display: String, fsPath: String, name: String, st: stat)] = []
            if st.st_mode & S_IFMT == S_IFDIR {
                let names: [String]
                do {
                    names = try FileManager.default.contentsOfDirectory(atPath: spec.path)
                } catch {
                    throw access(spec.path, R_OK | X_OK) == 0
                        ? .readFailed(path: spec.path, detail: "the folder could not be listed")
                        : .permissionDenied(path: spec.path)
                }
                let prefix = spec.path.hasSuffix("/") ? spec.path : spec.path + "/"
                for name in names.sorted() where !name.hasPrefix(".") {
                    guard classify(name).format != nil else { continue }
                    // A member named like a data file is read or is an error, never skipped:
                    // stat follows links, so a loop or a dangling link fails here.
                    let path = prefix + name
                    var member = stat()
                    guard stat(path, &member) == 0 else {
                        let code = errno
                        var link = stat()
                        let isLink = lstat(path, &link) == 0 && link.st_mode & S_IFMT == S_IFLNK
                        switch (code, isLink) {
                        case (ELOOP, _):
                            throw .readFailed(
                                path: path,
                                detail:
                                    "it is a symbolic link loop; remove it or point it at a file")
                        case (ENOENT, true):
                            throw .readFailed(
                                path: path,
                                detail:
                                    "it is a symbolic link to a missing file; remove it or fix it")
                        default: throw FileChunkSource.error(code, path: path)
                        }
                    }
                    guard member.st_mode & S_IFMT == S_IFREG else {
                        throw .readFailed(
                            path: path,
                            detail: member.st_mode & S_IFMT == S_IFDIR
                                ? "it is a folder, not a data file (folders are read one level deep); "
                                    + "move or rename it"
                                : "it is a special file (a pipe, socket or device), not a data file; "
                                    + "give it as an input of its own to read it")
                    }
                    members.append((path, path, name, member))
                }
                if members.isEmpty { throw .noRecognisableFiles(path: spec.path) }
            } else {
                let name = spec.path.split(separator: "/").last.map(String.init) ?? spec.path
                members.append((spec.path, spec.path, name, st))
            }
            for member in members {
                let identity = FileIdentity(
                    device: UInt64(member.st.st_dev), inode: UInt64(member.st.st_ino))
                if let first = seen[identity] {
                    throw .duplicateInput(path: member.display, firstGivenAs: first)
                }
                seen[identity] = member.display
                let kind = classify(member.name)
                guard let format = spec.format ?? kind.format else {
                    throw .unknownExtension(path: member.display)
                }
                let (role, source): (SplitRole, String) =
                    spec.split.map { ($0, spec.splitSource ?? "--\($0.rawValue) flag") }
                    ?? inferRole(fileName: member.name)
                let size = member.st.st_mode & S_IFMT == S_IFREG ? Int(member.st.st_size) : nil
                jobs.append(
                    FileJob(
                        path: member.display, fsPath: member.fsPath, split: role,
                        splitSource: source, format: format,
                        gzip: kind.gzip, size: size))
            }
        }
        return jobs
    }
}
