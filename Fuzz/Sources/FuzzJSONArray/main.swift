// FuzzJSONArray: the JSON array reader, shape detection and projection (`DatasetLoader.read`, `train.json`).
// Thrown errors are the reader's clean error path; a crash, hang or out-of-memory is a bug.
import PreflightCore
import PreflightReaders

func fuzzOne(_ bytes: [UInt8]) {
    _ = try? DatasetLoader.read(
        bytes: bytes, path: "train.json", split: .train, splitSource: "fuzz", format: nil,
        options: LoadOptions(maxRecordBytes: 1 << 20))
}

// MARK: - libFuzzer entry points
//
// SwiftPM links an executable with `--defsym main=<module>_main`, so libFuzzer's own `main`
// is not used: `FuzzJSONArray_main` hands control to libFuzzer's driver, which calls
// `LLVMFuzzerTestOneInput` once per input.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzOne(bytes)
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("FuzzJSONArray_main")
public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var argc = argc
    var argv = argv
    return llvmFuzzerRunDriver(&argc, &argv, fuzzTestOneInput)
}
