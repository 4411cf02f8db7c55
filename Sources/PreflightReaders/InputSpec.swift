import PreflightCore

/// One input as the user named it: a file, a folder, or `-` for standard input.
public struct InputSpec: Sendable, Equatable {
    /// The path as typed (a file, a folder, or `-` for standard input).
    public var path: String
    /// The split role forced by a flag; nil means "infer it from the file name".
    public var split: SplitRole?
    /// How the forced role was decided, for the report (e.g. "--train flag").
    public var splitSource: String?
    /// The format forced by the caller (no CLI flag sets it yet); nil means "from the extension" (sniffed for `-`).
    public var format: InputFormat?

    /// Creates an input.
    /// - Parameters:
    ///   - path: the path as typed; `-` reads standard input.
    ///   - split: the role forced by a flag, or nil to infer it from the file name.
    ///   - splitSource: how the forced role was decided; defaults to "--<role> flag".
    ///   - format: the format forced by a flag, or nil to use the extension.
    public init(
        path: String, split: SplitRole? = nil, splitSource: String? = nil,
        format: InputFormat? = nil
    ) {
        self.path = path
        self.split = split
        self.splitSource = splitSource
        self.format = format
    }
}

/// How far reading one input has got, for progress displays.
public struct LoadProgress: Sendable, Equatable {
    /// The path of the file being read, as the user named it.
    public var path: String
    /// Bytes of the stored file read so far (compressed bytes for `.gz`).
    public var bytesRead: Int
    /// The stored size, when known (nil for standard input and pipes).
    public var totalBytes: Int?

    /// Creates a progress report.
    public init(path: String, bytesRead: Int, totalBytes: Int?) {
        self.path = path
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
    }
}

/// Settings for reading inputs.
public struct LoadOptions: Sendable {
    /// Rule-file and flag overrides: shape, text fields, label field, id field.
    public var dataset: DatasetRules
    /// The largest record accepted, in bytes; a larger one becomes a `record_too_large` issue.
    /// For YAML it also bounds what a record may expand to through aliases.
    public var maxRecordBytes: Int
    /// Called from the reading thread after each chunk read; nil for no progress.
    public var progress: (@Sendable (LoadProgress) -> Void)?

    /// Creates options.
    /// - Parameters:
    ///   - dataset: field mapping overrides; empty means "detect".
    ///   - maxRecordBytes: the largest record accepted, default 64 MiB.
    ///   - progress: an optional progress callback.
    public init(
        dataset: DatasetRules = DatasetRules(), maxRecordBytes: Int = 64 << 20,
        progress: (@Sendable (LoadProgress) -> Void)? = nil
    ) {
        self.dataset = dataset
        self.maxRecordBytes = maxRecordBytes
        self.progress = progress
    }
}
