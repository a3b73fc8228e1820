using GroupGuard.Core;
using GroupGuard.OneBot.Tests.Support;

namespace GroupGuard.OneBot.Tests.V12;

public sealed class V12EventTests
{
    private const string WeChatBot = "wxid_q8n3m2k1j0h9g8";
    private const string Room = "24583716290@chatroom";

    private static InboundEvent Accept(byte[] body, DateTimeOffset? now = null)
    {
        var result = Receivers.Create(now: now).ReceiveV12(body, null);
        Assert.True(result.StatusCode == 204, $"expected 204, got {result.StatusCode}: {result.Error}");
        Assert.Equal(Protocol.OneBotV12, result.Event!.Protocol);
        return result.Event;
    }

    private static ChatMessage GroupMessage(string sample, DateTimeOffset? now = null)
    {
        var inbound = Accept(Samples.Bytes(sample), now);
        Assert.Equal(InboundEventKind.GroupMessage, inbound.Kind);
        Assert.Equal("message.group", inbound.Detail);
        return inbound.Message!;
    }

    private static WebhookResult Receive(byte[] body) => Receivers.Create().ReceiveV12(body, null);

    [Fact]
    public void ComWeChat_group_message_with_mentions_maps_every_field()
    {
        var message = GroupMessage("V12/comwechat-group-mention.json");

        Assert.Equal("wechat", message.Platform);
        Assert.Equal(Protocol.OneBotV12, message.Protocol);
        Assert.Equal(WeChatBot, message.BotId);
        Assert.Equal(Room, message.GroupId);
        Assert.Null(message.GroupName);
        Assert.Equal("wxid_zhang9a8s7d", message.UserId);
        Assert.Equal(SenderRole.Unknown, message.SenderRole);
        Assert.Null(message.SenderName);
        Assert.Equal("7364829105738291645", message.MessageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1760360000), message.Time);
        Assert.Equal("今晚加班吗？", message.Text);
        Assert.Equal(["wxid_owner7x6c5v", "wxid_lisi4b3n2m"], message.Mentions);
        Assert.False(message.MentionsAll);
        Assert.Null(message.ReplyTo);
    }

    [Fact]
    public void ComWeChat_quote_is_a_reply()
    {
        var message = GroupMessage("V12/comwechat-group-reply.json");

        Assert.Equal("7364829105738291645", message.ReplyTo);
        Assert.Equal("不加，八点下班", message.Text);
        Assert.Empty(message.Mentions);
    }

    [Fact]
    public void ComWeChat_image_is_an_image_by_file_id()
    {
        var message = GroupMessage("V12/comwechat-group-image.json");

        Assert.Equal(new ImageRef("e30f9684-3d54-4f65-b2da-db291a477f16", null, null), Assert.Single(message.Images));
        Assert.Equal("", message.Text);
    }

    [Fact]
    public void ComWeChat_link_is_a_card()
    {
        var message = GroupMessage("V12/comwechat-group-link.json");

        var card = Assert.Single(message.Cards);
        Assert.Equal("wx.link", card.Kind);
        Assert.Equal("稳赚不赔的投资内参", card.Title);
        Assert.Equal("限时免费领取，名额有限", card.Description);
        Assert.StartsWith("http://mp.weixin.qq.com/s?__biz=", card.Url);
        Assert.Contains("稳赚不赔", message.ScanText);
    }

    [Fact]
    public void ComWeChat_mini_program_and_sticker_are_read()
    {
        var body = Samples.Node("V12/comwechat-group-image.json");
        body["message"] = System.Text.Json.Nodes.JsonNode.Parse("""
            [{"type":"wx.app","data":{"appid":"wx1234","title":"肯德基疯狂星期四","url":"https://kfc.example/"}},
             {"type":"wx.emoji","data":{"file_id":"emoji-1"}}]
            """);

        var message = Accept(body.Utf8()).Message!;

        Assert.Equal(new CardContent("wx.app", "肯德基疯狂星期四", null, "https://kfc.example/"), Assert.Single(message.Cards));
        Assert.Equal("emoji-1", Assert.Single(message.Images).File);
    }

    [Fact]
    public void The_bots_own_group_message_is_its_own()
    {
        var inbound = Accept(Samples.Bytes("V12/comwechat-group-self.json"));

        Assert.Equal(InboundEventKind.OwnMessage, inbound.Kind);
        Assert.Equal(WeChatBot, inbound.BotId);
        Assert.Equal("收到，已记录", inbound.Message!.Text);
    }

    [Fact]
    public void A_private_message_is_ignored()
    {
        var inbound = Accept(Samples.Bytes("V12/comwechat-private.json"));

        Assert.Equal(InboundEventKind.Ignored, inbound.Kind);
        Assert.Equal("message.private", inbound.Detail);
        Assert.Equal(WeChatBot, inbound.BotId);
        Assert.Null(inbound.Message);
    }

    [Theory]
    [InlineData("V12/comwechat-meta-heartbeat.json", "meta.heartbeat")]
    [InlineData("V12/comwechat-meta-connect.json", "meta.connect")]
    public void Meta_events_are_meta(string sample, string detail)
    {
        var inbound = Accept(Samples.Bytes(sample));

        Assert.Equal(InboundEventKind.Meta, inbound.Kind);
        Assert.Equal(detail, inbound.Detail);
        Assert.Null(inbound.BotId); // v12 meta events carry no self
        Assert.Null(inbound.Message);
    }

    [Fact]
    public void Notices_and_requests_are_ignored()
    {
        var notice = Accept(Samples.Utf8("""
            {"id":"1","time":1760360500,"type":"notice","detail_type":"group_member_increase","sub_type":"join",
             "self":{"platform":"wechat","user_id":"wxid_q8n3m2k1j0h9g8"},"group_id":"24583716290@chatroom","user_id":"wxid_new","operator_id":""}
            """));

        Assert.Equal(InboundEventKind.Ignored, notice.Kind);
        Assert.Equal("notice.group_member_increase.join", notice.Detail);
        Assert.Equal(WeChatBot, notice.BotId);
    }

    [Fact]
    public void Spec_group_message_reads_fractional_time_to_the_millisecond_and_every_segment()
    {
        // The specification's example is from 2021.
        var message = GroupMessage("V12/spec-group-mixed.json", now: DateTimeOffset.FromUnixTimeSeconds(1632847927 + 60));

        Assert.Equal("qq", message.Platform);
        Assert.Equal("123234", message.BotId);
        Assert.Equal("12467", message.GroupId);
        Assert.Equal("123456788", message.UserId);
        Assert.Equal("6283", message.MessageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1632847927599), message.Time);
        Assert.Equal(" OneBot is not a bot", message.Text);
        Assert.Equal(["123456789"], message.Mentions);
        Assert.True(message.MentionsAll);
        Assert.Equal("6280", message.ReplyTo);
        Assert.Equal(new ImageRef("e30f9684-3d54-4f65-b2da-db291a477f16", "https://example.com/e30f9684.jpg", null), Assert.Single(message.Images));
    }

    [Fact]
    public void A_draft_event_with_top_level_platform_and_self_id_is_read()
    {
        var message = GroupMessage("V12/walle-draft-group.json", now: DateTimeOffset.FromUnixTimeSeconds(1655546254 + 60));

        Assert.Equal("qq", message.Platform);
        Assert.Equal("3889012345", message.BotId);
        Assert.Equal("周末羽毛球群", message.GroupName);
        Assert.Equal("运营-小明", message.SenderName);
        Assert.Equal("周六见", message.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1655546254580), message.Time);
    }

    [Fact]
    public void Platform_is_lowercased_and_numeric_ids_are_accepted()
    {
        var body = Samples.Node("V12/comwechat-group-mention.json");
        body["self"]!["platform"] = "WeChat";
        body["message_id"] = 7364829105738291645;
        body["user_id"] = 42;

        var message = Accept(body.Utf8()).Message!;

        Assert.Equal("wechat", message.Platform);
        Assert.Equal("7364829105738291645", message.MessageId);
        Assert.Equal("42", message.UserId);
    }

    [Fact]
    public void Alt_message_stands_in_when_message_is_missing()
    {
        var body = Samples.Node("V12/comwechat-group-reply.json");
        body.Remove("message");

        Assert.Equal("[reply:message_id=7364829105738291645,user_id=wxid_zhang9a8s7d]不加，八点下班", Accept(body.Utf8()).Message!.Text);
    }

    [Theory]
    [InlineData("[]", "body is not a JSON object")]
    [InlineData("{\"type\":", "malformed JSON: ")]
    [InlineData("{\"detail_type\":\"group\"}", "missing field 'type'")]
    [InlineData("{\"type\":\"message\",\"self\":{\"platform\":\"wechat\",\"user_id\":\"b\"}}", "missing field 'detail_type'")]
    public void Malformed_bodies_are_bad_requests(string json, string reason)
    {
        var result = Receive(Samples.Utf8(json));

        Assert.Equal(400, result.StatusCode);
        Assert.Contains(reason, result.Error);
        Assert.Null(result.Event);
    }

    [Theory]
    [InlineData("今晚加班吗？")] // a text segment
    [InlineData("wxid_lisi4b3n2m")] // a mention
    [InlineData("wechat")] // self.platform
    public void A_lone_surrogate_escape_in_a_string_is_read_as_a_replacement_character(string replaced)
    {
        // Half an emoji (a sender that cut a string by UTF-16 units): read as �, not a refusal.
        var json = System.Text.Encoding.UTF8.GetString(Samples.Bytes("V12/comwechat-group-mention.json"));

        var result = Receive(Samples.Utf8(json.Replace(replaced, "x\\ud83d", StringComparison.Ordinal)));

        Assert.Equal(204, result.StatusCode);
        var message = result.Event!.Message!;
        Assert.Contains("x\uFFFD", string.Join('|', [message.Text, message.Platform, .. message.Mentions]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("group_id", "missing field 'group_id'")]
    [InlineData("user_id", "missing field 'user_id'")]
    [InlineData("message_id", "missing field 'message_id'")]
    [InlineData("time", "missing field 'time'")]
    [InlineData("self", "missing field 'self.user_id'")]
    public void A_group_message_missing_a_required_field_names_it(string field, string reason)
    {
        var body = Samples.Node("V12/comwechat-group-mention.json");
        body.Remove(field);

        var result = Receive(body.Utf8());

        Assert.Equal(400, result.StatusCode);
        Assert.Contains(reason, result.Error);
    }

    [Fact]
    public void A_group_message_without_platform_is_a_bad_request()
    {
        var body = Samples.Node("V12/comwechat-group-mention.json");
        body["self"]!.AsObject().Remove("platform");

        var result = Receive(body.Utf8());

        Assert.Equal(400, result.StatusCode);
        Assert.Contains("'self.platform'", result.Error);
    }

    [Fact]
    public void A_group_message_with_neither_message_nor_alt_message_is_a_bad_request()
    {
        var body = Samples.Node("V12/comwechat-group-mention.json");
        body.Remove("message");
        body.Remove("alt_message");

        var result = Receive(body.Utf8());

        Assert.Equal(400, result.StatusCode);
        Assert.Contains("missing field 'message'", result.Error);
    }
}
