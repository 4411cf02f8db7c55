// FuzzJSONArray: the JSON array reader, shape detection and projection (`train.json`).
import FuzzSupport

@_cdecl("FuzzJSONArray_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    runFuzzer(argc, argv) { readDataset($0, path: "train.json") }
}
