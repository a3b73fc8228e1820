using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Host.Commands;

namespace GroupGuard.Host.Tests.Commands;

/// <summary>The one line <c>/gg 检查</c> answers: short whatever the text holds, and no term spelt out to the group.</summary>
public sealed class CheckAnswerTests
{
    private static RuleSet Rules(string yaml)
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", yaml);
        var loaded = RuleLoader.Load(dir.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return loaded.RuleSet!;
    }

    [Fact]
    public void More_than_three_hits_name_three_and_count_the_rest()
    {
        var rules = Rules("pack: p\nrules:\n  - id: p.a\n    terms: [加微信]\n  - id: p.b\n    terms: [私聊领取]\n  - id: p.c\n    terms: [兼职刷单]\n  - id: p.d\n    terms: [日结工资]\n");
        var (verdict, misses) = MessageDetector.Explain(rules, "加微信，私聊领取，兼职刷单，日结工资", "1");

        var answer = GroupCommands.CheckAnswer(verdict, misses);

        Assert.StartsWith("会命中：p.a「加**」，p.b「私***」，p.c「兼***」", answer, StringComparison.Ordinal);
        Assert.EndsWith("等 4 条", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("p.d", answer, StringComparison.Ordinal);
    }

    [Fact]
    public void Near_misses_say_why_in_a_few_words_each()
    {
        var rules = Rules("pack: p\nrules:\n  - id: p.trash\n    terms: [垃圾]\n    target: person\n  - id: p.gamble\n    terms: [赌博]\n    unless_preceded_by: [禁止]\n");
        var (verdict, misses) = MessageDetector.Explain(rules, "快递真垃圾，群里禁止赌博", "1");

        var answer = GroupCommands.CheckAnswer(verdict, misses);

        Assert.Equal("不会命中。未计入：p.trash「垃*」附近没有指向人；p.gamble「赌*」前面有排除词", answer);
    }

    [Fact]
    public void A_hit_cancelled_by_a_notice_s_verdict_names_the_phrase()
    {
        var rules = Rules("pack: p\nrules:\n  - id: p.brush\n    regex: '刷单.{0,10}日赚'\n    unless_near: [诈骗]\n");
        var (verdict, misses) = MessageDetector.Explain(rules, "网上刷单日赚三百，都是诈骗", "1");

        var answer = GroupCommands.CheckAnswer(verdict, misses);

        Assert.Equal("不会命中。未计入：p.brush「刷***」所在句中有排除词「诈骗」", answer);
    }

    [Fact]
    public void A_long_regex_match_is_shown_cut_and_masked()
    {
        var rules = Rules("pack: p\nrules:\n  - id: p.offer\n    regex: '特价.{0,30}私聊'\n");
        var (verdict, misses) = MessageDetector.Explain(rules, "本店特价水果一斤只要九块九欢迎私聊", "1");

        var answer = GroupCommands.CheckAnswer(verdict, misses);

        Assert.Equal("会命中：p.offer「特*******…」", answer);
    }
}
