using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Host.Commands;

namespace GroupGuard.Host.Tests.Commands;

/// <summary>The one line <c>/gg 检查</c> answers: short whatever the text holds, and no term spelt out to the group.</summary>
public sealed class CheckAnswerTests
{
    private static RuleSet Rules(string yaml, string? allow = null)
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", yaml);
        if (allow is not null)
        {
            dir.Write(RuleLoader.AllowFile, allow + "\n");
        }

        var loaded = RuleLoader.Load(dir.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return loaded.RuleSet!;
    }

    [Fact]
    public void More_than_three_hits_name_three_and_count_the_rest()
    {
        var rules = Rules("pack: p\nrules:\n  - id: p.a\n    terms: [加微信]\n  - id: p.b\n    terms: [私聊领取]\n  - id: p.c\n    terms: [兼职刷单]\n  - id: p.d\n    terms: [日结工资]\n");
        const string text = "加微信，私聊领取，兼职刷单，日结工资";
        var (verdict, misses) = MessageDetector.Explain(rules, text, "1");

        var answer = GroupCommands.CheckAnswer(text, verdict, misses);

        Assert.StartsWith("会命中：p.a「加**」，p.b「私***」，p.c「兼***」", answer, StringComparison.Ordinal);
        Assert.EndsWith("等 4 条", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("p.d", answer, StringComparison.Ordinal);
    }

    [Fact]
    public void Near_misses_say_why_in_a_few_words_each()
    {
        var rules = Rules("pack: p\nrules:\n  - id: p.trash\n    terms: [垃圾]\n    target: person\n  - id: p.gamble\n    terms: [赌博]\n    unless_preceded_by: [禁止]\n");
        const string text = "快递真垃圾，群里禁止赌博";
        var (verdict, misses) = MessageDetector.Explain(rules, text, "1");

        var answer = GroupCommands.CheckAnswer(text, verdict, misses);

        Assert.Equal("不会命中。未计入：p.trash「垃*」附近没有指向人；p.gamble「赌*」前面有排除词", answer);
    }

    [Fact]
    public void A_hit_cancelled_by_a_notice_s_verdict_names_the_phrase()
    {
        var rules = Rules("pack: p\nrules:\n  - id: p.brush\n    regex: '刷单.{0,10}日赚'\n    unless_near: [诈骗]\n");
        const string text = "网上刷单日赚三百，都是诈骗";
        var (verdict, misses) = MessageDetector.Explain(rules, text, "1");

        var answer = GroupCommands.CheckAnswer(text, verdict, misses);

        Assert.Equal("不会命中。未计入：p.brush「刷***」所在句中有排除词「诈骗」", answer);
    }

    [Fact]
    public void An_allow_phrase_over_a_phone_number_is_quoted_with_the_number_masked_as_the_hit_is()
    {
        var rules = Rules("pack: privacy\ncategory: privacy\nrules:\n  - id: privacy.mobile\n    detector: cn_mobile\n", allow: "13800138000 有事");
        const string text = "我的电话13800138000 有事找我";
        var (verdict, misses) = MessageDetector.Explain(rules, text, "1");

        var answer = GroupCommands.CheckAnswer(text, verdict, misses);

        Assert.Equal("不会命中。未计入：privacy.mobile「1*******…」被放行词「1*******… 有事」覆盖", answer);
        Assert.DoesNotContain("138", answer, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allow_phrase_over_a_term_shows_the_term_masked_and_the_rest_of_the_phrase()
    {
        var rules = Rules("pack: p\nrules:\n  - id: p.contact\n    terms: [加微信]\n", allow: "加微信群");
        const string text = "家长们加微信群交作业";
        var (verdict, misses) = MessageDetector.Explain(rules, text, "1");

        Assert.Equal("不会命中。未计入：p.contact「加**」被放行词「加**群」覆盖", GroupCommands.CheckAnswer(text, verdict, misses));
    }

    [Fact]
    public void A_long_regex_match_is_shown_cut_and_masked()
    {
        var rules = Rules("pack: p\nrules:\n  - id: p.offer\n    regex: '特价.{0,30}私聊'\n");
        const string text = "本店特价水果一斤只要九块九欢迎私聊";
        var (verdict, misses) = MessageDetector.Explain(rules, text, "1");

        var answer = GroupCommands.CheckAnswer(text, verdict, misses);

        Assert.Equal("会命中：p.offer「特*******…」", answer);
    }

    [Fact]
    public void Each_rule_is_named_by_its_packs_chinese_name_before_its_id()
    {
        var rules = Rules("pack: ads\nname: 广告引流\nrules:\n  - id: ads.contact\n    terms: [加微信]\n  - id: ads.trash\n    terms: [垃圾]\n    target: person\n");
        const string hitting = "加微信领资料";
        var (hit, none) = MessageDetector.Explain(rules, hitting, "1");
        const string missing = "快递真垃圾";
        var (clean, misses) = MessageDetector.Explain(rules, missing, "1");

        Assert.Equal("会命中：广告引流 ads.contact「加**」", GroupCommands.CheckAnswer(hitting, hit, none));
        Assert.Equal("不会命中。未计入：广告引流 ads.trash「垃*」附近没有指向人", GroupCommands.CheckAnswer(missing, clean, misses));
    }

    [Fact]
    public void A_rule_with_a_name_is_named_by_it_alone()
    {
        var rules = Rules("pack: ads\nname: 广告引流\nrules:\n  - id: ads.contact\n    name: 邀请私加好友\n    terms: [加微信]\n  - id: ads.trash\n    name: 骂人垃圾\n    terms: [垃圾]\n    target: person\n");
        const string hitting = "加微信领资料";
        var (hit, none) = MessageDetector.Explain(rules, hitting, "1");
        const string missing = "快递真垃圾";
        var (clean, misses) = MessageDetector.Explain(rules, missing, "1");

        Assert.Equal("会命中：邀请私加好友「加**」", GroupCommands.CheckAnswer(hitting, hit, none));
        Assert.Equal("不会命中。未计入：骂人垃圾「垃*」附近没有指向人", GroupCommands.CheckAnswer(missing, clean, misses));
    }
}
