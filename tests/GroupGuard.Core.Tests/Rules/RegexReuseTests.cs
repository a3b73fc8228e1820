using System.Text.RegularExpressions;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// A reload keeps the regexes whose pattern did not change (building them again every minute left
/// the large-object heap fragmented), and what was read from them; a changed pattern is built anew.
/// </summary>
[Collection(RegexReuseCollection.Name)]
public sealed class RegexReuseTests
{
    private static string Pack(string pattern) => $"""
        pack: p
        rules:
          - id: p.kept
            regex: '加(?:微信|vx)\s*[a-z]{6}'
          - id: p.edited
            regex: '{pattern}'
        """;

    [Fact]
    public void An_unchanged_pattern_keeps_its_regex_across_reloads_and_an_edited_one_is_built_anew()
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", Pack("刷单.{0,10}返利"));
        var first = RuleLoader.Load(dir.Path).RuleSet!;
        dir.Write("p.yaml", Pack("刷单.{0,20}返利"));
        var second = RuleLoader.Load(dir.Path).RuleSet!;

        Regex Of(RuleSet set, string id) => set.Rules.Single(r => r.Id == id).Regex!;
        Assert.Same(Of(first, "p.kept"), Of(second, "p.kept"));
        Assert.Same(RequiredLiterals.Of(Of(first, "p.kept")), RequiredLiterals.Of(Of(second, "p.kept")));
        Assert.NotSame(Of(first, "p.edited"), Of(second, "p.edited"));
        Assert.Equal("刷单.{0,20}返利", Of(second, "p.edited").ToString());

        // Both sets still match as their own patterns say.
        Assert.True(MessageDetector.Detect(second, "刷单一天能赚好多好多好多好多好多返利", null).Flagged);
        Assert.False(MessageDetector.Detect(first, "刷单一天能赚好多好多好多好多好多返利", null).Flagged);
    }
}

/// <summary>Alone: other tests' loads would move the generations between this test's two loads.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegexReuseCollection
{
    public const string Name = "regex reuse";
}
