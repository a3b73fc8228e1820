using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Milky;
using GroupGuard.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests;

/// <summary>The whole service with a Milky implementation: its event stream and webhook in, its API out, /healthz.</summary>
public sealed class MilkyTests
{
    private const string WebhookToken = "milky-webhook-token-2026";
    private const string ApiToken = "llbot-access-token";

    private const string Pack = """
        pack: ads
        name: 广告
        category: ads
        severity: medium
        action: recall
        rules:
          - id: ads.contact
            terms: [加微信]
          - id: ads.mute
            terms: [刷屏广告]
            action: mute
            mute_minutes: 5
        """;

    /// <summary>A rule for newcomers only: members who joined within a day.</summary>
    private const string NewcomerPack = """
        pack: newcomers
        name: 新人广告
        category: ads
        severity: medium
        action: log
        rules:
          - id: ads.newcomer-contact
            terms: [私聊领取]
            newcomer_hours: 24
        """;

    /// <summary>The service with a Milky connection to <paramref name="milky"/> (when given) and the webhook token.</summary>
    private static GroupGuardFactory Service(FakeMilky? milky, params (string Key, string? Value)[] settings) => Service(milky, Pack, settings);

    private static GroupGuardFactory Service(FakeMilky? milky, string pack, params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["GroupGuard:Milky:AccessToken"] = WebhookToken,
            ["GroupGuard:Milky:MaxActionsPerSecond"] = "50",
            ["GroupGuard:Milky:ActionTimeoutSeconds"] = "30",
            ["GroupGuard:Milky:ActionBudgetSeconds"] = "60",
        };
        if (milky is not null)
        {
            all["GroupGuard:Milky:Connections:0:Url"] = milky.Url;
            all["GroupGuard:Milky:Connections:0:AccessToken"] = ApiToken;
        }

        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        GroupGuardFactory? service = null;
        service = new GroupGuardFactory(all, pack, services =>
            services.Replace(ServiceDescriptor.Singleton<IMilkyWebhookReceiver>(provider =>
                new MilkyWebhookReceiver(provider.GetRequiredService<IOptionsMonitor<MilkyOptions>>(), service!.WebhookClock))));
        return service;
    }

    /// <summary>A group message as the Milky spec writes it, stamped <paramref name="time"/>, from a member who joined at <paramref name="joinTime"/> (Unix seconds).</summary>
    private static string GroupMessage(long messageSeq, string text, DateTimeOffset time, long senderId = 20002, long joinTime = 1700000000) =>
        new JsonObject
        {
            ["time"] = time.ToUnixTimeSeconds(),
            ["self_id"] = 10001,
            ["event_type"] = "message_receive",
            ["data"] = new JsonObject
            {
                ["message_scene"] = "group",
                ["peer_id"] = 123456,
                ["message_seq"] = messageSeq,
                ["sender_id"] = senderId,
                ["time"] = time.ToUnixTimeSeconds(),
                ["segments"] = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = text } }),
                ["group"] = new JsonObject { ["group_id"] = 123456, ["group_name"] = "二年级家长群", ["member_count"] = 312, ["max_member_count"] = 500 },
                ["group_member"] = new JsonObject
                {
                    ["user_id"] = senderId, ["nickname"] = "王同学", ["sex"] = "unknown", ["group_id"] = 123456, ["card"] = "王同学家长",
                    ["title"] = "", ["level"] = 12, ["role"] = "member", ["join_time"] = joinTime, ["last_sent_time"] = 1764149000,
                },
            },
        }.ToJsonString();

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private static async Task<HttpResponseMessage> PostMilkyAsync(GroupGuardFactory service, string body, string? token = WebhookToken, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/milky") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await service.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task A_group_message_pushed_over_event_is_recalled_with_recall_group_message()
    {
        await using var milky = FakeMilky.Start(ApiToken);
        using var service = Service(milky);
        _ = service.CreateClient(); // starts the service, and with it the stream

        await milky.ConnectionAsync(1);
        await milky.PushAsync(GroupMessage(88001, "想要资料的加微信 abc123", Now));
        var recall = await milky.CallAsync("recall_group_message");

        Assert.Equal("Bearer " + ApiToken, recall.Authorization);
        Assert.Equal(123456, recall.Json["group_id"]!.GetValue<long>());
        Assert.Equal(88001, recall.Json["message_seq"]!.GetValue<long>());
        var incident = await service.SettledAsync(1, i => i.MessageId == "88001");
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal(Protocol.Milky, incident.Protocol);
        Assert.Equal("qq", incident.Platform);
        Assert.Equal("123456", incident.GroupId);
        Assert.Equal("20002", incident.UserId);
        Assert.Equal("王同学家长", incident.SenderName);
        Assert.Equal(SenderRole.Member, incident.SenderRole);
    }

    [Fact]
    public async Task A_mute_the_platform_answered_ok_but_did_not_carry_out_is_failed_on_the_incident()
    {
        await using var milky = FakeMilky.Start(ApiToken);
        var notMuted = new JsonObject { ["member"] = new JsonObject { ["user_id"] = 20002, ["group_id"] = 123456, ["role"] = "member", ["nickname"] = "王同学", ["card"] = "" } };
        milky.Script("get_group_member_info", MilkyAnswer.Ok(notMuted), MilkyAnswer.Ok(notMuted));
        using var service = Service(milky);
        _ = service.CreateClient();

        await milky.ConnectionAsync(1);
        await milky.PushAsync(GroupMessage(88002, "刷屏广告", Now));

        var incident = await service.SettledAsync(1, i => i.MessageId == "88002");
        Assert.Equal(ActionStatus.Failed, incident.ActionStatus);
        Assert.Equal(ActionErrorKind.NotPermitted, incident.ActionErrorKind);
        Assert.Contains("set_group_member_mute: the platform answered ok but the member is not muted", incident.ActionError, StringComparison.Ordinal);
        var mute = await milky.CallAsync("set_group_member_mute");
        Assert.Equal(300, mute.Json["duration"]!.GetValue<int>());
        Assert.True((await milky.CallAsync("get_group_member_info")).Json["no_cache"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Healthz_lists_the_milky_connection_with_its_state_and_last_event()
    {
        await using var milky = FakeMilky.Start(ApiToken);
        using var service = Service(milky);
        var client = service.CreateClient();
        await milky.ConnectionAsync(1);
        await milky.PushAsync(GroupMessage(88003, "你好", Now));
        await service.HandledAsync("88003");

        using var health = JsonDocument.Parse(await client.GetStringAsync("/healthz"));

        var connection = Assert.Single(health.RootElement.GetProperty("connections").EnumerateArray(), c => c.GetProperty("protocol").GetString() == "milky");
        Assert.Equal(milky.Url, connection.GetProperty("name").GetString());
        Assert.Equal("connected", connection.GetProperty("state").GetString());
        Assert.Equal("10001", connection.GetProperty("bot_id").GetString());
        Assert.Equal(JsonValueKind.String, connection.GetProperty("last_event_at").ValueKind);
        Assert.DoesNotContain(ApiToken, health.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pushed_event_with_the_token_becomes_an_incident()
    {
        using var service = Service(null);
        var body = GroupMessage(77001, "想要资料的加微信", service.WebhookClock.GetUtcNow().AddMinutes(-1));

        var response = await PostMilkyAsync(service, body);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal("77001", incident.MessageId);
        Assert.Equal(Protocol.Milky, incident.Protocol);
        Assert.Equal("ads.contact", incident.Rule);
    }

    [Fact]
    public async Task A_join_request_with_an_advert_is_rejected_with_reject_group_request()
    {
        await using var milky = FakeMilky.Start(ApiToken);
        milky.Script("get_user_profile", MilkyAnswer.Ok(new JsonObject { ["nickname"] = "资料分享君", ["qid"] = "", ["age"] = 0, ["sex"] = "unknown" }));
        using var service = Service(milky, ("GroupGuard:Join:Reason", "广告勿扰"));

        var response = await PostMilkyAsync(service, GroupGuardFactory.Sample("milky-group-join-request.json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var reject = await milky.CallAsync("reject_group_request");
        Assert.Equal(1764150300, reject.Json["notification_seq"]!.GetValue<long>());
        Assert.Equal("join_request", reject.Json["notification_type"]!.GetValue<string>());
        Assert.Equal(123456, reject.Json["group_id"]!.GetValue<long>());
        Assert.True(reject.Json["is_filtered"]!.GetValue<bool>());
        Assert.Equal("广告勿扰", reject.Json["reason"]!.GetValue<string>());
        Assert.Equal(30003, (await milky.CallAsync("get_user_profile")).Json["user_id"]!.GetValue<long>());

        // The answer is carried out beside moderation (the join answer queue): its outcome is recorded
        // after the worker has handled the request, once the bridge has answered the call.
        await service.HandledAsync("1764150300");
        var decisions = service.Services.GetRequiredService<Core.Members.IJoinDecisions>();
        Task<IReadOnlyList<Core.Members.JoinDecision>> ListAsync() =>
            decisions.ListAsync(DateTimeOffset.UnixEpoch, new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero), null, 10, CancellationToken.None);
        for (var tries = 0; (await ListAsync()).Any(d => d.ActionStatus == ActionStatus.Pending); tries++)
        {
            Assert.True(tries < 600, "the answer to the join request was not recorded within a minute");
            await Task.Delay(100);
        }

        var decision = Assert.Single(await ListAsync());
        Assert.Equal((Core.Members.JoinOutcome.Rejected, ActionStatus.Done, "资料分享君"), (decision.Outcome, decision.ActionStatus, decision.Nickname));
        Assert.Equal(Protocol.Milky, decision.Protocol);
        Assert.DoesNotContain(milky.Calls.Items, c => c.Api == "accept_group_request");
    }

    [Fact]
    public async Task A_newcomer_rule_hits_a_sender_whose_member_entry_says_they_joined_an_hour_ago()
    {
        using var service = Service(null, NewcomerPack);
        var time = service.WebhookClock.GetUtcNow().AddMinutes(-1);

        // The same words from a member who joined an hour before, and from one who joined in 2023.
        var newcomer = await PostMilkyAsync(service, GroupMessage(77010, "想要资料的私聊领取", time, senderId: 20011, joinTime: time.ToUnixTimeSeconds() - 3600));
        var old = await PostMilkyAsync(service, GroupMessage(77011, "想要资料的私聊领取", time, senderId: 20012));

        Assert.Equal(HttpStatusCode.NoContent, newcomer.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, old.StatusCode);
        var incident = Assert.Single(await service.IncidentsAfterAsync(2));
        Assert.Equal(("ads.newcomer-contact", "77010", "20011"), (incident.Rule, incident.MessageId, incident.UserId));
        Assert.Equal(Protocol.Milky, incident.Protocol);
    }

    [Fact]
    public async Task A_member_who_came_back_is_a_newcomer_by_the_join_event_whatever_a_stale_member_entry_says()
    {
        using var service = Service(null, NewcomerPack);

        // 20013 joined at 09:45 (the event); its first message's member entry still says 2023.
        var joined = await PostMilkyAsync(service, GroupGuardFactory.Sample("milky-group-member-increase.json"));
        var message = await PostMilkyAsync(service, GroupMessage(77012, "想要资料的私聊领取", service.WebhookClock.GetUtcNow().AddMinutes(-1), senderId: 20013));

        Assert.Equal(HttpStatusCode.NoContent, joined.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, message.StatusCode);
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal(("ads.newcomer-contact", "77012", "20013"), (incident.Rule, incident.MessageId, incident.UserId));
    }

    [Fact]
    public async Task A_pushed_bot_offline_is_a_warning_with_its_reason()
    {
        using var service = Service(null);

        var response = await PostMilkyAsync(service, GroupGuardFactory.Sample("milky-bot-offline.json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var warning = await service.Logs.WaitFor(e => e.Message.Contains("is offline", StringComparison.Ordinal), "the bot_offline warning");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("bot 10001 is offline: 账号在其他设备登录", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_pushed_event_twice_is_moderated_once()
    {
        using var service = Service(null);
        var body = GroupMessage(77002, "加微信", service.WebhookClock.GetUtcNow().AddMinutes(-1));

        Assert.Equal(HttpStatusCode.NoContent, (await PostMilkyAsync(service, body)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PostMilkyAsync(service, body)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PostMilkyAsync(service, GroupMessage(77003, "你好", service.WebhookClock.GetUtcNow()))).StatusCode);

        await service.HandledAsync("77003");
        Assert.Equal(["77002", "77003"], service.Handled.Items.Select(m => m.MessageId));
    }

    [Theory]
    [InlineData(null, "application/json", HttpStatusCode.Unauthorized)]
    [InlineData("wrong-token-of-enough-length", "application/json", HttpStatusCode.Unauthorized)]
    [InlineData(WebhookToken, "text/plain", HttpStatusCode.UnsupportedMediaType)]
    public async Task The_webhook_wants_the_token_and_json(string? token, string contentType, HttpStatusCode expected)
    {
        using var service = Service(null);

        var response = await PostMilkyAsync(service, GroupMessage(77004, "加微信", service.WebhookClock.GetUtcNow()), token, contentType);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_and_oversized_bodies_are_400_and_413()
    {
        using var service = Service(null);

        var malformed = await PostMilkyAsync(service, """{"time":1,"self_id":10001,"event_type":"message_receive","data":{"message_scene":"group"}}""");
        var oversized = await PostMilkyAsync(service, "\"" + new string('x', MilkyLimits.MaxEventBytes) + "\"");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("missing field 'data.peer_id'", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_off_loopback_the_webhook_answers_401_and_the_service_still_starts()
    {
        using var service = Service(null, ("GroupGuard:Milky:AccessToken", null), ("urls", "http://0.0.0.0:5140"));

        var response = await PostMilkyAsync(service, GroupMessage(77005, "加微信", service.WebhookClock.GetUtcNow()), token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("GroupGuard:Milky:AccessToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_on_loopback_the_webhook_is_open_as_the_onebot_ones_are()
    {
        using var service = Service(null, ("GroupGuard:Milky:AccessToken", null));

        var response = await PostMilkyAsync(service, GroupMessage(77006, "你好", service.WebhookClock.GetUtcNow()), token: null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Switched_off_the_webhook_is_404()
    {
        using var service = Service(null, ("GroupGuard:Milky:Webhook", "false"));

        var response = await PostMilkyAsync(service, GroupMessage(77007, "你好", service.WebhookClock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5140", "true", null, false, false)]
    [InlineData("http://0.0.0.0:5140", "true", WebhookToken, false, true)]
    [InlineData("http://0.0.0.0:5140", "true", null, true, true)]
    [InlineData("http://0.0.0.0:5140", null, null, false, true)]
    [InlineData("http://127.0.0.1:5140", "true", null, false, true)]
    public void Switched_on_off_loopback_without_a_token_the_service_refuses_to_start(string urls, string? webhook, string? token, bool allowUnsigned, bool starts)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls })
            .Build();
        var oneBot = new SettableOptions<GroupGuard.OneBot.OneBotOptions>(new GroupGuard.OneBot.OneBotOptions { AllowUnsigned = allowUnsigned });
        var validator = new GroupGuard.Host.Webhooks.MilkyWebhookExposureValidator(new GroupGuard.Host.Webhooks.ListenAddresses(configuration), oneBot);

        var result = validator.Validate(null, new MilkyOptions { Webhook = webhook is null ? null : bool.Parse(webhook), AccessToken = token });

        Assert.Equal(starts, result.Succeeded);
        if (!starts)
        {
            var failure = Assert.Single(result.Failures!);
            Assert.StartsWith("GroupGuard:Milky:AccessToken is not set while GroupGuard:Milky:Webhook is true and the service listens on http://0.0.0.0:5140", failure, StringComparison.Ordinal);
            Assert.Contains("GroupGuard:Milky:Webhook=false", failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Milky_actions_go_to_the_milky_adapter()
    {
        using var service = Service(null);

        var router = service.Services.GetRequiredService<GroupGuard.Core.Moderation.IPlatformActions>();

        Assert.True(router.CanDo(Protocol.Milky, "qq", ModerationAction.Recall));
        Assert.True(router.CanDo(Protocol.Milky, "qq", ModerationAction.Mute));
    }
}
