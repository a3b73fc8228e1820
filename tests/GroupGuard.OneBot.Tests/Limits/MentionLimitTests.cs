using System.Text;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.OneBot.Parsing;
using GroupGuard.OneBot.Tests.Support;

namespace GroupGuard.OneBot.Tests.Limits;

public sealed class MentionLimitTests
{
    private const int Distinct = 3_000;

    private static IEnumerable<string> Users(int count) =>
        Enumerable.Range(0, count).Select(i => (1_000_000_000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static ChatMessage Accept(JsonObject node)
    {
        var result = Receivers.Create().ReceiveV11(node.Utf8(), null);
        Assert.True(result.StatusCode == 204, $"expected 204, got {result.StatusCode}: {result.Error}");
        return result.Event!.Message!;
    }

    [Fact]
    public void Fifty_five_thousand_distinct_mentions_keep_the_first_thousand_in_the_order_they_came()
    {
        // The size of the mention flood that held a request thread for seconds; it must finish
        // at once now, which the test run shows without timing it.
        var message = new MessageAccumulator();
        var users = Users(55_000).ToList();

        foreach (var user in users)
        {
            message.Mention(user);
            message.Mention(users[0]);
        }

        Assert.Equal(users.Take(OneBotLimits.MaxMentions), message.Mentions);
    }

    [Fact]
    public void A_cq_string_with_thousands_of_mentions_keeps_the_first_thousand_and_all_of_its_text()
    {
        var cq = new StringBuilder("加微信 ");
        foreach (var user in Users(Distinct))
        {
            cq.Append("[CQ:at,qq=").Append(user).Append("][CQ:at,qq=1000000000]");
        }

        cq.Append(" 领资料");
        var node = Samples.Node("V11/napcat-group-string.json");
        node["message"] = cq.ToString();

        var message = Accept(node);

        Assert.Equal(Users(OneBotLimits.MaxMentions), message.Mentions);
        Assert.Equal("加微信  领资料", message.Text);
    }

    [Fact]
    public void An_array_message_with_thousands_of_mentions_keeps_the_first_thousand_and_all_of_its_text()
    {
        var segments = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = "加微信 " } });
        foreach (var user in Users(Distinct).Reverse())
        {
            segments.Add(new JsonObject { ["type"] = "at", ["data"] = new JsonObject { ["qq"] = user } });
        }

        segments.Add(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = " 领资料" } });
        var node = Samples.Node("V11/napcat-group-array.json");
        node["message"] = segments;

        var message = Accept(node);

        Assert.Equal(Users(Distinct).Reverse().Take(OneBotLimits.MaxMentions), message.Mentions);
        Assert.Equal("加微信  领资料", message.Text);
    }
}
