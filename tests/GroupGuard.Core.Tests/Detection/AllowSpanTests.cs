using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>An allow phrase cancels a hit only when it alone covers the hit; overlaps of several do not add up.</summary>
public sealed class AllowSpanTests
{
    private static readonly Lazy<RuleSet> Packs = new(() => MessageDetectorTests.Load("""
        pack: a
        rules:
          - id: a.mother
            terms: [你妈的]
            unless: [问你妈的电话, 你妈, 说你妈, 妈的好]
          - id: a.phone
            terms: [电话号]
            unless: [你妈的电话号]
        """,
        allow: "你妈的手艺\n"));

    [Theory]
    [InlineData("问你妈的电话", new string[0])] // covered by the long phrase, though a shorter one starts later
    [InlineData("说你妈的好", new[] { "a.mother" })] // two phrases overlap the term; neither covers it
    [InlineData("你妈的手艺真好", new string[0])] // allow.txt covers every rule
    [InlineData("你妈的电话号", new[] { "a.mother" })] // one rule's unless cancels that rule only
    [InlineData("你妈的手艺，你妈的", new[] { "a.mother" })] // the second one is not covered
    public void A_hit_is_cancelled_only_by_a_phrase_that_covers_it(string text, string[] fired)
    {
        var verdict = MessageDetector.Detect(Packs.Value, text, "1");

        Assert.Equal(fired, verdict.Hits.Select(h => h.Rule.Id));
    }
}
