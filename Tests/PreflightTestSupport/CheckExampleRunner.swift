import Foundation
import PreflightCore

/// Runs a check's documented examples and compares findings with their `↓` markers.
public enum CheckExampleRunner {
    /// A place in an example: file name and 1-based line.
    public struct Mark: Hashable, Comparable, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public init(file: String, line: Int) {
            self.file = file
            self.line = line
        }
        public static func < (a: Mark, b: Mark) -> Bool { (a.file, a.line) < (b.file, b.line) }
        public var description: String { "\(file):\(line)" }
    }

    /// An example split into files, with the marked lines.
    public struct Parsed: Sendable {
        public var files: [(name: String, split: SplitRole, jsonl: String)]
        public var marks: Set<Mark>
    }

    /// Splits `jsonl` at `--- <name>` headers (default one `train.jsonl`) and strips `↓`.
    public static func parse(_ jsonl: String) -> Parsed {
        var files: [(name: String, lines: [String])] = []
        var marks = Set<Mark>()
        for raw in jsonl.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if line.hasPrefix("--- ") {
                files.append((String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces), []))
                continue
            }
            if files.isEmpty { files.append(("train.jsonl", [])) }
            if line.hasPrefix("↓") {
                line.removeFirst()
                marks.insert(
                    Mark(
                        file: files[files.count - 1].name,
                        line: files[files.count - 1].lines.count + 1))
            }
            files[files.count - 1].lines.append(line)
        }
        return Parsed(
            files: files.map {
                ($0.name, splitRole(of: $0.name), $0.lines.joined(separator: "\n"))
            },
            marks: marks)
    }

    /// The split role of a file name, from its prefix: train, val/dev, test, regression/eval.
    public static func splitRole(of name: String) -> SplitRole {
        let lower = name.lowercased()
        if lower.hasPrefix("train") { return .train }
        if lower.hasPrefix("val") || lower.hasPrefix("dev") { return .validation }
        if lower.hasPrefix("test") { return .test }
        if lower.hasPrefix("regression") || lower.hasPrefix("eval") { return .regression }
        return SplitRole(String(lower.prefix { $0 != "." }))
    }

    /// Configures `type` with `options` (the body of `checks.<id>`) through the engine and runs
    /// it on `dataset`; findings get the configured severity.
    /// - Throws: `RulesError` for bad options, `CheckError` when the check cannot run.
    /// `rules` holds other top-level sections (e.g. `coverage:`), written before `checks:`;
    /// `findingLimit` is the check's `CheckInput.findingLimit` (0: list all).
    public static func run(
        _ type: any Check.Type, options: String = "", rules extra: String = "", on dataset: Dataset,
        findingLimit: Int = FindingLimit.defaultPerCode
    ) throws -> CheckOutcome {
        let id = type.descriptor.id.rawValue
        var yaml = "version: 1\n"
        if !extra.isEmpty { yaml += extra.hasSuffix("\n") ? extra : extra + "\n" }
        if !options.isEmpty {
            yaml += "checks:\n  \(id):\n"
            yaml +=
                options.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n") + "\n"
        }
        let rules = try RuleSet.parse(yaml, name: "example.yaml")
        let configured = try Auditor.configure(rules, registry: [type])
        guard let check = configured.first else { return .skipped("not configured") }
        var outcome = try check.run(
            CheckInput(
                dataset: dataset, index: DatasetIndex(dataset: dataset), coverage: rules.coverage,
                taxonomy: rules.taxonomy, findingLimit: findingLimit))
        for i in outcome.findings.indices {
            outcome.findings[i].severity = check.adjust(outcome.findings[i].severity)
        }
        return outcome
    }

    /// Runs one example; returns the findings.
    public static func run(_ example: CheckExample, of type: any Check.Type) throws -> [Finding] {
        let parsed = parse(example.jsonl)
        let dataset = FixtureDataset.make(parsed.files)
        return try run(type, options: example.options, rules: example.rules, on: dataset).findings
    }

    /// Problems with how `findings` match an example's expectation; empty when they match.
    ///
    /// Every `↓` line must carry at least one finding, no other line may carry one, and the
    /// number of dataset-level findings must equal the expectation (0 for passing examples).
    public static func mismatches(_ example: CheckExample, findings: [Finding]) -> [String] {
        let parsed = parse(example.jsonl)
        var problems: [String] = []
        let located = findings.compactMap { f in
            f.location.map { Mark(file: $0.path, line: $0.line ?? 0) }
        }
        let found = Set(located)
        for mark in parsed.marks.subtracting(found).sorted() {
            problems.append("expected a finding at \(mark)")
        }
        for f in findings {
            guard let loc = f.location else { continue }
            let mark = Mark(file: loc.path, line: loc.line ?? 0)
            if !parsed.marks.contains(mark) {
                problems.append("unexpected finding at \(mark): [\(f.code)] \(f.message)")
            }
        }
        let datasetLevel = findings.filter { $0.location == nil }
        let expected: Int =
            switch example.expectation {
            case .passes: 0
            case .fails(let n): n
            }
        if datasetLevel.count != expected {
            problems.append(
                "expected \(expected) dataset-level findings, found \(datasetLevel.count): "
                    + datasetLevel.map { "[\($0.code)] \($0.message)" }.joined(separator: "; "))
        }
        if case .passes = example.expectation, !parsed.marks.isEmpty {
            problems.append("a passing example must not have ↓ marks")
        }
        if case .fails(let n) = example.expectation, n == 0, parsed.marks.isEmpty {
            problems.append("a failing example needs ↓ marks or dataset-level findings")
        }
        return problems
    }
}
