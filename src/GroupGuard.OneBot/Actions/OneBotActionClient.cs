using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Sockets;
using GroupGuard.OneBot.V11;
using GroupGuard.OneBot.V12;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// Carries out moderation through the OneBot APIs: v11 over the bot's WebSocket while it has one
/// (reverse or forward), else over HTTP at <see cref="OneBotOptions.ApiBaseUrl"/>; v12 at
/// <see cref="OneBotOptions.V12ApiBaseUrl"/>. What a platform cannot do is answered
/// <c>unsupported</c> without a call (<see cref="ActionCapabilities"/>); every call is rate-limited
/// per bot and retried as <see cref="ActionTransport"/> says; warnings to a group are coalesced by
/// <see cref="WarningCoalescer"/> (a warning's task completes when its window's message has gone
/// out, so callers run warnings side by side). A v11 mute or kick answered ok is read back when
/// <see cref="OneBotOptions.VerifyActions"/> is on. Options are read per action, so a reload
/// applies to the next one.
/// </summary>
internal sealed partial class OneBotActionClient : IProtocolActions, IForwardedMessages, Core.Members.IMemberJoinTimes, Core.Digests.IPrivateMessenger, IDisposable
{
    /// <summary>Roles change rarely; ten minutes keeps a raid from asking once per message.</summary>
    public static readonly TimeSpan RoleCacheLifetime = TimeSpan.FromMinutes(10);

    private const int RoleCacheSweepThreshold = 10_000;

    /// <summary>The words of a mute the platform said ok to and did not carry out.</summary>
    public const string NotMuted = "the platform answered ok but the member is not muted";

    /// <summary>The words of a kick the platform said ok to and did not carry out.</summary>
    public const string StillInGroup = "the platform answered ok but the member is still in the group";

    private readonly HttpClient _http;
    private readonly IOptionsMonitor<OneBotOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OneBotActionClient> _logger;
    private readonly ActionTransport _transport;
    private readonly SocketRegistry _sockets;
    private readonly WarningCoalescer _warnings;
    private readonly ConcurrentDictionary<(string Bot, string Group, string User), CachedRole> _roles = new();

    public OneBotActionClient(
        HttpClient http,
        IOptionsMonitor<OneBotOptions> options,
        TimeProvider time,
        ILogger<OneBotActionClient> logger,
        TimeSpan? retryBaseDelay = null,
        SocketRegistry? sockets = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _sockets = sockets ?? new SocketRegistry(time);
        _transport = new ActionTransport(http, new CallPacer(time), _sockets, time, logger, retryBaseDelay ?? TimeSpan.FromSeconds(0.5));
        _warnings = new WarningCoalescer(time, SendWarningAsync, logger);
    }

    public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV11, Protocol.OneBotV12];

    public bool CanDo(Protocol protocol, string platform, ModerationAction action) =>
        ActionCapabilities.Lacks(protocol, platform, action) is null;

    public async Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        cancellationToken.ThrowIfCancellationRequested();

        if (ActionCapabilities.Lacks(action.Protocol, action.Platform, action.Action) is { } lacks)
        {
            return ActionResult.Unsupported(ActionErrorKind.PlatformCannot, lacks);
        }

        var options = _options.CurrentValue;
        if (Unroutable(action.Protocol, action.BotId, options) is { } missing)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, missing);
        }

        if (action.Action == ModerationAction.Mute && action.MuteSeconds <= 0)
        {
            // set_group_ban with 0 lifts a mute: never send that for a decision to mute.
            return ActionResult.Failed(ActionErrorKind.Invalid, $"a mute needs a length of at least 1 s, got {action.MuteSeconds} s (0 would lift a mute)");
        }

        if (action.Action == ModerationAction.Warn)
        {
            return await _warnings.WarnAsync(action, TimeSpan.FromSeconds(options.WarningCoalesceSeconds), cancellationToken).ConfigureAwait(false);
        }

        var (name, body) = action.Protocol == V11EventReader.Protocol ? ActionRequests.V11(action) : ActionRequests.V12(action);
        var outcome = await SendAsync(action.Protocol, action.BotId, name, body, options, cancellationToken).ConfigureAwait(false);
        if (outcome.Succeeded && options.VerifyActions && action.Protocol == V11EventReader.Protocol
            && action.Action is ModerationAction.Mute or ModerationAction.Kick)
        {
            return await VerifyAsync(action, options, cancellationToken).ConfigureAwait(false);
        }

        return ToResult(outcome);
    }

    /// <summary>
    /// Reads the member back without the implementation's cache (<c>no_cache</c>): a mute shows as
    /// <c>shut_up_timestamp</c> (when it ends, Unix seconds; NapCat and LuckyLilliaBot) in the
    /// future; a kicked member can no longer be looked up. When the lookup itself cannot be made,
    /// the platform's ok stands and the log says so.
    /// </summary>
    private async Task<ActionResult> VerifyAsync(PlatformAction action, OneBotOptions options, CancellationToken cancellationToken)
    {
        var what = action.Action == ModerationAction.Mute ? "mute" : "kick";
        var lookup = await SendAsync(
            action.Protocol,
            action.BotId,
            "get_group_member_info",
            ActionRequests.V11MemberInfo(action.GroupId, action.UserId, noCache: true),
            options,
            cancellationToken).ConfigureAwait(false);

        if (action.Action == ModerationAction.Kick)
        {
            if (lookup.Succeeded && lookup.Data.ValueKind == JsonValueKind.Object)
            {
                LogNotCarriedOut(what, action.GroupId, action.UserId, "get_group_member_info still finds the member");
                return ActionResult.Failed(ActionErrorKind.NotPermitted, StillInGroup);
            }

            // A plain refusal is the implementation saying the member is not there: NapCat's
            // "群(…)成员…不存在", LuckyLilliaBot's "群成员未找到". No answer, no such action or a
            // refused token say nothing about the member.
            if (lookup.Succeeded || lookup.Kind != ActionErrorKind.Refused)
            {
                LogUnverified(what, action.GroupId, action.UserId, lookup.Error ?? "the answer carries no member");
            }

            return ActionResult.Done;
        }

        if (!lookup.Succeeded)
        {
            LogUnverified(what, action.GroupId, action.UserId, lookup.Error!);
            return ActionResult.Done;
        }

        if (ShutUpUntil(lookup.Data) is not { } until)
        {
            LogUnverified(what, action.GroupId, action.UserId, "the answer carries no shut_up_timestamp");
            return ActionResult.Done;
        }

        if (until > _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return ActionResult.Done;
        }

        LogNotCarriedOut(what, action.GroupId, action.UserId, $"shut_up_timestamp is {until.ToString(CultureInfo.InvariantCulture)}, not in the future");
        return ActionResult.Failed(ActionErrorKind.NotPermitted, NotMuted);
    }

    private static long? ShutUpUntil(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("shut_up_timestamp", out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt64(out var seconds) => seconds,
                JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) => seconds,
                _ => null,
            }
            : null;

    /// <summary>
    /// A QQ private message (v11 <c>send_private_msg</c>), through the same rate limit and retries as
    /// moderation calls. Digests go to a leader this way.
    /// </summary>
    public async Task<ActionResult> SendPrivateAsync(string userId, string text, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = _options.CurrentValue;
        var body = ActionRequests.V11PrivateMessage(userId, text);
        if (!string.IsNullOrWhiteSpace(options.ApiBaseUrl))
        {
            // No bot id is known for a digest: such calls share one rate-limit bucket of their own.
            return ToResult(await _transport.SendAsync(V11Call("digest", null, "send_private_msg", body, options), options, cancellationToken).ConfigureAwait(false));
        }

        // Without an HTTP API, a bot connected over a WebSocket sends it, on that bot's rate.
        if (_sockets.AnyConnectedBot() is not { } bot)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, $"{ApiBaseUrlSetting} is not set and no bot is connected over a WebSocket");
        }

        return ToResult(await SendAsync(V11EventReader.Protocol, bot, "send_private_msg", body, options, cancellationToken).ConfigureAwait(false));
    }

    public async Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // v12 has no standard member-info action that carries a role; moderation waits for it, so only a channel there now is asked.
        var options = _options.CurrentValue;
        if (!CanAskNow(protocol, botId, options))
        {
            return null;
        }

        var key = (botId, groupId, userId);
        var now = _time.GetUtcNow();
        if (_roles.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Role;
        }

        var outcome = await SendAsync(protocol, botId, "get_group_member_info", ActionRequests.V11MemberInfo(groupId, userId, noCache: false), options, cancellationToken)
            .ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            LogRoleUnknown(groupId, userId, outcome.Error!);
            return null;
        }

        var role = ParseRole(outcome.Data);
        if (role is null)
        {
            LogRoleUnknown(groupId, userId, "the answer carries no owner, admin or member role");
            return null;
        }

        if (_roles.Count >= RoleCacheSweepThreshold)
        {
            SweepRoles(now);

            // A raid of that many distinct senders within the cache lifetime: start over rather
            // than grow without bound; roles are asked again as needed.
            if (_roles.Count >= RoleCacheSweepThreshold)
            {
                _roles.Clear();
            }
        }

        _roles[key] = new CachedRole(role.Value, _time.GetUtcNow() + RoleCacheLifetime);
        return role;
    }

    /// <summary>
    /// The member's <c>join_time</c> from v11 <c>get_group_member_info</c>, or null when it cannot
    /// say (v12, no channel now, a failure, no or a zero <c>join_time</c>). Moderation waits for it,
    /// so, as for a role, only a channel that is there now is asked; the host remembers the answer.
    /// </summary>
    public async Task<DateTimeOffset?> GetJoinTimeAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = _options.CurrentValue;
        if (!CanAskNow(protocol, botId, options))
        {
            return null;
        }

        var outcome = await SendAsync(protocol, botId, "get_group_member_info", ActionRequests.V11MemberInfo(groupId, userId, noCache: false), options, cancellationToken)
            .ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            LogJoinTimeUnknown(groupId, userId, outcome.Error!);
            return null;
        }

        return ParseJoinTime(outcome.Data);
    }

    private static DateTimeOffset? ParseJoinTime(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("join_time", out var value))
        {
            return null;
        }

        long seconds;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n))
        {
            seconds = n;
        }
        else if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            seconds = parsed;
        }
        else
        {
            return null;
        }

        // 0 is what some implementations send when they do not know; a year-10000 time is nonsense.
        return seconds is > 0 and < 253_402_300_800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    /// <summary>
    /// Opens a forwarded bundle with v11 <c>get_forward_msg</c>, through the same rate limit and
    /// retries as actions. Moderation waits for it, so, as for a role, only a channel that is there
    /// now is asked. OneBot v12 has no standard call for it.
    /// </summary>
    public async Task<ForwardOpenResult> OpenAsync(Protocol protocol, string botId, string forwardId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (protocol != V11EventReader.Protocol)
        {
            return ForwardOpenResult.NotPossible("OneBot v12 has no standard action that opens a forwarded message");
        }

        var options = _options.CurrentValue;
        if (string.IsNullOrWhiteSpace(options.ApiBaseUrl) && _sockets.Find(botId) is null)
        {
            return ForwardOpenResult.Failed($"{ApiBaseUrlSetting} is not set and bot {botId} is not connected over a WebSocket now");
        }

        var outcome = await SendAsync(protocol, botId, "get_forward_msg", ActionRequests.V11ForwardMessage(forwardId), options, cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            return ForwardOpenResult.Failed(outcome.Error!);
        }

        return V11Forwards.ReadAnswer(outcome.Data) ?? ForwardOpenResult.Failed("get_forward_msg answered without a list of messages");
    }

    public async Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (ActionCapabilities.Lacks(protocol, platform, ModerationAction.Mute) is { } lacks)
        {
            return ActionResult.Unsupported(ActionErrorKind.PlatformCannot, lacks);
        }

        var options = _options.CurrentValue;
        if (Unroutable(protocol, botId, options) is { } missing)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, missing);
        }

        var outcome = await SendAsync(protocol, botId, "set_group_ban", ActionRequests.V11Unmute(groupId, userId), options, cancellationToken).ConfigureAwait(false);
        return ToResult(outcome);
    }

    public void Dispose()
    {
        _warnings.Dispose();
        _http.Dispose();
    }

    private Task<ActionResult> SendWarningAsync(
        WarningCoalescer.WarningTarget target,
        IReadOnlyList<WarningMessage.Sender> senders,
        CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var (name, body) = target.Protocol == V11EventReader.Protocol
            ? ("send_group_msg", ActionRequests.V11GroupMessage(target.GroupId, WarningMessage.ToCq(senders)))
            : ("send_message", ActionRequests.V12GroupMessage(new ActionRequests.V12Self(target.Platform, target.BotId), target.GroupId, WarningMessage.ToSegments(senders)));
        return SendAndConvertAsync();

        async Task<ActionResult> SendAndConvertAsync()
        {
            // The endpoint may have been removed by a reload while the warning waited.
            if (Unroutable(target.Protocol, target.BotId, options) is { } missing)
            {
                return ActionResult.Unsupported(ActionErrorKind.NotConfigured, missing);
            }

            var outcome = await SendAsync(target.Protocol, target.BotId, name, body, options, cancellationToken).ConfigureAwait(false);
            return outcome.Succeeded ? ActionResult.Done with { SentMessageId = SentMessageId(outcome.Data) } : ToResult(outcome);
        }
    }

    /// <summary>The id of a message sent: <c>data.message_id</c> (v11 a number, v12 a string); null when the answer carries none.</summary>
    private static string? SentMessageId(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("message_id", out var id)
            ? id.ValueKind switch
            {
                JsonValueKind.Number when id.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
                JsonValueKind.String when id.GetString() is { Length: > 0 and <= OneBotLimits.MaxIdLength } text => text,
                _ => null,
            }
            : null;

    private static readonly string ApiBaseUrlSetting = $"{OneBotOptions.Section}:{nameof(OneBotOptions.ApiBaseUrl)}";
    private static readonly string V12ApiBaseUrlSetting = $"{OneBotOptions.Section}:{nameof(OneBotOptions.V12ApiBaseUrl)}";

    private Task<CallOutcome> SendAsync(Protocol protocol, string botId, string name, byte[] body, OneBotOptions options, CancellationToken cancellationToken)
    {
        // v12 posts {"action","params"} to its endpoint; v11 goes over the bot's socket or names the action in the path.
        var call = protocol == V12EventReader.Protocol
            ? V12Call(botId, name, body, options)
            : V11Call($"{protocol}:{botId}", botId, name, body, options);
        return _transport.SendAsync(call, options, cancellationToken);
    }

    private static ApiCall V12Call(string botId, string name, byte[] body, OneBotOptions options) =>
        new($"{V12EventReader.Protocol}:{botId}", new Uri(options.V12ApiBaseUrl!), name, body, V12ApiBaseUrlSetting) { V12 = true };

    private static ApiCall V11Call(string rateKey, string? botId, string name, byte[] body, OneBotOptions options)
    {
        var endpoint = string.IsNullOrWhiteSpace(options.ApiBaseUrl) ? null : new Uri(options.ApiBaseUrl.TrimEnd('/') + "/" + name);
        return new ApiCall(rateKey, endpoint, name, body, ApiBaseUrlSetting) { SocketBot = botId };
    }

    /// <summary>
    /// Null when something can carry the bot's calls: the HTTP API, its socket, or a socket it may
    /// come (back) on: it has had one, or the host serves the reverse endpoint, or forward
    /// connections are configured. The transport then waits for that socket within the action's
    /// budget: after a restart, the journal's and the recovered actions come before any bot has
    /// reconnected. Otherwise why not.
    /// </summary>
    private string? Unroutable(Protocol protocol, string botId, OneBotOptions options)
    {
        if (protocol == V12EventReader.Protocol)
        {
            return string.IsNullOrWhiteSpace(options.V12ApiBaseUrl) ? $"{V12ApiBaseUrlSetting} is not set" : null;
        }

        if (!string.IsNullOrWhiteSpace(options.ApiBaseUrl) || _sockets.HasSeen(botId) || _sockets.ExpectsReverse || _sockets.ExpectsForward)
        {
            return null;
        }

        return $"{ApiBaseUrlSetting} is not set and bot {botId} has not connected over a WebSocket";
    }

    /// <summary>
    /// Whether a v11 question that moderation waits for (a role, a join time, a nickname) can be
    /// asked now: the HTTP API is set, or the bot's socket is there this moment (never waited for).
    /// </summary>
    private bool CanAskNow(Protocol protocol, string botId, OneBotOptions options) =>
        protocol == V11EventReader.Protocol && (!string.IsNullOrWhiteSpace(options.ApiBaseUrl) || _sockets.Find(botId) is not null);

    private static ActionResult ToResult(CallOutcome outcome) =>
        outcome.Succeeded ? ActionResult.Done : ActionResult.Failed(outcome.Kind ?? ActionErrorKind.Refused, outcome.Error!);

    private static SenderRole? ParseRole(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        return role.GetString() switch
        {
            "owner" => SenderRole.Owner,
            "admin" => SenderRole.Admin,
            "member" => SenderRole.Member,
            _ => null,
        };
    }

    private void SweepRoles(DateTimeOffset now)
    {
        foreach (var (key, entry) in _roles)
        {
            if (entry.Expires <= now)
            {
                _roles.TryRemove(key, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Role of {UserId} in group {GroupId} unknown: {Error}")]
    private partial void LogRoleUnknown(string groupId, string userId, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Join time of {UserId} in group {GroupId} unknown: {Error}")]
    private partial void LogJoinTimeUnknown(string groupId, string userId, string error);

    // At Debug: the action's outcome (failed, with why) is the action worker's one warning.
    [LoggerMessage(Level = LogLevel.Debug, Message = "The {What} of {UserId} in group {GroupId} was answered ok but not carried out: {Detail}")]
    private partial void LogNotCarriedOut(string what, string groupId, string userId, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {What} of {UserId} in group {GroupId} was answered ok; reading the member back could not confirm it ({Reason}), so it stands as done")]
    private partial void LogUnverified(string what, string groupId, string userId, string reason);

    private readonly record struct CachedRole(SenderRole Role, DateTimeOffset Expires);
}
