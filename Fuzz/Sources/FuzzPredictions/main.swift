// FuzzPredictions: the predictions reader (`PredictionsReader.read(bytes:path:)`). The first
// byte picks the format (even: `p.csv`, odd: `p.jsonl`); the rest is the file.
// Thrown errors are the reader's clean error path; a crash, hang or out-of-memory is a bug.
import PreflightCore
import PreflightReaders

func fuzzOne(_ bytes: [UInt8]) {
    guard let selector = bytes.first else { return }
    let path = selector & 1 == 0 ? "p.csv" : "p.jsonl"
    _ = try? PredictionsReader.read(bytes: Array(bytes.dropFirst()), path: path)
}

// MARK: - libFuzzer entry points
//
// SwiftPM links an executable with `--defsym main=<module>_main`, so libFuzzer's own `main`
// is not used: `FuzzPredictions_main` hands control to libFuzzer's driver, which calls
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

@_cdecl("FuzzPredictions_main")
public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var argc = argc
    var argv = argv
    return llvmFuzzerRunDriver(&argc, &argv, fuzzTestOneInput)
}
