// FuzzYAML: the YAML dataset reader, shape detection and projection (`train.yaml`).
import FuzzSupport

@_cdecl("FuzzYAML_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    runFuzzer(argc, argv) { readDataset($0, path: "train.yaml") }
}
