using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

public sealed class MessageDetectorTests
{
    private static RuleSet Load(string yaml)
    {
        using var dir = new TempFolder();
        dir.Write("pack.yaml", yaml);
        var result = RuleLoader.Load(dir.Path);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.RuleSet!;
    }

    private static readonly RuleSet Rules = Load("""
        pack: test
        category: ads
        action: recall
        rules:
          - id: t.contact
            terms: [加微信, VX]
          - id: t.english
            terms: [av]
          - id: t.site
            regex: 'https?://[^\s]*\.(xyz|top)'
        """);

    [Theory]
    [InlineData("快来加微信领红包", "t.contact", "加微信")]
    [InlineData("请加ＶＸ联系", "t.contact", "VX")] // full-width, upper case
    [InlineData("看 AV 吗", "t.english", "av")]
    [InlineData("戳 https://evil.XYZ/a", "t.site", "https://evil.xyz")]
    public void A_term_fires_after_width_and_case_folding(string text, string rule, string matched)
    {
        var verdict = MessageDetector.Detect(Rules, text, "1");

        var hit = Assert.Single(verdict.Hits);
        Assert.Equal(rule, hit.Rule.Id);
        Assert.Equal(matched, hit.Matched);
        Assert.Equal(Rules.Version, verdict.RuleSetVersion);
    }

    [Theory]
    [InlineData("I have a plan")] // av inside a word
    [InlineData("今天天气不错，微信支付可以用")]
    [InlineData("")]
    public void Ordinary_chat_is_not_flagged(string text)
    {
        Assert.False(MessageDetector.Detect(Rules, text, "1").Flagged);
    }

    [Fact]
    public void Each_rule_fires_once_however_many_of_its_terms_appear()
    {
        var verdict = MessageDetector.Detect(Rules, "加微信 加微信 vx av", "1");

        Assert.Equal(["t.contact", "t.english"], verdict.Hits.Select(h => h.Rule.Id).Order());
    }

    [Fact]
    public void A_pack_applies_only_to_its_groups()
    {
        var scoped = Load("""
            pack: scoped
            groups: ["100", "200"]
            rules:
              - id: s.word
                terms: [广告]
            """);
        var excluding = Load("""
            pack: excluding
            groups: ["!300"]
            rules:
              - id: e.word
                terms: [广告]
            """);

        Assert.True(MessageDetector.Detect(scoped, "广告", "100").Flagged);
        Assert.False(MessageDetector.Detect(scoped, "广告", "300").Flagged);
        Assert.True(MessageDetector.Detect(excluding, "广告", "100").Flagged);
        Assert.False(MessageDetector.Detect(excluding, "广告", "300").Flagged);
    }

    [Fact]
    public void Card_text_is_scanned_with_the_message()
    {
        var message = new ChatMessage
        {
            Platform = "qq",
            Protocol = "onebot.v11",
            BotId = "1",
            GroupId = "2",
            UserId = "3",
            MessageId = "4",
            Time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            Text = "看看这个",
            Cards = [new CardContent("json", "福利", "加微信领取", "https://example.com")],
        };

        var verdict = MessageDetector.Detect(Rules, message);

        Assert.Equal("t.contact", Assert.Single(verdict.Hits).Rule.Id);
    }
}
