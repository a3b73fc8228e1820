using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// A regex rule reads a message as written and, where that finds nothing, again without the spaces,
/// symbols, emoji, faces written as text and punctuation put inside and between words (clause
/// breaks stay), as terms are read; `interference: keep` reads it as written only.
/// </summary>
public sealed class RegexInterferenceTests
{
    private static readonly RuleSet Rules = MessageDetectorTests.Load(
        """
        pack: test
        category: contraband
        action: recall
        rules:
          - id: t.drugs
            regex: '(出售|有货)[^\n]{0,4}?冰毒'
          - id: t.contact
            regex: '加(微信|q)[:：]?[a-z][a-z0-9_]{5,19}'
          - id: t.literal
            regex: '百家乐'
            interference: keep
          - id: t.site
            regex: 'https?://[^\s]*\.(xyz|top)'
        """);

    private static Verdict Detect(string text) => MessageDetector.Detect(Rules, text, "1", null);

    [Theory]
    [InlineData("出❤售冰❤毒", "出❤售冰❤毒")]
    [InlineData("有 货 冰 毒 私聊", "有 货 冰 毒")]
    [InlineData("出售😀冰😀毒", "出售😀冰😀毒")]
    [InlineData("出.售.冰.毒", "出.售.冰.毒")]
    [InlineData("出*售—冰~毒", "出*售—冰~毒")]
    [InlineData("有货：冰★毒", "有货：冰★毒")] // the colon is a clause break and stays; the pattern allows it
    [InlineData("①出❤售冰❤毒", "出❤售冰❤毒")] // ① sends the message the slow way to its literals
    [InlineData("加❤微❤信：shop_888 领券", "加❤微❤信：shop_888")]
    [InlineData("加 Q abc_123", "加 Q abc_123")]
    [InlineData("加[微笑]微信：shop_888", "加[微笑]微信：shop_888")] // a face written as text goes whole, as an emoji does
    [InlineData("加/微笑微信：shop_888", "加/微笑微信：shop_888")]
    [InlineData("出[爱心]售冰[玫瑰]毒", "出[爱心]售冰[玫瑰]毒")]
    [InlineData("①出[爱心]售冰[玫瑰]毒", "出[爱心]售冰[玫瑰]毒")] // the slow way to the literals
    [InlineData("出\n售\n冰\n毒", "出\n售\n冰\n毒")] // written top to bottom: the breaks stack single characters
    [InlineData("有\r\n货\r\n冰\r\n毒\r\n快来买吧", "有\r\n货\r\n冰\r\n毒")]
    [InlineData("看这里\n出 \n售\n冰\n毒 \n", "出 \n售\n冰\n毒")]
    public void Inserted_interference_is_read_through_and_the_hit_spans_the_text_as_written(string text, string matched)
    {
        var hit = Assert.Single(Detect(text).Hits);

        Assert.Equal(matched, hit.Matched);
        Assert.Equal(matched, text.Substring(hit.Start, hit.Length));
    }

    [Theory]
    [InlineData("冰，毒 出售")]
    [InlineData("出售冰\n毒")] // a line break ends the clause: no stitching across it
    [InlineData("出售\n冰\n毒")] // two lines of one character are no column yet
    [InlineData("有货\n冰\n毒\n的新闻看了吗")]
    [InlineData("出\n售\n冰\n\n毒")] // an empty line ends the column
    [InlineData("出售冰。毒")]
    [InlineData("加微，信abc123")]
    public void Clause_breaks_are_not_read_through(string text)
    {
        Assert.False(Detect(text).Flagged);
    }

    [Fact]
    public void More_interference_than_a_term_may_skip_is_not_read_through()
    {
        Assert.True(Detect("出售" + new string('*', DetectionEngine.MaxGap) + "冰毒").Flagged);
        Assert.False(Detect("出售" + new string('*', DetectionEngine.MaxGap + 1) + "冰毒").Flagged);
        Assert.True(Detect("有货冰" + string.Concat(Enumerable.Repeat("😀", DetectionEngine.MaxGap)) + "毒").Flagged); // an emoji counts once
        Assert.False(Detect("有货冰" + string.Concat(Enumerable.Repeat("😀", DetectionEngine.MaxGap + 1)) + "毒").Flagged);
    }

    [Fact]
    public void Runs_of_clause_punctuation_longer_than_a_gap_do_not_stop_the_compact_text_being_read()
    {
        // Each run of ten ！ is more interference than a term skips, so the compact text writes a
        // line break after it, while keeping the ！ themselves: it grows longer than the message.
        var text = "x " + string.Concat(Enumerable.Repeat("！！！！！！！！！！a", 30)) + "出❤售冰❤毒";

        // A thread of its own, whose buffers are as small as on a worker's first message.
        var verdict = FreshThread.Run(() => Detect(text));

        var hit = Assert.Single(verdict.Hits);
        Assert.Equal("t.drugs", hit.Rule.Id);
        Assert.Equal("出❤售冰❤毒", text.Substring(hit.Start, hit.Length));
    }

    [Fact]
    public void The_shipped_packs_still_flag_spam_followed_by_runs_of_exclamation_marks()
    {
        var rules = ShippedRules.Value;
        const string spam = "出售冰毒 加微信abc12345 价格优惠";
        var padded = spam + string.Concat(Enumerable.Repeat("大家注意！！！！！！！！！！", 25));

        var alone = FreshThread.Run(() => MessageDetector.Detect(rules, spam, "1"));
        var verdict = FreshThread.Run(() => MessageDetector.Detect(rules, padded, "1"));

        Assert.True(alone.Flagged);
        Assert.Equal(alone.Hits.Select(h => (h.Rule.Id, h.Start, h.Length)), verdict.Hits.Select(h => (h.Rule.Id, h.Start, h.Length)));
    }

    [Fact]
    public void A_rule_that_keeps_interference_reads_the_message_as_written_only()
    {
        Assert.True(Detect("百家乐 上分").Flagged);
        Assert.False(Detect("百❤家❤乐 上分").Flagged);
        Assert.Equal(Interference.Keep, Rules.Rules.Single(r => r.Id == "t.literal").Interference);
        Assert.Equal(Interference.Skip, Rules.Rules.Single(r => r.Id == "t.drugs").Interference);
    }

    [Fact]
    public void A_pattern_that_needs_punctuation_still_finds_it_as_written()
    {
        var hit = Assert.Single(Detect("看这里 http://a.b.xyz 有惊喜").Hits);

        Assert.Equal("http://a.b.xyz", hit.Matched);
    }
}
