// FuzzRules: the rule-file loader (`RuleSet.parse`), the input decoded as UTF-8 (invalid bytes
// replaced).
import FuzzSupport
import PreflightCore

@_cdecl("FuzzRules_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    runFuzzer(argc, argv) { bytes in
        _ = try? RuleSet.parse(String(decoding: bytes, as: UTF8.self), name: "fuzz.yaml")
    }
}
