using GroupGuard.Core.Detection;

namespace GroupGuard.Core.Rules;

/// <summary>
/// An immutable, loaded set of rule packs with its matcher built. A new version replaces it
/// whole; readers holding the old one finish with it undisturbed.
/// </summary>
public sealed class RuleSet
{
    internal RuleSet(string version, string directory, IReadOnlyList<RulePack> packs)
    {
        Version = version;
        Directory = directory;
        Packs = packs;
        Rules = packs.SelectMany(p => p.Rules).ToArray();
        TermCount = Rules.Sum(r => r.Terms.Count);
        Matcher = new TermMatcher(Rules);
    }

    /// <summary>A short hash of every file that went into the set: the same files give the same version.</summary>
    public string Version { get; }

    public string Directory { get; }
    public IReadOnlyList<RulePack> Packs { get; }
    public IReadOnlyList<Rule> Rules { get; }
    public int TermCount { get; }

    internal TermMatcher Matcher { get; }

    public static RuleSet Empty { get; } = new("empty", "", []);

    public string Summary => $"{Packs.Count} packs, {Rules.Count} rules, {TermCount} terms (version {Version})";
}
