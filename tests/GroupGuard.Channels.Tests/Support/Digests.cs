using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Channels.Tests.Support;

internal static class Digests
{
    public static readonly DateTimeOffset PeriodEnd = new(2024, 5, 2, 8, 0, 0, TimeSpan.FromHours(8));

    public static DigestDocument Sample(string? markdown = null, string? text = null, string leader = "王经理") => new(
        leader,
        PeriodEnd.AddDays(-1),
        PeriodEnd,
        "群管日报 5月1日：3 起违规",
        markdown ?? "## 群管日报\n- 测试群：广告 2 起，已撤回\n- 闲聊群：辱骂 1 起，已禁言\n",
        text ?? "群管日报\n测试群：广告 2 起，已撤回\n闲聊群：辱骂 1 起，已禁言\n",
        "<h2>群管日报</h2><ul><li>测试群：广告 2 起，已撤回</li><li>闲聊群：辱骂 1 起，已禁言</li></ul>",
        [1, 2, 3]);

    /// <summary>Numbered Chinese lines (three UTF-8 bytes a character) until at least <paramref name="bytes"/> bytes.</summary>
    public static string ChineseLines(int bytes)
    {
        var builder = new StringBuilder();
        for (var i = 1; Encoding.UTF8.GetByteCount(builder.ToString()) < bytes; i++)
        {
            builder.Append("- 第").Append(i).Append("条：测试群成员发布违规广告，已撤回并禁言十分钟。\n");
        }

        return builder.ToString();
    }

    /// <summary>
    /// Lines of Chinese (three UTF-8 bytes a character), <paramref name="chars"/> characters in all,
    /// line ends included: the lines of a digest of many incidents.
    /// </summary>
    public static string ChineseChars(int chars)
    {
        const string Line = "测试群成员发布违规广告已撤回并禁言十分钟\n";
        var builder = new StringBuilder(chars + Line.Length);
        while (builder.Length < chars)
        {
            builder.Append(Line);
        }

        return builder.ToString(0, chars);
    }

    /// <summary>The daily digest GroupGuard makes for a leader named <paramref name="leader"/>, of a quiet day.</summary>
    public static DigestDocument Built(string leader) => DigestBuilder.Build(new DigestInput(
        new LeaderOptions { Name = leader, Groups = ["123456"] },
        PeriodEnd.AddDays(-1),
        PeriodEnd,
        TimeZoneInfo.Utc,
        [],
        100,
        null,
        new DigestHealth([], 0, [], []))
    {
        Cadence = DigestCadence.Daily, // a leader's daily digest, as its schedule sends it
    });

    /// <summary>A nickname a member chose to plant a link in the leader's digest.</summary>
    public const string HostileSender = "[点这里领红包](http://evil.example/a)";

    /// <summary>A digest made by GroupGuard from one incident whose member and group names and message carry markup.</summary>
    /// <param name="consoleUrl">The console's public address the digest links its messages to (none: no links).</param>
    public static DigestDocument Hostile(string? consoleUrl = null) => DigestBuilder.Build(new DigestInput(
        new LeaderOptions { Name = "王经理", Groups = ["123456"] },
        PeriodEnd.AddDays(-1),
        PeriodEnd,
        TimeZoneInfo.Utc,
        [
            Incidents.Of(
                "m1",
                time: PeriodEnd.AddHours(-2),
                severity: Severity.High,
                groupName: "家长群\n### 紧急通知",
                user: "666",
                senderName: HostileSender,
                matchedTerm: "领红包",
                text: "<at user_id=\"all\"></at> ![码](http://evil.example/qr.png)",
                id: 1),
        ],
        100,
        null,
        new DigestHealth([], 0, [], []))
    {
        ConsoleUrl = consoleUrl,
    });

    public static readonly NullLogger Log = NullLogger.Instance;
}
