namespace GroupGuard.Channels.Tests.Support;

/// <summary>A robot endpoint on loopback (a <see cref="LoopbackHttpServer"/>): records every request and answers as told.</summary>
internal sealed class HttpSink : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server = LoopbackHttpServer.Start();

    private HttpSink() => _server.Handler = AnswerAsync;

    public int Port => _server.Port;

    public string BaseUrl => _server.BaseUrl;

    /// <summary>Every request so far, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>The answer to each request; by default the WeCom/DingTalk success body.</summary>
    public Func<RecordedRequest, SinkResponse> Respond { get; set; } = static _ => SinkResponse.Ok;

    public static HttpSink Start() => new();

    /// <summary>A loopback port nothing listens on.</summary>
    public static int FreePort() => LoopbackHttpServer.FreePort();

    /// <summary>The requests once at least <paramref name="count"/> have arrived.</summary>
    public Task<IReadOnlyList<RecordedRequest>> WaitForRequestsAsync(int count) => _server.WaitForRequestsAsync(count);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<HttpAnswer> AnswerAsync(RecordedRequest request, CancellationToken stopping)
    {
        var response = Respond(request);
        if (response.Hold is { } hold)
        {
            await hold.WaitAsync(stopping);
        }

        return new HttpAnswer(response.Status, response.Body) { Endless = response.Endless, BreaksOff = response.BreaksOff };
    }
}

internal sealed record SinkResponse(int Status, string Body)
{
    public static SinkResponse Ok { get; } = new(200, """{"errcode":0,"errmsg":"ok"}""");

    /// <summary>When set, the answer waits for this task; one that never ends is abandoned when the sink stops.</summary>
    public Task? Hold { get; init; }

    /// <summary>The body, then <c>x</c> after <c>x</c> without end (<see cref="HttpAnswer.Endless"/>).</summary>
    public bool Endless { get; init; }

    /// <summary>Promise a longer body than is sent, then drop the connection (<see cref="HttpAnswer.BreaksOff"/>).</summary>
    public bool BreaksOff { get; init; }

    public static SinkResponse Json(string body) => new(200, body);

    /// <summary>A robot whose answer never finishes: <paramref name="start"/>, then <c>x</c> without end, chunked.</summary>
    public static SinkResponse NeverEnding(string start) => new(200, start) { Endless = true };

    /// <summary>A robot that takes the request and never answers while the sink runs.</summary>
    public static SinkResponse NoAnswer() => Ok with { Hold = new TaskCompletionSource().Task };
}
