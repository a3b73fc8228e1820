using System.Collections.Concurrent;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;
using GroupGuard.Core.Moderation;
using GroupGuard.Milky.Parsing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky.Actions;

/// <summary>
/// Carries out moderation through a Milky implementation's API: <c>recall_group_message</c>,
/// <c>set_group_member_mute</c>, <c>kick_group_member</c>, and warnings as <c>send_group_message</c>
/// with a mention. Each action goes to the configured connection that serves its bot. With
/// <see cref="MilkyOptions.VerifyActions"/>, a mute or kick the platform answered ok is checked by
/// reading the member back without cache. Options are read per action, so a reload applies to the next.
/// </summary>
internal sealed partial class MilkyActionClient : IProtocolActions, IForwardedMessages, Core.Members.IMemberJoinTimes, IDisposable
{
    /// <summary>Roles change rarely; ten minutes keeps a raid from asking once per message.</summary>
    public static readonly TimeSpan RoleCacheLifetime = TimeSpan.FromMinutes(10);

    public const string NotMuted = "the platform answered ok but the member is not muted";
    public const string StillInGroup = "the platform answered ok but the member is still in the group";

    private const int RoleCacheLimit = 10_000;

    /// <summary>Reads of a member after a mute or kick: QQ may take a moment to show what it did.</summary>
    private const int VerifyReads = 2;

    private readonly HttpClient _http;
    private readonly MilkyConnections _connections;
    private readonly IOptionsMonitor<MilkyOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MilkyActionClient> _logger;
    private readonly MilkyTransport _transport;
    private readonly TimeSpan _verifyPause;
    private readonly ConcurrentDictionary<(string Bot, string Group, string User), (SenderRole Role, DateTimeOffset Expires)> _roles = new();

    public MilkyActionClient(
        HttpClient http,
        MilkyConnections connections,
        IOptionsMonitor<MilkyOptions> options,
        TimeProvider time,
        ILogger<MilkyActionClient> logger,
        TimeSpan? retryBaseDelay = null,
        TimeSpan? verifyPause = null)
    {
        _http = http;
        _connections = connections;
        _options = options;
        _time = time;
        _logger = logger;
        _transport = new MilkyTransport(http, new CallPacer(time), time, logger, retryBaseDelay ?? TimeSpan.FromSeconds(0.5));
        _verifyPause = verifyPause ?? TimeSpan.FromSeconds(1);
    }

    public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.Milky];

    public bool CanDo(Protocol protocol, string platform, ModerationAction action) =>
        protocol == Protocol.Milky && action is ModerationAction.Warn or ModerationAction.Recall or ModerationAction.Mute or ModerationAction.Kick;

    public async Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        cancellationToken.ThrowIfCancellationRequested();
        if (!CanDo(action.Protocol, action.Platform, action.Action))
        {
            return ActionResult.Unsupported(ActionErrorKind.PlatformCannot, $"{action.Action.ToString().ToLowerInvariant()} is not a Milky action");
        }

        if (action.Action == ModerationAction.Mute && action.MuteSeconds <= 0)
        {
            // set_group_member_mute with 0 lifts a mute: never send that for a decision to mute.
            return ActionResult.Failed(ActionErrorKind.Invalid, $"a mute needs a length of at least 1 s, got {action.MuteSeconds} s (0 would lift a mute)");
        }

        if (NotAnId(action) is { } invalid)
        {
            return ActionResult.Failed(ActionErrorKind.Invalid, invalid);
        }

        var options = _options.CurrentValue;
        var (connection, missing) = await ResolveAsync(action.BotId, options, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, missing!);
        }

        switch (action.Action)
        {
            case ModerationAction.Recall:
                return ToResult(await CallAsync(connection, action.BotId, "recall_group_message", MilkyRequests.Recall(action.GroupId, action.MessageId), options, cancellationToken).ConfigureAwait(false));
            case ModerationAction.Warn:
            {
                var outcome = await CallAsync(connection, action.BotId, "send_group_message", MilkyRequests.Warning(action.GroupId, action.UserId, action.WarningText), options, cancellationToken).ConfigureAwait(false);
                return outcome.Succeeded ? ActionResult.Done with { SentMessageId = MilkyJson.OptionalId(outcome.Data, "message_seq") } : ToResult(outcome);
            }

            case ModerationAction.Mute:
            {
                var outcome = await CallAsync(connection, action.BotId, "set_group_member_mute", MilkyRequests.Mute(action.GroupId, action.UserId, action.MuteSeconds), options, cancellationToken).ConfigureAwait(false);
                return outcome.Succeeded && options.VerifyActions
                    ? await VerifyAsync(connection, action, options, "set_group_member_mute", IsMuted, NotMuted, cancellationToken).ConfigureAwait(false)
                    : ToResult(outcome);
            }

            default:
            {
                var outcome = await CallAsync(connection, action.BotId, "kick_group_member", MilkyRequests.Kick(action.GroupId, action.UserId), options, cancellationToken).ConfigureAwait(false);
                return outcome.Succeeded && options.VerifyActions
                    ? await VerifyAsync(connection, action, options, "kick_group_member", IsGone, StillInGroup, cancellationToken).ConfigureAwait(false)
                    : ToResult(outcome);
            }
        }
    }

    public async Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (protocol != Protocol.Milky || !MilkyRequests.IsId(groupId) || !MilkyRequests.IsId(userId))
        {
            return null;
        }

        var key = (botId, groupId, userId);
        var now = _time.GetUtcNow();
        if (_roles.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Role;
        }

        var options = _options.CurrentValue;
        var (connection, _) = await ResolveAsync(botId, options, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return null;
        }

        var outcome = await CallAsync(connection, botId, "get_group_member_info", MilkyRequests.MemberInfo(groupId, userId, noCache: false), options, cancellationToken).ConfigureAwait(false);
        var role = outcome.Succeeded && Member(outcome.Data) is { } member ? MilkyEventReader.RoleOf(MilkyJson.String(member, "role")) : SenderRole.Unknown;
        if (role == SenderRole.Unknown)
        {
            LogRoleUnknown(groupId, userId, outcome.Error ?? "the answer carries no owner, admin or member role");
            return null;
        }

        if (_roles.Count >= RoleCacheLimit)
        {
            // A raid of that many distinct senders within the lifetime: start over rather than grow without bound.
            _roles.Clear();
        }

        _roles[key] = (role, _time.GetUtcNow() + RoleCacheLifetime);
        return role;
    }

    /// <summary>
    /// The member's <c>join_time</c> from <c>get_group_member_info</c> (cache allowed), or null when
    /// it cannot say (no connection for the bot, a failure, no member, no or a zero <c>join_time</c>).
    /// Asked only for a member no event has placed (a message's <c>group_member</c> carries it); the
    /// host remembers the answer.
    /// </summary>
    public async Task<DateTimeOffset?> GetJoinTimeAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (protocol != Protocol.Milky || !MilkyRequests.IsId(groupId) || !MilkyRequests.IsId(userId))
        {
            return null;
        }

        var options = _options.CurrentValue;
        var (connection, _) = await ResolveAsync(botId, options, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return null;
        }

        var outcome = await CallAsync(connection, botId, "get_group_member_info", MilkyRequests.MemberInfo(groupId, userId, noCache: false), options, cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            LogJoinTimeUnknown(groupId, userId, outcome.Error!);
            return null;
        }

        return Member(outcome.Data) is { } member ? MilkyJson.OptionalUnixSeconds(member, "join_time") : null;
    }

    public async Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (protocol != Protocol.Milky)
        {
            return ActionResult.Unsupported(ActionErrorKind.PlatformCannot, $"{WireNames<Protocol>.ToText(protocol)} is not Milky");
        }

        foreach (var (name, value) in new[] { ("group", groupId), ("user", userId), ("bot", botId) })
        {
            if (!MilkyRequests.IsId(value))
            {
                return ActionResult.Failed(ActionErrorKind.Invalid, $"the {name} id '{Cut(value)}' is not a Milky int64 id");
            }
        }

        var options = _options.CurrentValue;
        var (connection, missing) = await ResolveAsync(botId, options, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, missing!);
        }

        return ToResult(await CallAsync(connection, botId, "set_group_member_mute", MilkyRequests.Unmute(groupId, userId), options, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Opens a forwarded bundle with <c>get_forwarded_messages</c>, paced and retried as actions are.</summary>
    public async Task<ForwardOpenResult> OpenAsync(Protocol protocol, string botId, string forwardId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (protocol != Protocol.Milky)
        {
            return ForwardOpenResult.NotPossible($"{WireNames<Protocol>.ToText(protocol)} is not Milky");
        }

        var options = _options.CurrentValue;
        var (connection, missing) = await ResolveAsync(botId, options, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return ForwardOpenResult.Failed(missing!);
        }

        var outcome = await CallAsync(connection, botId, "get_forwarded_messages", MilkyRequests.ForwardedMessages(forwardId), options, cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            return ForwardOpenResult.Failed(outcome.Error!);
        }

        return MilkySegments.ReadForwarded(outcome.Data) ?? ForwardOpenResult.Failed("get_forwarded_messages answered without a list of messages");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Reads the member back without cache, a second time after a pause if the first read does not
    /// show the action done. Only an answer that shows it undone is a failure: a read that fails
    /// proves nothing, so the platform's ok stands (and is logged).
    /// </summary>
    private async Task<ActionResult> VerifyAsync(
        MilkyConnection connection,
        PlatformAction action,
        MilkyOptions options,
        string api,
        Func<CallOutcome, bool> done,
        string notDone,
        CancellationToken cancellationToken)
    {
        for (var read = 1; read <= VerifyReads; read++)
        {
            if (read > 1)
            {
                await Task.Delay(_verifyPause, _time, cancellationToken).ConfigureAwait(false);
            }

            var outcome = await CallAsync(connection, action.BotId, "get_group_member_info", MilkyRequests.MemberInfo(action.GroupId, action.UserId, noCache: true), options, cancellationToken).ConfigureAwait(false);
            if (done(outcome))
            {
                return ActionResult.Done;
            }

            if (!outcome.Succeeded)
            {
                LogUnverified(api, action.GroupId, action.UserId, outcome.Error!);
                return ActionResult.Done;
            }
        }

        LogNotDone(api, action.GroupId, action.UserId, notDone);
        return ActionResult.Failed(ActionErrorKind.NotPermitted, $"{api}: {notDone}");
    }

    /// <summary>Muted: the member's <c>shut_up_end_time</c> (Unix seconds, absent when not muted) is still ahead.</summary>
    private bool IsMuted(CallOutcome outcome) =>
        outcome.Succeeded
        && Member(outcome.Data) is { } member
        && member.TryGetProperty("shut_up_end_time", out var end)
        && end.ValueKind == JsonValueKind.Number
        && end.TryGetInt64(out var seconds)
        && seconds > _time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Gone: the implementation no longer finds the member (a refusal such as "member not found"), or answers without one.</summary>
    private static bool IsGone(CallOutcome outcome) =>
        outcome.Succeeded ? Member(outcome.Data) is null : outcome.Answered;

    private static JsonElement? Member(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("member", out var member) && member.ValueKind == JsonValueKind.Object ? member : null;

    private static string? NotAnId(PlatformAction action)
    {
        foreach (var (name, value) in new[] { ("group", action.GroupId), ("user", action.UserId), ("bot", action.BotId) })
        {
            if (!MilkyRequests.IsId(value))
            {
                return $"the {name} id '{Cut(value)}' is not a Milky int64 id";
            }
        }

        return action.Action == ModerationAction.Recall && !MilkyRequests.IsId(action.MessageId)
            ? $"the message id '{Cut(action.MessageId)}' is not a Milky message_seq"
            : null;
    }

    private static string Cut(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");

    /// <summary>
    /// The connection that serves <paramref name="botId"/>: the one whose events named it; the only
    /// one there is; or one that says so when asked (<c>get_login_info</c>).
    /// </summary>
    private async Task<(MilkyConnection? Connection, string? Missing)> ResolveAsync(string botId, MilkyOptions options, CancellationToken cancellationToken)
    {
        var all = _connections.All;
        if (all.Count == 0)
        {
            return (null, $"{MilkyOptions.Section}:{nameof(MilkyOptions.Connections)} is empty: Milky actions need the implementation's Url");
        }

        if (all.FirstOrDefault(c => c.BotId == botId) is { } known)
        {
            return (known, null);
        }

        if (all.Count == 1)
        {
            return (all[0], null);
        }

        foreach (var connection in all.Where(c => c.BotId is null))
        {
            var outcome = await CallAsync(connection, $"connection {connection.Index}", "get_login_info", MilkyRequests.Empty, options, cancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded && outcome.Data.ValueKind == JsonValueKind.Object)
            {
                connection.Learned(MilkyJson.OptionalId(outcome.Data, "uin"));
                if (connection.BotId == botId)
                {
                    return (connection, null);
                }
            }
        }

        return (null, $"no entry of {MilkyOptions.Section}:{nameof(MilkyOptions.Connections)} serves bot {botId}");
    }

    private Task<CallOutcome> CallAsync(MilkyConnection connection, string bot, string api, byte[] body, MilkyOptions options, CancellationToken cancellationToken) =>
        _transport.SendAsync(new MilkyCall($"milky:{bot}", connection.Api(api), api, body, connection.Token, connection.UrlSetting, connection.TokenSetting), options, cancellationToken);

    private static ActionResult ToResult(CallOutcome outcome) =>
        outcome.Succeeded ? ActionResult.Done : ActionResult.Failed(outcome.Kind ?? ActionErrorKind.Refused, outcome.Error!);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Join time of {UserId} in group {GroupId} unknown: {Error}")]
    private partial void LogJoinTimeUnknown(string groupId, string userId, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Role of {UserId} in group {GroupId} unknown: {Error}")]
    private partial void LogRoleUnknown(string groupId, string userId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Milky {Api} in group {GroupId} on {UserId} answered ok but could not be checked: {Error}")]
    private partial void LogUnverified(string api, string groupId, string userId, string error);

    // At Debug: the action's outcome (failed, with this problem) is the action worker's one warning.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Milky {Api} in group {GroupId} on {UserId}: {Problem}")]
    private partial void LogNotDone(string api, string groupId, string userId, string problem);
}
