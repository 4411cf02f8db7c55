// FuzzPredictions: the predictions-file reader (`PredictionsReader.read`); the first byte picks
// the format (even: `p.csv`, odd: `p.jsonl`), the rest is the file.
import FuzzSupport
import PreflightReaders

@_cdecl("FuzzPredictions_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    runFuzzer(argc, argv) { bytes in
        guard let selector = bytes.first else { return }
        let path = selector & 1 == 0 ? "p.csv" : "p.jsonl"
        _ = try? PredictionsReader.read(bytes: Array(bytes.dropFirst()), path: path)
    }
}
