/// The rule profiles built into the binary: the files of `rules/`, selected with
/// `--profile NAME` (e.g. `default`, `strict`).
///
/// The texts are embedded by `scripts/embed-profiles`; a test checks they match `rules/`.
public enum BuiltInProfiles {
    /// The profile names (file stems of `rules/*.yaml`), sorted.
    public static var names: [String] { EmbeddedProfiles.files.map(\.name) }

    /// The exact text of a profile, or nil when there is no profile of that name.
    public static func text(named name: String) -> String? {
        EmbeddedProfiles.files.first { $0.name == name }?.text
    }

    /// The file name a profile's diagnostics and `RuleSet.sources` use: `rules/NAME.yaml`,
    /// the file it was embedded from.
    public static func sourceName(of name: String) -> String { "rules/\(name).yaml" }

    /// Parses a built-in profile.
    /// - Parameter name: a profile name, e.g. `strict`.
    /// - Returns: the profile's rules, with `sourceName(of:)` as its source.
    /// - Throws: `RulesError.unknownProfile` listing the known names, or any parse error
    ///   (a bug: the profiles are tested).
    public static func load(named name: String) throws(RulesError) -> RuleSet {
        guard let text = text(named: name) else {
            throw .unknownProfile(name: name, known: names)
        }
        return try RuleSet.parse(text, name: sourceName(of: name))
    }
}
