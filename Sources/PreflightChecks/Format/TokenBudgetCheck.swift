import Dispatch
import PreflightCore

/// Measures generative examples in tokens against the model's context and estimates what
/// training will be billed, following OpenAI's published counting for chat fine-tuning.
///
/// Every example is counted as the model sees it: per turn `tokens_per_message` plus the
/// tokens of its role, content, other string fields (`tool_call_id`, the strings inside
/// `tool_calls`), and for a `name` its tokens plus `tokens_per_name`; per example
/// `tokens_per_conversation` (the reply primer, counted last). Turns without a message
/// object (prompt/completion, instruction, preference sides given as strings) count as
/// messages with their canonical role. A preference pair is counted as prompt + chosen and
/// prompt + rejected, and the longer side is reported. Counts are exact with `--tokenizer
/// FILE`, else `EstimatedTokenCounter`'s estimate (and a `token_estimate` finding says so).
///
/// Findings: `over_context` for each example longer than `context_length`, naming the turn
/// that `truncation` cuts (`right`: the end is cut; `left`: the start); `no_trainable_tokens`
/// (error) when the cut leaves no assistant or target token to learn from; at most
/// `max_findings` of them, then one `more_findings` with the rest.
///
/// Metrics and the table describe the training split (every split when there is none):
/// `billed_tokens` is the sum of min(context, tokens); `epochs` is `epochs`, or with 0
/// OpenAI's default (3, at least 1 and at most 25, keeping examples × epochs in
/// [100, 25,000]); `billed_tokens_x_epochs` and, with `price_per_million_tokens`,
/// `estimated_cost`. `over_context` counts flagged examples of every split.
///
/// Why it matters: tokens beyond the context are silently cut in training, often the
/// answer the example was written for; and the bill is in tokens.
///
/// False positives: a provider whose per-message overhead differs (set the `tokens_per_*`
/// options; 0 for raw completions); estimates, which can be a few percent off.
/// - Complexity: O(total text bytes), parallel over chunks of records; word counts are
///   cached per thread.
public struct TokenBudgetCheck: Check {
    /// Context, overheads, truncation and billing.
    public struct Options: CheckOptions {
        public var contextLength = 4096
        public var tokensPerMessage = 3
        public var tokensPerConversation = 3
        public var tokensPerName = 1
        public var truncation = Truncation.right
        public var epochs = 0
        public var pricePerMillionTokens = 0.0
        public var overContext = FindingLevel.warning
        public var estimateNotice = FindingLevel.info
        public var maxFindings = 1000

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "context_length", \.contextLength,
                doc: "the model's context in tokens; longer examples are cut in training",
                check: { $0 > 0 ? nil : "must be a positive number of tokens" }),
            OptionField(
                "tokens_per_message", \.tokensPerMessage,
                doc: "tokens each message adds to its role and content (OpenAI: 3)",
                check: OptionRules.nonNegative),
            OptionField(
                "tokens_per_conversation", \.tokensPerConversation,
                doc: "tokens each example adds (OpenAI's reply primer: 3)",
                check: OptionRules.nonNegative),
            OptionField(
                "tokens_per_name", \.tokensPerName,
                doc: "tokens a message's 'name' adds to the name's own (OpenAI: 1)",
                check: OptionRules.nonNegative),
            OptionField(
                "truncation", \.truncation,
                doc:
                    "which end of an over-long example training cuts: right (the end) or left (the start)"
            ),
            OptionField(
                "epochs", \.epochs,
                doc:
                    "training epochs for the billing estimate; 0: OpenAI's default (3, within 1 to 25, keeping examples × epochs within 100 to 25,000)",
                check: OptionRules.nonNegative),
            OptionField(
                "price_per_million_tokens", \.pricePerMillionTokens,
                doc:
                    "price of a million trained tokens for the cost estimate; 0: no cost estimate",
                check: { $0 >= 0 ? nil : "must be 0 or more" }),
            OptionField(
                "over_context", \.overContext,
                doc: "severity of examples longer than the context (off, info, warning, error)"),
            OptionField(
                "estimate_notice", \.estimateNotice,
                doc:
                    "severity of the note that counts are estimates when no --tokenizer is given (off, info, warning, error)"
            ),
            OptionField(
                "max_findings", \.maxFindings,
                doc: "report at most this many examples, in file order (metrics count all)",
                check: OptionRules.nonNegative),
        ]
    }

    public static let descriptor = CheckDescriptor(
        id: "token_budget", title: "Token budget",
        summary:
            "Counts the tokens of generative examples, flags examples longer than the context and estimates the tokens billed for training.",
        category: .format, defaultSeverity: .error, prerequisites: [.enoughExamples],
        examples: [
            .passes(
                jsonl: """
                    {"messages": [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}]}
                    {"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}
                    """,
                options: "estimate_notice: off"),
            .fails(
                jsonl: """
                    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}]}
                    ↓{"messages": [{"role": "system", "content": "You are a helpful assistant that answers in full sentences."}, {"role": "user", "content": "Describe the water cycle."}, {"role": "assistant", "content": "Water evaporates from oceans and lakes, condenses into clouds, falls as rain or snow, and flows back through rivers and ground water to the sea."}]}
                    """,
                options: "context_length: 40\nestimate_notice: off"),
            .fails(
                jsonl: """
                    ↓{"instruction": "Summarize the following report in one sentence, keeping every figure it mentions.", "input": "Revenue rose 12 percent to 4.1 million while costs fell 3 percent, and the team grew from 18 to 25 people over the year.", "output": "Revenue up 12%."}
                    """,
                options: "context_length: 30\nestimate_notice: off"),
            .fails(
                jsonl: """
                    {"prompt": "Name a primary colour.", "chosen": "Red.", "rejected": "Green."}
                    """,
                findings: 1),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    // MARK: - Run

    /// Counts every generative example in one parallel pass, then reports.
    /// - Complexity: O(total text bytes).
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        guard dataset.files.contains(where: { $0.schema.shape.isGenerative }) else {
            return .skipped("no conversational input")
        }
        let counter: any TokenCounter = input.tokenizer ?? EstimatedTokenCounter()
        let layout = DatasetLayout(dataset)
        let (sizes, turnTokens) = measureAll(dataset, layout, counter)

        // Findings, in file order.
        let id = Self.descriptor.id
        var findings: [Finding] = []
        var flagged = 0
        var unlisted: [Severity: Int] = [:]
        var overContext = 0
        var noTrainable = 0
        for p in 0..<layout.count where sizes[p].flags & ~ExampleSize.measured != 0 {
            let noTokens = sizes[p].flags & ExampleSize.noTrainable != 0
            if noTokens { noTrainable += 1 } else { overContext += 1 }
            let severity: Severity? = noTokens ? .error : options.overContext.severity
            guard let severity else { continue }
            flagged += 1
            guard flagged <= options.maxFindings else {
                unlisted[severity, default: 0] += 1
                continue
            }
            let ref = layout.ref(p)
            let file = dataset.files[Int(ref.file)]
            let record = file.records[Int(ref.record)]
            guard let conversation = Conversation(record, shape: file.schema.shape) else {
                continue
            }
            var roles = RoleCounts()
            let measured = measure(conversation, shape: file.schema.shape, counter, &roles)
            findings.append(
                finding(
                    measured, noTrainable: noTokens, severity: severity,
                    location: file.location(of: record)))
        }
        // One summary per severity (no trainable token: error; over the context: as set).
        for (severity, rest) in unlisted.sorted(by: { $0.key > $1.key }) {
            findings.append(
                Finding(
                    checkID: id, code: "more_findings", severity: severity,
                    message:
                        "\(Format.count(rest, "more example")) over the context of \(NumberText.grouped(options.contextLength)) not listed ('max_findings' \(options.maxFindings))",
                    hint: "raise 'max_findings' to list them, or see the metrics",
                    metrics: ["examples": Double(rest), FindingLimit.omittedMetric: Double(rest)]))
        }

        // Metrics over the training split (every split without one).
        let ranges =
            dataset.hasTrain
            ? layout.ranges(of: .train, in: dataset) : [0..<layout.count]
        var totals: [Int] = []
        var assistants: [Int] = []
        var messages: [Int] = []
        for range in ranges {
            for p in range where sizes[p].flags & ExampleSize.measured != 0 {
                totals.append(Int(sizes[p].total))
                assistants.append(Int(sizes[p].assistant))
                messages.append(Int(sizes[p].messages))
            }
        }
        let n = totals.count
        let context = options.contextLength
        let billed = totals.reduce(0) { $0 + min(context, $1) }
        let epochs = options.epochs > 0 ? options.epochs : Self.defaultEpochs(examples: n)
        let sorted = totals.sorted()
        var metrics: [String: Double] = [
            "examples": Double(n),
            "total_tokens": Double(totals.reduce(0, +)),
            "billed_tokens": Double(billed),
            "epochs": Double(epochs),
            "billed_tokens_x_epochs": Double(billed * epochs),
            "max_tokens": Double(sorted.last ?? 0),
            "p50_tokens": Self.quantile(sorted, 0.5),
            "p95_tokens": Self.quantile(sorted, 0.95),
            "assistant_tokens": Double(assistants.reduce(0, +)),
            "over_context": Double(overContext + noTrainable),
            "exact": counter.isExact ? 1 : 0,
        ]
        if noTrainable > 0 { metrics["no_trainable_tokens"] = Double(noTrainable) }
        let cost = Double(billed * epochs) * options.pricePerMillionTokens / 1_000_000
        if options.pricePerMillionTokens > 0 { metrics["estimated_cost"] = cost }

        if !counter.isExact, let severity = options.estimateNotice.severity {
            findings.append(
                Finding(
                    checkID: id, code: "token_estimate", severity: severity,
                    message:
                        "token counts are estimates (no tokenizer given): \(EstimatedTokenCounter.accuracy)",
                    hint:
                        "pass the model's tokenizer with '--tokenizer FILE' (a tiktoken ranks file or a Hugging Face tokenizer.json) for exact counts"
                ))
        }

        let table = ReportTable(
            id: "token_distribution",
            title:
                "Token distributions (\(counter.isExact ? "counted with \(counter.name)" : "estimated"))",
            columns: ["distribution", "min", "max", "mean", "median", "p5", "p95"],
            rows: [
                Self.row("messages", messages), Self.row("total tokens", totals),
                Self.row("assistant tokens", assistants),
            ]
                + zip(Self.turnKinds, turnTokens).filter { !$0.1.isEmpty }.map {
                    Self.row("\($0.0.rawValue) turn tokens", $0.1)
                },
            note:
                "training split; total tokens include \(options.tokensPerMessage) per message and \(options.tokensPerConversation) per example; assistant tokens are the content of assistant and target turns; turn rows are per turn (content only), by role"
        )

        var summary =
            "\(Format.count(n, "example")), \(NumberText.grouped(totals.reduce(0, +))) tokens "
            + (counter.isExact
                ? "counted with \(counter.name)" : "(estimated: no tokenizer given)")
        summary +=
            "; \(overContext + noTrainable) over the context of \(NumberText.grouped(context))"
        summary +=
            "; ~\(NumberText.grouped(billed)) billed tokens × \(epochs) epochs = ~\(NumberText.grouped(billed * epochs))"
        if options.pricePerMillionTokens > 0 {
            summary +=
                " (~\(String(format: "%.2f", cost)) at \(Format.number(options.pricePerMillionTokens)) per million)"
        }
        return CheckOutcome(
            findings: findings, metrics: metrics, summary: summary, tables: [table])
    }

    /// OpenAI's default number of epochs for `examples` training examples.
    public static func defaultEpochs(examples n: Int) -> Int {
        guard n > 0 else { return 0 }
        let target = 3
        if n * target < 100 { return min(25, 100 / n) }
        if n * target > 25_000 { return max(1, 25_000 / n) }
        return target
    }

    /// The `q` quantile of sorted values, interpolated linearly (as NumPy's default).
    static func quantile(_ sorted: [Int], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down))
        let hi = min(sorted.count - 1, lo + 1)
        return Double(sorted[lo]) + (pos - Double(lo)) * Double(sorted[hi] - sorted[lo])
    }

    private static func row(_ name: String, _ values: [Int]) -> [ReportCell] {
        guard !values.isEmpty else {
            return [.text(name), .empty, .empty, .empty, .empty, .empty, .empty]
        }
        let sorted = values.sorted()
        let mean = Double(values.reduce(0, +)) / Double(values.count)
        return [
            .text(name), .count(sorted[0]), .count(sorted[sorted.count - 1]), .number(mean),
            .number(quantile(sorted, 0.5)), .number(quantile(sorted, 0.05)),
            .number(quantile(sorted, 0.95)),
        ]
    }

    // MARK: - Counting

    /// What the parallel pass keeps per record.
    struct ExampleSize {
        static let measured: UInt8 = 1
        static let over: UInt8 = 2
        static let noTrainable: UInt8 = 4
        var total: Int32 = 0
        var assistant: Int32 = 0
        var messages: Int32 = 0
        /// `measured` for every counted example, with `over` or `noTrainable` when flagged.
        var flags: UInt8 = 0
    }

    /// One turn's place in the example's tokens.
    struct Span {
        var start: Int
        var contentStart: Int
        var end: Int
        var trainable: Bool
        var role: String
        /// The turn's field and index (`Conversation.Turn`), for its path in findings.
        var field: String
        var listIndex: Int?
        var path: String { listIndex.map { "\(field)[\($0)]" } ?? field }
    }

    /// One side of an example, counted.
    struct Measured {
        var total: Int
        var assistant: Int
        var spans: [Span]
    }

    /// Token counts of role strings, per thread of the parallel pass.
    struct RoleCounts {
        var known: [String: Int] = [:]
        mutating func count(_ role: String, _ counter: any TokenCounter) -> Int {
            if let n = known[role] { return n }
            let n = counter.count(role)
            known[role] = n
            return n
        }
    }

    /// Roles whose per-turn content tokens the table shows, in its order.
    static let turnKinds: [Conversation.Role] = [.system, .user, .assistant, .tool]

    /// Counts every record of a generative file, in parallel over chunks of records; also
    /// the content tokens of each turn of the counted split (training, or every split
    /// without one), by role in `turnKinds` order.
    func measureAll(_ dataset: Dataset, _ layout: DatasetLayout, _ counter: any TokenCounter)
        -> (sizes: [ExampleSize], turnTokens: [[Int]])
    {
        let total = layout.count
        var sizes = [ExampleSize](repeating: ExampleSize(), count: total)
        let kinds = Self.turnKinds
        guard total > 0 else { return (sizes, kinds.map { _ in [] }) }
        let chunk = 4_096
        let chunks = (total + chunk - 1) / chunk
        let counted = dataset.files.map { !dataset.hasTrain || $0.split == .train }
        var perChunk = [[[Int]]](repeating: kinds.map { _ in [] }, count: chunks)
        sizes.withUnsafeMutableBufferPointer { buffer in
            perChunk.withUnsafeMutableBufferPointer { turnBuffer in
                let target = SendableBuffer(base: buffer.baseAddress!)
                let turnTarget = SendableBuffer(base: turnBuffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    var turns: [[Int]] = kinds.map { _ in [] }
                    defer { turnTarget.base[c] = turns }
                    var roles = RoleCounts()
                    layout.forEachRun(in: layout.chunk(c, size: chunk), of: dataset) {
                        f, records, base, positions in
                        let shape = dataset.files[f].schema.shape
                        if shape.isGenerative {
                            for q in positions {
                                guard
                                    let conversation = Conversation(
                                        records[q - base], shape: shape)
                                else { continue }
                                let m = measure(conversation, shape: shape, counter, &roles)
                                if counted[f] {
                                    for span in m.spans {
                                        let kind = Conversation.kind(of: span.role)
                                        if let k = kinds.firstIndex(of: kind) {
                                            turns[k].append(span.end - span.contentStart)
                                        }
                                    }
                                }
                                var size = ExampleSize(
                                    total: Int32(clamping: m.total),
                                    assistant: Int32(clamping: m.assistant),
                                    messages: Int32(clamping: m.spans.count),
                                    flags: ExampleSize.measured)
                                if m.total > options.contextLength {
                                    size.flags |=
                                        trainableLeft(m)
                                        ? ExampleSize.over : ExampleSize.noTrainable
                                }
                                target.base[q] = size
                            }
                        }
                    }
                }
            }
        }
        var turnTokens: [[Int]] = kinds.map { _ in [] }
        for chunkTurns in perChunk {
            for k in kinds.indices { turnTokens[k] += chunkTurns[k] }
        }
        return (sizes, turnTokens)
    }

    /// The longer side of an example (prompt + chosen, or prompt + rejected).
    func measure(
        _ conversation: Conversation, shape: Shape, _ counter: any TokenCounter,
        _ roles: inout RoleCounts
    ) -> Measured {
        let chosen = measure(
            conversation.turns, promptCount: conversation.promptCount, shape: shape, counter,
            &roles)
        guard let rejected = conversation.rejected else { return chosen }
        let prompt = Array(conversation.turns.prefix(conversation.promptCount))
        let other = measure(
            prompt + rejected, promptCount: prompt.count, shape: shape, counter, &roles)
        return other.total > chosen.total ? other : chosen
    }

    /// Counts one list of turns.
    func measure(
        _ turns: [Conversation.Turn], promptCount: Int, shape: Shape,
        _ counter: any TokenCounter, _ roles: inout RoleCounts
    ) -> Measured {
        var pos = 0
        var assistant = 0
        var spans: [Span] = []
        spans.reserveCapacity(turns.count)
        let messageLists = shape == .chat || shape == .sharegpt
        for (k, turn) in turns.enumerated() {
            let start = pos
            var header = options.tokensPerMessage
            // Chat roles as written; other shapes' turns as the chat message they become.
            let role = shape == .chat || turn.kind == .other ? turn.role : turn.kind.rawValue
            header += roles.count(role, counter)
            if let message = turn.message, case .object(let fields) = message {
                for field in fields {
                    switch field.name {
                    case "role", "content", "from", "value", "weight": continue
                    case "name":
                        if case .string(let s) = field.value {
                            header += counter.count(s) + options.tokensPerName
                        }
                    default:
                        header += Self.stringTokens(field.value, counter)
                    }
                }
            }
            let content = counter.count(turn.content)
            pos += header + content
            let trainable: Bool
            if messageLists {
                trainable = turn.kind == .assistant && turn.message?["weight"]?.scalarText != "0"
            } else {
                trainable = k >= promptCount
            }
            if messageLists ? turn.kind == .assistant : k >= promptCount {
                assistant += content
            }
            spans.append(
                Span(
                    start: start, contentStart: start + header, end: pos, trainable: trainable,
                    role: turn.role, field: turn.field, listIndex: turn.listIndex))
        }
        return Measured(
            total: pos + options.tokensPerConversation, assistant: assistant, spans: spans)
    }

    /// Tokens of the strings inside a value (tool calls, their arguments).
    static func stringTokens(_ value: DataValue, _ counter: any TokenCounter) -> Int {
        switch value {
        case .string(let s): return counter.count(s)
        case .array(let items): return items.reduce(0) { $0 + stringTokens($1, counter) }
        case .object(let fields): return fields.reduce(0) { $0 + stringTokens($1.value, counter) }
        default: return 0
        }
    }

    /// The tokens training keeps: `[0, context)` (right) or `[total - context, total)` (left).
    private func kept(_ m: Measured) -> Range<Int> {
        let c = options.contextLength
        return options.truncation == .right
            ? 0..<min(c, m.total) : max(0, m.total - c)..<m.total
    }

    /// Whether any content token of a trainable turn survives truncation.
    func trainableLeft(_ m: Measured) -> Bool {
        let keep = kept(m)
        return m.spans.contains { span in
            span.trainable && span.end > span.contentStart
                && max(span.contentStart, keep.lowerBound) < min(span.end, keep.upperBound)
        }
    }

    /// The finding for a flagged example.
    private func finding(
        _ m: Measured, noTrainable: Bool, severity: Severity, location: DataLocation
    ) -> Finding {
        let c = options.contextLength
        var message =
            "example has \(NumberText.grouped(m.total)) tokens, over the context of \(NumberText.grouped(c)): "
        func describe(_ index: Int) -> String {
            let s = m.spans[index]
            return "turn \(index + 1) ('\(s.role)', \(s.path))"
        }
        if options.truncation == .right {
            if let k = m.spans.firstIndex(where: { $0.end > c }) {
                message += "\(describe(k)) is cut at token \(NumberText.grouped(c))"
            } else {
                message += "the end of the example is cut at token \(NumberText.grouped(c))"
            }
        } else {
            let cut = m.total - c
            if let k = m.spans.firstIndex(where: { $0.end > cut }) {
                message +=
                    "the first \(NumberText.grouped(cut)) tokens are cut, up to \(describe(k))"
            } else {
                message += "the first \(NumberText.grouped(cut)) tokens are cut"
            }
        }
        if noTrainable { message += ", leaving no assistant or target token to train on" }
        return Finding(
            checkID: Self.descriptor.id,
            code: noTrainable ? "no_trainable_tokens" : "over_context",
            severity: severity, message: message,
            hint: noTrainable
                ? "shorten the prompt, split the conversation, or drop the example: it teaches nothing"
                : "shorten or split the example, or raise 'context_length' if the model takes more",
            location: location,
            metrics: ["tokens": Double(m.total), "context": Double(c)])
    }

}

/// Which end of an over-long example training cuts.
public enum Truncation: String, OptionEnum {
    /// The end is cut (OpenAI, most trainers).
    case right
    /// The start is cut.
    case left
}
