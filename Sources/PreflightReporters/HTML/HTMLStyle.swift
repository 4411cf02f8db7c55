/// The report's only style sheet, inlined in `<style>` (the Content-Security-Policy allows
/// inline styles and nothing else).
///
/// A system font stack, calm greys, and one colour per status, always next to a text label
/// so the report reads the same without colour and in print.
enum HTMLStyle {
    /// Green for pass and ready.
    static let pass = "#1a7f37"
    /// Amber for warnings.
    static let warn = "#9a6700"
    /// Red for errors and failures.
    static let fail = "#cf222e"
    /// Blue for infos.
    static let info = "#0969da"
    /// Grey for skipped checks and empty cells.
    static let muted = "#6e7781"

    /// Split colours (Okabe–Ito, distinguishable with colour-vision deficiencies), in split
    /// order; they repeat after the last.
    static let series = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"]

    /// The colour of the split at `index`.
    static func series(_ index: Int) -> String { series[index % series.count] }

    static let css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body {
          margin: 0; background: #f6f8fa; color: #1f2328;
          font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue",
            Arial, "Noto Sans", sans-serif;
        }
        main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
        h1 { font-size: 26px; margin: 0 0 4px; font-weight: 600; }
        h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px;
          border-bottom: 1px solid #d0d7de; font-weight: 600; }
        h3 { font-size: 17px; margin: 0 0 6px; font-weight: 600; }
        h4 { font-size: 14px; margin: 18px 0 6px; font-weight: 600; color: #424a53; }
        p { margin: 6px 0; }
        code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas,
          "Liberation Mono", monospace; font-size: 0.9em; }
        .meta { color: #59636e; font-size: 13px; }
        .verdict { margin: 20px 0 8px; padding: 18px 22px; border-radius: 8px; background: #fff;
          border: 1px solid #d0d7de; border-left: 8px solid #6e7781; }
        .verdict .label { font-size: 24px; font-weight: 700; }
        .verdict p { margin: 4px 0 0; }
        .verdict.ready { border-left-color: #1a7f37; }
        .verdict.ready .label { color: #1a7f37; }
        .verdict.ready_with_warnings { border-left-color: #9a6700; }
        .verdict.ready_with_warnings .label { color: #9a6700; }
        .verdict.not_ready { border-left-color: #cf222e; }
        .verdict.not_ready .label { color: #cf222e; }
        nav { margin: 12px 0 0; font-size: 14px; }
        nav a { margin-right: 14px; }
        a { color: #0969da; text-decoration: none; }
        a:hover { text-decoration: underline; }
        section.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px;
          padding: 16px 20px; margin: 14px 0; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 13.5px; background: #fff; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; color: #424a53; }
        th, td { border-bottom: 1px solid #e1e4e8; padding: 5px 10px; text-align: left;
          vertical-align: top; }
        th { background: #f6f8fa; font-weight: 600; border-bottom: 1px solid #d0d7de; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums;
          white-space: nowrap; }
        td.empty { color: #8c959f; text-align: center; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table.wide { width: 100%; }
        .badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px;
          font-weight: 600; line-height: 20px; white-space: nowrap; border: 1px solid; }
        .badge.pass, .badge.met, .badge.ready { color: #1a7f37; background: #dafbe1; }
        .badge.warn, .badge.warning, .badge.at_risk, .badge.ready_with_warnings {
          color: #7d4e00; background: #fff8c5; }
        .badge.fail, .badge.error, .badge.not_met, .badge.not_ready {
          color: #a40e26; background: #ffebe9; }
        .badge.info { color: #0550ae; background: #ddf4ff; }
        .badge.skipped, .badge.not_checked { color: #57606a; background: #f6f8fa; }
        .badge.change { color: #ffffff; background: #8250df; }
        .check-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
        .check-head code { color: #59636e; }
        .excerpt { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12.5px;
          background: #f6f8fa; border-radius: 4px; padding: 3px 6px; margin-top: 3px;
          max-width: 38em; }
        .where { white-space: nowrap; }
        .hint { color: #59636e; font-size: 12.5px; }
        .note { color: #59636e; font-size: 12.5px; margin: 2px 0 10px; }
        .more { color: #59636e; font-style: italic; }
        ul.compact { margin: 4px 0; padding-left: 18px; }
        .charts { display: flex; flex-wrap: wrap; gap: 18px; }
        figure { margin: 8px 0; }
        figcaption { font-weight: 600; font-size: 13.5px; color: #424a53; margin-bottom: 4px; }
        svg { font-family: inherit; font-size: 12px; display: block; max-width: 100%;
          height: auto; }
        svg text { fill: #1f2328; }
        svg text.muted { fill: #59636e; }
        svg text.light { fill: #ffffff; }
        .legend { font-size: 13px; margin: 4px 0; }
        .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
          margin: 0 4px 0 10px; vertical-align: -1px; }
        footer { margin-top: 40px; color: #59636e; font-size: 12.5px; }
        @media print {
          body { background: #fff; font-size: 11pt; }
          main { max-width: none; padding: 0; }
          nav { display: none; }
          section.card, .verdict { break-inside: avoid; border-color: #999; }
          tr, figure { break-inside: avoid; }
          h2 { break-after: avoid; }
          a { color: inherit; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """
}
