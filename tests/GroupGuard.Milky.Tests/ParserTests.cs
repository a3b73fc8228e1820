using System.Text;
using GroupGuard.Core;
using GroupGuard.Milky.Parsing;
using GroupGuard.Milky.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Milky.Tests;

/// <summary>Milky events as the spec writes them, read into what moderation sees; and what is refused, with a reason.</summary>
public sealed class ParserTests
{
    private readonly FakeTimeProvider _clock = new(Samples.Stamped.AddMinutes(5));

    private MilkyWebhookResult Parse(string json) => new MilkyEventParser(_clock).Parse(Encoding.UTF8.GetBytes(json));

    private MilkyWebhookResult ParseSample(string name) => new MilkyEventParser(_clock).Parse(Samples.Bytes(name));

    [Fact]
    public void Half_an_emoji_in_a_message_is_read_as_a_replacement_character_not_a_refusal()
    {
        // Written as the escape \ud83d alone, as a sender that cut a string by UTF-16 units would.
        var result = Parse(Samples.GroupMessage(42, "加微信 abc123\u0001").Replace("\\u0001", "\\ud83d", StringComparison.Ordinal));

        Assert.Equal(204, result.StatusCode);
        Assert.Equal("加微信 abc123\uFFFD", result.Event!.Message!.Text);
    }

    [Fact]
    public void A_group_join_request_becomes_a_join_request_to_screen_with_its_notification_seq()
    {
        var time = Samples.Stamped.ToUnixTimeSeconds();
        var result = Parse($$$"""{"time":{{{time}}},"self_id":10001,"event_type":"group_join_request","data":{"group_id":123456,"notification_seq":987654,"is_filtered":true,"initiator_id":30003,"comment":"加微信领资料"}}""");

        Assert.Equal(204, result.StatusCode);
        Assert.Equal(InboundEventKind.JoinRequest, result.Event!.Kind);
        var request = result.Event.Message!;
        Assert.Equal(("123456", "30003", "987654", "加微信领资料"), (request.GroupId, request.UserId, request.MessageId, request.Text));
        Assert.Equal(new Core.Members.JoinRequestInfo("987654", IsFiltered: true), request.JoinRequest);
        Assert.Null(request.CopyKey); // a request is answered by the bot it came to
        Assert.Equal(Samples.Stamped, request.Time);
    }

    [Theory]
    [InlineData("{\"group_id\":123456,\"initiator_id\":30003}", "data.notification_seq")]
    [InlineData("{\"notification_seq\":1,\"initiator_id\":30003}", "data.group_id")]
    [InlineData("{\"notification_seq\":1,\"group_id\":123456}", "data.initiator_id")]
    public void A_group_join_request_missing_what_its_answer_needs_is_refused(string data, string field)
    {
        var result = Parse($$$"""{"time":{{{Samples.Stamped.ToUnixTimeSeconds()}}},"self_id":10001,"event_type":"group_join_request","data":{{{data}}}}""");

        Assert.Equal(400, result.StatusCode);
        Assert.Contains(field, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_join_request_comment_longer_than_a_message_may_be_is_too_large()
    {
        var comment = new string('广', MilkyLimits.MaxTextLength + 1);
        var result = Parse($$$"""{"time":{{{Samples.Stamped.ToUnixTimeSeconds()}}},"self_id":10001,"event_type":"group_join_request","data":{"group_id":1,"notification_seq":1,"initiator_id":2,"comment":"{{{comment}}}"}}""");

        Assert.Equal(413, result.StatusCode);
    }

    [Fact]
    public void A_group_message_becomes_a_qq_chat_message_with_the_member_from_the_event()
    {
        var result = ParseSample("group-message.json");

        Assert.Equal(204, result.StatusCode);
        var inbound = result.Event!;
        Assert.Equal(InboundEventKind.GroupMessage, inbound.Kind);
        Assert.Equal(Protocol.Milky, inbound.Protocol);
        Assert.Equal("10001", inbound.BotId);
        Assert.Equal("message_receive.group", inbound.Detail);
        var message = inbound.Message!;
        Assert.Equal("qq", message.Platform);
        Assert.Equal(Protocol.Milky, message.Protocol);
        Assert.Equal("10001", message.BotId);
        Assert.Equal("123456", message.GroupId);
        Assert.Equal("二年级家长群", message.GroupName);
        Assert.Equal("20002", message.UserId);
        Assert.Equal("23333", message.MessageId);
        Assert.Equal("23333", message.GroupSequence); // QQ's own number, whichever account heard it: another bot's copy is told by it
        Assert.Equal("copy|qq|123456|20002|23333", message.CopyKey);
        Assert.Equal(SenderRole.Member, message.SenderRole);
        Assert.Equal("王同学家长", message.SenderName);
        Assert.Equal(Samples.Stamped, message.Time);
        Assert.Equal(" 想要资料的加微信 abc123", message.Text);
        Assert.Equal(["30003"], message.Mentions);
        Assert.False(message.MentionsAll);
        Assert.Equal("milky|10001|123456|23333|1764150000000", message.DedupeKey);
    }

    [Fact]
    public void A_group_messages_member_says_when_the_sender_joined()
    {
        var inbound = ParseSample("group-message.json").Event!;

        // group_member.join_time, so that newcomer_hours rules need not ask the implementation.
        Assert.Equal(new Core.Members.MemberJoined("qq", "123456", "20002", DateTimeOffset.FromUnixTimeSeconds(1700000000)), inbound.Joined);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("\"soon\"")]
    [InlineData("253402300800")]
    public void A_join_time_that_is_missing_zero_or_odd_says_nothing_and_the_message_is_still_read(string? joinTime)
    {
        var json = Samples.Json("group-message.json");
        var member = json["data"]!["group_member"]!.AsObject();
        member.Remove("join_time");
        if (joinTime is not null)
        {
            member["join_time"] = System.Text.Json.Nodes.JsonNode.Parse(joinTime);
        }

        var result = Parse(json.ToJsonString());

        Assert.Equal(204, result.StatusCode);
        Assert.Equal("23333", result.Event!.Message!.MessageId);
        Assert.Null(result.Event.Joined);
    }

    [Fact]
    public void A_group_member_increase_says_who_joined_which_group_and_when()
    {
        var result = ParseSample("group-member-increase.json");

        Assert.Equal(204, result.StatusCode);
        Assert.Equal(InboundEventKind.Ignored, result.Event!.Kind);
        Assert.Equal("group_member_increase", result.Event.Detail);
        Assert.Null(result.Event.Message);
        Assert.Equal(new Core.Members.MemberJoined("qq", "123456", "20002", Samples.Stamped.AddHours(-1)), result.Event.Joined);
    }

    [Theory]
    [InlineData("user_id")]
    [InlineData("group_id")]
    public void A_group_member_increase_without_its_member_or_group_is_taken_quietly(string missing)
    {
        var json = Samples.Json("group-member-increase.json");
        json["data"]!.AsObject().Remove(missing);

        var result = Parse(json.ToJsonString());

        Assert.Equal(204, result.StatusCode);
        Assert.Equal(InboundEventKind.Ignored, result.Event!.Kind);
        Assert.Null(result.Event.Joined);
    }

    [Fact]
    public void Every_segment_kind_is_read_for_what_it_shows()
    {
        var message = ParseSample("group-every-segment.json").Event!.Message!;

        // The quoted words are someone else's message: only the quote's target is kept.
        Assert.Equal("大家好", message.Text);
        Assert.Equal("23300", message.ReplyTo);
        Assert.Equal(["30003"], message.Mentions);
        Assert.True(message.MentionsAll);
        var image = Assert.Single(message.Images);
        Assert.Equal(new ImageRef("EhRpbWFnZS1yZXNvdXJjZS1pZA", "https://multimedia.nt.qq.com.cn/download?appid=1407", "[图片]"), image);
        Assert.Equal(4, message.Cards.Count);
        Assert.Equal(new CardContent("file", "资料.pdf", null, null), message.Cards[0]);
        Assert.Equal(new CardContent("forward", "群聊的聊天记录", "张三: 兼职日结\n李四: 私聊领取\n查看2条转发消息", null), message.Cards[1]);
        Assert.Equal(new GroupGuard.Core.Forwards.ForwardRef("fwd-1"), Assert.Single(message.Forwards));
        Assert.Equal(new CardContent("light_app", "红包群", "扫码进群领红包", "https://prize.xyz/get"), message.Cards[2]);
        Assert.Equal(new CardContent("xml", "日结兼职", "加微信 abc123", "https://jobs.example.xyz"), message.Cards[3]);
        Assert.Equal(SenderRole.Admin, message.SenderRole);
        Assert.Equal("王同学", message.SenderName); // no card: the nickname
        Assert.Contains("私聊领取", message.ScanText, StringComparison.Ordinal);
        Assert.Contains("https://prize.xyz/get", message.ScanText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_markdown_message_is_read_for_its_text()
    {
        // Milky 1.3's markdown segment; LuckyLilliaBot sends a message holding one as that segment alone.
        var message = ParseSample("group-markdown.json").Event!.Message!;

        Assert.Equal("## 日结兼职，在家可做\n[点我领取](https://jz.example.xyz/r?id=7) 加V tg2025", message.Text);
        Assert.Equal("20007", message.UserId);
        Assert.Empty(message.Cards);
    }

    [Fact]
    public void A_group_file_is_read_as_a_card_of_its_name()
    {
        var message = ParseSample("group-file.json").Event!.Message!;

        Assert.Equal("", message.Text);
        Assert.Equal(new CardContent("file", "加微信tg2025领全套资料.pdf", null, null), Assert.Single(message.Cards));
        Assert.Contains("加微信tg2025", message.ScanText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("friend-message.json", InboundEventKind.Ignored, "message_receive.friend")]
    [InlineData("group-recall.json", InboundEventKind.Ignored, "message_recall")]
    [InlineData("group-mute.json", InboundEventKind.Ignored, "group_mute")]
    [InlineData("bot-offline.json", InboundEventKind.Meta, "bot_offline")]
    public void Other_events_are_taken_and_not_moderated(string sample, InboundEventKind kind, string detail)
    {
        var result = ParseSample(sample);

        Assert.Equal(204, result.StatusCode);
        Assert.Equal(kind, result.Event!.Kind);
        Assert.Equal(detail, result.Event.Detail);
        Assert.Equal("10001", result.Event.BotId);
        Assert.Null(result.Event.Message);
    }

    [Fact]
    public void A_bot_offline_carries_its_reason_and_other_events_none()
    {
        Assert.Equal("账号在其他设备登录", ParseSample("bot-offline.json").BotOffline);
        Assert.Null(ParseSample("group-message.json").BotOffline);
        Assert.Null(ParseSample("group-mute.json").BotOffline);
    }

    [Theory]
    [InlineData("{}", "no reason given")]
    [InlineData("{\"reason\":\"  \"}", "no reason given")]
    [InlineData("{\"reason\":\"被踢下线\\n请重新登录\"}", "被踢下线 请重新登录")]
    public void A_bot_offline_reason_is_made_one_readable_line(string data, string reason)
    {
        var result = Parse($$$"""{"time":1764150000,"self_id":10001,"event_type":"bot_offline","data":{{{data}}}}""");

        Assert.Equal(204, result.StatusCode);
        Assert.Equal(reason, result.BotOffline);
    }

    [Fact]
    public void A_long_bot_offline_reason_is_cut()
    {
        var result = Parse($$$"""{"time":1764150000,"self_id":10001,"event_type":"bot_offline","data":{"reason":"{{{new string('下', 500)}}}"}}""");

        Assert.Equal(new string('下', MilkyEventReader.MaxReasonLength) + "…", result.BotOffline);
    }

    [Fact]
    public void The_bots_own_message_is_never_moderated()
    {
        var result = ParseSample("own-group-message.json");

        Assert.Equal(InboundEventKind.OwnMessage, result.Event!.Kind);
    }

    [Fact]
    public void Ids_as_numeric_strings_and_a_byte_order_mark_are_taken()
    {
        var json = Samples.Json("group-message.json");
        json["self_id"] = "10001";
        json["data"]!["peer_id"] = "123456";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(json.ToJsonString())).ToArray();

        var result = new MilkyEventParser(_clock).Parse(bytes);

        Assert.Equal(204, result.StatusCode);
        Assert.Equal("123456", result.Event!.Message!.GroupId);
    }

    [Theory]
    [InlineData("[]", "body is not a JSON object")]
    [InlineData("""{"time":1,"self_id":1,"data":{}}""", "missing field 'event_type'")]
    [InlineData("""{"time":1,"event_type":"bot_offline","data":{}}""", "missing field 'self_id'")]
    [InlineData("""{"time":1,"self_id":1,"event_type":"message_receive"}""", "missing field 'data'")]
    [InlineData("""{"time":1,"self_id":1,"event_type":"message_receive","data":{"peer_id":1}}""", "missing field 'data.message_scene'")]
    [InlineData("""{"time":1,"self_id":1,"event_type":"message_receive","data":{"message_scene":"group","message_seq":1,"sender_id":2,"time":1764150000,"segments":[]}}""", "missing field 'data.peer_id'")]
    [InlineData("""{"time":1,"self_id":1,"event_type":"message_receive","data":{"message_scene":"group","peer_id":true,"message_seq":1,"sender_id":2,"time":1764150000,"segments":[]}}""", "field 'data.peer_id' must be an integer")]
    [InlineData("""{"time":1,"self_id":1,"event_type":"message_receive","data":{"message_scene":"group","peer_id":1,"message_seq":1,"sender_id":2,"time":1764150000}}""", "missing field 'data.segments'")]
    [InlineData("""{"time":1,"self_id":1,"event_type":"message_receive","data":{"message_scene":"group","peer_id":1,"message_seq":1,"sender_id":2,"time":1764150000,"segments":"hi"}}""", "field 'data.segments' must be an array of segments")]
    [InlineData("""{"time":1,"self_id":1,"event_type":"message_receive","data":{"message_scene":"group","peer_id":1,"message_seq":1,"sender_id":2,"time":"soon","segments":[]}}""", "field 'data.time' must be a Unix time in seconds")]
    public void A_malformed_event_is_refused_with_a_clear_reason(string json, string reason)
    {
        var result = Parse(json);

        Assert.Equal(400, result.StatusCode);
        Assert.Equal(reason, result.Error);
        Assert.Null(result.Event);
    }

    [Theory]
    [InlineData("{\"time\":1", "malformed JSON: ")]
    [InlineData("{\"time\":1} {}", "malformed JSON: ")]
    public void Broken_json_is_refused_as_malformed(string json, string reasonStart)
    {
        var result = Parse(json);

        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith(reasonStart, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_bound_is_malformed()
    {
        var result = Parse(new string('[', JsonBody.MaxDepth + 1) + new string(']', JsonBody.MaxDepth + 1));

        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith("malformed JSON", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_over_64_characters_is_refused()
    {
        var json = Samples.Json("group-message.json");
        json["data"]!["sender_id"] = new string('7', 65);

        var result = Parse(json.ToJsonString());

        Assert.Equal(400, result.StatusCode);
        Assert.Equal("field 'data.sender_id' is longer than 64 characters", result.Error);
    }

    [Fact]
    public void An_id_with_a_control_character_is_refused()
    {
        var json = Samples.Json("group-message.json");
        json["data"]!["sender_id"] = "7\u00007";

        var result = Parse(json.ToJsonString());

        Assert.Equal(400, result.StatusCode);
        Assert.Equal("field 'data.sender_id' holds a control character, which no id has", result.Error);
    }

    [Fact]
    public void A_mention_with_a_control_character_is_dropped_and_the_message_still_read()
    {
        var json = Samples.Json("group-message.json");
        json["data"]!["segments"]![0]!["data"]!["user_id"] = "30003\n";

        var result = Parse(json.ToJsonString());

        Assert.Equal(204, result.StatusCode);
        Assert.Empty(result.Event!.Message!.Mentions);
        Assert.Equal(" 想要资料的加微信 abc123", result.Event.Message.Text);
    }

    [Theory]
    [InlineData(24 * 60 + 1, "ahead of")]
    [InlineData(-60 * 24 * 8, "behind")]
    public void A_message_time_far_from_the_server_clock_is_refused(int minutes, string where)
    {
        var result = Parse(Samples.GroupMessage(1, "hi", _clock.GetUtcNow().AddMinutes(minutes)));

        Assert.Equal(400, result.StatusCode);
        Assert.Contains($"field 'data.time'", result.Error, StringComparison.Ordinal);
        Assert.Contains(where, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_over_the_limit_is_refused_with_413_not_cut()
    {
        var result = Parse(Samples.GroupMessage(1, new string('广', MilkyLimits.MaxTextLength + 1)));

        Assert.Equal(413, result.StatusCode);
        Assert.Equal("message text over 65536 characters", result.Error);
    }

    [Fact]
    public void More_segments_than_the_limit_are_refused_with_413()
    {
        var json = Samples.Json("group-message.json");
        var segments = new System.Text.Json.Nodes.JsonArray();
        for (var i = 0; i <= MilkyLimits.MaxSegments; i++)
        {
            segments.Add(new System.Text.Json.Nodes.JsonObject { ["type"] = "face", ["data"] = new System.Text.Json.Nodes.JsonObject { ["face_id"] = "1" } });
        }

        json["data"]!["segments"] = segments;

        var result = Parse(json.ToJsonString());

        Assert.Equal(413, result.StatusCode);
        Assert.Equal("message over 10000 segments", result.Error);
    }

    [Fact]
    public void Mentions_images_and_cards_are_kept_up_to_their_limits()
    {
        var json = Samples.Json("group-message.json");
        var segments = new System.Text.Json.Nodes.JsonArray();
        for (var i = 0; i < 1_500; i++)
        {
            segments.Add(new System.Text.Json.Nodes.JsonObject { ["type"] = "mention", ["data"] = new System.Text.Json.Nodes.JsonObject { ["user_id"] = 100000 + i } });
            segments.Add(new System.Text.Json.Nodes.JsonObject { ["type"] = "image", ["data"] = new System.Text.Json.Nodes.JsonObject { ["resource_id"] = $"r{i}", ["temp_url"] = "", ["summary"] = "" } });
            segments.Add(new System.Text.Json.Nodes.JsonObject { ["type"] = "forward", ["data"] = new System.Text.Json.Nodes.JsonObject { ["forward_id"] = $"f{i}", ["title"] = "t" } });
        }

        json["data"]!["segments"] = segments;

        var message = Parse(json.ToJsonString()).Event!.Message!;

        Assert.Equal(MilkyLimits.MaxMentions, message.Mentions.Count);
        Assert.Equal(MilkyLimits.MaxImages, message.Images.Count);
        Assert.Equal(MilkyLimits.MaxCards, message.Cards.Count);
    }

    [Fact]
    public void Cards_that_cannot_be_read_cost_nothing_but_themselves()
    {
        var json = Samples.Json("group-message.json");
        json["data"]!["segments"] = System.Text.Json.Nodes.JsonNode.Parse("""
            [
              { "type": "light_app", "data": { "app_name": "com.tencent.x", "json_payload": "{not json" } },
              { "type": "xml", "data": { "service_id": 1, "xml_payload": "<!DOCTYPE x [<!ENTITY a 'b'>]><msg>&a;</msg>" } },
              { "type": "text", "data": { "text": "正文" } }
            ]
            """);

        var result = Parse(json.ToJsonString());

        Assert.Equal(204, result.StatusCode);
        Assert.Equal("正文", result.Event!.Message!.Text);
        Assert.Equal(new CardContent("light_app", "com.tencent.x", null, null), Assert.Single(result.Event.Message.Cards));
    }

    [Fact]
    public void An_event_over_one_mebibyte_is_refused_with_413()
    {
        var result = new MilkyEventParser(_clock).Parse(new byte[MilkyLimits.MaxEventBytes + 1]);

        Assert.Equal(413, result.StatusCode);
    }
}
