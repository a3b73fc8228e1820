using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using GroupGuard.OneBot.Sockets;
using GroupGuard.OneBot.Tests.Support;
using GroupGuard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Sockets;

/// <summary>
/// GroupGuard connects out to a forward WebSocket server (NapCat's websocketServers, on loopback
/// here), takes events from it, sends that bot's actions over it, and reconnects with backoff on
/// the injected clock when the connection drops.
/// </summary>
public sealed class ForwardSocketTests : IAsyncLifetime
{
    private const string Token = "forward-token-2026";
    private const string Bot = "3889012345";

    private readonly FakeOneBotWebSocketServer _napcat = FakeOneBotWebSocketServer.Start(Token);
    private readonly FakeSink _sink = new();
    private readonly SocketRegistry _registry;
    private readonly FakeTimeProvider _time = new();
    private readonly WatchedClock _clock;
    private readonly LogCollector<ForwardSocketService> _logs = new();

    public ForwardSocketTests()
    {
        _clock = new WatchedClock(_time);
        _registry = new SocketRegistry(_clock);

        // NapCat sends the lifecycle connect event as soon as a client is in.
        _napcat.OnConnected = socket => socket.SendAsync(Samples.Bytes("V11/ws/napcat-lifecycle-connect.json"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _napcat.DisposeAsync();

    private ForwardSocketService Service(string? token = Token, string? url = null)
    {
        var options = new OneBotOptions { Connections = [new OneBotConnectionOptions { Url = url ?? _napcat.Url, AccessToken = token }] };
        var services = new ServiceCollection().AddSingleton<IEventSink>(_sink).BuildServiceProvider();
        return new ForwardSocketService(
            Microsoft.Extensions.Options.Options.Create(options),
            Receivers.Create(),
            _registry,
            services,
            _clock,
            _logs);
    }

    [Fact]
    public async Task It_connects_with_the_token_takes_events_and_learns_the_bot_from_the_first()
    {
        using var service = Service();
        await service.StartAsync(CancellationToken.None);
        try
        {
            var napcat = (await _napcat.Connections.WaitForCountAsync(1, "GroupGuard to connect"))[0];
            await napcat.SendAsync(Samples.Bytes("V11/napcat-group-array.json"));

            var events = await _sink.Events.WaitForCountAsync(2, "the lifecycle event and the message");
            Assert.Equal([InboundEventKind.Meta, InboundEventKind.GroupMessage], events.Select(e => e.Kind));
            Assert.Equal($"Bearer {Token}", _napcat.Upgrades.Items[0].Headers["Authorization"]);
            var state = Assert.Single(_registry.Connections);
            Assert.Equal(_napcat.Url, state.Name);
            Assert.Equal(Bot, state.BotId);
            Assert.True(state.Connected);
            Assert.NotNull(_registry.Find(Bot));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_bots_actions_go_over_the_forward_socket()
    {
        using var service = Service();
        await service.StartAsync(CancellationToken.None);
        using var client = new OneBotActionClient(new HttpClient(), new SettableOptions<OneBotOptions>(new OneBotOptions { MaxActionsPerSecond = 1000, ActionTimeoutSeconds = 30, ActionBudgetSeconds = 60, VerifyActions = false }), _clock, new LogCollector<OneBotActionClient>(), TimeSpan.FromMilliseconds(50), _registry);
        try
        {
            var napcat = (await _napcat.Connections.WaitForCountAsync(1, "GroupGuard to connect"))[0];
            await _sink.Events.WaitForCountAsync(1, "the lifecycle event");

            var result = await client.ExecuteAsync(Action(ModerationAction.Recall, bot: Bot, message: "1988435722"), CancellationToken.None);

            Assert.Equal(ActionResult.Done, result);
            Assert.Equal("delete_msg", Assert.Single(napcat.Calls.Items).Action);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_dropped_connection_shows_as_down_and_is_made_again_after_a_backoff()
    {
        using var service = Service();
        await service.StartAsync(CancellationToken.None);
        try
        {
            var first = (await _napcat.Connections.WaitForCountAsync(1, "GroupGuard to connect"))[0];
            await _sink.Events.WaitForCountAsync(1, "the first lifecycle event");
            var timersBefore = _clock.Timers.Count;

            first.Abort();

            // About a second (±20 %): the first step of the backoff after a socket that carried events.
            var backoff = await _clock.TimerAsync(t => t.DueTime <= TimeSpan.FromSeconds(1.2), skip: timersBefore, what: "the reconnect backoff");
            Assert.InRange(backoff.DueTime, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
            var down = Assert.Single(_registry.Connections);
            Assert.False(down.Connected);
            Assert.StartsWith("the connection broke", down.LastError, StringComparison.Ordinal);
            Assert.Equal(ConnectionErrorKind.Dropped, down.LastErrorKind); // the console says 连接中断 before the text
            Assert.Null(_registry.Find(Bot));

            _time.SetUtcNow(backoff.DueAt!.Value);
            await _napcat.Connections.WaitForCountAsync(2, "GroupGuard to connect again");
            await _sink.Events.WaitForCountAsync(2, "the second lifecycle event");

            var up = Assert.Single(_registry.Connections);
            Assert.True(up.Connected);
            Assert.Null(up.LastError);
            Assert.Null(up.LastErrorKind);
            Assert.NotNull(_registry.Find(Bot));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_refused_token_shows_on_the_connection_without_the_token_and_is_retried_with_growing_backoff()
    {
        using var service = Service(token: "a-wrong-token-that-is-long");
        await service.StartAsync(CancellationToken.None);
        try
        {
            var first = await _clock.TimerAsync(t => t.DueTime <= TimeSpan.FromSeconds(1.2) && t.DueTime != ForwardSocketService.ConnectTimeout, what: "the first backoff");
            var state = Assert.Single(_registry.Connections);
            Assert.False(state.Connected);
            Assert.StartsWith("the server refused the access token (HTTP 401)", state.LastError, StringComparison.Ordinal);
            Assert.Equal(ConnectionErrorKind.TokenRefused, state.LastErrorKind);
            Assert.DoesNotContain("a-wrong-token", state.LastError, StringComparison.Ordinal);
            Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("a-wrong-token", StringComparison.Ordinal));

            _time.SetUtcNow(first.DueAt!.Value);
            var second = await _clock.TimerAsync(t => t.DueTime > TimeSpan.FromSeconds(1.2) && t.DueTime != ForwardSocketService.ConnectTimeout, skip: first.Number, what: "the second backoff");
            Assert.InRange(second.DueTime, TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
            Assert.Equal(2, _napcat.Upgrades.Items.Count(u => u.Status == 401));
            Assert.Empty(_napcat.Connections.Items);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_token_refused_after_the_upgrade_as_LuckyLilliaBot_does_shows_as_refused()
    {
        // LuckyLilliaBot's connect/ws.ts: reply 1403, then close(1008, 'invalid access token').
        _napcat.RefuseAfterUpgrade = async socket =>
        {
            await socket.SendAsync(Samples.Bytes("V11/ws/napcat-answer-token-refused.json"));
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, "invalid access token");
        };
        using var service = Service(token: "a-wrong-token-that-is-long");
        await service.StartAsync(CancellationToken.None);
        try
        {
            await _clock.TimerAsync(t => t.DueTime <= TimeSpan.FromSeconds(1.2) && t.DueTime != ForwardSocketService.ConnectTimeout, what: "the first backoff");

            var state = Assert.Single(_registry.Connections);
            Assert.False(state.Connected);
            Assert.Equal("the implementation refused the access token (retcode 1403); then closed by the peer (1008 invalid access token)", state.LastError);
            Assert.Equal(ConnectionErrorKind.TokenRefused, state.LastErrorKind);
            Assert.Empty(_sink.Events.Items);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task LuckyLilliaBots_forward_server_works_the_same()
    {
        _napcat.OnConnected = socket => socket.SendAsync(Samples.Bytes("V11/ws/llbot-lifecycle-connect.json"));
        using var service = Service();
        await service.StartAsync(CancellationToken.None);
        try
        {
            var llbot = (await _napcat.Connections.WaitForCountAsync(1, "GroupGuard to connect"))[0];
            await llbot.SendAsync(Samples.Bytes("V11/llonebot-group.json"));

            var events = await _sink.Events.WaitForCountAsync(2, "the lifecycle event and the message");
            Assert.Equal(InboundEventKind.GroupMessage, events[1].Kind);
            Assert.Equal(Bot, Assert.Single(_registry.Connections).BotId);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Nothing_listening_is_a_down_connection_with_the_reason()
    {
        using var service = Service(url: $"ws://127.0.0.1:{LoopbackHttpServer.FreePort()}/");
        await service.StartAsync(CancellationToken.None);
        try
        {
            await _clock.TimerAsync(t => t.DueTime <= TimeSpan.FromSeconds(1.2) && t.DueTime != ForwardSocketService.ConnectTimeout, what: "the first backoff");

            var state = Assert.Single(_registry.Connections);
            Assert.False(state.Connected);
            Assert.Null(state.BotId);
            Assert.False(string.IsNullOrEmpty(state.LastError));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void The_backoff_doubles_from_one_second_up_to_a_minute_with_jitter()
    {
        Assert.InRange(ForwardSocketService.Backoff(1), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.InRange(ForwardSocketService.Backoff(3), TimeSpan.FromSeconds(3.2), TimeSpan.FromSeconds(4.8));
        Assert.InRange(ForwardSocketService.Backoff(30), TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72));
    }
}
