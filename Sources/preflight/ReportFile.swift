import Foundation
import PreflightCore

/// Writes report files safely: to a temporary file in the same folder, then renamed, so a
/// reader never sees a half-written report and an interrupted run leaves none behind.
enum ReportFile {
    /// Writes `data` to `path`, creating missing parent folders.
    /// - Throws: `ReportError.writeFailed` naming the path and the reason.
    static func write(_ data: Data, to path: String) throws(ReportError) {
        // An interruption waits for this write (temporary file and rename) to finish.
        try Interruption.critical { () throws(ReportError) in try writeNow(data, to: path) }
    }

    private static func writeNow(_ data: Data, to path: String) throws(ReportError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let temporary = folder.appendingPathComponent(
                ".\(url.lastPathComponent).\(getpid()).tmp")
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw ReportError.writeFailed(path: path, reason: reason)
            }
        } catch let error as ReportError {
            throw error
        } catch {
            throw .writeFailed(path: path, reason: RulesOptions.reason(error))
        }
    }

    /// An absolute, symlink-resolved form of a path, to compare report and input paths.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
