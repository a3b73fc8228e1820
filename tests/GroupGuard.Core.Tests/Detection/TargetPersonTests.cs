using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// <c>target: person</c>: a hit fires only where a person is named near it in its clause, so 垃圾
/// about a courier, a phone or a shop stays quiet while 你就是个垃圾 fires.
/// </summary>
public sealed class TargetPersonTests
{
    private static readonly Lazy<(RuleSet Rules, FakeSegmenter Words)> Trash = new(() =>
    {
        var rules = MessageDetectorTests.Load("""
            pack: p
            rules:
              - id: p.trash
                terms: [垃圾, 真垃圾, 什么垃圾, 是垃圾]
                target: person
              - id: p.scum
                terms: [人渣]
            """);
        var words = new FakeSegmenter("快递", "什么", "玩意", "就是", "垃圾站", "其他", "人工", "客服", "这个", "手机", "司机", "你们", "说呢", "昨天", "东西");
        words.UseTerms(rules.Version, rules.WordTerms);
        return (rules, words);
    });

    private static Verdict Detect(string text) => MessageDetector.Detect(Trash.Value.Rules, text, "1", Trash.Value.Words);

    [Theory]
    [InlineData("快递真垃圾")] // the words
    [InlineData("什么垃圾玩意")]
    [InlineData("就是垃圾站")]
    [InlineData("这手机真垃圾")]
    [InlineData("其他垃圾")] // 他 inside 其他 names nobody
    [InlineData("人工客服真垃圾")] // nor 人 inside 人工
    [InlineData("快递真垃圾，你们说呢")] // the person is in another clause
    [InlineData("这东西是垃圾")]
    public void A_hit_aimed_at_a_thing_stays_quiet(string text)
    {
        var verdict = Detect(text);

        Assert.False(verdict.Flagged, string.Join(", ", verdict.Hits.Select(h => $"{h.Matched}@{h.Start}")));
    }

    [Theory]
    [InlineData("你就是个垃圾", "垃圾")] // the words
    [InlineData("您真是垃圾", "是垃圾")]
    [InlineData("他就是垃圾", "是垃圾")]
    [InlineData("这个人真垃圾", "真垃圾")] // a word for people
    [InlineData("司机真垃圾", "真垃圾")]
    [InlineData("垃圾，你就是个垃圾", "垃圾")] // the first 垃圾 has nobody in its clause; the second fires
    [InlineData("@张三 垃圾", "垃圾")] // a mention addressing the clause
    [InlineData("垃圾 @张三", "垃圾")]
    [InlineData("//@张三:什么垃圾", "什么垃圾")]
    [InlineData("垃圾", "垃圾")] // alone, a message answers whoever spoke before it
    [InlineData("垃圾！！", "垃圾")]
    [InlineData("黑人真垃圾", "真垃圾")] // a group counts as a person
    public void A_hit_aimed_at_a_person_fires(string text, string written)
    {
        var hit = Assert.Single(Detect(text).Hits);

        Assert.Equal("p.trash", hit.Rule.Id);
        Assert.Equal(written, text.Substring(hit.Start, hit.Length));
        Assert.Equal(text.LastIndexOf(written, StringComparison.Ordinal), hit.Start);
    }

    [Theory]
    [InlineData(DetectionEngine.PersonRadius - 1, true)]
    [InlineData(DetectionEngine.PersonRadius, false)]
    public void A_person_counts_within_a_dozen_characters_of_the_hit(int between, bool flagged)
    {
        // Alternating, so that no repeat is counted once.
        var text = "你" + string.Concat(Enumerable.Range(0, between).Select(i => i % 2 == 0 ? "哦" : "啊")) + "垃圾";

        Assert.Equal(flagged, Detect(text).Flagged);
    }

    [Fact]
    public void Rules_without_a_target_fire_as_before()
    {
        Assert.Equal("p.scum", Assert.Single(Detect("这种人渣").Hits).Rule.Id);
        Assert.Equal("p.scum", Assert.Single(Detect("人渣").Hits).Rule.Id);
    }

    [Fact]
    public void Without_a_segmenter_any_listed_word_in_reach_counts()
    {
        Assert.True(MessageDetector.Detect(Trash.Value.Rules, "其他垃圾", "1").Flagged);
        Assert.False(MessageDetector.Detect(Trash.Value.Rules, "快递真垃圾", "1").Flagged);
    }

    [Fact]
    public void A_hit_alone_with_other_words_is_not_taken_as_an_answer()
    {
        Assert.False(Detect("垃圾快递").Flagged);
        Assert.False(Detect("快递，垃圾").Flagged);
    }
}
