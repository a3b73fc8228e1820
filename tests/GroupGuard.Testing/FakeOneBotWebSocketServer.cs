using System.Net;
using System.Net.WebSockets;

namespace GroupGuard.Testing;

/// <summary>
/// A OneBot v11 forward WebSocket server on a free 127.0.0.1 port, as NapCat's
/// <c>websocketServers</c> or LuckyLilliaBot's <c>ws</c> runs one: with a token, an upgrade without
/// <c>Authorization: Bearer &lt;token&gt;</c> (or <c>?access_token=</c>) is answered 401. Each
/// accepted connection becomes a <see cref="FakeOneBotSocket"/>, recorded in order, after
/// <see cref="OnConnected"/> has run on it (where a test sends the lifecycle event NapCat sends at once).
/// </summary>
public sealed class FakeOneBotWebSocketServer : IAsyncDisposable
{
    private const int PortAttempts = 20;

    private readonly HttpListener _listener;
    private readonly string? _token;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<FakeOneBotSocket> _sockets = [];
    private readonly Task _loop;

    private FakeOneBotWebSocketServer(HttpListener listener, int port, string? token)
    {
        _listener = listener;
        _token = token;
        Port = port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary><c>ws://127.0.0.1:PORT/</c>: the <c>/</c> endpoint, events and actions on one connection.</summary>
    public string Url => $"ws://127.0.0.1:{Port}/";

    /// <summary>Runs on each accepted connection before it is recorded in <see cref="Connections"/>.</summary>
    public Func<FakeOneBotSocket, Task>? OnConnected { get; set; }

    /// <summary>
    /// When set, an upgrade with a wrong token is accepted and handed to this instead of answered
    /// 401: NapCat's and LuckyLilliaBot's servers accept, send <c>{"status":"failed","retcode":1403}</c>
    /// and close. Such connections are not in <see cref="Connections"/>.
    /// </summary>
    public Func<FakeOneBotSocket, Task>? RefuseAfterUpgrade { get; set; }

    /// <summary>Every accepted connection, in order.</summary>
    public Recording<FakeOneBotSocket> Connections { get; } = new();

    /// <summary>Every upgrade request, accepted or refused: its status and headers.</summary>
    public Recording<(int Status, IReadOnlyDictionary<string, string> Headers)> Upgrades { get; } = new();

    public static FakeOneBotWebSocketServer Start(string? token = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackHttpServer.FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new FakeOneBotWebSocketServer(listener, port, token);
            }
            catch (HttpListenerException) when (attempt < PortAttempts)
            {
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Close(); // alone, no Stop first: see LoopbackHttpServer.DisposeAsync
        await _loop;
        FakeOneBotSocket[] sockets;
        lock (_gate)
        {
            sockets = [.. _sockets];
        }

        foreach (var socket in sockets)
        {
            await socket.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            await AcceptAsync(context);
        }
    }

    private async Task AcceptAsync(HttpListenerContext context)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in context.Request.Headers.AllKeys)
        {
            if (name is not null)
            {
                headers[name] = context.Request.Headers[name] ?? "";
            }
        }

        var authorized = Authorized(context.Request);
        var status = !context.Request.IsWebSocketRequest ? 400 : authorized || RefuseAfterUpgrade is not null ? 101 : 401;
        Upgrades.Add((status, headers));
        if (status != 101)
        {
            context.Response.StatusCode = status;
            context.Response.Close();
            return;
        }

        try
        {
            var accepted = await context.AcceptWebSocketAsync(subProtocol: null);
            var socket = new FakeOneBotSocket(accepted.WebSocket, context.Response.Abort);
            lock (_gate)
            {
                _sockets.Add(socket);
            }

            if (!authorized)
            {
                await RefuseAfterUpgrade!(socket);
                return;
            }

            if (OnConnected is { } onConnected)
            {
                await onConnected(socket);
            }

            Connections.Add(socket);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away during the upgrade.
        }
    }

    private bool Authorized(HttpListenerRequest request)
    {
        if (string.IsNullOrEmpty(_token))
        {
            return true;
        }

        return request.Headers["Authorization"] == "Bearer " + _token || request.QueryString["access_token"] == _token;
    }
}
