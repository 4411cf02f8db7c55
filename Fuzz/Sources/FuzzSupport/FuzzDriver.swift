// The libFuzzer glue every target shares.
//
// SwiftPM links an executable with `--defsym main=<module>_main`, so libFuzzer's own `main` is
// not used: each target defines `@_cdecl("<Target>_main")` and calls `runFuzzer`, which hands
// control to libFuzzer's driver; the driver calls `LLVMFuzzerTestOneInput` once per input, and
// that calls the target's body. Thrown errors are the readers' clean error path; a crash, hang
// or out-of-memory is a finding.
import PreflightCore
import PreflightReaders

/// The body of the running target (one per process, set once before the driver starts).
nonisolated(unsafe) private var body: (([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    body?(bytes)
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer's driver with the command line, feeding every input to `fuzzOne`.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ fuzzOne: @escaping ([UInt8]) -> Void
) -> CInt {
    body = fuzzOne
    var argc = argc
    var argv = argv
    return llvmFuzzerRunDriver(&argc, &argv, fuzzTestOneInput)
}

/// A dataset target: the input is a whole file named `path` (its extension picks the reader),
/// read with a 1 MiB record limit.
public func readDataset(_ bytes: [UInt8], path: String) {
    _ = try? DatasetLoader.read(
        bytes: bytes, path: path, split: .train, splitSource: "fuzz", format: nil,
        options: LoadOptions(maxRecordBytes: 1 << 20))
}
