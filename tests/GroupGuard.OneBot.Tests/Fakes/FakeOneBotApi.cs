using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupGuard.OneBot.Tests.Fakes;

/// <summary>
/// A OneBot HTTP API on a free loopback port (v11 <c>POST /{action}</c> and v12 <c>POST /</c> with
/// <c>{"action","params"}</c> alike) that records every request and answers from a script.
/// Self-contained on purpose: other test projects link this one file.
/// </summary>
/// <example>
/// <code>
/// await using var api = FakeOneBotApi.Start();
/// api.Script("delete_msg", FakeAnswer.Http(500), FakeAnswer.Ok());
/// // options.ApiBaseUrl = api.BaseUrl; options.V12ApiBaseUrl = api.Url("/v12/");
/// </code>
/// </example>
internal sealed class FakeOneBotApi : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeAnswer>> _scripts = new(StringComparer.Ordinal);
    private readonly List<FakeRequest> _requests = [];
    private readonly Lock _gate = new();
    private readonly Task _loop;

    private FakeOneBotApi(HttpListener listener, int port)
    {
        _listener = listener;
        BaseUrl = $"http://127.0.0.1:{port}";
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary><c>http://127.0.0.1:PORT</c>, without a trailing slash: the v11 <c>ApiBaseUrl</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Time on the clock of <see cref="FakeRequest.ReceivedAt"/>: read it before acting to measure arrivals from there.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The answer when no script entry is left for an action; <see cref="FakeAnswer.Ok"/> unless set.</summary>
    public FakeAnswer Default { get; set; } = FakeAnswer.Ok();

    /// <summary>When set, asked first for every request; null falls back to the script, then <see cref="Default"/>.</summary>
    public Func<FakeRequest, FakeAnswer?>? Responder { get; set; }

    /// <summary>Every request so far, in order of arrival.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static FakeOneBotApi Start()
    {
        // Another process may take the port between the probe and the bind: try a few.
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new FakeOneBotApi(listener, port);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    /// <summary>An absolute URL on this fake, e.g. <c>Url("/v12/")</c> for a v12 endpoint.</summary>
    public string Url(string path) => BaseUrl + path;

    /// <summary>The answers for the next calls of <paramref name="action"/> (a v11 path name or a v12 action), used in order.</summary>
    public void Script(string action, params FakeAnswer[] answers)
    {
        var queue = _scripts.GetOrAdd(action, static _ => new ConcurrentQueue<FakeAnswer>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    /// <summary>The requests for one action, in order.</summary>
    public IReadOnlyList<FakeRequest> RequestsFor(string action) =>
        Requests.Where(r => r.Action == action).ToList();

    /// <summary>Waits (real time) until at least <paramref name="count"/> requests have arrived.</summary>
    public async Task<IReadOnlyList<FakeRequest>> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            var requests = Requests;
            if (requests.Count >= count)
            {
                return requests;
            }

            if (_clock.Elapsed > deadline)
            {
                throw new TimeoutException($"expected {count} requests within {timeout}, got {requests.Count}");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
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

            // Each request on its own, so a hanging answer does not hold up the next request.
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            string raw;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                raw = await reader.ReadToEndAsync();
            }

            var request = Record(context.Request, raw);
            var answer = Responder?.Invoke(request)
                ?? (_scripts.TryGetValue(request.Action, out var queue) && queue.TryDequeue(out var scripted) ? scripted : Default);

            if (answer.Hang > TimeSpan.Zero)
            {
                await Task.Delay(answer.Hang, _stop.Token);
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Body ?? "");
            context.Response.StatusCode = answer.HttpStatus;
            if (answer.Location is not null)
            {
                context.Response.RedirectLocation = answer.Location;
            }

            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The client gave up (a timeout under test) or the fake is stopping.
            context.Response.Abort();
        }
    }

    private FakeRequest Record(HttpListenerRequest request, string raw)
    {
        JsonNode? body = null;
        try
        {
            body = raw.Length == 0 ? null : JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            // Recorded as raw text only; the test decides whether that is wrong.
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is not null)
            {
                headers[name] = request.Headers[name] ?? "";
            }
        }

        var path = request.Url?.AbsolutePath ?? "/";
        var v12Action = body is JsonObject o && o["action"] is JsonValue a && a.TryGetValue<string>(out var name12) ? name12 : null;
        var recorded = new FakeRequest(request.HttpMethod, path, v12Action ?? path.Trim('/'), headers, raw, body, _clock.Elapsed);
        lock (_gate)
        {
            _requests.Add(recorded);
        }

        return recorded;
    }
}

/// <summary>One recorded request. <see cref="Action"/> is the v12 <c>action</c> when the body has one, else the path.</summary>
internal sealed record FakeRequest(
    string Method,
    string Path,
    string Action,
    IReadOnlyDictionary<string, string> Headers,
    string RawBody,
    JsonNode? Body,
    TimeSpan ReceivedAt)
{
    /// <summary>The parameters: the v12 <c>params</c> object, or the whole v11 body.</summary>
    public JsonObject Params => (Body?["params"] as JsonObject) ?? (Body as JsonObject) ?? [];

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the fake answers: an HTTP status, a body, optionally a hang before answering and a <c>Location</c>.</summary>
internal sealed record FakeAnswer(int HttpStatus, string? Body, TimeSpan Hang = default, string? Location = null)
{
    /// <summary><c>{"status":"ok","retcode":0,"data":…}</c>.</summary>
    public static FakeAnswer Ok(JsonNode? data = null) =>
        Json(200, new JsonObject { ["status"] = "ok", ["retcode"] = 0, ["data"] = data?.DeepClone() });

    /// <summary><c>{"status":"async","retcode":1}</c>: accepted, carried out later.</summary>
    public static FakeAnswer Async() =>
        Json(200, new JsonObject { ["status"] = "async", ["retcode"] = 1, ["data"] = null });

    /// <summary>A refusal as NapCat sends it: HTTP 200, <c>status:"failed"</c>, retcode, <c>message</c> and <c>wording</c>.</summary>
    public static FakeAnswer Failed(int retcode, string? message = null, string? wording = null)
    {
        var body = new JsonObject { ["status"] = "failed", ["retcode"] = retcode, ["data"] = null };
        if (message is not null)
        {
            body["message"] = message;
        }

        if (wording is not null)
        {
            body["wording"] = wording;
        }

        return Json(200, body);
    }

    /// <summary>A bare HTTP status (500, 401, …) with an optional body.</summary>
    public static FakeAnswer Http(int status, string? body = null) => new(status, body);

    /// <summary>A redirect (307 unless told) to <paramref name="location"/>, with an ok body in case a client reads it.</summary>
    public static FakeAnswer Redirect(string location, int status = 307) => Ok() with { HttpStatus = status, Location = location };

    /// <summary>Holds the request for <paramref name="duration"/> (longer than the client's timeout), then answers ok.</summary>
    public static FakeAnswer Hanging(TimeSpan duration) => Ok() with { Hang = duration };

    public static FakeAnswer Json(int status, JsonNode body) => new(status, body.ToJsonString());
}
