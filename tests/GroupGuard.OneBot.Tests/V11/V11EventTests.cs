using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.OneBot.Tests.Support;

namespace GroupGuard.OneBot.Tests.V11;

public sealed class V11EventTests
{
    private const string BotId = "3889012345";
    private const string GroupId = "736251849";

    private static InboundEvent Accept(byte[] body, DateTimeOffset? now = null)
    {
        var result = Receivers.Create(now: now).ReceiveV11(body, null);
        Assert.True(result.StatusCode == 204, $"expected 204, got {result.StatusCode}: {result.Error}");
        Assert.Null(result.Error);
        return result.Event!;
    }

    private static ChatMessage GroupMessage(byte[] body)
    {
        var inbound = Accept(body);
        Assert.Equal(InboundEventKind.GroupMessage, inbound.Kind);
        Assert.Equal(Protocol.OneBotV11, inbound.Protocol);
        Assert.Equal(BotId, inbound.BotId);
        return inbound.Message!;
    }

    [Fact]
    public void NapCat_array_message_maps_every_field()
    {
        var inbound = Accept(Samples.Bytes("V11/napcat-group-array.json"));
        var message = inbound.Message!;

        Assert.Equal(InboundEventKind.GroupMessage, inbound.Kind);
        Assert.Equal("message.group.normal", inbound.Detail);
        Assert.Equal("qq", message.Platform);
        Assert.Equal(Protocol.OneBotV11, message.Protocol);
        Assert.Equal(BotId, message.BotId);
        Assert.Equal(GroupId, message.GroupId);
        Assert.Equal("周末羽毛球群", message.GroupName);
        Assert.Equal("1572846310", message.UserId);
        Assert.Equal(SenderRole.Member, message.SenderRole);
        Assert.Equal("运营-小明", message.SenderName);
        Assert.Equal("1988435722", message.MessageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1760355642), message.Time);
        Assert.Equal("今晚八点开会， 记得带电脑 & 充电器[必须]", message.Text);
        Assert.Equal(["2854196310"], message.Mentions);
        Assert.False(message.MentionsAll);
        Assert.Null(message.ReplyTo);
        Assert.Empty(message.Images);
        Assert.Empty(message.Cards);
    }

    [Theory]
    [InlineData("napcat-group")]
    [InlineData("napcat-rich")]
    [InlineData("napcat-markdown")]
    public void Array_and_string_forms_of_the_same_message_read_the_same(string sample)
    {
        var fromArray = GroupMessage(Samples.Bytes($"V11/{sample}-array.json"));
        var fromString = GroupMessage(Samples.Bytes($"V11/{sample}-string.json"));

        Assert.Equal(fromArray.Text, fromString.Text);
        Assert.Equal(fromArray.Mentions, fromString.Mentions);
        Assert.Equal(fromArray.MentionsAll, fromString.MentionsAll);
        Assert.Equal(fromArray.ReplyTo, fromString.ReplyTo);
        Assert.Equal(fromArray.Images, fromString.Images);
        Assert.Equal(fromArray.Cards, fromString.Cards);
        Assert.Equal(fromArray.DedupeKey, fromString.DedupeKey);
    }

    [Fact]
    public void Reply_at_image_face_and_mini_program_card_are_all_read()
    {
        var message = GroupMessage(Samples.Bytes("V11/napcat-rich-array.json"));

        Assert.Equal("1988435722", message.ReplyTo);
        Assert.Equal(["1572846310"], message.Mentions);
        Assert.Equal(" 看这个，", message.Text);
        Assert.Equal("兼职小助手", message.SenderName); // empty card falls back to the nickname
        var image = Assert.Single(message.Images);
        Assert.Equal("C4C2A3BF0FAD1E6E5F4B6E2F4C3B6D2A.jpg", image.File);
        Assert.StartsWith("https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=", image.Url);
        Assert.Null(image.Summary);
        var card = Assert.Single(message.Cards);
        Assert.Equal(new CardContent("json", "哔哩哔哩", "【兼职】日结300，手机就能做，加群了解", "https://b23.tv/AbCdEf1?share_medium=android&share_source=qq"), card);
        Assert.Contains("日结300", message.ScanText);
    }

    [Fact]
    public void Half_an_emoji_in_the_text_or_inside_a_card_is_read_as_a_replacement_character_not_a_refusal()
    {
        // A bridge that shortens strings by UTF-16 units writes half an emoji as \ud83d alone: in the
        // event (one escape) and inside a card's JSON (an escape written as a string, two).
        var body = System.Text.Encoding.UTF8.GetString(Samples.Bytes("V11/napcat-rich-array.json"))
            .Replace("看这个，\"", "看这个，\\ud83d\"", StringComparison.Ordinal)
            .Replace("加群了解\\\",\\\"gamePoints", "加群了解\\\\ud83d\\\",\\\"gamePoints", StringComparison.Ordinal);

        var message = GroupMessage(System.Text.Encoding.UTF8.GetBytes(body));

        Assert.Equal(" 看这个，\uFFFD", message.Text);
        Assert.Equal("【兼职】日结300，手机就能做，加群了解\uFFFD", Assert.Single(message.Cards).Description);
    }

    [Fact]
    public void A_markdown_message_is_read_for_its_text()
    {
        // NapCat and LuckyLilliaBot report a markdown message as one segment holding its source;
        // a bot on another NapCat account posts its adverts this way.
        var message = GroupMessage(Samples.Bytes("V11/napcat-markdown-array.json"));

        Assert.Equal("## 日结兼职,在家可做\n[点我领取](https://jz.example.xyz/r?id=7) 加V tg2025", message.Text);
        Assert.Contains("加V tg2025", message.ScanText, StringComparison.Ordinal);
        Assert.Empty(message.Cards);
    }

    [Fact]
    public void A_group_file_is_read_as_a_card_of_its_name()
    {
        var message = GroupMessage(Samples.Bytes("V11/napcat-group-file.json"));

        Assert.Equal("", message.Text);
        Assert.Equal(new CardContent("file", "加微信tg2025领全套资料.pdf", null, null), Assert.Single(message.Cards));
        Assert.Contains("加微信tg2025", message.ScanText, StringComparison.Ordinal);
        Assert.Empty(message.Images);
    }

    [Theory]
    [InlineData("""{"file":"file:///root/.config/QQ/nt_qq/nt_data/File/报价单.xlsx","file_id":"/abc"}""", "报价单.xlsx")]
    [InlineData("""{"filename":"报价单.xlsx","id":"/abc","url":"https://ftn.example/d"}""", "报价单.xlsx")]
    [InlineData("""{"name":"报价单.xlsx","file":"C:\\Users\\a\\报价单 (1).xlsx"}""", "报价单.xlsx")]
    public void A_file_is_named_as_the_group_sees_it_whatever_the_implementation_calls_the_field(string data, string name)
    {
        var node = Samples.Node("V11/napcat-group-file.json");
        node["message"] = new JsonArray(new JsonObject { ["type"] = "file", ["data"] = JsonNode.Parse(data) });

        var message = GroupMessage(node.Utf8());

        Assert.Equal(new CardContent("file", name, null, null), Assert.Single(message.Cards));
    }

    [Theory]
    [InlineData("""{"file_id":"/abc","file_size":"1"}""")]
    [InlineData("""{"file":"/tmp/dir/"}""")]
    public void A_file_without_a_name_adds_no_card(string data)
    {
        var node = Samples.Node("V11/napcat-group-file.json");
        node["message"] = new JsonArray(new JsonObject { ["type"] = "file", ["data"] = JsonNode.Parse(data) });

        Assert.Empty(GroupMessage(node.Utf8()).Cards);
    }

    [Fact]
    public void At_all_sets_MentionsAll_and_no_user_mention()
    {
        var message = GroupMessage(Samples.Bytes("V11/napcat-at-all.json"));

        Assert.True(message.MentionsAll);
        Assert.Empty(message.Mentions);
        Assert.Equal(" 明天上午九点停水，请大家提前储水。", message.Text);
        Assert.Equal(SenderRole.Owner, message.SenderRole);
        Assert.Equal("群主-老李", message.SenderName);
    }

    [Fact]
    public void LLOneBot_message_with_named_at_image_and_debug_raw_is_read()
    {
        var message = GroupMessage(Samples.Bytes("V11/llonebot-group.json"));

        Assert.Equal("-1043872651", message.MessageId);
        Assert.Equal("1572846310", message.UserId);
        Assert.Equal(SenderRole.Admin, message.SenderRole);
        Assert.Equal("运营-小明", message.SenderName);
        Assert.Equal("周末羽毛球群", message.GroupName);
        Assert.Equal(["1029384756"], message.Mentions);
        Assert.Equal(" 群主，周六场地订好了吗？", message.Text);
        var image = Assert.Single(message.Images);
        Assert.Equal("8F1E2D3C4B5A69788796A5B4C3D2E1F0.png", image.File);
        Assert.Contains("rkey=", image.Url);
    }

    /// <summary>
    /// Two of the operator's bots in one group each deliver its messages under ids of their own;
    /// the group's sequence number, the same for both, is what tells the second a copy: NapCat's
    /// real_seq, else LuckyLilliaBot's message_seq (QQ's msgSeq), never a message_seq that only
    /// repeats the account's own message id (later NapCat versions).
    /// </summary>
    [Theory]
    [InlineData("V11/napcat-group-array.json", null, null, "52817")]                  // real_seq, message_seq = message_id
    [InlineData("V11/llonebot-group.json", null, null, "52840")]                      // message_seq is QQ's msgSeq
    [InlineData("V11/napcat-group-array.json", "real_seq", null, null)]               // only message_seq, which repeats the id
    [InlineData("V11/napcat-group-array.json", "real_seq", "0", null)]                // a zero says nothing
    [InlineData("V11/napcat-group-array.json", "real_seq", "abc", null)]              // nor does a word
    [InlineData("V11/napcat-group-array.json", "real_seq", "98765", "98765")]
    public void The_groups_sequence_number_is_read_where_the_bridge_gives_one(string sample, string? field, string? value, string? expected)
    {
        var node = Samples.Node(sample);
        if (field is not null)
        {
            node.AsObject().Remove(field);
            if (value is not null)
            {
                node[field] = value;
            }
        }

        var message = GroupMessage(node.Utf8());

        Assert.Equal(expected, message.GroupSequence);
        Assert.Equal(expected is null ? null : $"copy|qq|{GroupId}|1572846310|{expected}", message.CopyKey);
    }

    [Fact]
    public void Lagrange_message_with_escaped_unicode_and_no_group_name_is_read()
    {
        var message = GroupMessage(Samples.Bytes("V11/lagrange-group.json"));

        Assert.Equal("这周六下午两点，老地方<体育馆>见", message.Text);
        Assert.Equal("-1275310384", message.MessageId);
        Assert.Equal("1029384756", message.UserId);
        Assert.Equal(SenderRole.Owner, message.SenderRole);
        Assert.Equal("李群主", message.SenderName);
        Assert.Null(message.GroupName);
        Assert.Equal(["2460935187"], message.Mentions);
        var image = Assert.Single(message.Images);
        Assert.Equal("[图片]", image.Summary);
        Assert.Equal(image.Url, image.File); // Lagrange puts the URL in file
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1760358000), message.Time);
    }

    [Fact]
    public void Anonymous_message_is_named_after_the_anonymous_alias()
    {
        // The sample is stamped 2022-04-15.
        var inbound = Accept(Samples.Bytes("V11/anonymous-group.json"), now: DateTimeOffset.FromUnixTimeSeconds(1650012345 + 60));
        var message = inbound.Message!;

        Assert.Equal(InboundEventKind.GroupMessage, inbound.Kind);
        Assert.Equal("message.group.anonymous", inbound.Detail);
        Assert.Equal("大力鬼王", message.SenderName);
        Assert.Equal("80000000", message.UserId);
        Assert.Equal("有没有人出二手球拍？私聊 ", message.Text);
    }

    [Fact]
    public void Message_sent_is_the_bots_own_message()
    {
        var inbound = Accept(Samples.Bytes("V11/napcat-message-sent.json"));

        Assert.Equal(InboundEventKind.OwnMessage, inbound.Kind);
        Assert.Equal("message_sent.group.normal", inbound.Detail);
        Assert.Equal(BotId, inbound.Message!.UserId);
        Assert.Equal("@兼职小助手 请勿发布广告，已撤回。", inbound.Message.Text);
    }

    [Fact]
    public void A_private_message_sent_by_the_bot_is_also_its_own()
    {
        var node = Samples.Node("V11/napcat-private.json");
        node["post_type"] = "message_sent";
        node["user_id"] = 3889012345;

        var inbound = Accept(node.Utf8());

        Assert.Equal(InboundEventKind.OwnMessage, inbound.Kind);
        Assert.Null(inbound.Message);
    }

    [Fact]
    public void A_group_message_from_the_bot_itself_is_its_own()
    {
        // Lagrange reports the bot's messages as ordinary messages unless IgnoreSelf is set.
        var node = Samples.Node("V11/lagrange-group.json");
        node["user_id"] = 3889012345;

        var inbound = Accept(node.Utf8());

        Assert.Equal(InboundEventKind.OwnMessage, inbound.Kind);
        Assert.Equal(BotId, inbound.Message!.UserId);
    }

    [Theory]
    [InlineData("V11/napcat-heartbeat.json", "meta_event.heartbeat")]
    [InlineData("V11/lagrange-lifecycle-connect.json", "meta_event.lifecycle.connect")]
    public void Meta_events_prove_the_bot_is_alive(string sample, string detail)
    {
        var inbound = Accept(Samples.Bytes(sample));

        Assert.Equal(InboundEventKind.Meta, inbound.Kind);
        Assert.Equal(BotId, inbound.BotId);
        Assert.Equal(detail, inbound.Detail);
        Assert.Null(inbound.Message);
    }

    [Theory]
    [InlineData("V11/napcat-group-recall.json", "notice.group_recall")]
    [InlineData("V11/napcat-private.json", "message.private.friend")]
    public void Notices_and_private_messages_are_ignored(string sample, string detail)
    {
        var inbound = Accept(Samples.Bytes(sample));

        Assert.Equal(InboundEventKind.Ignored, inbound.Kind);
        Assert.Equal(detail, inbound.Detail);
        Assert.Equal(BotId, inbound.BotId);
        Assert.Null(inbound.Message);
    }

    [Fact]
    public void A_group_increase_notice_says_who_joined_and_when()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1760356100);
        var inbound = Accept(
            Samples.Utf8("""{"time":1760356100,"self_id":3889012345,"post_type":"notice","notice_type":"group_increase","sub_type":"approve","group_id":736251849,"operator_id":1,"user_id":2460935187}"""),
            now: at);

        Assert.Equal(InboundEventKind.Ignored, inbound.Kind);
        Assert.Equal("notice.group_increase.approve", inbound.Detail);
        Assert.Equal(new Core.Members.MemberJoined("qq", GroupId, "2460935187", at), inbound.Joined);
    }

    [Fact]
    public void Other_notices_and_a_join_without_a_member_carry_no_join()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1760356100);

        Assert.Null(Accept(Samples.Bytes("V11/napcat-group-recall.json")).Joined);
        Assert.Null(Accept(Samples.Utf8("""{"time":1760356100,"self_id":3889012345,"post_type":"notice","notice_type":"group_increase","group_id":736251849}"""), now: at).Joined);
    }

    [Theory]
    [InlineData("""{"time":1760356100,"self_id":3889012345,"post_type":"request","request_type":"group","sub_type":"invite","group_id":736251849,"user_id":2460935187,"comment":"","flag":"1760356100000"}""", "request.group.invite")]
    [InlineData("""{"time":1760356100,"self_id":3889012345,"post_type":"request","request_type":"friend","user_id":2460935187,"comment":"加个好友","flag":"1760356100001"}""", "request.friend")]
    [InlineData("""{"time":1760356100,"self_id":3889012345,"post_type":"notice","notice_type":"notify","sub_type":"poke","group_id":736251849,"user_id":1,"target_id":2}""", "notice.notify.poke")]
    [InlineData("""{"time":1760356100,"self_id":3889012345,"post_type":"message_reaction"}""", "message_reaction")]
    public void Invitations_friend_requests_and_unknown_post_types_are_ignored(string json, string detail)
    {
        var inbound = Accept(Samples.Utf8(json));

        Assert.Equal(InboundEventKind.Ignored, inbound.Kind);
        Assert.Equal(detail, inbound.Detail);
    }

    [Fact]
    public void A_request_to_join_a_group_is_read_as_a_join_request_to_screen()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1760356100);
        var inbound = Accept(
            Samples.Utf8("""{"time":1760356100,"self_id":3889012345,"post_type":"request","request_type":"group","sub_type":"add","group_id":736251849,"user_id":2460935187,"invitor_id":0,"comment":"问题：喜欢打球吗\n答案：&#91;想打&#93; 加微信 abc123","flag":"736251849|1760356100421|1|0"}"""),
            now: at);

        Assert.Equal(InboundEventKind.JoinRequest, inbound.Kind);
        Assert.Equal("request.group.add", inbound.Detail);
        var request = inbound.Message!;
        Assert.Equal((BotId, GroupId, "2460935187", at), (request.BotId, request.GroupId, request.UserId, request.Time));
        Assert.Equal("问题：喜欢打球吗\n答案：[想打] 加微信 abc123", request.Text);
        Assert.Equal(new Core.Members.JoinRequestInfo("736251849|1760356100421|1|0"), request.JoinRequest);
        Assert.Equal("736251849|1760356100421|1|0", request.MessageId);
        Assert.Null(request.SenderName);
    }

    [Fact]
    public void A_join_request_flag_may_be_a_number_and_its_comment_may_be_missing()
    {
        var inbound = Accept(
            Samples.Utf8("""{"time":1760356100,"self_id":3889012345,"post_type":"request","request_type":"group","sub_type":"add","group_id":736251849,"user_id":2460935187,"flag":1760356100000}"""),
            now: DateTimeOffset.FromUnixTimeSeconds(1760356100));

        Assert.Equal("1760356100000", inbound.Message!.JoinRequest!.Flag);
        Assert.Equal("", inbound.Message.Text);
    }

    [Fact]
    public void Ids_may_be_strings_or_numbers_up_to_64_bit_unsigned()
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node["self_id"] = "3889012345";
        node["group_id"] = ulong.MaxValue;
        node["user_id"] = "1572846310";
        node["message_id"] = "1988435722";

        var message = GroupMessage(node.Utf8());

        Assert.Equal("18446744073709551615", message.GroupId);
        Assert.Equal("1572846310", message.UserId);
        Assert.Equal("1988435722", message.MessageId);
    }

    [Fact]
    public void Raw_message_stands_in_when_message_is_missing()
    {
        var node = Samples.Node("V11/napcat-rich-array.json");
        node.Remove("message");

        var message = GroupMessage(node.Utf8());

        Assert.Equal(" 看这个，", message.Text);
        Assert.Equal("1988435722", message.ReplyTo);
        Assert.Single(message.Cards);
    }

    [Fact]
    public void A_time_in_milliseconds_is_recognised()
    {
        // NapCat sends Date.now() when QQ gives the message no time.
        var node = Samples.Node("V11/napcat-group-array.json");
        node["time"] = 1760355642123;

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1760355642123), GroupMessage(node.Utf8()).Time);
    }

    [Theory]
    [InlineData("owner", SenderRole.Owner)]
    [InlineData("admin", SenderRole.Admin)]
    [InlineData("member", SenderRole.Member)]
    [InlineData("unknown", SenderRole.Unknown)]
    [InlineData("", SenderRole.Unknown)]
    public void Sender_role_is_read(string role, SenderRole expected)
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node["sender"]!["role"] = role;

        Assert.Equal(expected, GroupMessage(node.Utf8()).SenderRole);
    }

    [Fact]
    public void A_message_without_sender_has_unknown_role_and_no_name()
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node.Remove("sender");

        var message = GroupMessage(node.Utf8());

        Assert.Equal(SenderRole.Unknown, message.SenderRole);
        Assert.Null(message.SenderName);
    }

    [Fact]
    public void Broken_and_unknown_segments_are_skipped_not_fatal()
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node["message"] = JsonNode.Parse("""
            [42, null, {"data":{"text":"no type"}}, {"type":"text"}, {"type":"text","data":null},
             {"type":"at","data":{"qq":12345}}, {"type":"onlinefile","data":{"msgId":"1"}},
             {"type":"json","data":{"data":"{not json"}}, {"type":"json","data":{"data":{"prompt":"对象形式"}}},
             {"type":"text","data":{"text":"ok"}}]
            """);

        var message = GroupMessage(node.Utf8());

        Assert.Equal("ok", message.Text);
        Assert.Equal(["12345"], message.Mentions);
        Assert.Equal(
            [new CardContent("json", null, null, null), new CardContent("json", "对象形式", null, null)],
            message.Cards);
    }

    [Fact]
    public void A_byte_order_mark_before_the_json_is_tolerated()
    {
        var body = "\uFEFF"u8.ToArray().Concat(Samples.Bytes("V11/napcat-heartbeat.json")).ToArray();

        Assert.Equal(InboundEventKind.Meta, Accept(body).Kind);
    }
}
