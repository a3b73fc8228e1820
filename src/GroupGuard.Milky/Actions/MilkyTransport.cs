using GroupGuard.Core.Moderation;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GroupGuard.Core;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Milky.Actions;

/// <summary>
/// Sends one <see cref="MilkyCall"/> as the Milky spec says (<c>POST /api/:api</c>, a JSON body,
/// <c>Authorization: Bearer</c>; the answer <c>{status, retcode, data, message}</c>): paced per bot,
/// each attempt bounded by <see cref="MilkyOptions.ActionTimeoutSeconds"/>, retried with jittered
/// exponential backoff on a timeout, a broken connection, 5xx, 408 or 429, for at most
/// <see cref="MilkyOptions.MaxAttempts"/> attempts within <see cref="MilkyOptions.ActionBudgetSeconds"/>.
/// A refusal (401, 404, another 4xx, <c>status: "failed"</c>) is final, and so is an answer longer
/// than <see cref="MilkyLimits.MaxAnswerBytes"/>, refused unread. Throws only when cancelled.
/// </summary>
internal sealed partial class MilkyTransport(HttpClient http, CallPacer pacer, TimeProvider time, ILogger logger, TimeSpan retryBaseDelay)
{
    private const int MaxPlatformText = 300;

    // What implementations pass on from QQ when the bot lacks the rights or the target outranks it.
    private static readonly string[] PermissionWords = ["权限", "管理员", "群主", "permission", "admin", "owner", "privilege"];

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly CallAttempts _attempts = new(pacer, time, retryBaseDelay);

    public async Task<CallOutcome> SendAsync(MilkyCall call, MilkyOptions options, CancellationToken cancellationToken)
    {
        var limits = new CallLimits(call.Bot, options.MaxActionsPerSecond, options.MaxAttempts, TimeSpan.FromSeconds(options.ActionTimeoutSeconds), TimeSpan.FromSeconds(options.ActionBudgetSeconds));
        var tried = await _attempts.RunAsync(
            limits,
            (clock, token) => AttemptAsync(call, clock.AttemptTimeout, token),
            (attempt, error, delay) => LogRetrying(call.Api, call.Bot, attempt, error, delay.TotalSeconds),
            cancellationToken).ConfigureAwait(false);

        if (tried.End != CallEnd.Answered)
        {
            var error = tried.GaveUp(limits.Budget);
            LogGaveUp(call.Api, call.Bot, error);
            return CallOutcome.Unreached(error);
        }

        if (!tried.Outcome.Outcome.Succeeded)
        {
            LogRefused(call.Api, call.Bot, tried.Outcome.Outcome.Error!);
        }

        return tried.Outcome.Outcome;
    }

    private async Task<Attempt> AttemptAsync(MilkyCall call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var linked = new Deadline(timeout, time, cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, call.Endpoint);
            request.Content = new ByteArrayContent(call.Body) { Headers = { ContentType = Json } };
            if (!string.IsNullOrEmpty(call.Token))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", call.Token);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var body = await BoundedBody.ReadAsync(stream, response.Content.Headers.ContentLength, MilkyLimits.MaxAnswerBytes, linked.Token).ConfigureAwait(false);
            if (body is null && response.IsSuccessStatusCode)
            {
                // Final: the same answer would come as long again.
                return Final(CallOutcome.Refused(ActionErrorKind.Refused, $"{call.Api} answered {BoundedBody.TooLong(MilkyLimits.MaxAnswerBytes)}"));
            }

            // An error status is judged by itself; a body past the bound adds nothing to it.
            return Classify(call, response, body ?? []);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Lost(call, $"no answer to {call.Api} within {CallAttempts.Seconds(timeout)}");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            return new Attempt(true, CallOutcome.Unreached($"{call.Api} could not reach {CallAttempts.Origin(call.Endpoint)}: {ex.Message}"));
        }
        catch (HttpRequestException ex)
        {
            return Lost(call, $"{call.Api} to {CallAttempts.Origin(call.Endpoint)} failed: {ex.Message}");
        }
        catch (IOException ex)
        {
            return Lost(call, $"{call.Api} connection broke: {ex.Message}");
        }
    }

    /// <summary>
    /// The call was sent, or may have been, and its answer lost: tried again, unless it posts a
    /// message, which may have arrived (<see cref="MilkyCall.PostsMessage"/>).
    /// </summary>
    private static Attempt Lost(MilkyCall call, string error) =>
        new(!call.PostsMessage, CallOutcome.Unreached(call.PostsMessage ? error + "; not sent again, as it may have arrived" : error));

    private static Attempt Classify(MilkyCall call, HttpResponseMessage response, byte[] body)
    {
        var code = (int)response.StatusCode;
        var status = CallAttempts.Status((int)response.StatusCode, response.ReasonPhrase);
        if (code >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            return new Attempt(true, CallOutcome.Unreached($"{call.Api} answered {status}"));
        }

        if (code is >= 300 and < 400)
        {
            // The configured URL answers so every time: only the setting can change it.
            return Final(CallOutcome.Refused(ActionErrorKind.NotConfigured, $"{call.Api} answered {status}: redirects are not followed; check {call.Setting}"));
        }

        var answer = Answer.Read(body);
        if (!response.IsSuccessStatusCode)
        {
            var (hint, kind) = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ($": the implementation refused the access token ({call.TokenSetting})", ActionErrorKind.NotConfigured),
                HttpStatusCode.NotFound => ($": the implementation has no API {call.Api}", ActionErrorKind.PlatformCannot),
                _ => ("", KindOf(answer)),
            };
            var words = answer is null ? "" : $" ({Words(answer)})";
            return Final(CallOutcome.Refused(kind, $"{call.Api} refused with {status}{hint}{words}"));
        }

        if (answer is null)
        {
            return Final(CallOutcome.Refused(ActionErrorKind.Refused, $"{call.Api} answered {status} with a body that is not a Milky answer"));
        }

        return answer.Status == "ok" && answer.Retcode is null or 0
            ? Final(CallOutcome.Ok(answer.Data))
            : Final(CallOutcome.Refused(KindOf(answer), $"{call.Api} failed: {Words(answer)}"));
    }

    private static Attempt Final(CallOutcome outcome) => new(false, outcome);

    private static ActionErrorKind KindOf(Answer? answer) =>
        answer?.Message is { } message && PermissionWords.Any(w => message.Contains(w, StringComparison.OrdinalIgnoreCase))
            ? ActionErrorKind.NotPermitted
            : ActionErrorKind.Refused;

    /// <summary>The implementation's <c>message</c> and retcode, cut to a readable length.</summary>
    private static string Words(Answer answer)
    {
        var retcode = answer.Retcode is { } r ? $"retcode {r.ToString(CultureInfo.InvariantCulture)}" : $"status {answer.Status ?? "missing"}";
        var message = answer.Message?.Trim();
        if (string.IsNullOrEmpty(message))
        {
            return retcode;
        }

        if (message.Length > MaxPlatformText)
        {
            message = string.Concat(message.AsSpan(0, MaxPlatformText), "…");
        }

        return $"{message} ({retcode})";
    }

    // At Debug, each try and its end: whoever asked says a failure once, in its own words (an
    // action's one warning names the action, the group and this error; a lookup goes on without).
    [LoggerMessage(Level = LogLevel.Debug, Message = "Milky {Api} for {Bot} failed on attempt {Attempt} ({Error}); retrying in {DelaySeconds:0.##} s")]
    private partial void LogRetrying(string api, string bot, int attempt, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Milky {Api} for {Bot} refused: {Error}")]
    private partial void LogRefused(string api, string bot, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Milky {Api} for {Bot} failed: {Error}")]
    private partial void LogGaveUp(string api, string bot, string error);

    private readonly record struct Attempt(bool Transient, CallOutcome Outcome) : IAttemptOutcome
    {
        public string? Error => Outcome.Error;
    }

    private sealed record Answer(string? Status, long? Retcode, string? Message, JsonElement Data)
    {
        public static Answer? Read(byte[] body)
        {
            try
            {
                // Half an emoji in a forwarded bundle's text would otherwise leave the whole bundle unread;
                // bundles nested inline are as deep as in an event.
                using var document = JsonDocument.Parse(JsonSurrogates.Mended(body) ?? body, JsonBody.DocumentOptions);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                return new Answer(
                    StringOf(root, "status"),
                    root.TryGetProperty("retcode", out var retcode) && retcode.TryGetInt64(out var number) ? number : null,
                    StringOf(root, "message"),
                    root.TryGetProperty("data", out var data) ? data.Clone() : default);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // Not JSON, or a string .NET cannot hold (a lone surrogate escape).
                return null;
            }
        }

        private static string? StringOf(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
