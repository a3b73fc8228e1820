using GroupGuard.Core.Rules;

namespace GroupGuard.Benchmarks;

/// <summary>The packs shipped in the repository's <c>rules/</c>, and the plain terms a word filter would be given from them.</summary>
internal static class ShippedPacks
{
    private static readonly Lazy<RuleSet> Set = new(() =>
    {
        var result = RuleLoader.Load(Folder());
        return result.RuleSet ?? throw new InvalidOperationException(string.Join('\n', result.Errors.Take(5)));
    });

    public static RuleSet Rules => Set.Value;

    /// <summary>
    /// The terms of the packs' term rules as written (no pinyin forms, allow phrases, regexes or
    /// detectors): what a restart trie or ToolGood.Words would be loaded with.
    /// </summary>
    public static string[] PlainTerms() =>
        [.. Rules.Rules.Where(r => r.Regex is null && r.DetectorName is null).SelectMany(r => r.Terms).Select(t => t.Text).Distinct(StringComparer.Ordinal)];

    /// <summary>The same packs with only the rules <paramref name="keep"/> takes, for seeing where time goes.</summary>
    public static RuleSet Only(Func<Rule, bool> keep) =>
        new(Rules.Version, Rules.Directory, [.. Rules.Packs.Select(p => p with { Rules = [.. p.Rules.Where(keep)] })], Rules.Allow, Rules.Variants, Rules.GroupAllow);

    // The repository's rules/ folder.
    private static string Folder() => Path.Combine(BenchData.Repository(), "rules");
}
