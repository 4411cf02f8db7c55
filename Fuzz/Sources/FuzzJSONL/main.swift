// FuzzJSONL: the JSON Lines reader, shape detection and projection (`DatasetLoader.read`, `train.jsonl`).
import FuzzSupport

@_cdecl("FuzzJSONL_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    runFuzzer(argc, argv) { readDataset($0, path: "train.jsonl") }
}
