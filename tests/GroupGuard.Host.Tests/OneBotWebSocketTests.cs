using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Host.Webhooks;
using GroupGuard.OneBot;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A OneBot v11 implementation that opens its reverse WebSocket to <c>/onebot/v11/ws</c> as NapCat
/// does (websocketClients: <c>Authorization: Bearer</c>, <c>X-Self-ID</c>, <c>X-Client-Role:
/// Universal</c>), sends group events over it and answers the actions that come back over it.
/// </summary>
public sealed class OneBotWebSocketTests
{
    private const string MutePack = """
        pack: test-mute
        name: 禁言测试
        category: ads
        severity: high
        action: mute
        mute_minutes: 5
        rules:
          - id: ads.contact
            terms: [加微信]
        """;

    private static GroupGuardFactory Service(string? rulePack = null) => new(
        new Dictionary<string, string?>
        {
            // Generous, as in GroupGuardFactory.OneBotApi: a timed-out try on a loaded machine is retried, a second call no test here expects.
            ["GroupGuard:OneBot:ActionTimeoutSeconds"] = "30",
            ["GroupGuard:OneBot:ActionBudgetSeconds"] = "60",
            ["GroupGuard:OneBot:MaxActionsPerSecond"] = "50",
        },
        rulePack);

    /// <summary>NapCat's websocketClients connection: the token as a bearer header, the bot in X-Self-ID.</summary>
    private static async Task<FakeOneBotSocket> ConnectAsNapCatAsync(GroupGuardFactory service, string? token = GroupGuardFactory.AccessToken, string? selfId = "10001", string? query = null)
    {
        var client = service.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            if (token is not null)
            {
                request.Headers.Authorization = "Bearer " + token;
            }

            if (selfId is not null)
            {
                request.Headers["X-Self-ID"] = selfId;
            }

            request.Headers["X-Client-Role"] = "Universal";
            request.Headers.UserAgent = "OneBot/11";
        };
        var socket = await client.ConnectAsync(new Uri(service.Server.BaseAddress, OneBotWebSocketEndpoint.Path + query), CancellationToken.None);
        return new FakeOneBotSocket(socket);
    }

    private static string Sample(string name) => GroupGuardFactory.Sample(name);

    [Theory]
    [InlineData("a-wrong-token-of-some-length")]
    [InlineData(null)]
    public async Task A_wrong_or_missing_token_is_refused_with_401_before_the_upgrade_naming_the_setting(string? token)
    {
        using var service = Service();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsNapCatAsync(service, token));

        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
        var refusal = Assert.Single(service.Logs.Entries, e => e.Message.Contains("Refused a OneBot v11 reverse WebSocket", StringComparison.Ordinal));
        Assert.Contains("401", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:OneBot:AccessToken", refusal.Message, StringComparison.Ordinal); // which token to compare the bridge's with
        Assert.DoesNotContain(service.Logs.Entries, e => token is not null && e.Message.Contains(token, StringComparison.Ordinal));
    }

    /// <summary>
    /// A bridge given the HTTP POST address as its reverse WebSocket's url (the <c>/ws</c> left off)
    /// is refused, and the log says where the socket goes, where the router's 405 said nothing.
    /// </summary>
    [Fact]
    public async Task A_bridge_opening_its_websocket_at_the_http_post_address_is_told_the_websocket_address()
    {
        using var service = Service();
        var client = service.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            request.Headers.Authorization = "Bearer " + GroupGuardFactory.AccessToken;
            request.Headers["X-Self-ID"] = "10001";
        };

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectAsync(new Uri(service.Server.BaseAddress, "/onebot/v11"), CancellationToken.None));

        Assert.Contains("404", refused.Message, StringComparison.Ordinal);
        var refusal = Assert.Single(service.Logs.Entries, e => e.Message.StartsWith("Refused a WebSocket at /onebot/v11 from ", StringComparison.Ordinal));
        Assert.Contains("the reverse WebSocket is at /onebot/v11/ws, so set the bridge's url to ws://localhost/onebot/v11/ws", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(GroupGuardFactory.AccessToken, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_may_come_as_the_access_token_query_parameter()
    {
        using var service = Service();

        await using var napcat = await ConnectAsNapCatAsync(service, token: null, query: "?access_token=" + GroupGuardFactory.AccessToken);
        await napcat.SendAsync(Sample("napcat-heartbeat.json"));

        await service.Logs.WaitFor(e => e.Message.Contains("connected as bot 10001", StringComparison.Ordinal), "the connection in the log");
    }

    [Fact]
    public async Task Without_X_Self_ID_or_without_an_upgrade_the_answer_is_400()
    {
        using var service = Service();

        var noSelf = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsNapCatAsync(service, selfId: null));
        Assert.Contains("400", noSelf.Message, StringComparison.Ordinal);
        var tooLong = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsNapCatAsync(service, selfId: new string('1', 65)));
        Assert.Contains("400", tooLong.Message, StringComparison.Ordinal);

        using var plain = new HttpRequestMessage(HttpMethod.Get, OneBotWebSocketEndpoint.Path);
        plain.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GroupGuardFactory.AccessToken);
        var response = await service.CreateClient().SendAsync(plain);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Group_events_over_the_socket_become_incidents_and_the_recall_comes_back_over_it_with_an_echo()
    {
        using var service = Service();
        await using var napcat = await ConnectAsNapCatAsync(service);

        await napcat.SendAsync(Sample("napcat-lifecycle-connect.json"));
        await napcat.SendAsync(Sample("napcat-group-array.json"));
        await napcat.SendAsync(Sample("napcat-group-string.json"));

        // Both messages are recalled, and recalls run side by side: either may come over the socket first.
        var recall = await napcat.Calls.WaitForAsync(c => c.Action == "delete_msg" && c.Params["message_id"]?.GetValue<long>() == -2147001234, "the recall of the array message over the socket");
        Assert.Equal(JsonValueKind.String, recall.Echo!.GetValueKind());
        await napcat.Calls.WaitForAsync(c => c.Action == "delete_msg" && c.Params["message_id"]?.GetValue<long>() == 1583920, "the recall of the string message over the socket");
        var incident = await service.SettledAsync(2, i => i.MessageId == "-2147001234");
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal(Protocol.OneBotV11, incident.Protocol);
        Assert.Equal("10001", incident.BotId);
    }

    [Fact]
    public async Task An_action_left_pending_by_a_crash_waits_for_the_bot_to_connect_and_goes_over_its_socket()
    {
        // No ApiBaseUrl: the bot reaches the service over this socket only. The recovery runs at
        // start, before the service listens and so before NapCat can have reconnected.
        using var service = Service();
        await service.StartedAsync();
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var ids = await store.AddAsync([Incidents.Of("901", time: DateTimeOffset.UtcNow.AddMinutes(-1), bot: "10001") with { ActionStatus = ActionStatus.Pending }], CancellationToken.None);
        var recovery = GroupGuard.Host.Tests.Pipeline.Recoveries.For(service.Services, TimeProvider.System);

        await recovery.RecoverAsync(CancellationToken.None);
        await using var napcat = await ConnectAsNapCatAsync(service);

        var recall = await napcat.Calls.WaitForAsync(c => c.Action == "delete_msg", "the recall over the socket once the bot connected");
        Assert.Equal(901, recall.Params["message_id"]!.GetValue<long>());
        await service.StoreCalls.WaitForAsync(
            c => GroupGuardFactory.IsOutcome(c) && ((IEnumerable<long>)c.Arguments[0]!).Contains(ids[0]),
            "the outcome of the recall queued again");
        Assert.Equal(ActionStatus.Done, (await store.GetAsync(ids[0], CancellationToken.None))!.ActionStatus);
    }

    [Fact]
    public async Task A_mute_answered_ok_while_the_member_stays_unmuted_ends_as_failed()
    {
        using var service = Service(MutePack);
        await using var napcat = await ConnectAsNapCatAsync(service);
        napcat.Script("get_group_member_info", FakeSocketAnswer.Json(Sample("napcat-answer-member-not-muted.json")));

        await napcat.SendAsync(GroupGuardFactory.GroupEvent(777, "加微信"));

        var incident = await service.SettledAsync(1, i => i.MessageId == "777");
        Assert.Equal(ActionStatus.Failed, incident.ActionStatus);
        Assert.Equal(ActionErrorKind.NotPermitted, incident.ActionErrorKind);
        Assert.Contains("the platform answered ok but the member is not muted", incident.ActionError, StringComparison.Ordinal);
        var lookup = napcat.Calls.Items.Single(c => c.Action == "get_group_member_info" && c.Params["no_cache"]!.GetValue<bool>());
        Assert.Equal(20002, lookup.Params["user_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_message_over_one_MiB_is_skipped_the_next_event_is_moderated_and_healthz_counts_it()
    {
        using var service = Service();
        var client = service.CreateClient();
        await using var napcat = await ConnectAsNapCatAsync(service);
        var heartbeat = Sample("napcat-heartbeat.json").Trim();

        // Before, it closed the socket with 1009, and the events until NapCat reconnected were lost.
        await napcat.SendAsync(heartbeat + new string(' ', OneBotLimits.MaxFrameBytes + 1 - Encoding.UTF8.GetByteCount(heartbeat)));
        await napcat.SendAsync(GroupGuardFactory.GroupEvent(502, "大家好"));

        await service.HandledAsync("502");
        Assert.False(napcat.Closed.IsCompleted);
        var connection = await ConnectionAsync(client);
        Assert.Equal("connected", connection.GetProperty("state").GetString());
        Assert.Equal(1, connection.GetProperty("oversized_skipped").GetInt64());
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("of bot 10001: skipped a message of 1048577 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Healthz_lists_the_connection_while_up_and_after_it_dropped()
    {
        using var service = Service();
        var client = service.CreateClient();
        await using (var napcat = await ConnectAsNapCatAsync(service))
        {
            // The socket marks its last event before handing it on, so once the worker has the message it shows.
            await napcat.SendAsync(GroupGuardFactory.GroupEvent(501, "大家好"));
            await service.HandledAsync("501");

            var up = await ConnectionAsync(client);
            Assert.Equal("onebot.v11", up.GetProperty("protocol").GetString());
            Assert.Equal("10001", up.GetProperty("bot_id").GetString());
            Assert.Equal("connected", up.GetProperty("state").GetString());
            Assert.StartsWith("ws-reverse ", up.GetProperty("name").GetString(), StringComparison.Ordinal);
            Assert.NotEqual(JsonValueKind.Null, up.GetProperty("last_event_at").ValueKind);

            await napcat.CloseAsync(WebSocketCloseStatus.NormalClosure, "NapCat stops");
            await service.Logs.WaitFor(e => e.Message.Contains("of bot 10001 ended", StringComparison.Ordinal), "the end of the connection in the log");
        }

        var down = await ConnectionAsync(client);
        Assert.Equal("down", down.GetProperty("state").GetString());
        Assert.Equal("closed by the peer (1000 NapCat stops)", down.GetProperty("last_error").GetString());
        Assert.NotEqual(JsonValueKind.Null, down.GetProperty("last_event_at").ValueKind);
    }

    [Fact]
    public void Listening_beyond_loopback_without_an_access_token_is_refused_naming_the_socket()
    {
        var validator = new OneBotWebSocketExposureValidator(new ListenAddresses(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:5140" })
            .Build()));

        var refused = validator.Validate(null, new OneBotOptions { Secret = "a-v11-secret-2026" });
        var allowed = validator.Validate(null, new OneBotOptions { AccessToken = "an-access-token-2026" });
        var knowingly = validator.Validate(null, new OneBotOptions { AllowUnsigned = true });

        var failure = Assert.Single(refused.Failures!);
        Assert.StartsWith("GroupGuard:OneBot:AccessToken is not set while the service listens on http://0.0.0.0:5140", failure, StringComparison.Ordinal);
        Assert.Contains("/onebot/v11/ws", failure, StringComparison.Ordinal);
        Assert.True(allowed.Succeeded);
        Assert.True(knowingly.Succeeded);
    }

    private static async Task<JsonElement> ConnectionAsync(HttpClient client)
    {
        using var health = JsonDocument.Parse(await client.GetStringAsync("/healthz"));
        return health.RootElement.GetProperty("connections").EnumerateArray().Single(c => c.GetProperty("protocol").GetString() == "onebot.v11").Clone();
    }
}
