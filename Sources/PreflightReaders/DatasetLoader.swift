import Foundation
import PreflightCore

/// Turns input paths into a `Dataset`: expands folders, infers split roles, reads every
/// file, detects shapes and projects records.
public enum DatasetLoader {
    /// Bytes examined for NUL bytes to tell text from binary.
    static let textProbeBytes = 8 << 10

    /// Reads every input.
    ///
    /// A folder expands to its top-level data files (sorted by name, hidden files skipped);
    /// a file's role comes from its `InputSpec` or its name (`train*`, `val*`/`dev*`,
    /// `test*`, `regression*`/`eval*`, else train). Files are read one after another; each
    /// file's lines are parsed and projected in parallel.
    /// - Parameters:
    ///   - inputs: files, folders or `-`, in the order given.
    ///   - options: field mapping overrides, the record size limit and progress.
    /// - Returns: one `InputFile` per file, in input order.
    /// - Throws: `IngestError` when an input cannot be read at all, or when a field the rules
    ///   map occurs in no record of a file (`mappedFieldNotFound`).
    /// - Complexity: O(n) in the total input size; memory linear in the number of records.
    public static func load(_ inputs: [InputSpec], options: LoadOptions) throws(IngestError)
        -> Dataset
    {
        let jobs = try InputPlanner.plan(inputs)
        var files: [InputFile] = []
        files.reserveCapacity(jobs.count)
        for job in jobs {
            let stored: FileChunkSource
            if let fsPath = job.fsPath {
                stored = try FileChunkSource(fsPath: fsPath, path: job.path)
            } else {
                stored = FileChunkSource(standardInput: job.path)
            }
            files.append(try read(job: job, source: stored, options: options))
        }
        return Dataset(files: files)
    }

    /// Reads one file already in memory (tests, standard input).
    /// - Parameters:
    ///   - bytes: the file's bytes as stored (gzip data when `path` ends in `.gz`).
    ///   - path: the name used in the result and in messages.
    ///   - split: the file's role.
    ///   - splitSource: how the role was decided.
    ///   - format: the format; nil takes it from the path's extension, else sniffs the content
    ///     (`{` → jsonl, `[` → json, otherwise csv).
    ///   - options: field mapping overrides and the record size limit.
    /// - Returns: the records and issues of the file.
    /// - Throws: `IngestError` for binary content, corrupt gzip data, or a mapped field that
    ///   occurs in no record.
    /// - Complexity: O(n) in the size of `bytes`.
    public static func read(
        bytes: [UInt8], path: String, split: SplitRole, splitSource: String, format: InputFormat?,
        options: LoadOptions
    ) throws(IngestError) -> InputFile {
        let kind = InputPlanner.classify(path)
        let job = FileJob(
            path: path, fsPath: nil, split: split, splitSource: splitSource,
            format: format ?? kind.format,
            gzip: kind.gzip, size: bytes.count)
        return try read(job: job, source: MemoryChunkSource(bytes), options: options)
    }

    // MARK: - One file

    private static func read<S: ChunkSource>(job: FileJob, source: S, options: LoadOptions)
        throws(IngestError) -> InputFile
    {
        var stored = HashingSource(
            base: source, path: job.path, totalBytes: job.size, progress: options.progress)
        let hasher = stored.hasher
        let first = try stored.next()
        let startsWithGzip = (first?.count ?? 0) >= 2 && first?[0] == 0x1F && first?[1] == 0x8B
        if !job.gzip, startsWithGzip {
            throw .notText(
                path: job.path, reason: "it holds gzip-compressed data; rename it to end in '.gz'")
        }
        if job.gzip, first != nil, !startsWithGzip {
            throw .corruptGzip(path: job.path, detail: "it does not start with the gzip signature")
        }
        let rest = PrependSource(first: first, base: stored)
        let (format, parsed): (InputFormat, ParsedRecords)
        if job.gzip {
            var content = GzipSource(base: rest, path: job.path)
            (format, parsed) = try readContent(&content, job: job, options: options)
        } else {
            var content = rest
            (format, parsed) = try readContent(&content, job: job, options: options)
        }
        let sha256 = hasher.finish()
        if let error = ShapeDetector.missingMappedField(
            parsed.values, rules: options.dataset, path: job.path)
        {
            throw error
        }

        let schema = ShapeDetector.detect(
            parsed.values.prefix(ShapeDetector.sampleSize), rules: options.dataset)
        let projector = RecordProjector(schema: schema, rules: options.dataset)
        let projected = projector.projectAll(parsed.values)
        var issues = parsed.issues
        var omittedIssues = parsed.omittedIssues + projected.omittedIssues
        if !projected.issues.isEmpty {
            // Each list holds the first issues of its kind, so the first of the union are
            // among them.
            issues += projected.issues
            issues.sort(by: RecordIssue.fileOrder)
            if issues.count > InputFile.keptIssues {
                omittedIssues += issues.count - InputFile.keptIssues
                issues.removeLast(issues.count - InputFile.keptIssues)
            }
        }
        return InputFile(
            path: job.path, split: job.split, splitSource: job.splitSource, format: format,
            compression: job.gzip ? "gzip" : nil, schema: schema, sha256: sha256,
            byteCount: hasher.byteCount,
            records: projected.records, issues: issues, omittedIssues: omittedIssues)
    }

    /// Reads the (decompressed) content: text check, format, then the format's reader.
    private static func readContent<C: ChunkSource>(
        _ content: inout C, job: FileJob, options: LoadOptions
    ) throws(IngestError) -> (InputFormat, ParsedRecords) {
        guard let first = try content.next() else { return (job.format ?? .jsonl, ParsedRecords()) }
        if let encoding = unicodeEncoding(byteOrderMark: first) {
            throw .notText(
                path: job.path,
                reason:
                    "it is \(encoding) text (it starts with a byte order mark); save it as UTF-8")
        }
        if job.gzip, first.count >= 2, first[0] == 0x1F, first[1] == 0x8B {
            throw .notText(
                path: job.path,
                reason: "it is gzip-compressed twice; decompress it once (gunzip) and keep the .gz")
        }
        if first.prefix(textProbeBytes).contains(0) {
            throw .notText(
                path: job.path,
                reason:
                    "it contains NUL bytes near the start (binary data, or UTF-16/32 text); save it as UTF-8 text"
            )
        }
        let format = job.format ?? sniff(first)
        if format == .jsonl || format == .csv || format == .tsv, usesBareCarriageReturns(first) {
            throw .bareCarriageReturns(path: job.path)
        }
        switch format {
        case .jsonl:
            var reader = JSONLReader(
                maxRecordBytes: options.maxRecordBytes, expectedBytes: job.gzip ? nil : job.size)
            reader.consume(first)
            while let chunk = try content.next() { reader.consume(chunk) }
            return (format, reader.finish())
        case .csv, .tsv, .yaml, .json:
            var all = first
            if let size = job.size, !job.gzip { all.reserveCapacity(size) }
            while let chunk = try content.next() { all.append(contentsOf: chunk) }
            switch format {
            case .csv:
                return (
                    format,
                    CSVReader(delimiter: nil, maxRecordBytes: options.maxRecordBytes).read(all)
                )
            case .tsv:
                return (
                    format,
                    CSVReader(delimiter: 0x09, maxRecordBytes: options.maxRecordBytes).read(all)
                )
            case .yaml:
                return (format, YAMLDatasetReader.read(all, maxRecordBytes: options.maxRecordBytes))
            default:
                return (format, JSONArrayReader(maxRecordBytes: options.maxRecordBytes).read(all))
            }
        }
    }

    /// True when the first chunk has no line feed but carriage returns before its end: lines
    /// broken by CR alone. (A line feed anywhere means LF or CRLF endings; YAML takes CR as a
    /// line break and JSON arrays as white space, so only line-based formats ask.)
    static func usesBareCarriageReturns(_ first: [UInt8]) -> Bool {
        guard !first.contains(0x0A) else { return false }
        return first.dropLast().contains(0x0D)
    }

    /// The encoding a UTF-16 or UTF-32 byte order mark names, nil for anything else.
    static func unicodeEncoding(byteOrderMark b: [UInt8]) -> String? {
        if b.count >= 4, b[0] == 0xFF, b[1] == 0xFE, b[2] == 0, b[3] == 0 { return "UTF-32LE" }
        if b.count >= 4, b[0] == 0, b[1] == 0, b[2] == 0xFE, b[3] == 0xFF { return "UTF-32BE" }
        if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { return "UTF-16LE" }
        if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { return "UTF-16BE" }
        return nil
    }

    /// The format of content without a known extension: the first non-space byte decides.
    static func sniff(_ bytes: [UInt8]) -> InputFormat {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, JSONByteParser.isWhitespace(bytes[i]) { i += 1 }
        guard i < bytes.count else { return .jsonl }
        switch bytes[i] {
        case 0x7B: return .jsonl
        case 0x5B: return .json
        default: return .csv
        }
    }
}
