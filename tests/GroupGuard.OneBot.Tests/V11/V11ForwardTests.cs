using System.Text.Json;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;
using GroupGuard.OneBot.Tests.Support;
using GroupGuard.OneBot.V11;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.V11;

/// <summary>Forwarded bundles in OneBot v11: the segment in an event, and the answer to get_forward_msg.</summary>
public sealed class V11ForwardTests
{
    private static ChatMessage GroupMessage(byte[] body)
    {
        var result = Receivers.Create().ReceiveV11(body, null);
        Assert.True(result.StatusCode == 204, $"expected 204, got {result.StatusCode}: {result.Error}");
        return result.Event!.Message!;
    }

    private static ForwardOpenResult Answer(string sample) =>
        V11Forwards.ReadAnswer(JsonDocument.Parse(Samples.Bytes(sample)).RootElement.GetProperty("data").Clone())!;

    /// <summary>A NapCat message event inside a bundle, saying <paramref name="text"/>, with <paramref name="more"/> segments after it.</summary>
    private static JsonObject Inner(string text, params JsonObject[] more)
    {
        var segments = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = text } });
        foreach (var segment in more)
        {
            segments.Add(segment);
        }

        return new JsonObject { ["user_id"] = 30003, ["time"] = 1760355000, ["sender"] = new JsonObject { ["user_id"] = 30003, ["nickname"] = "n", ["card"] = "" }, ["message"] = segments };
    }

    private static JsonObject Forward(string id, params JsonObject[] content) =>
        new() { ["type"] = "forward", ["data"] = new JsonObject { ["id"] = id, ["content"] = new JsonArray([.. content]) } };

    [Fact]
    public void A_forward_segment_names_the_bundle_to_open_and_adds_no_text()
    {
        var message = GroupMessage(Samples.Bytes("V11/napcat-group-forward.json"));

        var forward = Assert.Single(message.Forwards);
        Assert.Equal(new ForwardRef("7559712345678901234"), forward);
        Assert.Equal("", message.Text);
        Assert.Empty(message.Cards);
    }

    [Fact]
    public void A_forward_cq_code_names_the_bundle_too()
    {
        var node = Samples.Node("V11/napcat-group-forward.json");
        node["message"] = "先看[CQ:forward,id=7559712345678901234]";

        var message = GroupMessage(node.Utf8());

        Assert.Equal("先看", message.Text);
        Assert.Equal("7559712345678901234", Assert.Single(message.Forwards).Id);
    }

    [Fact]
    public void NapCats_inline_content_is_read_with_senders_and_nested_bundles()
    {
        var message = GroupMessage(Samples.Bytes("V11/napcat-group-forward-inline.json"));

        Assert.Equal("看看", message.Text);
        var bundle = Assert.Single(message.Forwards);
        Assert.Equal("7559712345678901234", bundle.Id);
        Assert.False(bundle.Cut);
        var messages = bundle.Messages!;
        Assert.Equal(2, messages.Count);
        Assert.Equal(("30003", "三班-资料分享君", "今天的作业答案整理好了"), (messages[0].SenderId, messages[0].SenderName, messages[0].Text));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1760355000), messages[0].Time);
        var nested = Assert.Single(messages[1].Forwards);
        Assert.Equal("7559712345678905678", nested.Id);
        Assert.Equal(("推广员", "私聊领取兼职日结 加微信 abc123"), (nested.Messages![0].SenderName, nested.Messages[0].Text));
    }

    /// <summary>
    /// A picture inside a forwarded chat (a QR-code advert hidden in a chat record) is kept with its
    /// inner message, to be read as the outer message's. It was read and then dropped.
    /// </summary>
    [Fact]
    public void A_picture_inside_an_inline_bundle_is_kept_with_its_inner_message()
    {
        var message = GroupMessage(Samples.Bytes("V11/napcat-group-forward-image.json"));

        Assert.Empty(message.Images);
        var messages = Assert.Single(message.Forwards).Messages!;
        Assert.Equal("扫码进群领资料", messages[0].Text);
        var picture = Assert.Single(messages[0].Images);
        Assert.Equal("9A1C2E4B6D8F0A1B2C3D4E5F6A7B8C9D.jpg", picture.File);
        Assert.Equal("https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=EhQy&rkey=CAQSKAB7", picture.Url);
        Assert.Empty(messages[1].Images);
    }

    [Fact]
    public void A_picture_in_an_answers_cq_string_is_kept_with_its_inner_message()
    {
        var data = JsonDocument.Parse("""
            {"messages":[
              {"sender":{"nickname":"甲","user_id":40001},"content":"[CQ:image,file=abc.jpg,url=https://gchat.qpic.cn/gchatpic_new/0/abc/0]扫码进群","time":1764149000}
            ]}
            """).RootElement;

        var answer = V11Forwards.ReadAnswer(data)!;

        var inner = Assert.Single(answer.Messages);
        Assert.Equal("扫码进群", inner.Text);
        Assert.Equal(("abc.jpg", "https://gchat.qpic.cn/gchatpic_new/0/abc/0"), (Assert.Single(inner.Images).File, inner.Images[0].Url));
    }

    [Fact]
    public void An_inline_bundle_deeper_than_three_is_kept_by_id_only()
    {
        var node = Samples.Node("V11/napcat-group-forward.json");
        node["message"] = new JsonArray(Forward("d1", Inner("一层", Forward("d2", Inner("两层", Forward("d3", Inner("三层", Forward("d4", Inner("四层")))))))));

        var message = GroupMessage(node.Utf8());

        var third = message.Forwards[0].Messages![0].Forwards[0].Messages![0].Forwards[0];
        Assert.Equal("三层", third.Messages![0].Text);
        var fourth = Assert.Single(third.Messages[0].Forwards);
        Assert.Equal(new ForwardRef("d4"), fourth);
    }

    /// <summary>
    /// A bundle forwarded inside bundles twenty deep (each level adds five levels of JSON) is still
    /// an event: its text and its first three levels are read, as for four levels. The whole event
    /// was refused (400, JSON nested deeper than 64) from fifteen levels on, so nothing in it, the
    /// outer message's own text included, was moderated.
    /// </summary>
    [Fact]
    public void A_bundle_nested_twenty_deep_is_read_to_three_levels_not_refused()
    {
        var innermost = Inner("二十层 加微信 abc12345");
        for (var level = 20; level > 1; level--)
        {
            innermost = Inner($"第{level - 1}层", Forward($"d{level}", innermost));
        }

        var node = Samples.Node("V11/napcat-group-forward.json");
        node["message"] = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = "看看" } }, Forward("d1", innermost));

        var message = GroupMessage(node.Utf8());

        Assert.Equal("看看", message.Text);
        var third = message.Forwards[0].Messages![0].Forwards[0].Messages![0].Forwards[0];
        Assert.Equal("第3层", third.Messages![0].Text);
        Assert.Equal(new ForwardRef("d4"), Assert.Single(third.Messages[0].Forwards));
    }

    [Fact]
    public void At_most_a_hundred_inline_messages_are_kept_and_the_bundle_says_it_was_cut()
    {
        var node = Samples.Node("V11/napcat-group-forward.json");
        node["message"] = new JsonArray(Forward("big", [.. Enumerable.Range(0, 150).Select(i => Inner($"第{i}条"))]));

        var bundle = Assert.Single(GroupMessage(node.Utf8()).Forwards);

        Assert.Equal(ForwardLimits.MaxMessages, bundle.Messages!.Count);
        Assert.True(bundle.Cut);
        Assert.Equal("第99条", bundle.Messages[^1].Text);
    }

    [Fact]
    public void NapCats_answer_is_read_with_nested_bundles_inline()
    {
        var answer = Answer("V11/napcat-answer-forward-msg.json");

        Assert.True(answer.Opened);
        Assert.Equal(2, answer.Messages.Count);
        Assert.Equal(("资料分享君", "看看这个聊天记录"), (answer.Messages[0].SenderName, answer.Messages[0].Text));
        var nested = Assert.Single(answer.Messages[1].Forwards);
        Assert.Equal("私聊领取兼职日结 加微信 abc123", Assert.Single(nested.Messages!).Text);
    }

    [Fact]
    public void LuckyLilliaBots_answer_is_read_with_nested_bundles_by_id()
    {
        var answer = Answer("V11/llbot-answer-forward-msg.json");

        Assert.Equal(["群里的聊天记录", ""], answer.Messages.Select(m => m.Text));
        Assert.Equal(("30003", "资料分享君"), (answer.Messages[0].SenderId, answer.Messages[0].SenderName));
        Assert.Equal(new ForwardRef("7559712345678909999"), Assert.Single(answer.Messages[1].Forwards));
    }

    [Fact]
    public void Node_segments_and_cq_strings_in_an_answer_are_read()
    {
        var data = JsonDocument.Parse("""
            {"messages":[
              {"type":"node","data":{"name":"甲","uin":"40001","content":"加微信[CQ:forward,id=inner1]"}},
              {"sender":{"nickname":"乙","user_id":40002},"content":"私聊领取","time":"bad"},
              "not a message"
            ]}
            """).RootElement;

        var answer = V11Forwards.ReadAnswer(data)!;

        Assert.Equal(["加微信", "私聊领取"], answer.Messages.Select(m => m.Text));
        Assert.Equal(("40001", "甲"), (answer.Messages[0].SenderId, answer.Messages[0].SenderName));
        Assert.Equal("inner1", Assert.Single(answer.Messages[0].Forwards).Id);
        Assert.Null(answer.Messages[1].Time);
    }

    [Fact]
    public void An_answer_without_messages_is_no_answer()
    {
        Assert.Null(V11Forwards.ReadAnswer(JsonDocument.Parse("""{"message_id":1}""").RootElement));
        Assert.Null(V11Forwards.ReadAnswer(default));
    }

    [Fact]
    public async Task Opening_calls_get_forward_msg_with_the_id_under_both_names_as_strings()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_forward_msg", new FakeAnswer(200, System.Text.Encoding.UTF8.GetString(Samples.Bytes("V11/llbot-answer-forward-msg.json"))));
        using var client = Create(Options(api));

        var opened = await client.OpenAsync(OneBotV11, "10000", "7559712345678901234", CancellationToken.None);

        Assert.True(opened.Opened);
        Assert.Equal(2, opened.Messages.Count);
        var request = Assert.Single(api.Requests);
        Assert.Equal("/get_forward_msg", request.Path);
        Assert.Equal("""{"message_id":"7559712345678901234","id":"7559712345678901234"}""", request.RawBody);
    }

    [Fact]
    public async Task A_bundle_with_half_an_emoji_in_it_is_opened_and_read_with_a_replacement_character()
    {
        // A bridge that shortens a nickname by UTF-16 units writes half an emoji as \ud83d alone.
        var answer = System.Text.Encoding.UTF8.GetString(Samples.Bytes("V11/llbot-answer-forward-msg.json"))
            .Replace("群里的聊天记录", "加微信领资料\\ud83d", StringComparison.Ordinal)
            .Replace("资料分享君", "\\ude00资料分享君", StringComparison.Ordinal);
        await using var api = FakeOneBotApi.Start();
        api.Script("get_forward_msg", new FakeAnswer(200, answer));
        using var client = Create(Options(api));

        var opened = await client.OpenAsync(OneBotV11, "10000", "7559712345678901234", CancellationToken.None);

        Assert.True(opened.Opened, opened.Error);
        Assert.Equal("加微信领资料\uFFFD", opened.Messages[0].Text);
        Assert.Equal("\uFFFD资料分享君", opened.Messages[0].SenderName);
        Assert.Equal(2, opened.Messages.Count);
    }

    [Fact]
    public async Task A_refusal_is_a_failed_open_with_the_platforms_words_and_v12_cannot_open_at_all()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_forward_msg", FakeAnswer.Failed(200, "消息已过期或者为内层消息，无法获取转发消息"));
        using var client = Create(Options(api));

        var refused = await client.OpenAsync(OneBotV11, "10000", "1", CancellationToken.None);
        var v12 = await client.OpenAsync(OneBotV12, "10000", "1", CancellationToken.None);

        Assert.False(refused.Opened);
        Assert.Contains("消息已过期", refused.Error, StringComparison.Ordinal);
        Assert.True(v12.Unsupported);
        Assert.Single(api.Requests);
    }
}
