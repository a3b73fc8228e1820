using System.Text;
using GroupGuard.Core;
using GroupGuard.Milky.Streams;
using GroupGuard.Milky.Tests.Support;
using GroupGuard.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Milky.Tests;

/// <summary>
/// The event stream against a fake implementation on loopback: <c>/event</c> as a WebSocket, SSE when
/// the upgrade is refused, reconnecting after a drop on the injected clock, and bad events skipped.
/// </summary>
public sealed class StreamTests : IAsyncLifetime
{
    private const string Token = "llbot-access-token";

    private readonly FakeTimeProvider _fake = new(Samples.Stamped.AddMinutes(1));
    private readonly WatchedClock _clock;
    private readonly RecordingSink _sink = new();
    private readonly LogCollector<MilkyEventStream> _logs = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private Task? _running;

    public StreamTests() => _clock = new WatchedClock(_fake);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.Within("the stream to stop");
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private MilkyConnection Run(FakeMilky milky, string? token = Token) => Run(milky.Url, token);

    private MilkyConnection Run(string url, string? token = Token)
    {
        var connection = new MilkyConnection(0, new MilkyConnectionOptions { Url = url, AccessToken = token });
        var stream = new MilkyEventStream(connection, _sink, _http, new SettableOptions<MilkyOptions>(new MilkyOptions()), _clock, _logs);
        _running = Task.Run(() => stream.RunAsync(_stop.Token));
        return connection;
    }

    /// <summary>The backoff before a reconnect: the first timer due within a few seconds (connect timeouts are 15 s).</summary>
    private Task<ClockTimer> BackoffAsync(int skip) =>
        _clock.TimerAsync(t => t.DueTime > TimeSpan.Zero && t.DueTime < TimeSpan.FromSeconds(10), skip, "the reconnect backoff");

    [Fact]
    public async Task A_group_message_pushed_over_the_websocket_reaches_the_sink()
    {
        await using var milky = FakeMilky.Start(Token);
        var connection = Run(milky);

        var opened = await milky.ConnectionAsync(1);
        await milky.PushAsync(Samples.Text("group-message.json"));
        var inbound = await _sink.Events.WaitForAsync(e => e.Kind == InboundEventKind.GroupMessage, "the group message");

        Assert.Equal(MilkyEventTransports.WebSocket, opened.Transport);
        Assert.Equal("Bearer " + Token, opened.Authorization);
        Assert.Equal(Token, opened.QueryToken); // Lagrange.Milky reads only the query
        Assert.Equal(Protocol.Milky, inbound.Protocol);
        Assert.Equal("23333", inbound.Message!.MessageId);
        var state = Assert.Single(new[] { connection.Snapshot() });
        Assert.True(state.Connected);
        Assert.Equal(milky.Url, state.Name);
        Assert.Equal("10001", state.BotId);
        Assert.Equal(_fake.GetUtcNow(), state.LastEventAt);
        Assert.DoesNotContain(Token, state.Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(426)]
    public async Task When_the_upgrade_is_refused_the_stream_falls_back_to_sse(int refusal)
    {
        await using var milky = FakeMilky.Start(Token, MilkyEventTransports.Sse);
        milky.RefuseUpgradeWith = refusal;
        Run(milky);

        var opened = await milky.ConnectionAsync(1);
        await milky.PushAsync(Samples.Text("group-message.json")); // pretty-printed: many data: lines
        var inbound = await _sink.Events.WaitForAsync(e => e.Kind == InboundEventKind.GroupMessage, "the group message over SSE");

        Assert.Equal(MilkyEventTransports.Sse, opened.Transport);
        Assert.Equal("Bearer " + Token, opened.Authorization);
        Assert.Equal(MilkyEventTransports.WebSocket, milky.EventRequests.Items[0].Transport);
        Assert.Equal("23333", inbound.Message!.MessageId);
    }

    [Fact]
    public async Task After_the_implementation_drops_the_stream_it_reconnects_after_a_backoff()
    {
        await using var milky = FakeMilky.Start(Token);
        var connection = Run(milky);
        await milky.ConnectionAsync(1);
        await milky.PushAsync(Samples.GroupMessage(1, "第一条"));
        await _sink.Events.WaitForCountAsync(1);
        var timersBefore = _clock.Timers.Count;

        await milky.DropConnectionsAsync();
        var backoff = await BackoffAsync(timersBefore);

        var down = connection.Snapshot();
        Assert.False(down.Connected);
        Assert.Contains("closed the WebSocket (1001 restarting)", down.LastError, StringComparison.Ordinal);
        Assert.Equal(ConnectionErrorKind.Dropped, down.LastErrorKind);
        Assert.Single(milky.EventConnections.Items);
        Assert.InRange(backoff.DueTime, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));

        _fake.Advance(backoff.DueTime);
        await milky.ConnectionAsync(2);
        await milky.PushAsync(Samples.GroupMessage(2, "第二条"));
        var second = await _sink.Events.WaitForAsync(e => e.Message?.MessageId == "2", "the message after the reconnect");

        Assert.Equal("第二条", second.Message!.Text);
        Assert.True(connection.Snapshot().Connected);
    }

    [Fact]
    public async Task A_stream_that_stayed_open_a_while_without_events_starts_the_backoff_over()
    {
        await using var milky = FakeMilky.Start(Token);
        Run(milky);

        // Dropped as soon as it opened: a failure.
        await milky.ConnectionAsync(1);
        await milky.DropConnectionsAsync();
        var first = await BackoffAsync(0);
        _fake.Advance(first.DueTime);

        // Open for two quiet minutes (Milky sends no heartbeat), then dropped: it worked.
        await milky.ConnectionAsync(2);
        await UpAsync(2);
        _fake.Advance(TimeSpan.FromMinutes(2));
        await milky.DropConnectionsAsync();
        var second = await BackoffAsync(first.Number);
        _fake.Advance(second.DueTime);

        // Dropped at once again: a failure after one, not after three.
        await milky.ConnectionAsync(3);
        await UpAsync(3);
        await milky.DropConnectionsAsync();
        var third = await BackoffAsync(second.Number);

        Assert.InRange(first.DueTime, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.InRange(second.DueTime, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.InRange(third.DueTime, TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
    }

    /// <summary>The stream has taken the <paramref name="nth"/> connection as up (it logs so once it has).</summary>
    private Task UpAsync(int nth) =>
        _logs.Recording.WaitUntilAsync(l => l.Count(e => e.Message.Contains(" connected (", StringComparison.Ordinal)) >= nth, $"the stream to take connection #{nth} as up");

    [Fact]
    public async Task An_sse_stream_on_which_nothing_comes_is_opened_again_after_the_idle_deadline()
    {
        await using var silent = SilentSseServer.Start();
        var connection = Run(silent.Url);

        // The upgrade is answered 200 text/event-stream: SSE, then headers and nothing more.
        await _logs.Recording.WaitForAsync(e => e.Message.Contains("connected (SSE)", StringComparison.Ordinal), "the SSE stream to be up");
        var deadline = await _clock.TimerAsync(t => t.DueTime == TimeSpan.FromSeconds(300), 0, "the idle deadline of the SSE read");
        Assert.True(connection.Snapshot().Connected);

        _fake.Advance(TimeSpan.FromSeconds(300));
        var backoff = await BackoffAsync(deadline.Number);

        var down = connection.Snapshot();
        Assert.False(down.Connected);
        Assert.Equal("nothing came on the SSE stream for 300 s (GroupGuard:Milky:SseIdleSeconds): taken for dead", down.LastError);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("ended: nothing came", StringComparison.Ordinal));
        Assert.InRange(backoff.DueTime, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2)); // five minutes up: not a failure in a row

        _fake.Advance(backoff.DueTime);
        var requests = await silent.Requests.WaitForCountAsync(3, "the stream to be opened again");

        Assert.Equal([true, false, false], requests.Select(r => r.WebSocket));
        Assert.All(requests, r => Assert.StartsWith("GET /event?access_token=", r.RequestLine, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failures_in_a_row_wait_longer_each_time()
    {
        await using var milky = FakeMilky.Start("another-token");
        var connection = Run(milky);

        var first = await BackoffAsync(0);
        _fake.Advance(first.DueTime);
        var second = await BackoffAsync(first.Number);

        Assert.InRange(first.DueTime, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.InRange(second.DueTime, TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
        var state = connection.Snapshot();
        Assert.False(state.Connected);
        Assert.Contains("refused the access token (GroupGuard:Milky:Connections:0:AccessToken) with HTTP 401", state.LastError, StringComparison.Ordinal);
        Assert.Equal(ConnectionErrorKind.TokenRefused, state.LastErrorKind);
        Assert.DoesNotContain(Token, state.LastError, StringComparison.Ordinal);
        // A refused token is not a sign of SSE: no SSE request was tried.
        Assert.All(milky.EventRequests.Items, r => Assert.Equal(MilkyEventTransports.WebSocket, r.Transport));
    }

    [Fact]
    public async Task A_bot_offline_shows_the_stream_down_with_its_reason_until_events_come_again()
    {
        await using var milky = FakeMilky.Start(Token);
        var connection = Run(milky);
        await milky.ConnectionAsync(1);
        await milky.PushAsync(Samples.GroupMessage(1, "第一条"));
        await _sink.Events.WaitForCountAsync(1);

        await milky.PushAsync(Samples.Text("bot-offline.json"));
        await _sink.Events.WaitForAsync(e => e.Detail == "bot_offline", "the bot_offline event");

        var offline = connection.Snapshot();
        Assert.False(offline.Connected);
        Assert.Equal("the implementation says bot 10001 is offline: 账号在其他设备登录", offline.LastError);
        Assert.Equal(ConnectionErrorKind.BotOffline, offline.LastErrorKind);
        Assert.Equal(_fake.GetUtcNow(), offline.Since);
        var warning = Assert.Single(_logs.Entries, e => e.Message.Contains("offline", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("账号在其他设备登录", warning.Message, StringComparison.Ordinal);

        // The account logged in again: its events flow, and the stream is up as before.
        _fake.Advance(TimeSpan.FromMinutes(3));
        await milky.PushAsync(Samples.GroupMessage(2, "又来了"));
        await _sink.Events.WaitForAsync(e => e.Message?.MessageId == "2", "the message after the login");

        var back = connection.Snapshot();
        Assert.True(back.Connected);
        Assert.Null(back.LastError);
        Assert.Null(back.LastErrorKind);
        Assert.Equal(_fake.GetUtcNow(), back.Since);
    }

    [Fact]
    public async Task An_oversized_or_malformed_event_is_skipped_and_the_stream_goes_on()
    {
        await using var milky = FakeMilky.Start(Token);
        Run(milky);
        var opened = await milky.ConnectionAsync(1);

        await opened.SendRawAsync(Encoding.UTF8.GetBytes("\"" + new string('x', MilkyLimits.MaxEventBytes) + "\""));
        await opened.SendRawAsync("{not json"u8.ToArray());
        await opened.SendRawAsync(Encoding.UTF8.GetBytes(Samples.GroupMessage(3, "还在")));
        var inbound = await _sink.Events.WaitForCountAsync(1);

        Assert.Equal("3", Assert.Single(inbound).Message!.MessageId);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("(413)", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("(400): malformed JSON", StringComparison.Ordinal));
        Assert.Single(milky.EventConnections.Items);
    }

    [Fact]
    public async Task An_event_the_queue_cannot_take_is_offered_again()
    {
        await using var milky = FakeMilky.Start(Token);
        _sink.RetryLaterFirst = 1;
        Run(milky);
        await milky.ConnectionAsync(1);
        var timersBefore = _clock.Timers.Count;

        await milky.PushAsync(Samples.GroupMessage(4, "稍后"));
        var wait = await _clock.TimerAsync(t => t.DueTime == TimeSpan.FromSeconds(0.5), timersBefore, "the wait before offering the event again");
        _fake.Advance(wait.DueTime);

        var accepted = await _sink.Events.WaitForCountAsync(1);
        Assert.Equal("4", accepted[0].Message!.MessageId);
        Assert.Equal(2, _sink.Offers);
    }

    private sealed class RecordingSink : IEventSink
    {
        private int _offers;

        public Recording<InboundEvent> Events { get; } = new();

        public int RetryLaterFirst { get; set; }

        public int Offers => Volatile.Read(ref _offers);

        public EventAcceptance Accept(InboundEvent inbound)
        {
            if (Interlocked.Increment(ref _offers) <= RetryLaterFirst)
            {
                return EventAcceptance.RetryLater;
            }

            Events.Add(inbound);
            return EventAcceptance.Accepted;
        }
    }
}
