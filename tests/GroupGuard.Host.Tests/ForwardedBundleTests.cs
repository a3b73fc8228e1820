using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Milky;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Forwarded bundles (QQ's 合并转发) from the webhook to the platform: opened with the fake
/// OneBot API's get_forward_msg (or Milky's get_forwarded_messages), matched, recorded on the outer
/// message quoting the inner one, and recalled by the outer id.
/// </summary>
public sealed class ForwardedBundleTests
{
    private const string Pack = """
        pack: ads
        name: 广告
        category: ads
        severity: medium
        action: recall
        rules:
          - id: ads.contact
            terms: [加微信]
          - id: ads.dm
            terms: [私聊领取]
        """;

    /// <summary>The outer message of the OneBot samples: NapCat's short id, and the bundle's id in its forward segment.</summary>
    private const long OuterId = -2147001300;
    private const string BundleId = "7559712345678901234";

    private static GroupGuardFactory Service(FakeOneBotApi api) => new(
        GroupGuardFactory.OneBotApi(api.BaseUrl),
        Pack);

    private static FakeAnswer SampleAnswer(string name) => new(200, GroupGuardFactory.Sample(name));

    /// <summary>A get_forward_msg answer in NapCat's shape, one message event per text (a <c>forward:id</c> text is a nested bundle by id).</summary>
    private static FakeAnswer Bundle(params string[] texts) => FakeAnswer.Ok(new JsonObject
    {
        ["messages"] = new JsonArray([.. texts.Select((text, i) => (JsonNode)new JsonObject
        {
            ["user_id"] = 30000 + i,
            ["time"] = 1764149000 + i,
            ["message_id"] = 1200000 + i,
            ["sender"] = new JsonObject { ["user_id"] = 30000 + i, ["nickname"] = $"成员{i}", ["card"] = "" },
            ["message"] = new JsonArray(text.StartsWith("forward:", StringComparison.Ordinal)
                ? new JsonObject { ["type"] = "forward", ["data"] = new JsonObject { ["id"] = text["forward:".Length..] } }
                : new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = text } }),
        })]),
    });

    /// <summary>The outer message, with <paramref name="text"/> before its forward segment when given.</summary>
    private static string Outer(string? text = null)
    {
        var body = JsonNode.Parse(GroupGuardFactory.Sample("napcat-group-forward.json"))!.AsObject();
        if (text is not null)
        {
            body["message"]!.AsArray().Insert(0, new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = text } });
        }

        return body.ToJsonString();
    }

    private static async Task<JsonElement> ForwardsAsync(GroupGuardFactory service) =>
        JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz")).RootElement.GetProperty("forwards").Clone();

    private static (long Opened, long Failed, long Truncated) Counts(JsonElement forwards) =>
        (forwards.GetProperty("opened").GetInt64(), forwards.GetProperty("failed").GetInt64(), forwards.GetProperty("truncated").GetInt64());

    [Fact]
    public async Task A_forwarded_bundle_with_an_advert_inside_is_recalled_by_its_outer_id()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_forward_msg", SampleAnswer("napcat-answer-forward-msg.json"));
        using var service = Service(api);

        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(Outer())).StatusCode);

        var incident = await service.SettledAsync(1, _ => true);
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal(("-2147001300", "20002", "王同学"), (incident.MessageId, incident.UserId, incident.SenderName));
        Assert.Equal("想要资料的加微信 abc123", incident.MessageText);
        Assert.Equal("加微信", incident.MessageText.Substring(incident.Spans[0].Start, incident.Spans[0].Length));
        Assert.Equal((1, "热心家长"), (incident.ForwardDepth, incident.ForwardedFrom));
        Assert.Equal(["get_forward_msg", "delete_msg"], api.Requests.Select(r => r.Action));
        Assert.Equal(BundleId, (string?)api.RequestsFor("get_forward_msg")[0].Params["message_id"]);
        Assert.Equal(OuterId, api.RequestsFor("delete_msg")[0].Params["message_id"]!.GetValue<long>());
        Assert.Equal((1L, 0L, 0L), Counts(await ForwardsAsync(service)));
    }

    [Fact]
    public async Task A_forward_bundle_with_nested_bundles_is_read_to_the_advert_two_levels_down()
    {
        await using var api = FakeOneBotApi.Start();
        // NapCat answers with the nested bundle's messages inline.
        api.Script("get_forward_msg", SampleAnswer("napcat-answer-forward-msg-nested.json"));
        using var service = Service(api);

        await service.PostV11Async(Outer());

        var incident = await service.SettledAsync(1, _ => true);
        var incidents = await service.IncidentsAsync();
        Assert.Equal(["ads.contact", "ads.dm"], incidents.Select(i => i.Rule).Order());
        Assert.All(incidents, i => Assert.Equal(("-2147001300", 2, "推广员", "私聊领取兼职日结 加微信 abc123"), (i.MessageId, i.ForwardDepth, i.ForwardedFrom, i.MessageText)));
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal([OuterId], api.RequestsFor("delete_msg").Select(r => r.Params["message_id"]!.GetValue<long>()));
        Assert.Single(api.RequestsFor("get_forward_msg"));
        Assert.Equal((2L, 0L, 0L), Counts(await ForwardsAsync(service)));
    }

    [Fact]
    public async Task A_nested_bundle_known_by_id_only_is_opened_with_a_second_call()
    {
        await using var api = FakeOneBotApi.Start();
        // LuckyLilliaBot names a nested bundle by id; it is opened in turn.
        api.Script("get_forward_msg", SampleAnswer("llbot-answer-forward-msg.json"), Bundle("好资料", "想要资料的加微信 abc123"));
        using var service = Service(api);

        await service.PostV11Async(Outer());

        var incident = await service.SettledAsync(1, _ => true);
        Assert.Equal((2, "成员1", "想要资料的加微信 abc123"), (incident.ForwardDepth, incident.ForwardedFrom, incident.MessageText));
        Assert.Equal([BundleId, "7559712345678909999"], api.RequestsFor("get_forward_msg").Select(r => (string?)r.Params["id"]));
        Assert.Equal(OuterId, Assert.Single(api.RequestsFor("delete_msg")).Params["message_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_bundle_four_levels_down_is_not_opened_and_the_stop_is_counted()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_forward_msg", Bundle("第一层", "forward:L2"), Bundle("第二层", "forward:L3"), Bundle("第三层", "forward:L4"), Bundle("想要资料的加微信"));
        using var service = Service(api);

        await service.PostV11Async(Outer());
        await service.HandledAsync(OuterId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The worker is done with the message, and with every call it made for it.
        Assert.Equal([BundleId, "L2", "L3"], api.RequestsFor("get_forward_msg").Select(r => (string?)r.Params["id"]));
        Assert.Empty(await service.IncidentsAsync());
        Assert.Empty(api.RequestsFor("delete_msg"));
        Assert.Equal((3L, 0L, 1L), Counts(await ForwardsAsync(service)));
    }

    [Fact]
    public async Task Of_150_inner_messages_only_100_are_read_and_the_stop_is_counted()
    {
        await using var api = FakeOneBotApi.Start();
        var texts = Enumerable.Range(0, 150).Select(i => i switch { 5 => "私聊领取资料", 130 => "加微信", _ => $"第{i}条" }).ToArray();
        api.Script("get_forward_msg", Bundle(texts));
        using var service = Service(api);

        await service.PostV11Async(Outer());

        var incident = await service.SettledAsync(1, _ => true);
        Assert.Equal("ads.dm", Assert.Single(await service.IncidentsAsync()).Rule);
        Assert.Equal(("私聊领取资料", "成员5"), (incident.MessageText, incident.ForwardedFrom));
        Assert.Equal((1L, 0L, 1L), Counts(await ForwardsAsync(service)));
    }

    [Fact]
    public async Task Across_nested_bundles_reading_stops_at_100_messages_and_the_stop_is_counted()
    {
        // 60 messages, the first a nested bundle of 60 more: its 41st is the 101st read, and is not.
        await using var api = FakeOneBotApi.Start();
        var outer = Enumerable.Range(0, 60).Select(i => i == 0 ? "forward:N1" : $"第{i}条").ToArray();
        var nested = Enumerable.Range(0, 60).Select(i => i switch { 20 => "私聊领取资料", 50 => "加微信", _ => $"里面第{i}条" }).ToArray();
        api.Script("get_forward_msg", Bundle(outer), Bundle(nested));
        using var service = Service(api);

        await service.PostV11Async(Outer());

        var incident = await service.SettledAsync(1, _ => true);
        Assert.Equal("ads.dm", Assert.Single(await service.IncidentsAsync()).Rule);
        Assert.Equal((2, "私聊领取资料"), (incident.ForwardDepth, incident.MessageText));
        Assert.Equal([BundleId, "N1"], api.RequestsFor("get_forward_msg").Select(r => (string?)r.Params["id"]));
        Assert.Equal((2L, 0L, 1L), Counts(await ForwardsAsync(service)));
    }

    [Fact]
    public async Task A_bundle_the_platform_never_answers_for_is_given_up_within_its_budget_and_the_outer_text_is_moderated()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_forward_msg", FakeAnswer.Hanging());
        using var service = Service(api);

        await service.PostV11Async(Outer("想要资料的加微信"));

        // The action client would wait 30 s for an answer; reading forwards gives up after its own 5.
        var incident = await service.SettledAsync(1, _ => true);
        Assert.Equal((0, "想要资料的加微信"), (incident.ForwardDepth, incident.MessageText));
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal((0L, 0L, 1L), Counts(await ForwardsAsync(service)));
        Assert.Single(api.RequestsFor("get_forward_msg"));
    }

    [Fact]
    public async Task When_the_platform_cannot_open_the_bundle_the_outer_text_is_still_moderated_and_counted()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_forward_msg", FakeAnswer.Failed(200, "消息已过期或者为内层消息，无法获取转发消息"));
        using var service = Service(api);

        await service.PostV11Async(Outer("想要资料的加微信"));

        var incident = await service.SettledAsync(1, _ => true);
        Assert.Equal(("-2147001300", 0, (string?)null, "想要资料的加微信"), (incident.MessageId, incident.ForwardDepth, incident.ForwardedFrom, incident.MessageText));
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal((0L, 1L, 0L), Counts(await ForwardsAsync(service)));
        var logged = Assert.Single(service.Logs.Entries, e => e.Message.Contains("could not be opened", StringComparison.Ordinal));
        Assert.Contains("消息已过期", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("加微信", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_Milky_a_forwarded_advert_is_recalled_by_the_outer_message_seq()
    {
        const string apiToken = "llbot-access-token";
        const string webhookToken = "milky-webhook-token-2026";
        await using var milky = FakeMilky.Start(apiToken);
        // The bundle holds one more, opened in turn: an empty one.
        milky.Script("get_forwarded_messages", new MilkyAnswer(200, GroupGuardFactory.Sample("milky-answer-forwarded-messages.json")), MilkyAnswer.Ok(new JsonObject { ["messages"] = new JsonArray() }));
        GroupGuardFactory? service = null;
        service = new GroupGuardFactory(
            new Dictionary<string, string?>
            {
                ["GroupGuard:Milky:AccessToken"] = webhookToken,
                ["GroupGuard:Milky:MaxActionsPerSecond"] = "50",
                ["GroupGuard:Milky:Connections:0:Url"] = milky.Url,
                ["GroupGuard:Milky:Connections:0:AccessToken"] = apiToken,
                ["GroupGuard:Milky:Connections:0:EventStream"] = "false",
            },
            Pack,
            services => services.Replace(ServiceDescriptor.Singleton<IMilkyWebhookReceiver>(provider =>
                new MilkyWebhookReceiver(provider.GetRequiredService<IOptionsMonitor<MilkyOptions>>(), service!.WebhookClock))));
        using var _ = service;
        var body = GroupGuardFactory.Sample("milky-group-reply.json");
        var milkyEvent = JsonNode.Parse(body)!.AsObject();
        milkyEvent["data"]!["message_seq"] = 88300;
        milkyEvent["data"]!["group_member"]!["role"] = "member";
        milkyEvent["data"]!["segments"] = JsonNode.Parse("""
            [{ "type": "forward", "data": { "forward_id": "fwd-1", "title": "群聊的聊天记录", "preview": ["资料分享君: 今天的作业答案整理好了"], "summary": "查看3条转发消息" } }]
            """);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/milky") { Content = new StringContent(milkyEvent.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", webhookToken);

        Assert.Equal(HttpStatusCode.NoContent, (await service.CreateClient().SendAsync(request)).StatusCode);

        var recall = await milky.CallAsync("recall_group_message");
        Assert.Equal(88300, recall.Json["message_seq"]!.GetValue<long>());
        var incident = await service.SettledAsync(1, i => i.Rule == "ads.contact");
        Assert.Equal(("88300", 1, "热心家长", "想要资料的加微信 abc123"), (incident.MessageId, incident.ForwardDepth, incident.ForwardedFrom, incident.MessageText));
        Assert.Equal(["fwd-1", "fwd-inner"], milky.Calls.Items.Where(c => c.Api == "get_forwarded_messages").Select(c => (string?)c.Json["forward_id"]));
    }
}
