using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// <c>allow_domains</c> on a regex rule: bait words beside a link of the platform's own page are
/// shared every day, beside a look-alike host they are phishing. The host decides, read as the
/// <c>url</c> detector reads it, not a phrase the message happens to hold.
/// </summary>
public sealed class RegexAllowDomainsTests
{
    private static readonly Lazy<RuleSet> Packs = new(() => Load("""
        pack: f
        rules:
          - id: f.bait
            regex: '领取?[^\n]{0,8}?红包[^\n]{0,40}?(https?://|www\.)[a-z0-9.-]*'
            allow_domains: [qq.com, "*.tb.cn"]
          - id: f.words
            regex: '领取?[^\n]{0,8}?红包[^\n]{0,40}?(https?://|www\.)[a-z0-9.-]*'
            unless_near: [qq.com]
        """));

    private static Verdict Detect(string text) => MessageDetector.Detect(Packs.Value, text, "1");

    [Theory]
    [InlineData("点击领取红包 https://mp.weixin.qq.com/s/abc", false)] // the platform's page
    [InlineData("点击领取红包 https://qq.com/a", false)]
    [InlineData("领红包 https://m.tb.cn/h.5xyz", false)] // *.tb.cn: a subdomain
    [InlineData("领红包 https://tb.cn/h.5xyz", true)] // *.tb.cn leaves tb.cn itself out
    [InlineData("点击领取红包 https://qq.com.evil.top/hb", true)] // the host ends elsewhere
    [InlineData("点击领取红包 https://evilqq.com/hb", true)] // not a subdomain
    [InlineData("点击领取红包 http://qq.com@evil.top/hb", true)] // the host after the user name
    [InlineData("点击领取红包 https://ｅｖｉｌ.top/hb，详见qq.com", true)] // full-width letters, and qq.com as a word
    [InlineData("点击领取红包 https://qq.com/a 和 https://evil.top/b", true)] // a link off the list in its sentence
    [InlineData("领取红包 https://qq.com/a。另外 https://evil.top/b 是我的博客", false)] // the other link in another sentence
    [InlineData("点击领取红包 www.qq.com", false)]
    [InlineData("点击领取红包 WWW.QQ.COM", false)] // any case
    public void A_match_counts_unless_each_link_in_it_is_on_the_list(string text, bool flagged)
    {
        Assert.Equal(flagged, Detect(text).Hits.Any(h => h.Rule.Id == "f.bait"));
    }

    [Fact]
    public void A_phrase_nearby_cannot_tell_the_hosts_apart_where_allow_domains_can()
    {
        var phishing = Detect("点击领取红包 https://qq.com.evil.top/hb");

        Assert.DoesNotContain(phishing.Hits, h => h.Rule.Id == "f.words"); // unless_near reads the words
        Assert.Contains(phishing.Hits, h => h.Rule.Id == "f.bait");
    }

    [Fact]
    public void Explain_names_the_allowed_link()
    {
        var explained = MessageDetector.Explain(Packs.Value, "点击领取红包 https://mp.weixin.qq.com/s/abc 快", "1");

        var miss = Assert.Single(explained.Misses, m => m.Rule.Id == "f.bait");
        Assert.Equal(MissReason.AllowedDomain, miss.Reason);
        Assert.Equal("https://mp.weixin.qq.com/s/abc", miss.Detail);
    }

    [Fact]
    public void Many_allowed_links_in_one_message_are_read_once_and_none_counts()
    {
        var text = string.Concat(Enumerable.Repeat("领红包 https://qq.com/a ", 300));

        var verdict = Detect(text);

        Assert.DoesNotContain(verdict.Hits, h => h.Rule.Id == "f.bait");
        Assert.Contains(Detect(text + "领红包 https://evil.top/a").Hits, h => h.Rule.Id == "f.bait");
    }

    [Theory]
    [InlineData("    allow_domains: [https://qq.com]\n", 5, "allow_domains: 'https://qq.com' must be a domain without a scheme")]
    [InlineData("    deny_domains: [evil.top]\n", 5, "deny_domains goes with 'detector: url'; a regex takes allow_domains")]
    public void A_wrong_domain_list_on_a_regex_is_an_error_on_its_line(string line, int lineNumber, string message)
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.bait\n    regex: '红包[^\\n]{0,9}http'\n" + line);

        var loaded = RuleLoader.Load(dir.Path);

        Assert.False(loaded.Succeeded);
        var error = Assert.Single(loaded.Errors);
        Assert.Equal(lineNumber, error.Line);
        Assert.Contains("rule 'p.bait'", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allow_domains_on_terms_still_says_where_it_goes()
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.t\n    terms: [红包]\n    allow_domains: [qq.com]\n");

        var loaded = RuleLoader.Load(dir.Path);

        var error = Assert.Single(loaded.Errors);
        Assert.Equal(5, error.Line);
        Assert.Contains("allow_domains and deny_domains go with 'detector: url' (allow_domains with a regex too)", error.Message, StringComparison.Ordinal);
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
