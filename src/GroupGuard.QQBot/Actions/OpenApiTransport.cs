using GroupGuard.Core.Moderation;
using System.Net;
using System.Net.Http.Headers;
using GroupGuard.Core;
using Microsoft.Extensions.Logging;

namespace GroupGuard.QQBot.Actions;

/// <summary>One OpenAPI call: where, what, and whose rate limit it counts against.</summary>
/// <param name="Bot">The rate-limit key of the bot (its AppID).</param>
/// <param name="Path">The path under <see cref="QQBotOptions.ApiBaseUrl"/>, ids already escaped.</param>
/// <param name="Action">What it does, for errors and logs.</param>
/// <param name="Body">The UTF-8 JSON body, built once and sent on every attempt.</param>
/// <param name="PostsMessage">
/// Whether it posts a message to the group (a warning, a command's answer): members see it once the
/// platform takes it, so it is not sent again after an answer that was lost.
/// </param>
internal sealed record OpenApiCall(string Bot, string Path, string Action, byte[] Body, bool PostsMessage = false);

/// <summary>
/// Sends an <see cref="OpenApiCall"/> with <c>Authorization: QQBot {access_token}</c> (接口调用与鉴权 ›
/// 鉴权方式), as the OneBot adapter sends its actions: rate-limited per bot, each attempt bounded by
/// <see cref="QQBotOptions.ActionTimeoutSeconds"/>, retried with jittered exponential backoff on a
/// timeout, a connection error, 5xx, 408 or 429, at most <see cref="QQBotOptions.MaxAttempts"/> times
/// within <see cref="QQBotOptions.ActionBudgetSeconds"/>. A refusal is final: the platform will say no
/// again. A message (<see cref="OpenApiCall.PostsMessage"/>) whose answer was lost (a timeout, a
/// connection that broke once the request was on its way) is not sent again, as the OneBot and Milky
/// adapters do: the platform may have posted it, and a second post is a second warning, or a
/// duplicate <c>msg_seq</c> it refuses. An answer longer than <see cref="QQBotLimits.MaxAnswerBytes"/>
/// is refused unread, and not asked again. Fetching the token is part of an attempt, so a token
/// endpoint that does not answer is retried the same way. Throws only when the caller cancels.
/// </summary>
internal sealed partial class OpenApiTransport(
    HttpClient http,
    AccessTokenSource tokens,
    CallPacer limiter,
    TimeProvider time,
    ILogger logger,
    TimeSpan retryBaseDelay)
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    // What the platform says when the bot lacks the rights (not a group admin, the target outranks
    // it) or the app lacks the interface (code 11253, 应用无接口访问权限).
    private static readonly string[] PermissionWords = ["权限", "管理员", "群主", "permission", "privilege", "not admin", "owner"];
    private const long NoInterfaceAccess = 11253;

    private readonly CallAttempts _attempts = new(limiter, time, retryBaseDelay);

    public async Task<CallOutcome> SendAsync(OpenApiCall call, QQBotOptions options, CancellationToken cancellationToken)
    {
        var limits = new CallLimits(call.Bot, options.MaxActionsPerSecond, options.MaxAttempts, TimeSpan.FromSeconds(options.ActionTimeoutSeconds), TimeSpan.FromSeconds(options.ActionBudgetSeconds));
        var tried = await _attempts.RunAsync(
            limits,
            async (clock, token) =>
            {
                // Fetching the token is part of the attempt, within its time.
                var (accessToken, tokenOutcome) = await tokens.GetAsync(options, clock.AttemptTimeout, token).ConfigureAwait(false);
                return accessToken is null
                    ? tokenOutcome
                    : await AttemptAsync(call, options, accessToken, clock.AttemptTimeout, token).ConfigureAwait(false);
            },
            (attempt, error, delay) => LogRetrying(call.Action, call.Bot, attempt, error, delay.TotalSeconds),
            cancellationToken).ConfigureAwait(false);

        if (tried.End != CallEnd.Answered)
        {
            var error = tried.GaveUp(limits.Budget);
            LogGaveUp(call.Action, call.Bot, error);
            return CallOutcome.Fail(ActionErrorKind.Unreachable, error);
        }

        if (!tried.Outcome.Succeeded)
        {
            if (tried.Outcome.Kind == ActionErrorKind.Unreachable)
            {
                LogGaveUp(call.Action, call.Bot, tried.Outcome.Error!);
            }
            else
            {
                LogRefused(call.Action, call.Bot, tried.Outcome.Error!);
            }
        }

        return tried.Outcome;
    }

    private async Task<CallOutcome> AttemptAsync(OpenApiCall call, QQBotOptions options, string accessToken, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(options.ApiBaseUrl.TrimEnd('/') + call.Path);
        using var linked = new Deadline(timeout, time, cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
            request.Content = new ByteArrayContent(call.Body) { Headers = { ContentType = JsonType } };
            request.Headers.Authorization = new AuthenticationHeaderValue("QQBot", accessToken);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var body = await BoundedBody.ReadAsync(stream, response.Content.Headers.ContentLength, QQBotLimits.MaxAnswerBytes, linked.Token).ConfigureAwait(false);
            if (body is null && response.IsSuccessStatusCode)
            {
                // Final: the same answer would come as long again.
                return CallOutcome.Fail(ActionErrorKind.Refused, $"{call.Action} answered {BoundedBody.TooLong(QQBotLimits.MaxAnswerBytes)}");
            }

            // An error status is judged by itself; a body past the bound adds nothing to it.
            return Classify(call, response, body ?? [], accessToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Lost(call, $"no answer to {call.Action} within {CallAttempts.Seconds(timeout)}");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            // Nothing was sent: the connection never came up.
            return CallOutcome.Retry($"{call.Action} could not reach {CallAttempts.Origin(endpoint)}: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return Lost(call, $"{call.Action} to {CallAttempts.Origin(endpoint)} failed: {ex.Message}");
        }
        catch (IOException ex)
        {
            return Lost(call, $"{call.Action} connection broke: {ex.Message}");
        }
    }

    /// <summary>
    /// The call was sent, or may have been, and its answer lost: tried again, unless it posts a
    /// message, which may have arrived (<see cref="OpenApiCall.PostsMessage"/>).
    /// </summary>
    private static CallOutcome Lost(OpenApiCall call, string error) => call.PostsMessage
        ? CallOutcome.Fail(ActionErrorKind.Unreachable, error + "; not sent again, as it may have arrived")
        : CallOutcome.Retry(error);

    private CallOutcome Classify(OpenApiCall call, HttpResponseMessage response, byte[] body, string accessToken)
    {
        var code = (int)response.StatusCode;
        var status = CallAttempts.Status((int)response.StatusCode, response.ReasonPhrase);
        if (code >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            return CallOutcome.Retry($"{call.Action} answered {status}");
        }

        if (code is >= 300 and < 400)
        {
            return CallOutcome.Fail(ActionErrorKind.NotConfigured, $"{call.Action} answered {status}: redirects are not followed; check {QQBotOptions.Section}:{nameof(QQBotOptions.ApiBaseUrl)}");
        }

        // The guild mute calls answer 204 with no body (the docs: 成功返回 HTTP 状态码 204), and so may
        // restrict_chat_setting: an empty body is the platform's "done". Any other body that is not a
        // JSON object did not come from the OpenAPI (a proxy's login page, a wrong ApiBaseUrl).
        var empty = body.AsSpan().Trim(" \t\r\n"u8).IsEmpty;
        var answer = empty ? null : PlatformAnswer.TryRead(body);
        if (response.IsSuccessStatusCode)
        {
            if (answer is null && !empty)
            {
                return CallOutcome.Fail(ActionErrorKind.Refused, $"{call.Action} answered {status} with a body that is not a JSON answer of the platform; check {QQBotOptions.Section}:{nameof(QQBotOptions.ApiBaseUrl)}");
            }

            if (answer?.IsError != true)
            {
                return CallOutcome.Ok;
            }
        }

        var words = answer?.Words() ?? "no JSON answer";
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The next call fetches a new token; this one is not retried, lest a wrong secret cost every attempt.
            tokens.Invalidate(accessToken);
            return CallOutcome.Fail(ActionErrorKind.NotConfigured, $"{call.Action} refused with {status}: the platform did not take the access token ({words}); check {QQBotOptions.Section}:{nameof(QQBotOptions.AppId)} and {nameof(QQBotOptions.AppSecret)}");
        }

        var permission = answer?.Code == NoInterfaceAccess || answer?.ErrCode == NoInterfaceAccess
            || PermissionWords.Any(w => answer?.Message?.Contains(w, StringComparison.OrdinalIgnoreCase) == true);
        return CallOutcome.Fail(permission ? ActionErrorKind.NotPermitted : ActionErrorKind.Refused, $"{call.Action} refused with {status} ({words})");
    }

    // At Debug, each try and its end: whoever asked says a failure once, in its own words (an
    // action's one warning names the action, the group and this error; a lookup goes on without).
    [LoggerMessage(Level = LogLevel.Debug, Message = "QQ bot {Action} for {Bot} failed on attempt {Attempt} ({Error}); retrying in {DelaySeconds:0.##} s")]
    private partial void LogRetrying(string action, string bot, int attempt, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "QQ bot {Action} for {Bot} refused: {Error}")]
    private partial void LogRefused(string action, string bot, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "QQ bot {Action} for {Bot} failed: {Error}")]
    private partial void LogGaveUp(string action, string bot, string error);
}
