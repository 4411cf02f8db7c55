import CZlib
import PreflightCore

/// Decompresses a gzip stream (one or more members) in chunks with zlib.
///
/// Corrupt or truncated data is an `IngestError`, as is output beyond `limit` bytes.
struct GzipSource<Base: ChunkSource>: ChunkSource {
    /// The largest decompressed size accepted.
    static var defaultLimit: Int { 8 << 30 }
    /// The largest output chunk; the first is `firstOutputChunk` and each next one twice the
    /// last, so a small file is not inflated into (and zero-filled) 8 MiB buffers.
    static var outputChunk: Int { 8 << 20 }
    static var firstOutputChunk: Int { 64 << 10 }

    var base: Base
    let path: String
    let limit: Int
    private let inflater = Inflater()
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var baseDone = false
    private var memberEnded = false
    private var sawInput = false
    private var total = 0
    private var chunkSize = GzipSource.firstOutputChunk

    init(base: Base, path: String, limit: Int = GzipSource.defaultLimit) {
        self.base = base
        self.path = path
        self.limit = limit
    }

    mutating func next() throws(IngestError) -> [UInt8]? {
        guard inflater.ready else {
            throw .corruptGzip(path: path, detail: "zlib could not be initialised")
        }
        var out = [UInt8](repeating: 0, count: chunkSize)
        chunkSize = min(chunkSize * 2, GzipSource.outputChunk)
        var produced = 0
        while produced < out.count {
            if inputOffset == input.count {
                if baseDone { break }
                guard let chunk = try base.next() else {
                    baseDone = true
                    break
                }
                input = chunk
                inputOffset = 0
                if !chunk.isEmpty { sawInput = true }
                continue
            }
            if memberEnded {
                // Another member follows (concatenated .gz files).
                inflateReset(inflater.stream)
                memberEnded = false
            }
            let s = inflater.stream
            let offset = inputOffset
            let already = produced
            let (rc, used, made) = input.withUnsafeBufferPointer { inBuf in
                out.withUnsafeMutableBufferPointer { outBuf in
                    s.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress! + offset)
                    s.pointee.avail_in = UInt32(min(inBuf.count - offset, Int(UInt32.max)))
                    s.pointee.next_out = outBuf.baseAddress! + already
                    s.pointee.avail_out = UInt32(outBuf.count - already)
                    let before = (Int(s.pointee.avail_in), Int(s.pointee.avail_out))
                    let rc = inflate(s, Z_NO_FLUSH)
                    return (
                        rc, before.0 - Int(s.pointee.avail_in), before.1 - Int(s.pointee.avail_out)
                    )
                }
            }
            inputOffset += used
            produced += made
            switch rc {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK:
                break
            case Z_BUF_ERROR where used > 0 || made > 0:
                break
            default:
                throw .corruptGzip(path: path, detail: inflater.message ?? "zlib error \(rc)")
            }
        }
        if baseDone, inputOffset == input.count, !memberEnded {
            throw .corruptGzip(
                path: path,
                detail: sawInput
                    ? "the data ends before the end of the compressed stream (truncated?)"
                    : "the file is empty")
        }
        total += produced
        if total > limit { throw .decompressedTooLarge(path: path, limit: limit) }
        if produced == 0 { return nil }
        out.removeLast(out.count - produced)
        return out
    }
}

/// Owns a `z_stream` at a stable address (zlib checks it) and ends it on release.
private final class Inflater {
    let stream: UnsafeMutablePointer<z_stream>
    private(set) var ready = false

    init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 16 + MAX_WBITS: expect a gzip header. `inflateInit2` is a macro, so call the function.
        let rc = ZLIB_VERSION.withCString { version in
            inflateInit2_(stream, 16 + MAX_WBITS, version, Int32(MemoryLayout<z_stream>.size))
        }
        ready = rc == Z_OK
    }

    var message: String? { stream.pointee.msg.map { String(cString: $0) } }

    deinit {
        if ready { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }
}
