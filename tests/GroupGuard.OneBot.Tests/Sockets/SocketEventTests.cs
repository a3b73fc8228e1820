using System.Net.WebSockets;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Tests.Actions;
using GroupGuard.OneBot.Sockets;
using GroupGuard.OneBot.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.OneBot.Tests.Sockets;

/// <summary>
/// Events over a reverse WebSocket: the frames are the HTTP POST bodies of the same events
/// (communication/ws.md), read with the same parsing and bounds; a bad or oversized one is
/// skipped, a binary one closes the socket.
/// </summary>
public sealed class SocketEventTests : IAsyncLifetime
{
    private readonly SocketHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Sample_frames_of_NapCat_become_events_of_the_bot_in_order()
    {
        var (napcat, _) = await _harness.ConnectAsync();

        await napcat.SendAsync(Samples.Bytes("V11/ws/napcat-lifecycle-connect.json"));
        await napcat.SendAsync(Samples.Bytes("V11/napcat-group-array.json"));
        await napcat.SendAsync(Samples.Bytes("V11/napcat-group-string.json"));
        await napcat.SendAsync(Samples.Bytes("V11/ws/napcat-heartbeat.json"));

        var events = await _harness.Sink.Events.WaitForCountAsync(4, "four events from the socket");
        Assert.Equal(
            [InboundEventKind.Meta, InboundEventKind.GroupMessage, InboundEventKind.GroupMessage, InboundEventKind.Meta],
            events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(Protocol.OneBotV11, e.Protocol));
        Assert.All(events, e => Assert.Equal("3889012345", e.BotId));
        Assert.Equal("1988435722", events[1].Message!.MessageId);

        var state = Assert.Single(_harness.Registry.Connections);
        Assert.True(state.Connected);
        Assert.Equal("3889012345", state.BotId);
        Assert.Equal("ws-reverse 127.0.0.1:40000", state.Name);
        Assert.NotNull(state.LastEventAt);
    }

    [Fact]
    public async Task A_bad_frame_is_skipped_and_the_socket_stays_open()
    {
        var (napcat, run) = await _harness.ConnectAsync();

        await napcat.SendAsync("""{"post_type":"message","message_type":""");
        await napcat.SendAsync("{not json");
        await napcat.SendAsync("""{"post_type":"message","message_type":"group","self_id":3889012345}""");
        await napcat.SendAsync("[1,2,3]");
        await napcat.SendAsync(Samples.Bytes("V11/napcat-group-array.json"));

        var message = await _harness.Sink.Events.WaitForAsync(e => e.Kind == InboundEventKind.GroupMessage, "the good event after the bad ones");
        Assert.Equal("1988435722", message.Message!.MessageId);
        Assert.Single(_harness.Sink.Events.Items);
        Assert.False(run.IsCompleted);
        Assert.Contains(_harness.AcceptorLogs.Entries, e => e.Message.Contains("skipped a message: 400 missing field 'group_id'", StringComparison.Ordinal));
        Assert.Contains(_harness.AcceptorLogs.Entries, e => e.Message.Contains("skipped a message: 400 malformed JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_of_another_bot_is_skipped()
    {
        var (napcat, _) = await _harness.ConnectAsync(botId: "10001");

        await napcat.SendAsync(Samples.Bytes("V11/napcat-group-array.json"));
        await napcat.SendAsync(Samples.Node("V11/napcat-group-array.json").With("self_id", 10001).With("message_id", 7));

        var accepted = await _harness.Sink.Events.WaitForCountAsync(1, "the event of bot 10001");
        Assert.Equal("7", Assert.Single(accepted).Message!.MessageId);
        Assert.Contains(_harness.AcceptorLogs.Entries, e => e.Message.Contains("self_id 3889012345 is not this connection's bot 10001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_of_exactly_one_MiB_is_read()
    {
        var (napcat, run) = await _harness.ConnectAsync();
        var json = Encoding.UTF8.GetString(Samples.Bytes("V11/ws/napcat-heartbeat.json")).Trim();
        var padded = json + new string(' ', OneBotLimits.MaxFrameBytes - Encoding.UTF8.GetByteCount(json));

        await napcat.SendAsync(padded);

        var heartbeat = await _harness.Sink.Events.WaitForCountAsync(1, "the 1 MiB heartbeat");
        Assert.Equal(InboundEventKind.Meta, Assert.Single(heartbeat).Kind);
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task A_message_over_one_MiB_is_read_to_its_end_and_skipped_and_the_socket_goes_on()
    {
        var time = new FakeTimeProvider();
        await using var harness = new SocketHarness(time: time);
        var (napcat, run) = await harness.ConnectAsync();
        var heartbeat = Encoding.UTF8.GetString(Samples.Bytes("V11/ws/napcat-heartbeat.json")).Trim();
        var justOver = heartbeat + new string(' ', OneBotLimits.MaxFrameBytes + 1 - Encoding.UTF8.GetByteCount(heartbeat));

        // Before, the first closed the socket with 1009, and every event until NapCat reconnected was lost.
        await napcat.SendAsync(justOver);
        await napcat.SendAsync(Samples.Node("V11/napcat-group-array.json").With("message_id", 8).With("message", "加微信" + new string('广', 1_500_000)));
        await napcat.SendAsync(Samples.Bytes("V11/napcat-group-array.json"));

        var message = await harness.Sink.Events.WaitForAsync(e => e.Kind == InboundEventKind.GroupMessage, "the event after the oversized ones");
        Assert.Equal("1988435722", message.Message!.MessageId);
        Assert.Single(harness.Sink.Events.Items);
        Assert.False(run.IsCompleted);
        var state = Assert.Single(harness.Registry.Connections);
        Assert.True(state.Connected);
        Assert.Equal(2, state.OversizedSkipped);

        // The first is logged at once, naming the bot and the size; the second waits for the next line.
        var line = Assert.Single(harness.AcceptorLogs.Entries, e => e.Message.Contains("skipped a message of", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal("OneBot WebSocket ws-reverse 127.0.0.1:40000 of bot 3889012345: skipped a message of 1048577 bytes, over the 1048576 bytes one may have (1 so since the last such line; one line every 10 s at most)", line.Message);
        Assert.DoesNotContain(harness.AcceptorLogs.Entries, e => e.Message.Contains("加微信", StringComparison.Ordinal));

        time.Advance(SocketRegistry.OversizedLogInterval);
        await napcat.SendAsync(justOver);
        var next = await harness.AcceptorLogs.WaitFor(e => e.Message.Contains("(2 so since the last such line", StringComparison.Ordinal), "the next line on oversized messages");
        Assert.Contains("skipped a message of 1048577 bytes", next.Message, StringComparison.Ordinal);
        Assert.Equal(3, Assert.Single(harness.Registry.Connections).OversizedSkipped);

        // It still carries the bot's actions.
        var recall = await harness.Client.ExecuteAsync(ActionClients.Action(ModerationAction.Recall, bot: "3889012345"), CancellationToken.None);
        Assert.Equal(ActionResult.Done, recall);
        Assert.Equal("delete_msg", Assert.Single(napcat.Calls.Items).Action);
    }

    [Fact]
    public async Task A_flood_of_bad_frames_is_logged_as_counts_not_a_line_each()
    {
        var time = new FakeTimeProvider();
        await using var harness = new SocketHarness(time: time);
        var (napcat, run) = await harness.ConnectAsync();

        // Before, each was a warning of its own: 5,000 lines in 3 s from one peer.
        for (var i = 0; i < 5000; i++)
        {
            await napcat.SendAsync("""{"post_type":"message"}""");
        }

        await napcat.SendAsync(Samples.Bytes("V11/napcat-group-array.json"));
        await harness.Sink.Events.WaitForCountAsync(1, "the good event after the flood"); // frames are read in order
        var first = Assert.Single(harness.AcceptorLogs.Entries, e => e.Message.Contains("skipped a message", StringComparison.Ordinal));
        Assert.Contains("skipped a message: 400 missing field", first.Message, StringComparison.Ordinal);
        Assert.Contains("(1 so since the last such line; one line every 10 s at most)", first.Message, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromSeconds(10));
        await napcat.SendAsync("""{"post_type":"message"}""");
        var next = await harness.AcceptorLogs.WaitFor(e => e.Message.Contains("(5000 so since the last such line", StringComparison.Ordinal), "the count of the flood");
        Assert.Contains("skipped a message: 400 missing field", next.Message, StringComparison.Ordinal);
        Assert.Equal(2, harness.AcceptorLogs.Entries.Count(e => e.Message.Contains("skipped a message", StringComparison.Ordinal)));
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task A_binary_message_closes_the_socket_with_1003()
    {
        var (napcat, run) = await _harness.ConnectAsync();

        await napcat.SendAsync(Samples.Bytes("V11/napcat-group-array.json"), WebSocketMessageType.Binary);

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, await napcat.Closed.Within("the close frame"));
        await run.Within("the session to end");
        Assert.Empty(_harness.Sink.Events.Items);
    }

    [Fact]
    public async Task An_event_the_service_cannot_take_is_logged_as_lost()
    {
        _harness.Sink.Answer = EventAcceptance.RetryLater;
        var (napcat, _) = await _harness.ConnectAsync();

        for (var id = 1; id <= 3; id++)
        {
            await napcat.SendAsync(Samples.Node("V11/napcat-group-array.json").With("message_id", id));
        }

        await _harness.Sink.Events.WaitForCountAsync(3, "the three events offered");
        var lost = await _harness.AcceptorLogs.WaitFor(e => e.Message.Contains("lost", StringComparison.Ordinal), "the lost event in the log");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, lost.Level);

        // A flood the service cannot take is counted, not a line per event.
        Assert.Single(_harness.AcceptorLogs.Entries, e => e.Message.Contains("lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dropped_connection_shows_as_down_with_why_and_its_last_event()
    {
        var (napcat, run) = await _harness.ConnectAsync();
        await napcat.SendAsync(Samples.Bytes("V11/ws/napcat-heartbeat.json"));
        await _harness.Sink.Events.WaitForCountAsync(1);

        await napcat.CloseAsync(WebSocketCloseStatus.NormalClosure, "NapCat stops");
        await run.Within("the session to end");

        var state = Assert.Single(_harness.Registry.Connections);
        Assert.False(state.Connected);
        Assert.Equal("3889012345", state.BotId);
        Assert.NotNull(state.LastEventAt);
        Assert.Equal("closed by the peer (1000 NapCat stops)", state.LastError);
        Assert.Equal(ConnectionErrorKind.Dropped, state.LastErrorKind);
        Assert.Null(_harness.Registry.Find("3889012345"));
        Assert.True(_harness.Registry.HasSeen("3889012345"));
    }

    [Fact]
    public async Task An_event_only_connection_carries_no_actions()
    {
        await _harness.ConnectAsync(role: OneBotClientRole.Event);

        Assert.Null(_harness.Registry.Find("3889012345"));
        Assert.Equal("ws-reverse 127.0.0.1:40000 (Event)", Assert.Single(_harness.Registry.Connections).Name);
    }

    [Fact]
    public async Task More_reverse_connections_than_the_limit_are_closed_with_1013()
    {
        var open = new List<FakeOneBotSocket>();
        for (var i = 0; i < OneBotLimits.MaxReverseConnections; i++)
        {
            open.Add((await _harness.ConnectAsync(botId: $"bot{i}")).Fake);
        }

        var (extra, run) = await _harness.ConnectAsync(botId: "one-too-many");
        var (another, anotherRun) = await _harness.ConnectAsync(botId: "two-too-many");

        Assert.Equal((WebSocketCloseStatus)1013, await extra.Closed.Within("the close frame"));
        Assert.Equal((WebSocketCloseStatus)1013, await another.Closed.Within("the second close frame"));
        await run.Within("the refused connection to end");
        await anotherRun.Within("the second refused connection to end");
        Assert.Null(_harness.Registry.Find("one-too-many"));
        Assert.All(open, o => Assert.False(o.Closed.IsCompleted));

        // Refusals are counted, not a line each (a peer reconnecting in a loop would write one per try).
        var line = Assert.Single(_harness.AcceptorLogs.Entries, e => e.Message.Contains("connections are open already", StringComparison.Ordinal));
        Assert.Contains("(1 refused so since the last such line", line.Message, StringComparison.Ordinal);
    }
}

internal static class JsonNodeExtensions
{
    public static System.Text.Json.Nodes.JsonObject With(this System.Text.Json.Nodes.JsonObject node, string name, System.Text.Json.Nodes.JsonNode? value)
    {
        node[name] = value;
        return node;
    }
}
