using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GroupGuard.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.WeCom.Archive;

/// <summary>
/// The names of archived group chats, from WeCom's chat-archive API (<c>msgaudit/groupchat/get</c>,
/// with an access token for the archive's Secret), remembered for a day. Where the Secret may not
/// ask, or WeCom does not answer, a group is known by its room id: never an error for the message.
/// Lookups run in the pull, one at a time: after a refusal none is made for an hour, and after
/// WeCom cannot be reached (a timeout, a connection that fails) none for a few minutes, so that
/// a WeCom out of reach does not hold up the pull at every new group.
/// </summary>
internal sealed partial class ArchiveGroupNames(
    IOptions<WeComArchiveOptions> options,
    HttpClient http,
    TimeProvider time,
    ILogger<ArchiveGroupNames> logger)
{
    /// <summary>Group names remembered; past it the oldest half is forgotten.</summary>
    public const int MaxRemembered = 10_000;

    /// <summary>Bytes of one answer read.</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    private static readonly TimeSpan Remember = TimeSpan.FromDays(1);

    // After WeCom refuses (no permission, a wrong Secret), the API is not asked again for this long.
    private static readonly TimeSpan RefusedPause = TimeSpan.FromHours(1);

    /// <summary>
    /// After WeCom could not be reached, no group is asked about for this long; a lookup that got
    /// no answer (unreachable, broken, an expired token) is asked again after it.
    /// </summary>
    public static readonly TimeSpan UnansweredPause = TimeSpan.FromMinutes(5);

    private readonly WeComArchiveOptions _options = options.Value;
    private readonly Dictionary<string, (string? Name, DateTimeOffset Until)> _names = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _tokenUntil;
    private DateTimeOffset _pausedUntil;

    /// <summary>The group's name, or null when WeCom does not say (the room id stands for it).</summary>
    public async Task<string?> NameOfAsync(string room, CancellationToken cancellationToken)
    {
        if (!_options.GroupNames)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_names.TryGetValue(room, out var known) && known.Until > now)
            {
                return known.Name;
            }

            if (now < _pausedUntil)
            {
                return null;
            }

            var (name, answered) = await AskAsync(room, now, cancellationToken).ConfigureAwait(false);
            if (_names.Count >= MaxRemembered)
            {
                foreach (var old in _names.OrderBy(n => n.Value.Until).Take(MaxRemembered / 2).Select(n => n.Key).ToList())
                {
                    _names.Remove(old);
                }
            }

            // A name is kept for a day; no name for an hour when WeCom answered without one (or
            // refused), for a few minutes when it did not answer; then WeCom is asked again.
            _names[room] = (name, now + (name is not null ? Remember : answered ? RefusedPause : UnansweredPause));
            return name;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The room's name, or null; and whether WeCom answered (with a name, without one, or a refusal).</summary>
    private async Task<(string? Name, bool Answered)> AskAsync(string room, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var timeout = new Deadline(TimeSpan.FromSeconds(_options.TimeoutSeconds), time, cancellationToken);
        try
        {
            if (_token is null || now >= _tokenUntil)
            {
                var tokenUrl = $"{_options.ApiBaseUrl.TrimEnd('/')}/cgi-bin/gettoken?corpid={Uri.EscapeDataString(_options.CorpId!)}&corpsecret={Uri.EscapeDataString(_options.Secret!)}";
                using var tokenAnswer = await ReadAsync(await http.GetAsync(tokenUrl, timeout.Token).ConfigureAwait(false), timeout.Token).ConfigureAwait(false);
                if (Refused(tokenAnswer.RootElement, "gettoken", now))
                {
                    return (null, tokenAnswer.RootElement.ValueKind == JsonValueKind.Object);
                }

                if (!tokenAnswer.RootElement.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String)
                {
                    return (null, false);
                }

                _token = token.GetString();
                var seconds = tokenAnswer.RootElement.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt32(out var s) ? s : 7200;
                _tokenUntil = now + TimeSpan.FromSeconds(Math.Max(60, seconds - 300));
            }

            var url = $"{_options.ApiBaseUrl.TrimEnd('/')}/cgi-bin/msgaudit/groupchat/get?access_token={Uri.EscapeDataString(_token!)}";
            using var answer = await ReadAsync(await http.PostAsJsonAsync(url, new RoomRequest(room), ArchiveJson.Default.RoomRequest, timeout.Token).ConfigureAwait(false), timeout.Token).ConfigureAwait(false);
            if (Code(answer.RootElement) is 40014 or 42001)
            {
                _token = null; // an expired token: asked for anew next time
                return (null, false);
            }

            if (Refused(answer.RootElement, "groupchat/get", now))
            {
                return (null, answer.RootElement.ValueKind == JsonValueKind.Object);
            }

            return (answer.RootElement.TryGetProperty("roomname", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } text
                ? (text.Length <= MessageLimits.MaxNameLength ? text : text[..MessageLimits.MaxNameLength])
                : null, true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever WeCom or the network did (a refused connection, a timeout, an answer of
            // another shape), a group name is never an error for the message. WeCom out of reach
            // pauses the asking for every group: each would wait as long again.
            if (timeout.IsCancellationRequested || ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError })
            {
                _pausedUntil = now + UnansweredPause;
                LogUnreachable(_options.CorpId!, ex.GetType().Name, (int)UnansweredPause.TotalMinutes);
            }
            else
            {
                LogUnanswered(_options.CorpId!, ex.GetType().Name);
            }

            return (null, false);
        }
    }

    /// <summary>True when the answer is no JSON object or carries an error code; an error code also pauses the asking.</summary>
    private bool Refused(JsonElement answer, string call, DateTimeOffset now)
    {
        if (answer.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        if (!answer.TryGetProperty("errcode", out _) || Code(answer) is 0)
        {
            return false;
        }

        _pausedUntil = now + RefusedPause;
        LogRefused(_options.CorpId!, call, Code(answer)?.ToString(CultureInfo.InvariantCulture) ?? "(not a whole number)");
        return true;
    }

    /// <summary>The answer's <c>errcode</c>, or null when it is no object or has none that is a whole number.</summary>
    private static long? Code(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("errcode", out var code)
        && code.ValueKind == JsonValueKind.Number && code.TryGetInt64(out var value)
            ? value
            : null;

    /// <summary>
    /// An answer as JSON. The client buffers at most <see cref="MaxAnswerBytes"/> (its
    /// <c>MaxResponseContentBufferSize</c>): a larger answer throws <see cref="HttpRequestException"/>.
    /// </summary>
    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: {Call} answered errcode {Code}; groups are named by their room ids for an hour")]
    private partial void LogRefused(string corpId, string call, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: WeCom's API did not answer for a group name ({Error}); groups are named by their room ids for {Minutes} minutes")]
    private partial void LogUnreachable(string corpId, string error, int minutes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WeCom chat archive of {CorpId}: no group name ({Error}); the room id stands for it")]
    private partial void LogUnanswered(string corpId, string error);
}

internal sealed record RoomRequest([property: System.Text.Json.Serialization.JsonPropertyName("roomid")] string RoomId);

[System.Text.Json.Serialization.JsonSerializable(typeof(RoomRequest))]
internal sealed partial class ArchiveJson : System.Text.Json.Serialization.JsonSerializerContext;
