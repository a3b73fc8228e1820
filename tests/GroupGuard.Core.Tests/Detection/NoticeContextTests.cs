using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// <c>unless_preceded_by</c> on regex and detector rules and <c>unless_near</c> on every rule that
/// matches text: an anti-fraud notice that quotes a whole offer to warn against it is not the
/// offer, while an advert that calls itself 不是骗局 still is.
/// </summary>
public sealed class NoticeContextTests
{
    private static readonly Lazy<RuleSet> Packs = new(() => Load("""
        pack: f
        unless_preceded_by: [警惕, 不要相信]
        unless_near: [诈骗, 骗局]
        rules:
          - id: f.brushing
            regex: '刷单[^\n]{0,20}?日赚\d+'
          - id: f.term
            terms: [刷单兼职]
          - id: f.mobile
            detector: cn_mobile
          - id: f.own
            regex: '跑分[^\n]{0,10}?日结'
            unless_near: [违法]
          - id: f.invest
            regex: '(导师带单|带单)[^\n]{0,10}?加群'
          - id: f.paper
            regex: '(^|[^暑])假证件[^\n]{0,8}?加微'
        """));

    private static Verdict Detect(string text) => MessageDetector.Detect(Packs.Value, text, "1");

    [Theory]
    [InlineData("刷单日赚300，加我", true)]
    [InlineData("警惕刷单日赚300的兼职", false)] // the warning word right before the match
    [InlineData("警惕“刷单日赚300”", false)] // quotes and spaces between do not count
    [InlineData("警惕 「刷单日赚300」", false)]
    [InlineData("警惕，刷单日赚300", true)] // a clause break ends the word's reach
    [InlineData("不要相信刷单日赚500", false)]
    [InlineData("要警惕啊朋友们刷单日赚300", true)] // not right before it
    [InlineData("警惕﹐刷单日赚300", true)] // a small-form comma is a clause break too, as the fold reads it
    public void A_warning_word_right_before_a_regex_match_cancels_it(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.brushing"));
    }

    [Theory]
    [InlineData("警惕网赌、刷单日赚300", false)] // the word before a list covers each item
    [InlineData("警惕网赌、色情、刷单日赚300", false)]
    [InlineData("不要相信“网赌”、“刷单日赚300”", false)]
    [InlineData("我们不骗人、刷单日赚300", true)] // no warning before the list
    [InlineData("警惕网赌，刷单日赚300", true)] // a comma is no list
    [InlineData("警惕网赌﹑刷单日赚300", false)] // the small-form 、 joins a list as 、 does
    [InlineData("警惕一二三四五六七八九十一二三、刷单日赚300", true)] // an item too long to be one
    public void A_warning_word_before_a_list_covers_its_later_items(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.brushing"));
    }

    [Theory]
    [InlineData("不要相信“网赚，刷单日赚300”", false)] // inside a quotation, the word before it counts
    [InlineData("不要相信网赚，刷单日赚300", true)]
    [InlineData("不要相信“网赚”，刷单日赚300", true)] // after the quotation closed, it does not
    public void A_warning_word_before_a_quotation_covers_what_it_quotes(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.brushing"));
    }

    [Theory]
    [InlineData("警惕导师带单、荐股加群", false)] // 带单 inside the warned-of 导师带单
    [InlineData("警惕导师带单的广告，我们带单加群", true)] // a 带单 of its own after a clause break
    public void A_warning_word_covers_the_words_its_match_begins_with(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.invest"));
    }

    [Theory]
    [InlineData("警惕高仿证件、假证件加微信", false)] // the match takes the 、 before 假: read from after it
    [InlineData("高仿证件、假证件加微信", true)]
    public void A_match_that_takes_the_break_before_it_is_read_from_after_the_break(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.paper"));
    }

    [Fact]
    public void After_a_cancelled_match_the_regex_looks_on_for_the_next()
    {
        const string text = "警惕刷单日赚300的骗子\n刷单日赚500加我";

        var hit = Assert.Single(Detect(text).Hits, h => h.Rule.Id == "f.brushing");

        Assert.Equal("刷单日赚500", text.Substring(hit.Start, hit.Length));
    }

    [Fact]
    public void A_cancelled_match_does_not_hide_an_offer_inside_it()
    {
        // The warning word covers the first 刷单 only; the match that began there reached over the
        // advert's own offer, and the search went on from its end.
        const string text = "警惕刷单广告，我这刷单日赚300";

        var hit = Assert.Single(Detect(text).Hits, h => h.Rule.Id == "f.brushing");

        Assert.Equal("刷单日赚300", text.Substring(hit.Start, hit.Length));
    }

    [Theory]
    [InlineData("刷单日赚300，加我微信", true)]
    [InlineData("刷单日赚300，都是诈骗", false)] // a notice's verdict in the sentence
    [InlineData("都是骗局：刷单日赚300", false)] // before the hit as well
    [InlineData("刷单日赚300的骗局", false)]
    [InlineData("刷單日賺300，都是詐騙", false)] // folded as terms are: traditional forms too
    [InlineData("刷单日赚300。诈骗团伙已被抓获", true)] // another sentence
    [InlineData("刷单日赚300\n那个群是骗局", true)] // a line break ends the sentence
    [InlineData("刷单日赚300\u2028那个群是骗局", true)] // so does a line separator
    [InlineData("刷单日赚300﹗那个群是骗局", true)] // and a small-form ！, as the fold reads them
    [InlineData("刷单日赚300，不是骗局，加我", true)] // the advert's denial
    [InlineData("刷单日赚300，非诈骗平台", true)]
    [InlineData("刷单日赚300，没有任何诈骗", true)]
    [InlineData("刷单日赚300，拒绝诈骗", true)]
    [InlineData("刷单日赚300，不是骗局，但这就是诈骗", false)] // one phrase not negated is enough
    [InlineData("刷单日赚300，其他平台都是诈骗", true)] // said of the rivals: an advert's line
    [InlineData("刷单日赚300，别的导师都是骗局，跟我干", true)]
    [InlineData("其他同学注意，刷单日赚300都是诈骗", false)] // 其他 too far before the verdict
    public void A_phrase_of_unless_near_in_the_sentence_cancels_a_regex_hit_unless_it_is_negated(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.brushing"));
    }

    [Theory]
    [InlineData("招刷单兼职，私聊", true)]
    [InlineData("所谓刷单兼职都是诈骗", false)]
    [InlineData("刷单兼职不是骗局", true)]
    public void Unless_near_applies_to_terms(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.term"));
    }

    [Theory]
    [InlineData("有事打13812345678", true)]
    [InlineData("冒充客服的13812345678是诈骗电话", false)]
    [InlineData("警惕13812345678", false)]
    public void Unless_near_and_unless_preceded_by_apply_to_detectors(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.mobile"));
    }

    [Theory]
    [InlineData("跑分日结，加我", true)]
    [InlineData("跑分日结是违法的", false)] // the rule's own phrase
    [InlineData("跑分日结都是诈骗", true)] // its own list replaces the pack's
    [InlineData("警惕跑分日结", false)] // while the pack's unless_preceded_by still applies
    public void A_rule_s_own_list_replaces_its_pack_s(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.own"));
    }

    [Fact]
    public void A_phrase_far_away_in_a_long_sentence_does_not_count()
    {
        var text = "刷单日赚300，" + new string('好', DetectionEngine.NearReach + 10) + "都是诈骗";

        Assert.Contains(Detect(text).Hits, h => h.Rule.Id == "f.brushing");
    }

    [Fact]
    public void An_explanation_names_the_phrase_that_cancelled_a_hit()
    {
        var explained = MessageDetector.Explain(Packs.Value, "网上刷单日赚300，都是诈骗", "1", null);

        Assert.DoesNotContain(explained.Verdict.Hits, h => h.Rule.Id == "f.brushing");
        var miss = Assert.Single(explained.Misses, m => m.Rule.Id == "f.brushing");
        Assert.Equal(MissReason.Near, miss.Reason);
        Assert.Equal("诈骗", miss.Detail);
        Assert.Equal("刷单日赚300", miss.Matched);

        var preceded = Assert.Single(MessageDetector.Explain(Packs.Value, "警惕刷单日赚300", "1", null).Misses, m => m.Rule.Id == "f.brushing");
        Assert.Equal(MissReason.PrecededBy, preceded.Reason);
    }

    [Fact]
    public void A_message_of_notices_and_offers_is_read_through()
    {
        // Every match is cancelled and the next looked for: a long message of them ends with its
        // one plain offer found, each check reading at most its own sentence.
        var text = string.Concat(Enumerable.Repeat("警惕刷单日赚300，都是诈骗。", 5_000)) + "刷单日赚900";

        var hit = Assert.Single(Detect(text).Hits, h => h.Rule.Id == "f.brushing");

        Assert.Equal(text.Length - "刷单日赚900".Length, hit.Start);
    }

    [Fact]
    public void Past_its_budget_of_unless_near_checks_a_message_s_hit_counts()
    {
        // A message made of offers that each name a phrase (the sentences of 64K characters a
        // spammer could send to make every hit cost a fold) gives up looking after MaxNearChecks.
        const string offer = "刷单日赚300骗局";
        var text = string.Concat(Enumerable.Repeat(offer, 6_000));

        var hit = Assert.Single(Detect(text).Hits, h => h.Rule.Id == "f.brushing");

        Assert.Equal(DetectionEngine.MaxNearChecks * offer.Length, hit.Start);
        Assert.False(Detect("刷单日赚300骗局").Flagged); // the budget is per message
    }

    private static RuleSet Load(string yaml)
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", yaml);
        var loaded = RuleLoader.Load(dir.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return loaded.RuleSet!;
    }
}
