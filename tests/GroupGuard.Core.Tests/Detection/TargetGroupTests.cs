using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// <c>target: group</c>: a hit fires only where a people, a region's people or a sex is named in its
/// sentence (a comma does not end it), so 黑人，好恶心 and 男人都自私 fire while 晕车恶心 and a
/// person's own 自私 stay quiet.
/// </summary>
public sealed class TargetGroupTests
{
    private static readonly Lazy<(RuleSet Rules, FakeSegmenter Words)> Vice = new(() =>
    {
        var rules = MessageDetectorTests.Load("""
            pack: p
            rules:
              - id: p.vice
                terms: [恶心, 自私, 骗子]
                target: group
                unless_preceded_by: [不是]
            """);
        var words = new FakeSegmenter("晕车", "小心", "我们", "老板", "中国人民", "都是", "真的", "女人", "东北人", "中国人");
        words.UseTerms(rules.Version, rules.WordTerms);
        return (rules, words);
    });

    private static Verdict Detect(string text) => MessageDetector.Detect(Vice.Value.Rules, text, "1", Vice.Value.Words);

    [Theory]
    [InlineData("黑人，好恶心", "恶心")] // a comma does not end the sentence
    [InlineData("男人都自私", "自私")]
    [InlineData("东北人里骗子真的多", "骗子")]
    [InlineData("女人真的好恶心", "恶心")]
    [InlineData("恶心，河南人", "恶心")] // the group may come after
    [InlineData("中国人都是骗子", "骗子")]
    public void A_hit_said_of_a_group_in_its_sentence_fires(string text, string written)
    {
        var hit = Assert.Single(Detect(text).Hits);

        Assert.Equal("p.vice", hit.Rule.Id);
        Assert.Equal(text.IndexOf(written, StringComparison.Ordinal), hit.Start);
    }

    [Theory]
    [InlineData("晕车恶心")]
    [InlineData("小心骗子")]
    [InlineData("你真自私")] // a person is not a group
    [InlineData("我们老板真自私")]
    [InlineData("黑人。好恶心")] // another sentence
    [InlineData("女人！骗子")]
    [InlineData("中国人民不怕骗子")] // 中国人 inside the word 中国人民 names nobody
    [InlineData("河南人不是骗子")] // negated
    public void A_hit_without_a_group_in_its_sentence_stays_quiet(string text)
    {
        var verdict = Detect(text);

        Assert.False(verdict.Flagged, string.Join(", ", verdict.Hits.Select(h => $"{h.Matched}@{h.Start}")));
    }

    [Theory]
    [InlineData(DetectionEngine.GroupRadius - 2, true)] // 黑人 and what stands between: 20 characters
    [InlineData(DetectionEngine.GroupRadius - 1, false)]
    public void A_group_counts_within_twenty_characters_of_the_hit(int between, bool flagged)
    {
        var text = "黑人" + string.Concat(Enumerable.Range(0, between).Select(i => i % 2 == 0 ? "哦" : "啊")) + "恶心";

        Assert.Equal(flagged, Detect(text).Flagged);
    }

    [Theory]
    [InlineData("有一个男的，脾气很臭，特别自私")] // one man, not men
    [InlineData("那个坐在门口戴帽子的女人真恶心")] // a description ending in 的 still names one
    [InlineData("这位女士太自私了")]
    public void A_group_word_that_names_one_person_is_not_a_group(string text)
    {
        var verdict = Detect(text);

        Assert.False(verdict.Flagged, string.Join(", ", verdict.Hits.Select(h => $"{h.Matched}@{h.Start}")));
    }

    [Theory]
    [InlineData("这种男人都自私")] // a kind of man is a group
    [InlineData("这些女人真恶心")]
    [InlineData("一个朋友说东北人里骗子真的多")] // 一个 is the friend, not the group
    public void A_kind_or_several_of_a_group_still_are_one(string text)
    {
        Assert.True(Detect(text).Flagged, text);
    }

    [Fact]
    public void A_mention_or_a_face_ends_the_sentence()
    {
        Assert.False(Detect("黑人 @张三 恶心").Flagged);
        Assert.False(Detect("黑人[微笑]恶心").Flagged);
    }

    [Fact]
    public void A_message_that_is_only_the_hit_is_not_said_of_a_group()
    {
        Assert.False(Detect("恶心").Flagged);
    }

    [Fact]
    public void The_rule_file_says_group_and_the_reader_accepts_it()
    {
        var rule = Vice.Value.Rules.Rules.Single();

        Assert.Equal(TermTarget.Group, rule.Target);
        Assert.Equal(TargetScope.Sentence, rule.TargetScope);
    }

    private static readonly Lazy<(RuleSet Rules, FakeSegmenter Words)> Anywhere = new(() =>
    {
        var rules = MessageDetectorTests.Load("""
            pack: p
            rules:
              - id: p.disgust
                terms: [恶心]
                target: group
                target_scope: message
            """);
        var words = new FakeSegmenter("晕车", "节目", "真的", "上海人");
        words.UseTerms(rules.Version, rules.WordTerms);
        return (rules, words);
    });

    private static Verdict DetectAnywhere(string text) => MessageDetector.Detect(Anywhere.Value.Rules, text, "1", Anywhere.Value.Words);

    [Theory]
    [InlineData("上海人的节目我看了。真的恶心")] // another sentence
    [InlineData("恶心！上海人")]
    [InlineData("上海人 @张三 恶心")] // a mention ends a sentence, not the message
    public void With_target_scope_message_a_group_anywhere_in_the_message_counts(string text)
    {
        var hit = Assert.Single(DetectAnywhere(text).Hits);

        Assert.Equal("p.disgust", hit.Rule.Id);
        Assert.Equal(TargetScope.Message, hit.Rule.TargetScope);
        Assert.False(Detect(text).Flagged); // the same words with the sentence scope stay quiet
    }

    [Theory]
    [InlineData("晕车。真的恶心")]
    [InlineData("恶心")]
    public void With_target_scope_message_a_message_without_a_group_stays_quiet(string text)
    {
        Assert.False(DetectAnywhere(text).Flagged);
    }

    [Theory]
    [InlineData(DetectionEngine.MessageRadius - 3, true)] // 上海人 and what stands between: 120 characters (folding drops the 。)
    [InlineData(DetectionEngine.MessageRadius - 2, false)]
    public void With_target_scope_message_a_group_counts_within_its_radius(int between, bool flagged)
    {
        var text = "上海人。" + string.Concat(Enumerable.Range(0, between).Select(i => i % 2 == 0 ? "哦" : "啊")) + "恶心";

        Assert.Equal(flagged, DetectAnywhere(text).Flagged);
    }
}
