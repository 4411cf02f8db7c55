import Foundation
import PreflightTestSupport

/// Where the reporter goldens live: `Tests/PreflightReportersTests/Golden/<name>`.
enum Goldens {
    static let folder = RepositoryPaths.tests("PreflightReportersTests")
        .appendingPathComponent("Golden")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The JSON Schema of the report, `schemas/report-v1.schema.json`.
    static let schema = RepositoryPaths.root.appendingPathComponent(
        "schemas/report-v1.schema.json")
}
