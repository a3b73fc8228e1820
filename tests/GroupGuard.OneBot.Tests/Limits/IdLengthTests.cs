using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.OneBot.Tests.Support;

namespace GroupGuard.OneBot.Tests.Limits;

public sealed class IdLengthTests
{
    private static readonly string TooLong = new('9', OneBotLimits.MaxIdLength + 1);
    private static readonly string Longest = new('9', OneBotLimits.MaxIdLength);

    private static void AssertNamed(WebhookResult result, string field)
    {
        Assert.Equal(400, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Equal($"field '{field}' is longer than 64 characters", result.Error);
    }

    private static ChatMessage Accepted(WebhookResult result)
    {
        Assert.True(result.StatusCode == 204, $"expected 204, got {result.StatusCode}: {result.Error}");
        return result.Event!.Message!;
    }

    [Theory]
    [InlineData("self_id")]
    [InlineData("group_id")]
    [InlineData("user_id")]
    [InlineData("message_id")]
    public void A_v11_group_message_with_an_id_over_64_characters_is_a_bad_request_naming_it(string field)
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node[field] = TooLong;

        AssertNamed(Receivers.Create().ReceiveV11(node.Utf8(), null), field);
    }

    [Theory]
    [InlineData("group_id", "123\u0000456")]
    [InlineData("user_id", "2\u00002")]
    [InlineData("message_id", "77\n")]
    public void A_v11_id_with_a_control_character_is_a_bad_request_naming_it(string field, string id)
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node[field] = id;

        var result = Receivers.Create().ReceiveV11(node.Utf8(), null);

        Assert.Equal(400, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Equal($"field '{field}' holds a control character, which no id has", result.Error);
    }

    [Fact]
    public void A_v11_heartbeat_from_a_bot_id_over_64_characters_is_a_bad_request()
    {
        var node = Samples.Node("V11/napcat-heartbeat.json");
        node["self_id"] = TooLong;

        AssertNamed(Receivers.Create().ReceiveV11(node.Utf8(), null), "self_id");
    }

    [Fact]
    public void An_id_of_exactly_64_characters_is_accepted()
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node["group_id"] = Longest;

        Assert.Equal(Longest, Accepted(Receivers.Create().ReceiveV11(node.Utf8(), null)).GroupId);
    }

    [Fact]
    public void A_v11_mention_or_reply_target_over_64_characters_is_dropped_and_the_message_still_read()
    {
        var node = Samples.Node("V11/napcat-rich-array.json");
        var segments = node["message"]!.AsArray();
        segments[0]!["data"]!["id"] = TooLong;
        segments[1]!["data"]!["qq"] = TooLong;
        segments.Add(new JsonObject { ["type"] = "at", ["data"] = new JsonObject { ["qq"] = "2854196310" } });

        var message = Accepted(Receivers.Create().ReceiveV11(node.Utf8(), null));

        Assert.Null(message.ReplyTo);
        Assert.Equal(["2854196310"], message.Mentions);
        Assert.Contains("看这个", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cq_mention_of_a_huge_number_is_dropped()
    {
        var node = Samples.Node("V11/napcat-group-string.json");
        node["message"] = $"hi[CQ:at,qq={TooLong}][CQ:reply,id={TooLong}]";

        var message = Accepted(Receivers.Create().ReceiveV11(node.Utf8(), null));

        Assert.Empty(message.Mentions);
        Assert.Null(message.ReplyTo);
    }

    [Theory]
    [InlineData("group_id")]
    [InlineData("user_id")]
    [InlineData("message_id")]
    public void A_v12_group_message_with_an_id_over_64_characters_is_a_bad_request_naming_it(string field)
    {
        var node = Samples.Node("V12/comwechat-group-mention.json");
        node[field] = TooLong;

        AssertNamed(Receivers.Create().ReceiveV12(node.Utf8(), null), field);
    }

    [Fact]
    public void A_v12_bot_id_over_64_characters_is_a_bad_request_naming_self_user_id()
    {
        var node = Samples.Node("V12/comwechat-meta-heartbeat.json");
        node["self"] = new JsonObject { ["platform"] = "wechat", ["user_id"] = TooLong };

        AssertNamed(Receivers.Create().ReceiveV12(node.Utf8(), null), "self.user_id");
    }

    [Fact]
    public void A_v12_draft_bot_id_over_64_characters_is_a_bad_request_naming_self_id()
    {
        var node = Samples.Node("V12/comwechat-group-mention.json");
        node.Remove("self");
        node["platform"] = "wechat";
        node["self_id"] = TooLong;

        AssertNamed(Receivers.Create().ReceiveV12(node.Utf8(), null), "self_id");
    }

    [Fact]
    public void A_v12_mention_or_reply_target_over_64_characters_is_dropped()
    {
        var node = Samples.Node("V12/comwechat-group-reply.json");
        var segments = node["message"]!.AsArray();
        segments[0]!["data"]!["message_id"] = TooLong;
        segments.Add(new JsonObject { ["type"] = "mention", ["data"] = new JsonObject { ["user_id"] = TooLong } });

        var message = Accepted(Receivers.Create().ReceiveV12(node.Utf8(), null));

        Assert.Null(message.ReplyTo);
        Assert.Empty(message.Mentions);
        Assert.Equal("不加，八点下班", message.Text);
    }
}
