using System.Collections.Concurrent;
using System.Globalization;

namespace GroupGuard.Testing;

/// <summary>
/// The official QQ bot platform's token endpoint and OpenAPI on a <see cref="LoopbackHttpServer"/>:
/// <c>POST /app/getAppAccessToken</c> hands out <c>token-1</c>, <c>token-2</c>… with the lifetime set
/// in <see cref="TokenLifetimeSeconds"/> (as a string, as the platform sends it); any other path
/// answers from a script, else 200 with a message's <c>{id, timestamp}</c>. Every request is recorded.
/// </summary>
/// <example>
/// <code>
/// await using var platform = FakeQQPlatform.Start();
/// // options.TokenUrl = platform.TokenUrl; options.ApiBaseUrl = platform.ApiBaseUrl;
/// var mute = await platform.WaitForApiRequestAsync(r => r.Path.EndsWith("/restrict_chat_setting"));
/// </code>
/// </example>
public sealed class FakeQQPlatform : IAsyncDisposable
{
    public const string TokenPath = "/app/getAppAccessToken";

    private readonly LoopbackHttpServer _server;
    private readonly ConcurrentQueue<HttpAnswer> _tokenScript = new();
    private readonly ConcurrentQueue<HttpAnswer> _apiScript = new();
    private readonly Recording<RecordedRequest> _tokenRequests = new();
    private int _tokens;

    private FakeQQPlatform(LoopbackHttpServer server)
    {
        _server = server;
        server.Handler = AnswerAsync;
    }

    public string TokenUrl => _server.Url(TokenPath);

    public string ApiBaseUrl => _server.BaseUrl;

    /// <summary>What <c>expires_in</c> says for the next tokens. Default 7200, the documented lifetime.</summary>
    public int TokenLifetimeSeconds { get; set; } = 7200;

    /// <summary>When set, the token endpoint waits for it before answering (one fetch held in flight).</summary>
    public Task? HoldTokens { get; set; }

    /// <summary>When set, OpenAPI calls wait for it before answering: a call the platform took whose answer is slow, or never comes.</summary>
    public Task? HoldApi { get; set; }

    public IReadOnlyList<RecordedRequest> TokenRequests => _tokenRequests.Items;

    public IReadOnlyList<RecordedRequest> ApiRequests => [.. _server.Requests.Where(r => r.Path != TokenPath)];

    public static FakeQQPlatform Start() => new(LoopbackHttpServer.Start());

    /// <summary>The answers to the next token requests, in order; after them tokens are handed out again.</summary>
    public void ScriptToken(params HttpAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _tokenScript.Enqueue(answer);
        }
    }

    /// <summary>The answers to the next OpenAPI calls, in order; after them calls succeed.</summary>
    public void ScriptApi(params HttpAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _apiScript.Enqueue(answer);
        }
    }

    public Task<RecordedRequest> WaitForApiRequestAsync(Func<RecordedRequest, bool> match, string what = "an OpenAPI call", TimeSpan? safety = null) =>
        _server.WaitForRequestAsync(r => r.Path != TokenPath && match(r), what, safety);

    /// <summary>The token requests once at least <paramref name="count"/> have arrived (answered or held).</summary>
    public Task<IReadOnlyList<RecordedRequest>> WaitForTokenRequestsAsync(int count, TimeSpan? safety = null) =>
        _tokenRequests.WaitForCountAsync(count, $"{count} token requests", safety);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<HttpAnswer> AnswerAsync(RecordedRequest request, CancellationToken stopping)
    {
        if (request.Path == TokenPath)
        {
            _tokenRequests.Add(request);
            if (HoldTokens is { } hold)
            {
                await hold.WaitAsync(stopping);
            }

            if (_tokenScript.TryDequeue(out var scripted))
            {
                return scripted;
            }

            var n = Interlocked.Increment(ref _tokens);
            return HttpAnswer.Json($$"""{"access_token":"token-{{n}}","expires_in":"{{TokenLifetimeSeconds.ToString(CultureInfo.InvariantCulture)}}"}""");
        }

        if (HoldApi is { } held)
        {
            await held.WaitAsync(stopping);
        }

        return _apiScript.TryDequeue(out var answer)
            ? answer
            : HttpAnswer.Json($$"""{"id":"ROBOT1.0_reply{{request.Index}}","timestamp":1764151200}""");
    }
}
