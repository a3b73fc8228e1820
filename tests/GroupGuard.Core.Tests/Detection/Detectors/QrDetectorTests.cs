using GroupGuard.Core.Detection;
using GroupGuard.Core.Images;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection.Detectors;

/// <summary>The qr detector: what a payload is, that it fires on QR payloads only, and its kinds in a pack.</summary>
public sealed class QrDetectorTests
{
    private const string Pack = """
        pack: ads
        action: recall
        rules:
          - id: ads.qr-wechat-group
            detector: qr
            kinds: [wechat_group, wechat_contact]
          - id: ads.qr-payment
            detector: qr
            kinds: [payment]
            action: log
          - id: ads.qr-any
            detector: qr
            mode: shadow
          - id: ads.bad-links
            detector: url
            deny_domains: [evil.xyz]
          - id: ads.contact
            terms: [加微信]
        """;

    [Theory]
    [InlineData("https://weixin.qq.com/g/AQYAAHk5bmUZJ3xN", QrKind.WeChatGroup)]
    [InlineData("http://WEIXIN.QQ.COM/g/AQYAAHk5", QrKind.WeChatGroup)]
    [InlineData("https://work.weixin.qq.com/gm/3f2a1b", QrKind.WeChatGroup)]
    [InlineData("https://u.wechat.com/MBp0Hk9q3x8c", QrKind.WeChatContact)]
    [InlineData("https://weixin.qq.com/r/mp/Xy1z", QrKind.WeChatContact)]
    [InlineData("https://work.weixin.qq.com/u/vc12ab", QrKind.WeChatContact)]
    [InlineData("wxp://f2f0Xy8L4kPq2m9R", QrKind.Payment)]
    [InlineData("WXP://F2F0XY8L4KPQ", QrKind.Payment)]
    [InlineData("https://qr.alipay.com/fkx04812zkq3", QrKind.Payment)]
    [InlineData("HTTPS://QR.ALIPAY.COM/FKX04812ZKQ3", QrKind.Payment)]
    [InlineData("https://qr.95516.com/00010000/0123", QrKind.Payment)]
    [InlineData("https://wx.tenpay.com/f2f?t=AQAAAB", QrKind.Payment)]
    [InlineData("https://weixin.qq.com/x/other", QrKind.Url)]
    [InlineData("https://qm.qq.com/q/AbCdEf", QrKind.Url)]
    [InlineData("https://www.example.com/menu?table=12", QrKind.Url)]
    [InlineData("https://weixin.qq.com.evil.xyz/g/AQ", QrKind.Url)]
    [InlineData("WIFI:S:home;T:WPA;P:secret;;", QrKind.Text)]
    [InlineData("BEGIN:VCARD\nFN:张三\nTEL:13800138000\nEND:VCARD", QrKind.Text)]
    [InlineData("weixin.qq.com/g/AQ", QrKind.Text)]
    public void A_payload_is_classified_by_its_scheme_host_and_path(string payload, QrKind kind) =>
        Assert.Equal(kind, QrPayloads.Classify(payload));

    [Fact]
    public void A_wechat_group_code_fires_the_group_rule_and_any_but_not_payment()
    {
        var rules = Load(Pack);

        var hits = MessageDetector.Detect(rules, Pictures.WeChatGroup, "123456", TextOrigin.QrCode).Hits;

        Assert.Equal(["ads.qr-any", "ads.qr-wechat-group"], hits.Select(h => h.Rule.Id).Order(StringComparer.Ordinal));
        Assert.All(hits, h => Assert.Equal((0, Pictures.WeChatGroup.Length, Pictures.WeChatGroup), (h.Start, h.Length, h.Matched)));
    }

    [Fact]
    public void A_payment_code_fires_the_payment_rule()
    {
        var rules = Load(Pack);

        var hits = MessageDetector.Detect(rules, Pictures.Alipay, "123456", TextOrigin.QrCode).Hits;

        Assert.Contains(hits, h => h.Rule.Id == "ads.qr-payment");
        Assert.DoesNotContain(hits, h => h.Rule.Id == "ads.qr-wechat-group");
    }

    [Fact]
    public void Typed_text_never_fires_a_qr_rule_however_like_a_code_it_is()
    {
        var rules = Load(Pack);

        var hits = MessageDetector.Detect(rules, $"群二维码过期了，链接 {Pictures.WeChatGroup} 还能进，付款 {Pictures.WeChatPay}", "123456").Hits;

        Assert.DoesNotContain(hits, h => h.Rule.DetectorName == "qr");
    }

    [Fact]
    public void A_payload_that_no_other_rule_looks_at_still_meets_the_qr_rules()
    {
        // Typed chat with no literal of any rule takes the early way out; a payload does not.
        var rules = Load(Pack);
        const string Wifi = "WIFI:S:home;T:WPA;P:secret;;";

        var payload = MessageDetector.Detect(rules, Wifi, "123456", TextOrigin.QrCode).Hits;
        var typed = MessageDetector.Detect(rules, Wifi, "123456");

        Assert.Equal(["ads.qr-any"], payload.Select(h => h.Rule.Id));
        Assert.False(typed.Flagged);
    }

    [Fact]
    public void Text_read_off_a_picture_never_fires_a_qr_rule_but_meets_the_others()
    {
        var rules = Load(Pack);

        var hits = MessageDetector.Detect(rules, $"加微信 abc123 领红包 {Pictures.WeChatGroup} https://evil.xyz/pay?id=1", "123456", TextOrigin.PictureText).Hits;

        Assert.DoesNotContain(hits, h => h.Rule.DetectorName == "qr");
        Assert.Contains(hits, h => h.Rule.Id == "ads.contact");
        Assert.Contains(hits, h => h.Rule.Id == "ads.bad-links");
    }

    [Fact]
    public void A_codes_payload_meets_the_other_rules_like_text()
    {
        var rules = Load(Pack);

        var link = MessageDetector.Detect(rules, "https://evil.xyz/pay?id=1", "123456", TextOrigin.QrCode).Hits;
        var text = MessageDetector.Detect(rules, "加微信 abc123 领红包", "123456", TextOrigin.QrCode).Hits;

        Assert.Contains(link, h => h.Rule.Id == "ads.bad-links");
        Assert.Contains(text, h => h.Rule.Id == "ads.contact");
        Assert.Contains(text, h => h.Rule.Id == "ads.qr-any");
    }

    [Fact]
    public void Kinds_are_checked_with_file_and_line()
    {
        using var dir = new TempFolder();
        dir.Write("qr.yaml", """
            pack: qr
            rules:
              - id: qr.one
                detector: qr
                kinds: [wechat_group, qq_group]
              - id: qr.two
                detector: url
                kinds: [url]
              - id: qr.three
                terms: [加微信]
                kinds: [any]
              - id: qr.four
                detector: qr
                kinds: []
              - id: qr.five
                detector: qr
                deny_domains: [evil.xyz]
            """);

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var errors = result.Errors.Select(e => $"{Path.GetFileName(e.Path)}:{e.Line}: {e.Message}").ToList();
        Assert.Contains(errors, e => e.StartsWith("qr.yaml:5:", StringComparison.Ordinal) && e.Contains("unknown QR kind 'qq_group' (known: any, wechat_group, wechat_contact, payment, url)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("qr.yaml:8:", StringComparison.Ordinal) && e.Contains("kinds applies only to detector: qr, not url", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("qr.yaml:11:", StringComparison.Ordinal) && e.Contains("kinds go with 'detector: qr'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("qr.yaml:14:", StringComparison.Ordinal) && e.Contains("'kinds' is empty", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("qr.yaml:16:", StringComparison.Ordinal) && e.Contains("allow_domains and deny_domains apply only to detector: url", StringComparison.Ordinal));
    }

    private static RuleSet Load(string pack)
    {
        using var dir = new TempFolder();
        dir.Write("ads.yaml", pack);
        var result = RuleLoader.Load(dir.Path);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.RuleSet!;
    }
}
