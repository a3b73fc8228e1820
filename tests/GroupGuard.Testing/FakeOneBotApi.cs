using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupGuard.Testing;

/// <summary>
/// A OneBot HTTP API on a <see cref="LoopbackHttpServer"/> (v11 <c>POST /{action}</c> and v12 <c>POST /</c>
/// with <c>{"action","params"}</c> alike) that records every request and answers from a script.
/// </summary>
/// <example>
/// <code>
/// await using var api = FakeOneBotApi.Start();
/// api.Script("delete_msg", FakeAnswer.Http(500), FakeAnswer.Ok());
/// // options.ApiBaseUrl = api.BaseUrl; options.V12ApiBaseUrl = api.Url("/v12/");
/// </code>
/// </example>
public sealed class FakeOneBotApi : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeAnswer>> _scripts = new(StringComparer.Ordinal);

    private FakeOneBotApi(LoopbackHttpServer server)
    {
        _server = server;
        server.Handler = AnswerAsync;
    }

    /// <summary><c>http://127.0.0.1:PORT</c>, without a trailing slash: the v11 <c>ApiBaseUrl</c>.</summary>
    public string BaseUrl => _server.BaseUrl;

    /// <summary>The answer when no script entry is left for an action; <see cref="FakeAnswer.Ok"/> unless set.</summary>
    public FakeAnswer Default { get; set; } = FakeAnswer.Ok();

    /// <summary>When set, asked first for every request; null falls back to the script, then <see cref="Default"/>.</summary>
    public Func<FakeRequest, FakeAnswer?>? Responder { get; set; }

    /// <summary>Every request so far, in order of arrival.</summary>
    public IReadOnlyList<FakeRequest> Requests => [.. _server.Requests.Select(r => new FakeRequest(r))];

    public static FakeOneBotApi Start() => new(LoopbackHttpServer.Start());

    /// <summary>An absolute URL on this fake, e.g. <c>Url("/v12/")</c> for a v12 endpoint.</summary>
    public string Url(string path) => _server.Url(path);

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
        [.. Requests.Where(r => r.Action == action)];

    /// <summary>The requests once at least <paramref name="count"/> have arrived.</summary>
    public async Task<IReadOnlyList<FakeRequest>> WaitForRequestsAsync(int count, TimeSpan? safety = null) =>
        [.. (await _server.WaitForRequestsAsync(count, safety)).Select(r => new FakeRequest(r))];

    /// <summary>The first request, arrived already or to come, that <paramref name="match"/> accepts.</summary>
    public async Task<FakeRequest> WaitForRequestAsync(Func<FakeRequest, bool> match, string what = "a matching OneBot call", TimeSpan? safety = null) =>
        new(await _server.WaitForRequestAsync(r => match(new FakeRequest(r)), what, safety));

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<HttpAnswer> AnswerAsync(RecordedRequest recorded, CancellationToken stopping)
    {
        var request = new FakeRequest(recorded);
        var answer = Responder?.Invoke(request)
            ?? (_scripts.TryGetValue(request.Action, out var queue) && queue.TryDequeue(out var scripted) ? scripted : Default);
        if (answer.Hold is { } hold)
        {
            await hold.WaitAsync(stopping);
        }

        return new HttpAnswer(answer.HttpStatus, answer.Body ?? "", Location: answer.Location);
    }
}

/// <summary>One recorded request. <see cref="Action"/> is the v12 <c>action</c> when the body has one, else the path.</summary>
public sealed class FakeRequest
{
    internal FakeRequest(RecordedRequest request)
    {
        Request = request;
        RawBody = request.Body;
        try
        {
            Body = RawBody.Length == 0 ? null : JsonNode.Parse(RawBody);
        }
        catch (JsonException)
        {
            // Kept as raw text only; the test decides whether that is wrong.
        }

        var v12Action = Body is JsonObject o && o["action"] is JsonValue a && a.TryGetValue<string>(out var name) ? name : null;
        Action = v12Action ?? Path.Trim('/');
    }

    /// <summary>The request as the server recorded it.</summary>
    public RecordedRequest Request { get; }

    /// <summary>Its place in the order of arrival, 0 first.</summary>
    public int Index => Request.Index;

    public string Method => Request.Method;

    public string Path => Request.Path;

    public string Action { get; }

    public IReadOnlyDictionary<string, string> Headers => Request.Headers;

    public string RawBody { get; }

    public JsonNode? Body { get; }

    /// <summary>The parameters: the v12 <c>params</c> object, or the whole v11 body.</summary>
    public JsonObject Params => (Body?["params"] as JsonObject) ?? (Body as JsonObject) ?? [];

    public string? Header(string name) => Request.Header(name);

    public override string ToString() => $"#{Index} {Action} {RawBody}";
}

/// <summary>
/// What the fake answers: an HTTP status, a body, optionally a <c>Location</c>, and optionally a
/// task to wait for before answering (<see cref="Hold"/>).
/// </summary>
public sealed record FakeAnswer(int HttpStatus, string? Body, string? Location = null)
{
    /// <summary>When set, the answer waits for this task; a hold that never ends is abandoned when the fake stops.</summary>
    public Task? Hold { get; init; }

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

    /// <summary>Never answers while the fake runs: the client's own timeout (or cancellation) has to end the call.</summary>
    public static FakeAnswer Hanging() => Ok() with { Hold = new TaskCompletionSource().Task };

    public static FakeAnswer Json(int status, JsonNode body) => new(status, body.ToJsonString());

    /// <summary>This answer, given only once <paramref name="release"/> has completed.</summary>
    public FakeAnswer After(Task release) => this with { Hold = release };
}
