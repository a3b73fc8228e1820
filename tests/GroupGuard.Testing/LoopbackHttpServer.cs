using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace GroupGuard.Testing;

/// <summary>
/// An HTTP server on a free 127.0.0.1 port for a test: records every request in order of arrival
/// (method, path, query, headers, body), answers through a handler the test can change, and lets
/// the test wait for requests as a signal. A handler may hold its answer (await a task the test
/// completes); held answers are abandoned when the server is disposed.
/// </summary>
/// <example>
/// <code>
/// await using var server = LoopbackHttpServer.Start();
/// server.Respond(request => HttpAnswer.Json("""{"errcode":0}"""));
/// // … point the code under test at server.BaseUrl …
/// var first = await server.WaitForRequestAsync(r => r.Path == "/send");
/// </code>
/// </example>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private const int PortAttempts = 20;

    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Recording<RecordedRequest> _requests = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _handling = [];
    private readonly Task _loop;

    private LoopbackHttpServer(HttpListener listener, int port)
    {
        _listener = listener;
        Port = port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>, without a trailing slash.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// Makes the answer to each request; it runs after the request is recorded and may await (hold
    /// the answer). Its token is cancelled when the server stops. By default: 200 with an empty body.
    /// </summary>
    public Func<RecordedRequest, CancellationToken, Task<HttpAnswer>> Handler { get; set; } =
        static (_, _) => Task.FromResult(new HttpAnswer(200, ""));

    /// <summary>Every request so far, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.Items;

    /// <summary>Starts a server on a free loopback port (another one if a port is taken between probe and bind).</summary>
    public static LoopbackHttpServer Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new LoopbackHttpServer(listener, port);
            }
            catch (HttpListenerException) when (attempt < PortAttempts)
            {
                listener.Close();
            }
        }
    }

    /// <summary>A loopback port nothing listened on a moment ago (for "nothing is listening there").</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>An absolute URL on this server: <c>Url("/v12/")</c>.</summary>
    public string Url(string pathAndQuery) => BaseUrl + pathAndQuery;

    /// <summary>Answers every request at once with what <paramref name="answer"/> says.</summary>
    public void Respond(Func<RecordedRequest, HttpAnswer> answer) =>
        Handler = (request, _) => Task.FromResult(answer(request));

    /// <summary>The requests once at least <paramref name="count"/> have arrived.</summary>
    public Task<IReadOnlyList<RecordedRequest>> WaitForRequestsAsync(int count, TimeSpan? safety = null) =>
        _requests.WaitForCountAsync(count, $"{count} requests to {BaseUrl}", safety);

    /// <summary>The first request, arrived already or to come, that <paramref name="match"/> accepts.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> match, string what = "a matching request", TimeSpan? safety = null) =>
        _requests.WaitForAsync(match, $"{what} to {BaseUrl}", safety);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        // Close alone: the managed HttpListener's Stop releases the port and a Close after it
        // looks the port up again and binds it anew, failing (Address already in use) when
        // another test has taken it meanwhile, and holding it for a moment when not.
        _listener.Close();
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

            // Each request on its own, so a held answer does not hold up the next request.
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
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, _stopping.Token);
            var request = Record(context.Request, body.ToArray());

            HttpAnswer answer;
            try
            {
                answer = await Handler(request, _stopping.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A broken handler is a test bug: say so in the answer rather than hang the client.
                answer = new HttpAnswer(500, "handler failed: " + ex, "text/plain; charset=utf-8");
            }

            var bytes = answer.Bytes ?? Encoding.UTF8.GetBytes(answer.Body);
            if (answer.Endless)
            {
                await EndlessBody.SendAsync(context.Response, answer.Status, answer.ContentType, bytes, _stopping.Token);
                return;
            }

            context.Response.StatusCode = answer.Status;
            if (answer.Location is not null)
            {
                context.Response.RedirectLocation = answer.Location;
            }

            context.Response.ContentType = answer.ContentType;
            if (answer.Chunked)
            {
                context.Response.SendChunked = true;
            }
            else
            {
                context.Response.ContentLength64 = answer.BreaksOff ? bytes.Length * 2L + 1 : bytes.Length;
            }

            await context.Response.OutputStream.WriteAsync(bytes, _stopping.Token);
            if (answer.BreaksOff)
            {
                await context.Response.OutputStream.FlushAsync(_stopping.Token);
                context.Response.Abort();
                return;
            }

            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The client gave up (a timeout under test) or the server is stopping.
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

    private RecordedRequest Record(HttpListenerRequest request, byte[] body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is not null)
            {
                headers[name] = request.Headers[name] ?? "";
            }
        }

        var rawUrl = request.RawUrl ?? "/";
        var question = rawUrl.IndexOf('?', StringComparison.Ordinal);
        lock (_gate)
        {
            // Numbered and recorded under one lock, so the order of the list is the order of the numbers.
            var recorded = new RecordedRequest(
                _requests.Count,
                request.HttpMethod,
                rawUrl,
                question < 0 ? rawUrl : rawUrl[..question],
                question < 0 ? "" : rawUrl[(question + 1)..],
                headers,
                body);
            _requests.Add(recorded);
            return recorded;
        }
    }
}

/// <summary>One request as it arrived: <see cref="Index"/> is its place in the order of arrival (0 first).</summary>
public sealed record RecordedRequest(
    int Index,
    string Method,
    string RawUrl,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[] BodyBytes)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string Body => Encoding.UTF8.GetString(BodyBytes);

    public string ContentType => Header("Content-Type") ?? "";

    /// <summary>The body parsed as JSON (throws when it is not).</summary>
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(BodyBytes);
            return document.RootElement.Clone();
        }
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>A query value exactly as it was sent (still percent-encoded), or null.</summary>
    public string? RawQuery(string name)
    {
        foreach (var pair in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts[0] == name)
            {
                return parts.Length == 2 ? parts[1] : "";
            }
        }

        return null;
    }

    public override string ToString() => $"#{Index} {Method} {RawUrl} ({BodyBytes.Length} bytes)";
}

/// <summary>What the server answers: a status, a body, its content type and an optional <c>Location</c>.</summary>
public sealed record HttpAnswer(int Status, string Body, string ContentType = "application/json; charset=utf-8", string? Location = null)
{
    /// <summary>A binary body, sent instead of <see cref="Body"/> when set.</summary>
    public byte[]? Bytes { get; init; }

    /// <summary>Send the body chunked, without a Content-Length: the client learns its size only by reading it.</summary>
    public bool Chunked { get; init; }

    /// <summary>
    /// Send the body, then <c>x</c> after <c>x</c> without end (<see cref="EndlessBody"/>): a server whose
    /// answer never finishes. A client that reads it whole never returns.
    /// </summary>
    public bool Endless { get; init; }

    /// <summary>Promise a body twice as long as <see cref="Body"/>, send it, and drop the connection: an answer that breaks off.</summary>
    public bool BreaksOff { get; init; }

    /// <summary>200 with a JSON body.</summary>
    public static HttpAnswer Json(string body, int status = 200) => new(status, body);

    /// <summary>200 with <paramref name="start"/> and then <c>x</c> without end, chunked: an answer that never finishes.</summary>
    public static HttpAnswer NeverEnding(string start, int status = 200) => new(status, start) { Endless = true };

    /// <summary>200 with binary <paramref name="bytes"/> of <paramref name="contentType"/> (a picture for a fake CDN).</summary>
    public static HttpAnswer Binary(byte[] bytes, string contentType = "image/png", bool chunked = false) =>
        new(200, "", contentType) { Bytes = bytes, Chunked = chunked };
}

/// <summary>
/// An answer that never finishes: its status, chunked, its start and then <c>x</c> after <c>x</c>,
/// until the client goes away (a write fails, which the caller's handler takes as it takes any
/// client that left) or the server stops.
/// </summary>
public static class EndlessBody
{
    private static readonly byte[] Filler = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));

    public static async Task SendAsync(HttpListenerResponse response, int status, string contentType, byte[] start, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.SendChunked = true;
        var output = response.OutputStream;
        await output.WriteAsync(start, stopping);
        while (true)
        {
            await output.WriteAsync(Filler, stopping);
        }
    }
}
