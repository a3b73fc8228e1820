using System.Text.RegularExpressions;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// A rule's regex lets go of what building it left behind (about 110 MB for the shipped packs), and
/// matches exactly as a regex that kept it.
/// </summary>
public sealed class RegexBuildCachesTests
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    [Fact]
    public void On_this_runtime_the_build_caches_are_found_and_released_once()
    {
        var regex = new Regex("(?:出售|收购|代开|批发)[^\\n]{0,20}?(?:发票|银行卡|公民信息)[^\\n]{0,30}?(?:加|联系|私聊)\\s*(?:微信|qq|vx)", Options);

        // Thousands of memoized set operations: a newer runtime that stops finding them fails here,
        // which is the time to look at RegexBuildCaches again (the rules' memory grows back, nothing else).
        Assert.True(RegexBuildCaches.Release(regex) > 1_000);
        Assert.Equal(0, RegexBuildCaches.Release(regex));
        Assert.Equal(0, RegexBuildCaches.Release(new Regex("a+b", RegexOptions.CultureInvariant)));

        // A pattern of few character classes gets the engine's smaller kind of matcher: found too.
        Assert.True(RegexBuildCaches.Release(new Regex("a[0-9]+", Options)) > 0);

        var match = regex.Match("低价出售各行业发票，需要的联系 微信 abc");
        Assert.Equal("出售各行业发票，需要的联系 微信", match.Value);
    }

    [Fact]
    public void Every_shipped_regex_matches_as_one_that_kept_its_caches()
    {
        var rules = RuleLoader.Load(RuleLoaderTests.FindRepoFolder("rules")).RuleSet!;
        var regexes = rules.Rules.Where(r => r.Regex is not null).Select(r => r.Regex!).Distinct().ToList();
        Assert.True(regexes.Count >= 10, $"the shipped packs have {regexes.Count} regex rules");

        var lines = Directory.GetFiles(RuleLoaderTests.FindRepoFolder(Path.Combine("tools", "fixtures")))
            .SelectMany(File.ReadLines)
            .Concat(["加我微信 abc123 日赚500", "出售 银行卡，联系 vx：ab12", "百家乐 上线 送彩金 联系 qq 123456", "全场8折，欢迎到店选购"])
            .ToList();

        var matched = 0;
        foreach (var released in regexes)
        {
            // The loader released this one's caches; its twin is built here and keeps them.
            var kept = new Regex(released.ToString(), Options);
            Assert.Equal(0, RegexBuildCaches.Release(released));
            foreach (var line in lines)
            {
                var a = released.Matches(line).Select(m => (m.Index, m.Length)).ToList();
                var b = kept.Matches(line).Select(m => (m.Index, m.Length)).ToList();
                Assert.True(b.SequenceEqual(a), $"{released} on \"{line}\"");
                matched += a.Count;
            }
        }

        Assert.True(matched > 100, $"{matched} matches: the comparison must cover lines that match");
    }
}
