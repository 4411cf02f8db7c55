// FuzzCSV: the CSV reader, shape detection and projection (`DatasetLoader.read`, `train.csv`).
import FuzzSupport

@_cdecl("FuzzCSV_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    runFuzzer(argc, argv) { readDataset($0, path: "train.csv") }
}
