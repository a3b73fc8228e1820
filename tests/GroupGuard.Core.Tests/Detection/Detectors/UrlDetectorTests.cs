using GroupGuard.Core.Detection.Detectors;
using static GroupGuard.Core.Tests.Detection.Detectors.TestNumbers;

namespace GroupGuard.Core.Tests.Detection.Detectors;

public sealed class UrlDetectorTests
{
    private static readonly UrlDetector Detector = new();

    private static UrlDetector WithLists(string[] allow, string[] deny)
    {
        var detector = DetectorFactory.Create("url", allow, deny, TimeProvider.System, out var error);
        Assert.Null(error);
        return Assert.IsType<UrlDetector>(detector);
    }

    [Theory]
    [InlineData("https://example.com/a/b?c=1&d=2#top")]
    [InlineData("http://example.com")]
    [InlineData("HTTPS://Example.COM/Path")]
    [InlineData("http://1.2.3.4:8080/admin")]
    [InlineData("https://sub.domain.example.co.uk/x")]
    [InlineData("https://unknown-tld.example")] // with a scheme any top-level domain counts
    public void Links_with_a_scheme_are_found_whole(string link)
    {
        var match = Single(Detector, "点这里 " + link + " 领取");

        Assert.Equal(4, match.Start);
        Assert.Equal(link, match.Value);
    }

    [Theory]
    [InlineData("www.example.com")]
    [InlineData("WWW.Example.Com/index.html")]
    [InlineData("www.shop.anything")] // www. makes it a link whatever the top-level domain
    [InlineData("example.com/path")]
    [InlineData("abc.xyz")]
    [InlineData("ABC.COM")]
    [InlineData("t.me/somechannel")]
    [InlineData("bit.ly/3xYz")]
    [InlineData("a-b.top:8443/x")]
    public void Links_without_a_scheme_are_found(string link)
    {
        Assert.Equal(link, Single(Detector, link).Value);
    }

    [Theory]
    [InlineData("快来看abc.xyz领红包", "abc.xyz", 3)]
    [InlineData("【https://t.cn/abc】", "https://t.cn/abc", 1)]
    [InlineData("网址：www.abc.com，速来", "www.abc.com", 3)]
    [InlineData("（abc.top）", "abc.top", 1)]
    [InlineData("链接https://abc.com/path中文说明", "https://abc.com/path", 2)]
    [InlineData("“https://abc.com/x”", "https://abc.com/x", 1)]
    [InlineData("《example.com》", "example.com", 1)]
    [InlineData("官网:example.cn。", "example.cn", 3)]
    [InlineData("看https：//abc.com", "https：//abc.com", 1)] // full-width colon
    public void Chinese_text_and_punctuation_around_a_link_are_left_out(string text, string link, int start)
    {
        var match = Single(Detector, text);

        Assert.Equal(link, match.Value);
        Assert.Equal(start, match.Start);
    }

    [Theory]
    [InlineData("加我www。abc。com", "www。abc。com")]
    [InlineData("abc．xyz/a", "abc．xyz/a")]
    [InlineData("看abc。com吧", "abc。com")]
    public void Full_width_dots_in_the_host_are_still_a_link_reported_as_written(string text, string link)
    {
        Assert.Equal(link, Single(Detector, text).Value);
    }

    [Theory]
    [InlineData("see https://abc.com/x.", "https://abc.com/x")]
    [InlineData("go to abc.com.", "abc.com")]
    [InlineData("really? abc.com?", "abc.com")]
    [InlineData("(see https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [InlineData("(https://abc.com/x)", "https://abc.com/x")]
    [InlineData("<https://abc.com/x>", "https://abc.com/x")]
    [InlineData("\"https://abc.com/x\"", "https://abc.com/x")]
    [InlineData("[abc.com/x]", "abc.com/x")]
    public void Sentence_punctuation_and_closing_brackets_end_a_link(string text, string link)
    {
        Assert.Equal(link, Single(Detector, text).Value);
    }

    [Theory]
    [InlineData("报告在report.pdf里")]
    [InlineData("photo.jpg")]
    [InlineData("setup.exe")]
    [InlineData("run main.py first")]
    [InlineData("files.zip")]
    [InlineData("README.md")]
    [InlineData("升级到v1.2.3了")]
    [InlineData("1.2.3")]
    [InlineData("圆周率3.14159")]
    [InlineData("¥1999.00")]
    [InlineData("12:30见")]
    [InlineData("2026-11-26")]
    [InlineData("2026.11.26")]
    [InlineData("路由器192.168.1.1")]
    [InlineData("邮箱abc@qq.com")]
    [InlineData("ftp://files.example.com/x")]
    [InlineData("C:\\tools\\setup.com")]
    [InlineData("my_site.com")]
    [InlineData("e.g. this")]
    [InlineData("Node.js and Vue.js")]
    [InlineData("at work.Today is fine")]
    [InlineData("好的。谢谢。再见。")]
    [InlineData("ok。好")]
    [InlineData("...")]
    [InlineData("abc-.com")]
    public void Ordinary_dotted_things_are_not_links(string text)
    {
        Assert.Empty(Find(Detector, text));
    }

    [Fact]
    public void Several_links_are_found_in_text_order_with_their_positions()
    {
        var text = "a.com 和 https://b.xyz/p?q=1，还有www.c.net";

        var matches = Find(Detector, text);

        Assert.Equal(["a.com", "https://b.xyz/p?q=1", "www.c.net"], matches.Select(m => m.Value));
        Assert.Equal([0, 8, 30], matches.Select(m => m.Start));
    }

    [Fact]
    public void Allowed_domains_and_their_subdomains_are_not_reported()
    {
        var detector = WithLists(["example.com", "qq.com"], []);

        var matches = Find(detector, "https://example.com/x www.EXAMPLE.com a.b.example.com example。com im.qq.com "
            + "notexample.com example.com.evil.xyz");

        Assert.Equal(["notexample.com", "example.com.evil.xyz"], matches.Select(m => m.Value));
    }

    [Fact]
    public void A_wildcard_allows_subdomains_but_not_the_domain_itself()
    {
        var detector = WithLists(["*.example.com"], []);

        var matches = Find(detector, "a.example.com example.com");

        Assert.Equal(["example.com"], matches.Select(m => m.Value));
    }

    [Fact]
    public void With_deny_domains_only_those_hosts_are_reported()
    {
        var detector = WithLists([], ["evil.xyz", "*.bad.top"]);

        var matches = Find(detector, "evil.xyz sub.evil.xyz https://Evil.XYZ/x good.com bad.top x.bad.top notevil.xyz");

        Assert.Equal(["evil.xyz", "sub.evil.xyz", "https://Evil.XYZ/x", "x.bad.top"], matches.Select(m => m.Value));
    }

    [Fact]
    public void A_whole_top_level_domain_can_be_denied_and_allow_still_wins()
    {
        var detector = WithLists(["safe.xyz"], ["xyz"]);

        var matches = Find(detector, "a.xyz safe.xyz b.safe.xyz c.com");

        Assert.Equal(["a.xyz"], matches.Select(m => m.Value));
    }

    [Theory]
    [InlineData("https://ｅｖｉｌ.com/x")] // full-width letters
    [InlineData("https://𝐞𝐯𝐢𝐥.com/x")] // mathematical bold
    [InlineData("https://evil.ｃｏｍ/x")]
    [InlineData("https://e\u00ADvil.com/x")] // soft hyphen
    [InlineData("https://e\u200Bvil.com/x")] // zero-width space
    [InlineData("https://evil\u2060.com/x")] // word joiner
    [InlineData("ｅｖｉｌ.com/x")]
    [InlineData("https://sub.ｅ\u200Cｖｉｌ.com")]
    public void A_denied_host_is_read_as_a_browser_reads_it_and_reported_as_written(string link)
    {
        var detector = WithLists([], ["evil.com"]);

        var match = Single(detector, "看这个 " + link + " 快");

        Assert.Equal(4, match.Start);
        Assert.Equal(link, match.Value);
    }

    [Fact]
    public void A_label_begun_in_ascii_ends_at_chinese_text_after_a_scheme()
    {
        var detector = WithLists([], ["evil.com"]);

        Assert.Equal("https://evil.com", Single(detector, "快看https://evil.com看看").Value);
        Assert.Equal("https://ｅｖｉｌ.com", Single(detector, "快看https://ｅｖｉｌ.com看看").Value);
    }

    [Fact]
    public void An_internationalised_host_is_seen_and_judged_in_punycode()
    {
        var allowQq = WithLists(["qq.com"], []);
        Assert.Equal("http://例子.中国", Single(allowQq, "点 http://例子.中国 看").Value);
        Assert.Equal("https://bücher.de/a", Single(allowQq, "https://bücher.de/a").Value);

        // 例子.中国 is xn--fsqu00a.xn--fiqs8s to a browser, and to allow_domains.
        var allowIt = WithLists(["xn--fsqu00a.xn--fiqs8s"], []);
        Assert.Empty(Find(allowIt, "点 http://例子.中国 看 https://例子。中国/x"));

        var denyIt = WithLists([], ["xn--fiqs8s"]);
        Assert.Equal(["http://例子.中国"], Find(denyIt, "点 http://例子.中国 看 http://qq.com").Select(m => m.Value));
    }

    [Theory]
    [InlineData("例子.中国")] // letters beyond ASCII make a host only after a scheme
    [InlineData("好的。谢谢。")]
    [InlineData("ｖ１．２")]
    [InlineData("看\u200B。")]
    public void Chinese_text_with_dots_is_still_no_link(string text)
    {
        Assert.Empty(Find(Detector, text));
    }

    [Theory]
    [InlineData("http://qq.com@evil.com/x")] // the allowed name is only a user name
    [InlineData("https://qq.com:443@evil.com")]
    [InlineData("https://user:pw@evil.com/")]
    [InlineData("https://a@b.c@evil.com/x?y=1")] // the last @ ends the user name
    [InlineData("http://qq.com@Evil.COM:8080/x")]
    [InlineData("https://ｑｑ．ｃｏｍ@evil.com/x")]
    public void A_link_with_a_user_name_is_judged_by_the_host_after_it_and_reported_whole(string link)
    {
        var text = "看 " + link + " 快";
        var allowQq = WithLists(["qq.com"], []);
        var denyEvil = WithLists([], ["evil.com"]);

        var plain = Single(Detector, text);
        var notAllowed = Single(allowQq, text);
        var denied = Single(denyEvil, text);

        Assert.All([plain, notAllowed, denied], m => Assert.Equal((2, link), (m.Start, m.Value)));
    }

    [Theory]
    [InlineData("http://evil.com@qq.com/x")]
    [InlineData("https://user:pw@im.qq.com")]
    public void A_link_to_an_allowed_host_is_not_reported_whatever_user_name_it_carries(string link)
    {
        var allowQq = WithLists(["qq.com"], []);
        var denyEvil = WithLists([], ["evil.com"]);

        Assert.Empty(Find(allowQq, "看 " + link));
        Assert.Empty(Find(denyEvil, "看 " + link));
        Assert.Equal(link, Single(Detector, "看 " + link).Value);
    }

    [Theory]
    [InlineData("ASP.NET")]
    [InlineData("学ASP.NET Core要多久")]
    [InlineData("VB.NET开发")]
    [InlineData("用ADO.NET连数据库")]
    [InlineData("好的OK。me too")] // a sentence ended with 。, not a host
    [InlineData("Yes。me too")]
    public void Names_and_sentences_that_look_like_a_host_without_a_scheme_are_not_links(string text)
    {
        Assert.Empty(Find(Detector, text));
    }

    [Theory]
    [InlineData("WWW。XXX。COM", "WWW。XXX。COM")]
    [InlineData("看abc。com吧", "abc。com")]
    [InlineData("网址ABC。COM", "ABC。COM")]
    [InlineData("https://ASP.NET/x", "https://ASP.NET/x")] // with a scheme it is a link
    [InlineData("www.asp.net", "www.asp.net")]
    [InlineData("JD.com", "JD.com")]
    public void Hosts_written_in_one_case_or_with_a_scheme_or_www_stay_links(string text, string link)
    {
        Assert.Equal(link, Single(Detector, text).Value);
    }
}
