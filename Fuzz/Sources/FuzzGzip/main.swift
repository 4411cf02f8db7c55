// FuzzGzip: gzip decompression in front of the JSON Lines reader (`train.jsonl.gz`).
import FuzzSupport

@_cdecl("FuzzGzip_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    runFuzzer(argc, argv) { readDataset($0, path: "train.jsonl.gz") }
}
