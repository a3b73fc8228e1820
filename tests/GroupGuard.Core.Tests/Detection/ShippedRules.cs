using GroupGuard.Core.Rules;
using GroupGuard.Core.Tests.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>The repository's rules/ folder, loaded once for the tests that hold the shipped packs to a verdict.</summary>
internal static class ShippedRules
{
    private static readonly Lazy<RuleSet> Loaded = new(() =>
    {
        var result = RuleLoader.Load(RuleLoaderTests.FindRepoFolder("rules"));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.RuleSet!;
    });

    public static RuleSet Value => Loaded.Value;
}
