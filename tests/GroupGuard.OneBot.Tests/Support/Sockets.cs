using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using GroupGuard.Core;
using GroupGuard.OneBot.Actions;
using GroupGuard.OneBot.Sockets;
using GroupGuard.Testing;

namespace GroupGuard.OneBot.Tests.Support;

/// <summary>An <see cref="IEventSink"/> that records what it is handed and answers as told.</summary>
internal sealed class FakeSink : IEventSink
{
    public Recording<InboundEvent> Events { get; } = new();

    public EventAcceptance Answer { get; set; } = EventAcceptance.Accepted;

    public EventAcceptance Accept(InboundEvent inbound)
    {
        Events.Add(inbound);
        return Answer;
    }
}

/// <summary>
/// Two ends of one WebSocket over a loopback TCP connection, past the handshake: GroupGuard's end
/// (the server of a reverse socket) and the implementation's end, a <see cref="FakeOneBotSocket"/>.
/// </summary>
internal static class SocketPair
{
    public static async Task<(WebSocket Ours, FakeOneBotSocket Theirs)> OpenAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accepting = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var server = await accepting;
        var ours = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true });
        var theirs = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false });
        return (ours, new FakeOneBotSocket(theirs));
    }
}

/// <summary>
/// The adapter's socket side as the host wires it (one registry, the reverse acceptor, an action
/// client that routes through the registry), on a clock the test chooses; the implementation's
/// ends are fakes connected over loopback.
/// </summary>
internal sealed class SocketHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(FakeOneBotSocket Fake, Task Run)> _connections = [];

    /// <param name="reverseEndpoint">Whether the host serves the reverse endpoint, as it always does (<see cref="SocketRegistry.AcceptReverse"/>).</param>
    public SocketHarness(OneBotOptions? options = null, TimeProvider? time = null, DateTimeOffset? now = null, bool reverseEndpoint = true)
    {
        Time = time ?? TimeProvider.System;
        Options = new SettableOptions<OneBotOptions>(options ?? new OneBotOptions
        {
            MaxActionsPerSecond = 1000,
            ActionTimeoutSeconds = 30,
            ActionBudgetSeconds = 60,
            WarningCoalesceSeconds = 0,
            VerifyActions = false,
        });
        Registry = new SocketRegistry(Time);
        if (reverseEndpoint)
        {
            Registry.AcceptReverse();
        }

        Receiver = Receivers.Create(Options, now);
        Acceptor = new ReverseSocketAcceptor(Receiver, Sink, Registry, AcceptorLogs);
        Client = new OneBotActionClient(new HttpClient(), Options, Time, ClientLogs, TimeSpan.FromMilliseconds(50), Registry);
    }

    public TimeProvider Time { get; }

    public SettableOptions<OneBotOptions> Options { get; }

    public SocketRegistry Registry { get; }

    public OneBotWebhookReceiver Receiver { get; }

    public FakeSink Sink { get; } = new();

    public LogCollector<ReverseSocketAcceptor> AcceptorLogs { get; } = new();

    public LogCollector<OneBotActionClient> ClientLogs { get; } = new();

    public ReverseSocketAcceptor Acceptor { get; }

    public OneBotActionClient Client { get; }

    /// <summary>
    /// A reverse connection of <paramref name="botId"/>, as NapCat opens one; it is registered once
    /// this returns. <c>Run</c> ends when the session does.
    /// </summary>
    public async Task<(FakeOneBotSocket Fake, Task Run)> ConnectAsync(string botId = "3889012345", OneBotClientRole role = OneBotClientRole.Universal)
    {
        var (ours, theirs) = await SocketPair.OpenAsync();
        var run = Acceptor.RunAsync(ours, new OneBotSocketPeer(botId, role, "127.0.0.1:40000"), _stopping.Token);
        _connections.Add((theirs, run));
        return (theirs, run);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var (fake, run) in _connections)
        {
            await fake.DisposeAsync();
            await run.Within("a session to end");
        }

        Client.Dispose();
        _stopping.Dispose();
    }
}
