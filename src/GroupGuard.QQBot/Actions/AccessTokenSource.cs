using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Logging;

namespace GroupGuard.QQBot.Actions;

/// <summary>
/// The bot's access token (接口调用与鉴权 › 获取调用凭证): <c>POST {appId, clientSecret}</c> to
/// <see cref="QQBotOptions.TokenUrl"/> answers <c>{access_token, expires_in}</c>, <c>expires_in</c> in
/// seconds and sent as a string. Cached, and fetched again <see cref="RefreshMargin"/> before it
/// expires: the platform hands out a new token only in the last 60 seconds of the old one and keeps
/// the old one valid through them, so a refresh then never leaves a call without a valid token, and
/// a failed refresh falls back on the old token while it lasts. One fetch at a time: callers that
/// arrive during a fetch share its outcome, a token or a failure, and wait for it no longer than
/// their own attempt may take; the fetch keeps the deadline of the caller that started it, so a
/// token endpoint that hangs costs each action one attempt's time, not one fetch after another.
/// </summary>
internal sealed partial class AccessTokenSource(HttpClient http, TimeProvider time, QQBotStatus status, ILogger logger)
{
    /// <summary>How long before its expiry a token is replaced: the platform's own 60 s overlap.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

    /// <summary>The lifetime the docs give, assumed when an answer has no usable <c>expires_in</c>.</summary>
    public static readonly TimeSpan DocumentedLifetime = TimeSpan.FromSeconds(7200);

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly Lock _lock = new();
    private CachedToken? _token;
    private Fetch? _fetching;

    /// <summary>A token for <paramref name="options"/>' credentials; fails as <c>Unreachable</c> (retry may help) or <c>NotConfigured</c>.</summary>
    public async Task<(string? Token, CallOutcome Outcome)> GetAsync(QQBotOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var owner = Owner(options);
        if (Volatile.Read(ref _token) is { } cached && cached.Owner == owner && !cached.DueForRefresh(time))
        {
            return (cached.Value, CallOutcome.Ok);
        }

        Fetch fetch;
        var started = false;
        lock (_lock)
        {
            // Another caller may have fetched one meanwhile, or be fetching one now.
            var current = _token;
            if (current is not null && current.Owner == owner && !current.DueForRefresh(time))
            {
                return (current.Value, CallOutcome.Ok);
            }

            if (_fetching is { } running && running.Owner == owner)
            {
                fetch = running;
            }
            else
            {
                fetch = _fetching = new Fetch(owner);
                started = true;
            }
        }

        if (started)
        {
            // Bounded by this caller's timeout, and not by its cancellation: callers that joined it
            // go on waiting for it when this one gives up.
            _ = RunAsync(fetch, options, timeout);
            return await fetch.Outcome.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await fetch.Outcome.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return (null, CallOutcome.Retry($"no access token within {CallAttempts.Seconds(timeout)}: the fetch from the token endpoint {CallAttempts.Origin(new Uri(options.TokenUrl))} under way did not end in time"));
        }
    }

    /// <summary>Fetches for every caller of <paramref name="fetch"/>, then lets the next fetch start.</summary>
    private async Task RunAsync(Fetch fetch, QQBotOptions options, TimeSpan timeout)
    {
        (string? Token, CallOutcome Outcome) outcome;
        try
        {
            outcome = await FetchAndKeepAsync(options, fetch.Owner, timeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not a failure FetchAsync reads (a client disposed under it): the callers hear of it rather than wait on.
            Finished(fetch);
            fetch.Outcome.TrySetException(ex);
            return;
        }

        Finished(fetch);
        fetch.Outcome.TrySetResult(outcome);
    }

    private void Finished(Fetch fetch)
    {
        lock (_lock)
        {
            if (_fetching == fetch)
            {
                _fetching = null;
            }
        }
    }

    private async Task<(string? Token, CallOutcome Outcome)> FetchAndKeepAsync(QQBotOptions options, string owner, TimeSpan timeout)
    {
        var (fetched, outcome) = await FetchAsync(options, timeout, CancellationToken.None).ConfigureAwait(false);
        if (fetched is not null)
        {
            Volatile.Write(ref _token, new CachedToken(owner, fetched.Value.Token, time.GetTimestamp(), fetched.Value.Lifetime));
            status.TokenFetched();
            LogFetched(options.AppId!, fetched.Value.Lifetime.TotalSeconds);
            return (fetched.Value.Token, CallOutcome.Ok);
        }

        var current = Volatile.Read(ref _token);
        if (current is not null && current.Owner == owner && !current.Expired(time))
        {
            LogRefreshFailed(options.AppId!, outcome.Error!);
            return (current.Value, CallOutcome.Ok);
        }

        status.TokenFailed(outcome.Error!);
        LogFailed(options.AppId!, outcome.Error!);
        return (null, outcome);
    }

    /// <summary>The platform refused <paramref name="token"/>: the next call fetches another.</summary>
    public void Invalidate(string token)
    {
        var cached = Volatile.Read(ref _token);
        if (cached is not null && cached.Value == token)
        {
            Interlocked.CompareExchange(ref _token, null, cached);
        }
    }

    private async Task<((string Token, TimeSpan Lifetime)? Token, CallOutcome Outcome)> FetchAsync(QQBotOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = new Uri(options.TokenUrl);
        using var linked = new Deadline(timeout, time, cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["appId"] = options.AppId!, ["clientSecret"] = options.AppSecret! });
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = JsonType } };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var answer = await BoundedBody.ReadAsync(stream, response.Content.Headers.ContentLength, QQBotLimits.MaxAnswerBytes, linked.Token).ConfigureAwait(false);
            if (answer is null && response.IsSuccessStatusCode)
            {
                // A token answer is some hundred bytes: this is not the platform's token endpoint.
                return (null, CallOutcome.Fail(ActionErrorKind.NotConfigured, $"the token endpoint answered {BoundedBody.TooLong(QQBotLimits.MaxAnswerBytes)}; check {QQBotOptions.Section}:{nameof(QQBotOptions.TokenUrl)}"));
            }

            return Classify(response, answer ?? []);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, CallOutcome.Retry($"no answer from the token endpoint {CallAttempts.Origin(url)} within {CallAttempts.Seconds(timeout)}"));
        }
        catch (HttpRequestException ex)
        {
            return (null, CallOutcome.Retry($"could not reach the token endpoint {CallAttempts.Origin(url)}: {ex.Message}"));
        }
        catch (IOException ex)
        {
            return (null, CallOutcome.Retry($"the connection to the token endpoint {CallAttempts.Origin(url)} broke: {ex.Message}"));
        }
    }

    private static ((string Token, TimeSpan Lifetime)? Token, CallOutcome Outcome) Classify(HttpResponseMessage response, byte[] body)
    {
        var code = (int)response.StatusCode;
        var tokenSetting = $"{QQBotOptions.Section}:{nameof(QQBotOptions.TokenUrl)}";
        var credentials = $"{QQBotOptions.Section}:{nameof(QQBotOptions.AppId)} and {nameof(QQBotOptions.AppSecret)}";
        if (code >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            return (null, CallOutcome.Retry($"the token endpoint answered {CallAttempts.Status((int)response.StatusCode, response.ReasonPhrase)}"));
        }

        if (code is >= 300 and < 400)
        {
            return (null, CallOutcome.Fail(ActionErrorKind.NotConfigured, $"the token endpoint answered {CallAttempts.Status((int)response.StatusCode, response.ReasonPhrase)}: redirects are not followed; check {tokenSetting}"));
        }

        var answer = PlatformAnswer.TryRead(body);
        var token = answer?.Root.TryGetProperty("access_token", out var t) == true && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (!response.IsSuccessStatusCode || answer is null || answer.IsError || string.IsNullOrEmpty(token))
        {
            var words = answer is null ? "an answer that is not JSON" : answer.Words();
            return (null, CallOutcome.Fail(ActionErrorKind.NotConfigured, $"the token endpoint refused with {CallAttempts.Status((int)response.StatusCode, response.ReasonPhrase)} ({words}); check {credentials}"));
        }

        return ((token, Lifetime(answer.Root)), CallOutcome.Ok);
    }

    private static TimeSpan Lifetime(JsonElement root)
    {
        long seconds = 0;
        if (root.TryGetProperty("expires_in", out var value))
        {
            _ = value.ValueKind switch
            {
                JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds),
                JsonValueKind.Number => value.TryGetInt64(out seconds),
                _ => false,
            };
        }

        // A day is far past the documented two hours: anything outside is not a lifetime to trust.
        return seconds is > 0 and <= 86_400 ? TimeSpan.FromSeconds(seconds) : DocumentedLifetime;
    }

    /// <summary>Whose token: the AppID, the endpoint and a hash of the secret, so a reload of any of them fetches anew.</summary>
    private static string Owner(QQBotOptions options) =>
        $"{options.AppId}|{options.TokenUrl}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(options.AppSecret ?? "")))}";

    [LoggerMessage(Level = LogLevel.Information, Message = "QQ bot {AppId}: access token fetched, valid for {Seconds} s")]
    private partial void LogFetched(string appId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "QQ bot {AppId}: could not refresh the access token ({Error}); the current one is still valid and stays in use")]
    private partial void LogRefreshFailed(string appId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "QQ bot {AppId}: no access token: {Error}")]
    private partial void LogFailed(string appId, string error);

    /// <summary>One fetch under way, for the credentials of <paramref name="Owner"/>, and the outcome its callers wait for.</summary>
    private sealed class Fetch(string owner)
    {
        public string Owner { get; } = owner;

        public TaskCompletionSource<(string? Token, CallOutcome Outcome)> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record CachedToken(string Owner, string Value, long FetchedAt, TimeSpan Lifetime)
    {
        /// <summary>A refresh is due <see cref="RefreshMargin"/> before expiry, or halfway for a token that lives shorter than twice that.</summary>
        public bool DueForRefresh(TimeProvider time)
        {
            var refreshAfter = Lifetime - RefreshMargin > Lifetime / 2 ? Lifetime - RefreshMargin : Lifetime / 2;
            return time.GetElapsedTime(FetchedAt) >= refreshAfter;
        }

        public bool Expired(TimeProvider time) => time.GetElapsedTime(FetchedAt) >= Lifetime;
    }
}
