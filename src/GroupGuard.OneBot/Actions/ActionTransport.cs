using GroupGuard.Core.Moderation;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.OneBot.Sockets;
using Microsoft.Extensions.Logging;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// Sends one <see cref="ApiCall"/>: rate-limited per bot, each attempt bounded by
/// <see cref="OneBotOptions.ActionTimeoutSeconds"/>, retried with jittered exponential backoff on a
/// timeout, a connection error, a WebSocket that closed under the call, or HTTP 5xx (also 408 and
/// 429, which say "later", not "no"), for at most <see cref="OneBotOptions.MaxAttempts"/> attempts
/// and <see cref="OneBotOptions.ActionBudgetSeconds"/> from the first attempt. A refusal (other 4xx,
/// <c>status:"failed"</c>, retcode ≠ 0) is final: the platform will say no again, and QQ counts
/// every call. A call that posts a message (<see cref="ApiCall.PostsMessage"/>) is not tried again
/// once it may have arrived: a timeout, a connection that broke after the request went, a WebSocket
/// that closed after its frame was written. Throws only when the caller cancels.
/// </summary>
/// <remarks>
/// Each attempt picks its channel: the bot's live WebSocket when it has one (the answer is the
/// frame with the same <c>echo</c>), else the HTTP API. Without an HTTP API, an attempt waits for
/// the bot's socket to come back for what is left of the budget.
/// </remarks>
internal sealed partial class ActionTransport(
    HttpClient http,
    CallPacer limiter,
    SocketRegistry sockets,
    TimeProvider time,
    ILogger logger,
    TimeSpan retryBaseDelay)
{
    private const int MaxPlatformTextLength = 300;

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly CallAttempts _attempts = new(limiter, time, retryBaseDelay);

    public async Task<CallOutcome> SendAsync(ApiCall call, OneBotOptions options, CancellationToken cancellationToken)
    {
        var limits = new CallLimits(call.Bot, options.MaxActionsPerSecond, options.MaxAttempts, TimeSpan.FromSeconds(options.ActionTimeoutSeconds), TimeSpan.FromSeconds(options.ActionBudgetSeconds));
        string? lastError = null;
        string? noChannel = null;
        var noChannelKind = ActionErrorKind.Unreachable;
        var tried = await _attempts.RunAsync(
            limits,
            async (clock, token) =>
            {
                var socket = await SocketForAsync(call, clock.Remaining, token).ConfigureAwait(false);
                if (socket is null && call.Endpoint is null)
                {
                    noChannel = $"{call.Action} for bot {call.SocketBot}: no WebSocket of the bot came up within the {CallAttempts.Seconds(limits.Budget)} budget, and {call.EndpointSetting} is not set"
                        + (lastError is null ? "" : $" (before: {lastError})");

                    // A bot that had a socket since the start lost it (unreachable); one never seen
                    // has nothing to act through but what is not configured yet.
                    noChannelKind = call.SocketBot is { } bot && sockets.HasSeen(bot) ? ActionErrorKind.Unreachable : ActionErrorKind.NotConfigured;
                    return AttemptResult.Final(CallOutcome.Fail(noChannelKind, noChannel));
                }

                var attempt = socket is not null
                    ? await SocketAttemptAsync(call, socket, clock.AttemptTimeout, token).ConfigureAwait(false)
                    : await AttemptAsync(call, options.AccessToken, clock.AttemptTimeout, token).ConfigureAwait(false);
                lastError = attempt.Outcome.Error;
                return attempt;
            },
            (attempt, error, delay) => LogRetrying(call.Action, call.Bot, attempt, error, delay.TotalSeconds),
            cancellationToken).ConfigureAwait(false);

        if (noChannel is not null)
        {
            return GiveUp(call, noChannel, noChannelKind);
        }

        if (tried.End != CallEnd.Answered)
        {
            return GiveUp(call, tried.GaveUp(limits.Budget));
        }

        if (!tried.Outcome.Outcome.Succeeded)
        {
            LogRefused(call.Action, call.Bot, tried.Outcome.Outcome.Error!);
        }

        return tried.Outcome.Outcome;
    }

    /// <summary>
    /// The bot's live socket; or, when no HTTP API is set, its socket once it comes back within
    /// <paramref name="remaining"/>; null for HTTP (or nothing when neither is there).
    /// </summary>
    private async Task<SocketSession?> SocketForAsync(ApiCall call, TimeSpan remaining, CancellationToken cancellationToken)
    {
        if (call.SocketBot is not { } bot)
        {
            return null;
        }

        if (sockets.Find(bot) is { } live)
        {
            return live;
        }

        return call.Endpoint is null ? await sockets.WaitForAsync(bot, remaining, cancellationToken).ConfigureAwait(false) : null;
    }

    private async Task<AttemptResult> SocketAttemptAsync(ApiCall call, SocketSession socket, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var linked = new Deadline(timeout, time, cancellationToken);
        try
        {
            var answer = await socket.CallAsync(call.Action, call.Body, linked.Token).ConfigureAwait(false);
            return ClassifyAnswer(call, answer);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AttemptResult.Lost(call, $"no answer to {call.Action} within {CallAttempts.Seconds(timeout)} over the WebSocket {socket.Name}");
        }
        catch (SocketAnswerLostException ex)
        {
            return AttemptResult.Lost(call, $"{call.Action}: {ex.Message}");
        }
        catch (SocketUnavailableException ex)
        {
            return AttemptResult.Retry($"{call.Action}: {ex.Message}");
        }
    }

    /// <summary>
    /// An answer frame (communication/ws.md): like an HTTP answer, with the HTTP errors moved into
    /// <c>retcode</c> as 1400, 1401, 1403 and 1404, which <see cref="Refusal"/> reads as over HTTP.
    /// </summary>
    private static AttemptResult ClassifyAnswer(ApiCall call, byte[] frame)
    {
        if (!TryReadAnswer(frame, out var answer) || answer is null)
        {
            return AttemptResult.Final(CallOutcome.Fail(ActionErrorKind.Refused, $"{call.Action} answered with a WebSocket message that is not a OneBot answer"));
        }

        if (answer.Status == "async" || (answer.Status == "ok" && answer.Retcode is null or 0))
        {
            return AttemptResult.Final(CallOutcome.Ok(answer.Data));
        }

        var (hint, kind) = Refusal(call, answer);
        return AttemptResult.Final(CallOutcome.Fail(kind, $"{call.Action} failed{hint}: {PlatformText(answer)}") with { Retcode = answer.Retcode });
    }

    private async Task<AttemptResult> AttemptAsync(ApiCall call, string? token, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var linked = new Deadline(timeout, time, cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, call.Endpoint!);
            request.Content = new ByteArrayContent(call.Body) { Headers = { ContentType = JsonType } };
            if (!string.IsNullOrEmpty(token))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var body = await BoundedBody.ReadAsync(stream, response.Content.Headers.ContentLength, call.MaxAnswerBytes, linked.Token).ConfigureAwait(false);
            if (body is null && response.IsSuccessStatusCode)
            {
                // Final: the same answer would come as long again.
                return AttemptResult.Final(CallOutcome.Fail(ActionErrorKind.Refused, $"{call.Action} answered {BoundedBody.TooLong(call.MaxAnswerBytes)}") with { TooLarge = true });
            }

            // An error status is judged by itself; a body past the bound adds nothing to it.
            return Classify(call, response, body ?? [], tokenSent: !string.IsNullOrEmpty(token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AttemptResult.Lost(call, $"no answer to {call.Action} within {CallAttempts.Seconds(timeout)}");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            // Named with its setting: a port nothing listens on is the setting's mistake as often as the bot's.
            return AttemptResult.Retry($"{call.Action} could not reach {CallAttempts.Origin(call.Endpoint!)} ({call.EndpointSetting}; is the bot's HTTP API on at that address?): {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return AttemptResult.Lost(call, $"{call.Action} to {CallAttempts.Origin(call.Endpoint!)} failed: {ex.Message}");
        }
        catch (IOException ex)
        {
            return AttemptResult.Lost(call, $"{call.Action} connection broke: {ex.Message}");
        }
    }

    private static AttemptResult Classify(ApiCall call, HttpResponseMessage response, byte[] body, bool tokenSent)
    {
        var code = (int)response.StatusCode;
        var status = CallAttempts.Status((int)response.StatusCode, response.ReasonPhrase);
        if (code >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            return AttemptResult.Retry($"{call.Action} answered {status}");
        }

        if (code is >= 300 and < 400)
        {
            // Final: the configured URL answers this way every time; only the setting can change it.
            return AttemptResult.Final(CallOutcome.Fail(ActionErrorKind.NotConfigured, $"{call.Action} answered {status}: redirects are not followed; check {call.EndpointSetting}"));
        }

        TryReadAnswer(body, out var answer);
        if (!response.IsSuccessStatusCode)
        {
            var (hint, kind) = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => (TokenRefusal(tokenSent), ActionErrorKind.NotConfigured),
                // A bare 404 is also what any other server there answers (NapCat's WebUI port, this
                // service's own): the setting is named beside the spec's reading.
                HttpStatusCode.NotFound when answer is null => ($"{NoSuchAction(call)}, or {call.EndpointSetting} ({CallAttempts.Origin(call.Endpoint!)}) is not the bot's HTTP API: check its address and port", ActionErrorKind.PlatformCannot),
                HttpStatusCode.NotFound => (NoSuchAction(call), ActionErrorKind.PlatformCannot),
                _ => Refusal(call, answer, tokenSent),
            };
            var text = answer is { } a ? PlatformText(a) : null;
            return AttemptResult.Final(CallOutcome.Fail(kind, $"{call.Action} refused with {status}{hint}{(text is null ? "" : $" ({text})")}"));
        }

        if (answer is not { } reply)
        {
            // A web page where the API should be (a proxy's login, NapCat's WebUI): the setting is the suspect.
            return AttemptResult.Final(CallOutcome.Fail(ActionErrorKind.Refused, $"{call.Action} answered {status} with a body that is not a OneBot JSON answer: is {call.EndpointSetting} ({CallAttempts.Origin(call.Endpoint!)}) the bot's HTTP API?"));
        }

        // "async": accepted and carried out later; the implementation will not say more.
        if (reply.Status == "async" || (reply.Status == "ok" && reply.Retcode is null or 0))
        {
            return AttemptResult.Final(CallOutcome.Ok(reply.Data));
        }

        var (why, refusal) = Refusal(call, reply, tokenSent);
        return AttemptResult.Final(CallOutcome.Fail(refusal, $"{call.Action} failed{why}: {PlatformText(reply)}") with { Retcode = reply.Retcode });
    }

    // How NapCat names an action it does not have, at the start of message and wording: over HTTP
    // "不支持的Api {action}" (earlier builds 不支持的api) with HTTP 200 and retcode 200, which tell
    // nothing apart (it answers an action that threw the same way); over a WebSocket 不支持的API, 1404.
    private const string NoSuchActionWords = "不支持的api";

    // ws.md's HTTP 404 as a retcode: the action does not exist. It means that over HTTP too, where an
    // implementation answers with it in the body of an HTTP 200 (or another status).
    private const long NoSuchActionRetcode = 1404;

    // ws.md's HTTP 401 and 403 as retcodes: the access token is missing or wrong. They mean that over
    // HTTP too, where an implementation answers with them in the body of an HTTP 200.
    private const long TokenMissingRetcode = 1401;
    private const long TokenRefusedRetcode = 1403;


    // A bot that wants a token when none is set is told apart from one that refused the token sent:
    // the first is a setting left out, not a token to compare.
    private static string TokenRefusal(bool tokenSent) => tokenSent
        ? $": the implementation refused the access token ({OneBotOptions.AccessTokenSetting})"
        : $": the implementation wants an access token, and {OneBotOptions.AccessTokenSetting} is not set (set it to the token in the bot's HTTP server settings)";

    // OneBot 12's standard retcodes (interface/README.md) for what the implementation lacks:
    // 10002 Unsupported Action; 10004 Unsupported Param, 10005 Unsupported Segment and 10007
    // Unsupported Segment Data, a parameter or message segment it has not implemented.
    private const long V12UnsupportedAction = 10002;
    private static readonly long[] V12Unsupported = [V12FileAnswer.UnsupportedParam, 10005, 10007];

    private static string NoSuchAction(ApiCall call) => $": the implementation has no action {call.Action}";

    private static string Unsupported(ApiCall call) => $": the implementation does not support what {call.Action} asks";

    /// <summary>
    /// A refusal that its HTTP status does not tell, over either transport: a refused access token
    /// (retcode <see cref="TokenMissingRetcode"/> or <see cref="TokenRefusedRetcode"/>), which only the
    /// setting mends; an action the implementation does not have (retcode <see cref="NoSuchActionRetcode"/>,
    /// <see cref="NoSuchActionWords"/>, v12's <see cref="V12UnsupportedAction"/>) or a v12 parameter or
    /// segment it has not implemented (<see cref="V12Unsupported"/>), which no retry or setting mends;
    /// else <see cref="RefusalKind"/>.
    /// </summary>
    private static (string Hint, ActionErrorKind Kind) Refusal(ApiCall call, Answer? answer, bool tokenSent = true) => answer?.Retcode switch
    {
        TokenMissingRetcode or TokenRefusedRetcode => (TokenRefusal(tokenSent), ActionErrorKind.NotConfigured),
        NoSuchActionRetcode => (NoSuchAction(call), ActionErrorKind.PlatformCannot),
        V12UnsupportedAction when call.V12 => (NoSuchAction(call), ActionErrorKind.PlatformCannot),
        { } code when call.V12 && V12Unsupported.Contains(code) => (Unsupported(call), ActionErrorKind.PlatformCannot),
        _ when new[] { answer?.Message, answer?.Wording }.Any(t => t?.TrimStart().StartsWith(NoSuchActionWords, StringComparison.OrdinalIgnoreCase) == true)
            => (NoSuchAction(call), ActionErrorKind.PlatformCannot),
        _ => ("", RefusalKind(answer)),
    };

    // What implementations say when the bot lacks the rights (NapCat and LLOneBot pass QQ's words
    // on, in Chinese or English) or the target outranks it.
    private static readonly string[] PermissionWords = ["权限", "管理员", "群主", "permission", "not admin", "admin", "owner", "privilege"];

    /// <summary>A refusal for want of rights, or another one, told by the platform's words.</summary>
    private static ActionErrorKind RefusalKind(Answer? answer)
    {
        var words = $"{answer?.Message} {answer?.Wording}";
        return PermissionWords.Any(w => words.Contains(w, StringComparison.OrdinalIgnoreCase)) ? ActionErrorKind.NotPermitted : ActionErrorKind.Refused;
    }

    /// <summary>NapCat's <c>message</c> and <c>wording</c> (v12's <c>message</c>), and the retcode.</summary>
    private static string PlatformText(Answer answer)
    {
        var parts = new List<string>(2);
        foreach (var text in new[] { answer.Message, answer.Wording })
        {
            var trimmed = text?.Trim();
            if (!string.IsNullOrEmpty(trimmed) && !parts.Contains(trimmed, StringComparer.Ordinal))
            {
                parts.Add(trimmed);
            }
        }

        var retcode = answer.Retcode is { } r ? $"retcode {r.ToString(CultureInfo.InvariantCulture)}" : $"status {answer.Status ?? "missing"}";
        if (parts.Count == 0)
        {
            return retcode;
        }

        var joined = string.Join(" — ", parts);
        if (joined.Length > MaxPlatformTextLength)
        {
            joined = string.Concat(joined.AsSpan(0, MaxPlatformTextLength), "…");
        }

        return $"{joined} ({retcode})";
    }

    private static bool TryReadAnswer(byte[] body, out Answer? answer)
    {
        answer = null;
        try
        {
            // Half an emoji in a forwarded bundle's text would otherwise leave the whole bundle unread;
            // bundles nested inline are as deep as in an event.
            using var document = JsonDocument.Parse(JsonSurrogates.Mended(body) ?? body, JsonBody.DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            answer = new Answer(
                String(root, "status"),
                root.TryGetProperty("retcode", out var retcode) && retcode.TryGetInt64(out var number) ? number : null,
                String(root, "message"),
                String(root, "wording"),
                root.TryGetProperty("data", out var data) ? data.Clone() : default);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string no .NET string can hold (a lone surrogate escape).
            return false;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private CallOutcome GiveUp(ApiCall call, string error, ActionErrorKind kind = ActionErrorKind.Unreachable)
    {
        LogGaveUp(call.Action, call.Bot, error);
        return CallOutcome.Fail(kind, error);
    }

    // At Debug, each try and its end: whoever asked says a failure once, in its own words (an
    // action's one warning names the action, the group and this error; a lookup goes on without).
    [LoggerMessage(Level = LogLevel.Debug, Message = "OneBot {Action} for {Bot} failed on attempt {Attempt} ({Error}); retrying in {DelaySeconds:0.##} s")]
    private partial void LogRetrying(string action, string bot, int attempt, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "OneBot {Action} for {Bot} refused: {Error}")]
    private partial void LogRefused(string action, string bot, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "OneBot {Action} for {Bot} failed: {Error}")]
    private partial void LogGaveUp(string action, string bot, string error);

    private sealed record Answer(string? Status, long? Retcode, string? Message, string? Wording, JsonElement Data);

    private readonly record struct AttemptResult(bool Transient, CallOutcome Outcome) : IAttemptOutcome
    {
        public string? Error => Outcome.Error;

        public static AttemptResult Retry(string error) => new(true, CallOutcome.Fail(ActionErrorKind.Unreachable, error));

        /// <summary>
        /// The call was sent, or may have been, and its answer lost: tried again, unless it posts a
        /// message, which may have arrived (<see cref="ApiCall.PostsMessage"/>).
        /// </summary>
        public static AttemptResult Lost(ApiCall call, string error) => call.PostsMessage
            ? Final(CallOutcome.Fail(ActionErrorKind.Unreachable, error + "; not sent again, as it may have arrived"))
            : Retry(error);

        public static AttemptResult Final(CallOutcome outcome) => new(false, outcome);
    }
}
