using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupGuard.Testing;

/// <summary>How a <see cref="FakeMilky"/> serves <c>GET /event</c>.</summary>
[Flags]
public enum MilkyEventTransports
{
    None = 0,

    /// <summary>A WebSocket when the request asks to upgrade.</summary>
    WebSocket = 1,

    /// <summary>Server-sent events otherwise (the spec: no <c>Upgrade: websocket</c> means SSE).</summary>
    Sse = 2,
}

/// <summary>
/// A Milky implementation on a free 127.0.0.1 port, as the spec describes it (milky.ntqqrev.org,
/// "通信"): <c>POST /api/:api</c> answered <c>{status, retcode, data, message}</c> from a script, and
/// <c>GET /event</c> as a WebSocket or an SSE stream that pushes what the test gives it. Every API
/// call and every event connection is recorded, for a test to wait on.
/// </summary>
public sealed class FakeMilky : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<MilkyAnswer>> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Stream> _open = new();
    private readonly List<Task> _handling = [];
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private int _connections;

    private FakeMilky(HttpListener listener, int port, string? token, MilkyEventTransports transports)
    {
        _listener = listener;
        Port = port;
        Token = token;
        Transports = transports;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>: the <c>Url</c> of a <c>GroupGuard:Milky:Connections</c> entry.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The access token it requires (header or query on <c>/event</c>, header on <c>/api</c>), or null.</summary>
    public string? Token { get; }

    public MilkyEventTransports Transports { get; }

    /// <summary>The status that refuses a WebSocket upgrade when <see cref="MilkyEventTransports.WebSocket"/> is off. Default 400.</summary>
    public int RefuseUpgradeWith { get; set; } = 400;

    /// <summary>Every API call, in order.</summary>
    public Recording<MilkyApiCall> Calls { get; } = new();

    /// <summary>Every <c>/event</c> connection that was accepted (after its token was checked), in order.</summary>
    public Recording<MilkyEventConnection> EventConnections { get; } = new();

    /// <summary>Every <c>/event</c> request, accepted or refused, in order.</summary>
    public Recording<MilkyEventConnection> EventRequests { get; } = new();

    /// <summary>The answer when no script entry is left for an API: ok with <c>data: {}</c> unless set.</summary>
    public MilkyAnswer Default { get; set; } = MilkyAnswer.Ok();

    public static FakeMilky Start(string? token = null, MilkyEventTransports transports = MilkyEventTransports.WebSocket | MilkyEventTransports.Sse)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackHttpServer.FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new FakeMilky(listener, port, token, transports);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                listener.Close();
            }
        }
    }

    /// <summary>The answers to the next calls of <paramref name="api"/>, in order.</summary>
    public void Script(string api, params MilkyAnswer[] answers)
    {
        var queue = _scripts.GetOrAdd(api, static _ => new ConcurrentQueue<MilkyAnswer>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    /// <summary>The first call of <paramref name="api"/>, made already or to come.</summary>
    public Task<MilkyApiCall> CallAsync(string api, TimeSpan? safety = null) =>
        Calls.WaitForAsync(c => c.Api == api, $"a call of {api} to {Url}", safety);

    /// <summary>The <paramref name="nth"/> accepted event connection (1 for the first), once it is open.</summary>
    public async Task<MilkyEventConnection> ConnectionAsync(int nth, TimeSpan? safety = null) =>
        (await EventConnections.WaitForCountAsync(nth, $"event connection #{nth} to {Url}", safety))[nth - 1];

    /// <summary>Pushes one event (its JSON) on every open event connection: a text message, or an SSE <c>milky_event</c>.</summary>
    public async Task PushAsync(string json)
    {
        foreach (var connection in EventConnections.Items.Where(c => c.IsOpen))
        {
            await connection.SendAsync(json, _stopping.Token);
        }
    }

    /// <summary>Ends every open event connection, as an implementation that restarts would.</summary>
    public async Task DropConnectionsAsync()
    {
        foreach (var connection in EventConnections.Items.Where(c => c.IsOpen))
        {
            await connection.CloseAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var connection in EventConnections.Items)
        {
            connection.Abort();
        }

        _listener.Close(); // alone, no Stop first: see LoopbackHttpServer.DisposeAsync
        await _loop;
        Task[] handling;
        lock (_gate)
        {
            handling = [.. _handling];
        }

        await Task.WhenAll(handling);
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

            var handling = Task.Run(() => HandleAsync(context));
            lock (_gate)
            {
                _handling.RemoveAll(t => t.IsCompleted);
                _handling.Add(handling);
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var path = context.Request.Url?.AbsolutePath ?? "/";
            if (path == "/event" && context.Request.HttpMethod == "GET")
            {
                await EventAsync(context);
            }
            else if (path.StartsWith("/api/", StringComparison.Ordinal) && context.Request.HttpMethod == "POST")
            {
                await ApiAsync(context, path["/api/".Length..]);
            }
            else
            {
                await AnswerAsync(context.Response, 404, "");
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or WebSocketException)
        {
            // The client went away, or the fake is stopping.
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }

    private async Task ApiAsync(HttpListenerContext context, string api)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body, _stopping.Token);
        var call = new MilkyApiCall(api, context.Request.Headers["Authorization"], context.Request.ContentType, Encoding.UTF8.GetString(body.ToArray()));
        Calls.Add(call);
        if (Token is not null && call.Authorization != "Bearer " + Token)
        {
            await AnswerAsync(context.Response, 401, "");
            return;
        }

        var answer = _scripts.TryGetValue(api, out var queue) && queue.TryDequeue(out var scripted) ? scripted : Default;
        if (answer.Hold is { } hold)
        {
            await hold.WaitAsync(_stopping.Token);
        }

        if (answer.Endless)
        {
            await EndlessBody.SendAsync(context.Response, answer.HttpStatus, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(answer.Body), _stopping.Token);
            return;
        }

        await AnswerAsync(context.Response, answer.HttpStatus, answer.Body);
    }

    private async Task EventAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var webSocket = request.IsWebSocketRequest;
        var record = new MilkyEventConnection(Interlocked.Increment(ref _connections), webSocket ? MilkyEventTransports.WebSocket : MilkyEventTransports.Sse, request.Headers["Authorization"], request.QueryString["access_token"]);
        EventRequests.Add(record);
        if (Token is not null && record.Authorization != "Bearer " + Token && record.QueryToken != Token)
        {
            await AnswerAsync(context.Response, 401, "");
            return;
        }

        if (webSocket && !Transports.HasFlag(MilkyEventTransports.WebSocket))
        {
            await AnswerAsync(context.Response, RefuseUpgradeWith, "");
            return;
        }

        if (webSocket)
        {
            var accepted = await context.AcceptWebSocketAsync(subProtocol: null);
            record.Open(accepted.WebSocket, null);
            EventConnections.Add(record);
            await record.DrainAsync(_stopping.Token);
            return;
        }

        if (!Transports.HasFlag(MilkyEventTransports.Sse))
        {
            await AnswerAsync(context.Response, 400, "");
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.SendChunked = true;
        var output = context.Response.OutputStream;
        await output.WriteAsync(": connected\n\n"u8.ToArray(), _stopping.Token);
        await output.FlushAsync(_stopping.Token);
        record.Open(null, context.Response);
        EventConnections.Add(record);
        await record.Closed.WaitAsync(_stopping.Token);
    }

    private static async Task AnswerAsync(HttpListenerResponse response, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}

/// <summary>One API call as the fake received it.</summary>
public sealed record MilkyApiCall(string Api, string? Authorization, string? ContentType, string Body)
{
    /// <summary>The body as a JSON object.</summary>
    public JsonObject Json => JsonNode.Parse(Body) as JsonObject ?? throw new JsonException($"{Api} body is not a JSON object: {Body}");

    public override string ToString() => $"{Api} {Body}";
}

/// <summary>One <c>/event</c> connection: how it came (transport, header, query token) and a way to push on it.</summary>
public sealed class MilkyEventConnection(int number, MilkyEventTransports transport, string? authorization, string? queryToken)
{
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocket? _socket;
    private HttpListenerResponse? _sse;

    public int Number { get; } = number;

    public MilkyEventTransports Transport { get; } = transport;

    public string? Authorization { get; } = authorization;

    public string? QueryToken { get; } = queryToken;

    public bool IsOpen => !_closed.Task.IsCompleted && (_socket is not null || _sse is not null);

    /// <summary>Completes when the connection has ended, from either side.</summary>
    public Task Closed => _closed.Task;

    internal void Open(WebSocket? socket, HttpListenerResponse? sse)
    {
        _socket = socket;
        _sse = sse;
    }

    /// <summary>One event: a WebSocket text message, or <c>event: milky_event</c> with one <c>data:</c> line per line of the JSON.</summary>
    public async Task SendAsync(string json, CancellationToken cancellationToken = default)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            if (_socket is { } socket)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
            else if (_sse is { } sse)
            {
                var frame = new StringBuilder("event: milky_event\n");
                foreach (var line in json.Split('\n'))
                {
                    frame.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
                }

                frame.Append('\n');
                await sse.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(frame.ToString()), cancellationToken);
                await sse.OutputStream.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Raw bytes on the stream, for tests of what a broken implementation sends.</summary>
    public async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        if (_socket is { } socket)
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        else if (_sse is { } sse)
        {
            await sse.OutputStream.WriteAsync(bytes, cancellationToken);
            await sse.OutputStream.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Ends the connection: a WebSocket close (1001, going away), or the end of the SSE response.</summary>
    public async Task CloseAsync()
    {
        try
        {
            if (_socket is { } socket)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "restarting", CancellationToken.None);
            }
            else
            {
                _sse?.Close();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or HttpListenerException or InvalidOperationException)
        {
            // Already gone.
        }

        _closed.TrySetResult();
    }

    internal void Abort()
    {
        try
        {
            _socket?.Abort();
            _sse?.Abort();
        }
        catch (ObjectDisposedException)
        {
            // Already gone.
        }

        _closed.TrySetResult();
    }

    /// <summary>Reads what the client sends (nothing but its close) until the connection ends.</summary>
    internal async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        try
        {
            while (_socket is { State: WebSocketState.Open or WebSocketState.CloseSent })
            {
                var received = await _socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    public override string ToString() => $"#{Number} {Transport}";
}

/// <summary>What the fake answers an API call: an HTTP status and a body, and perhaps a task to wait for before answering (<see cref="Hold"/>).</summary>
public sealed record MilkyAnswer(int HttpStatus, string Body)
{
    /// <summary>Completes when the fake may answer; never, for an implementation that hangs.</summary>
    public Task? Hold { get; init; }

    /// <summary>Send the body, then <c>x</c> after <c>x</c> without end (<see cref="EndlessBody"/>): an answer that never finishes.</summary>
    public bool Endless { get; init; }

    /// <summary>200 with <paramref name="start"/> and then <c>x</c> without end, chunked.</summary>
    public static MilkyAnswer NeverEnding(string start) => new(200, start) { Endless = true };

    /// <summary>An answer that never comes (the request is taken, as a slow implementation takes it).</summary>
    public static MilkyAnswer Hanging() => Ok() with { Hold = new TaskCompletionSource().Task };

    /// <summary><c>{"status":"ok","retcode":0,"data":…}</c> (<c>{}</c> when none is given, as the spec requires).</summary>
    public static MilkyAnswer Ok(JsonNode? data = null) =>
        new(200, new JsonObject { ["status"] = "ok", ["retcode"] = 0, ["data"] = data?.DeepClone() ?? new JsonObject() }.ToJsonString());

    /// <summary><c>{"status":"failed","retcode":…,"message":…}</c> with HTTP 200, as the spec answers a refusal.</summary>
    public static MilkyAnswer Failed(int retcode, string message) =>
        new(200, new JsonObject { ["status"] = "failed", ["retcode"] = retcode, ["message"] = message }.ToJsonString());

    /// <summary>A bare HTTP status (401, 404, 500…).</summary>
    public static MilkyAnswer Http(int status) => new(status, "");
}
