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

    [Theory]
    [InlineData("self.platform", "wechat\u0000x")]
    [InlineData("self.user_id", "10001\u0000")]
    [InlineData("group_id", "123\r\n456")]
    [InlineData("user_id", "4\u00005\u00006")]
    [InlineData("message_id", "p\u007f1")]
    public void A_v12_id_or_platform_with_a_control_character_is_a_bad_request_naming_it(string field, string value)
    {
        var node = Samples.Node("V12/comwechat-group-mention.json");
        if (field.StartsWith("self.", StringComparison.Ordinal))
        {
            node["self"]![field["self.".Length..]] = value;
        }
        else
        {
            node[field] = value;
        }

        var result = Receivers.Create().ReceiveV12(node.Utf8(), null);

        Assert.Equal(400, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Equal($"field '{field}' holds a control character, which no id has", result.Error);
    }

    [Fact]
    public void A_v12_platform_over_32_characters_is_a_bad_request_and_one_of_32_is_read()
    {
        var node = Samples.Node("V12/comwechat-group-mention.json");
        node["self"]!["platform"] = new string('平', 3000);

        var result = Receivers.Create().ReceiveV12(node.Utf8(), null);

        Assert.Equal(400, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Equal("field 'self.platform' is longer than 32 characters", result.Error);

        node["self"]!["platform"] = new string('w', MessageLimits.MaxPlatformLength);
        Assert.Equal(new string('w', 32), Accepted(Receivers.Create().ReceiveV12(node.Utf8(), null)).Platform);
    }

    [Fact]
    public void A_v12_draft_platform_with_a_control_character_is_a_bad_request_naming_platform()
    {
        var node = Samples.Node("V12/comwechat-group-mention.json");
        node.Remove("self");
        node["platform"] = "wechat\n";
        node["self_id"] = "wxid_q8n3m2k1j0h9g8";

        var result = Receivers.Create().ReceiveV12(node.Utf8(), null);

        Assert.Equal(400, result.StatusCode);
        Assert.Equal("field 'platform' holds a control character, which no id has", result.Error);
    }

    [Fact]
    public void A_v12_heartbeat_with_a_control_character_in_its_platform_is_a_bad_request()
    {
        var node = Samples.Node("V12/comwechat-meta-heartbeat.json");
        node["self"] = new JsonObject { ["platform"] = "wechat\u0000", ["user_id"] = "wxid_q8n3m2k1j0h9g8" };

        Assert.Equal(400, Receivers.Create().ReceiveV12(node.Utf8(), null).StatusCode);
    }

    [Fact]
    public void A_mention_or_reply_target_with_a_control_character_is_dropped_and_the_message_still_read()
    {
        var node = Samples.Node("V12/comwechat-group-reply.json");
        var segments = node["message"]!.AsArray();
        segments[0]!["data"]!["message_id"] = "77\u0000";
        segments.Add(new JsonObject { ["type"] = "mention", ["data"] = new JsonObject { ["user_id"] = "wxid\nforged" } });

        var message = Accepted(Receivers.Create().ReceiveV12(node.Utf8(), null));

        Assert.Null(message.ReplyTo);
        Assert.Empty(message.Mentions);
        Assert.Equal("不加，八点下班", message.Text);
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
