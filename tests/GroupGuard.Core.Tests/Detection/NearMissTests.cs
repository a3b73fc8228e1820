using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// <see cref="MessageDetector.Explain"/>: an administrator asking why a message was not flagged is
/// told what was found and why it did not count, and the verdict is the one Detect gives.
/// </summary>
public sealed class NearMissTests
{
    private static readonly Lazy<(RuleSet Rules, FakeSegmenter Words)> Packs = new(() =>
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", """
            pack: p
            rules:
              - id: p.trash
                terms: [垃圾]
                target: person
              - id: p.fool
                terms: [傻逼]
              - id: p.mother
                terms: [他妈的]
              - id: p.dead
                terms: [死]
                match: word
              - id: p.porn
                terms: [av]
              - id: p.gamble
                terms: [赌博]
                unless_preceded_by: [不, 禁止]
              - id: p.sale
                terms: [出售]
                unless: [出售二手书]
              - id: p.site
                regex: 'win\.xyz'
              - id: p.trash-too
                terms: [真垃圾, 垃圾]
                target: person
            """);
        dir.Write("local.yaml", """
            pack: local
            groups: ["42"]
            rules:
              - id: p.local
                terms: [团购]
            """);
        dir.Write("allow.txt", "举报垃圾信息\nwin.xyz/help\n");
        var loaded = RuleLoader.Load(dir.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        var rules = loaded.RuleSet!;
        var words = new FakeSegmenter("快递", "妈妈", "死机", "手机", "其他", "垃圾");
        words.UseTerms(rules.Version, rules.WordTerms);
        return (rules, words);
    });

    private static Explanation Explain(string text, string group = "1") => MessageDetector.Explain(Packs.Value.Rules, text, group, Packs.Value.Words);

    [Theory]
    [InlineData("快递真垃圾", "p.trash", "垃圾", MissReason.NoTarget, "person")] // nobody named: said of a thing
    [InlineData("其他垃圾都扔了", "p.trash", "垃圾", MissReason.TargetInsideWord, "person")] // 他 inside 其他 names nobody
    [InlineData("傻。逼急了", "p.fool", "傻逼", MissReason.AcrossClauseBreak, null)]
    [InlineData("他妈妈的手机", "p.mother", "他妈的", MissReason.HalfOfDoubledWord, null)]
    [InlineData("手机又死机了", "p.dead", "死", MissReason.InsideWord, null)]
    [InlineData("i have it", "p.porn", "av", MissReason.InsideAsciiWord, null)]
    [InlineData("群里禁止赌博", "p.gamble", "赌博", MissReason.PrecededBy, null)]
    [InlineData("出售二手书一批", "p.sale", "出售", MissReason.Allowed, "出售二手书")] // the rule's unless
    [InlineData("欢迎举报垃圾信息，你也是", "p.trash", "垃圾", MissReason.Allowed, "举报垃圾信息")] // allow.txt
    [InlineData("周末团购水果", "p.local", "团购", MissReason.OtherGroup, null)] // a rule of group 42 only
    [InlineData("看 win.xyz/help 的说明", "p.site", "win.xyz", MissReason.Allowed, "win.xyz/help")] // a regex match allowed
    public void A_message_that_is_not_flagged_says_what_was_found_and_why_it_did_not_count(string text, string rule, string matched, MissReason reason, string? detail)
    {
        var explained = Explain(text);

        Assert.False(explained.Verdict.Flagged);
        var miss = Assert.Single(explained.Misses, m => m.Rule.Id == rule);
        Assert.Equal(rule, miss.Rule.Id);
        Assert.Equal(matched, miss.Matched);
        Assert.Equal(reason, miss.Reason);
        Assert.Equal(detail, miss.Detail);
        Assert.True(miss.Start >= 0 && miss.Start + miss.Length <= text.Length);
    }

    [Fact]
    public void Overlapping_misses_of_one_rule_for_one_reason_are_told_once()
    {
        var misses = Explain("快递真垃圾").Misses;

        var trashToo = Assert.Single(misses, m => m.Rule.Id == "p.trash-too");
        Assert.Contains(trashToo.Matched, new[] { "真垃圾", "垃圾" });
        Assert.Equal(MissReason.NoTarget, trashToo.Reason);
    }

    [Fact]
    public void The_span_of_a_miss_covers_what_the_user_wrote()
    {
        const string text = "快递真垃*圾";

        var miss = Assert.Single(Explain(text).Misses, m => m.Rule.Id == "p.trash");

        Assert.Equal("垃*圾", text.Substring(miss.Start, miss.Length));
        Assert.Equal("垃圾", miss.Matched); // the term as the rule writes it
    }

    [Theory]
    [InlineData("周末团购水果")] // the group-42 rule in its group: a hit, no miss
    [InlineData("快递也垃圾，你就是垃圾")] // the rule fired: its earlier, unaimed 垃圾 is not told
    public void A_rule_that_fired_has_no_near_misses(string text)
    {
        var explained = Explain(text, group: "42");

        Assert.True(explained.Verdict.Flagged);
        Assert.DoesNotContain(explained.Misses, m => explained.Verdict.Hits.Any(h => h.Rule == m.Rule));
    }

    [Theory]
    [InlineData("快递真垃圾")]
    [InlineData("你就是垃圾，群里禁止赌博")]
    [InlineData("出售二手书一批，也出售别的")]
    [InlineData("手机又死机了，死了算了")]
    [InlineData("看 win.xyz/help 和 win.xyz")]
    [InlineData("今天天气不错")]
    public void The_verdict_is_the_one_detect_gives(string text)
    {
        var detected = MessageDetector.Detect(Packs.Value.Rules, text, "1", Packs.Value.Words);

        var explained = Explain(text);

        Assert.Equal(detected.Hits.Select(h => (h.Rule.Id, h.Start, h.Length)), explained.Verdict.Hits.Select(h => (h.Rule.Id, h.Start, h.Length)));
    }

    [Fact]
    public void A_message_of_many_near_misses_tells_at_most_the_limit()
    {
        var text = string.Concat(Enumerable.Repeat("快递真垃圾。", 500));

        var explained = Explain(text);

        Assert.False(explained.Verdict.Flagged);
        Assert.Equal(DetectionEngine.MaxMisses, explained.Misses.Count);
        Assert.All(explained.Misses, m => Assert.Equal(MissReason.NoTarget, m.Reason));
    }
}
