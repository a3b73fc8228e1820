using System.Collections.Concurrent;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.V11;
using GroupGuard.OneBot.V12;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// Carries out moderation through the OneBot HTTP APIs: v11 at <see cref="OneBotOptions.ApiBaseUrl"/>,
/// v12 at <see cref="OneBotOptions.V12ApiBaseUrl"/>. What a platform cannot do is answered
/// <c>unsupported</c> without a call (<see cref="ActionCapabilities"/>); every call is rate-limited
/// per bot and retried as <see cref="ActionTransport"/> says; warnings to a group are coalesced by
/// <see cref="WarningCoalescer"/>. Options are read per action, so a reload applies to the next one.
/// </summary>
internal sealed partial class OneBotActionClient : IProtocolActions, Core.Digests.IPrivateMessenger, IDisposable
{
    /// <summary>Roles change rarely; ten minutes keeps a raid from asking once per message.</summary>
    public static readonly TimeSpan RoleCacheLifetime = TimeSpan.FromMinutes(10);

    private const int RoleCacheSweepThreshold = 10_000;

    private readonly HttpClient _http;
    private readonly IOptionsMonitor<OneBotOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OneBotActionClient> _logger;
    private readonly ActionTransport _transport;
    private readonly WarningCoalescer _warnings;
    private readonly ConcurrentDictionary<(string Bot, string Group, string User), CachedRole> _roles = new();

    public OneBotActionClient(
        HttpClient http,
        IOptionsMonitor<OneBotOptions> options,
        TimeProvider time,
        ILogger<OneBotActionClient> logger,
        TimeSpan? retryBaseDelay = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _transport = new ActionTransport(http, new BotRateLimiter(time), time, logger, retryBaseDelay ?? TimeSpan.FromSeconds(0.5));
        _warnings = new WarningCoalescer(time, SendWarningAsync);
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
        if (Endpoint(action.Protocol, options, out var missing) is null)
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
        return ToResult(outcome);
    }

    /// <summary>
    /// A QQ private message (v11 <c>send_private_msg</c>), through the same rate limit and retries as
    /// moderation calls. Digests go to a leader this way.
    /// </summary>
    public async Task<ActionResult> SendPrivateAsync(string userId, string text, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = _options.CurrentValue;
        if (Endpoint(V11EventReader.Protocol, options, out var missing) is null)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, missing);
        }

        // No bot id is known for a digest: such calls share one rate-limit bucket of their own.
        var outcome = await SendAsync(V11EventReader.Protocol, "digest", "send_private_msg", ActionRequests.V11PrivateMessage(userId, text), options, cancellationToken)
            .ConfigureAwait(false);
        return ToResult(outcome);
    }

    public async Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // v12 has no standard member-info action that carries a role.
        if (protocol != V11EventReader.Protocol)
        {
            return null;
        }

        var options = _options.CurrentValue;
        if (Endpoint(protocol, options, out _) is null)
        {
            return null;
        }

        var key = (botId, groupId, userId);
        var now = _time.GetUtcNow();
        if (_roles.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Role;
        }

        var outcome = await SendAsync(protocol, botId, "get_group_member_info", ActionRequests.V11MemberInfo(groupId, userId), options, cancellationToken)
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
            : ("send_message", ActionRequests.V12GroupMessage(target.GroupId, WarningMessage.ToSegments(senders)));
        return SendAndConvertAsync();

        async Task<ActionResult> SendAndConvertAsync()
        {
            // The endpoint may have been removed by a reload while the warning waited.
            if (Endpoint(target.Protocol, options, out var missing) is null)
            {
                return ActionResult.Unsupported(ActionErrorKind.NotConfigured, missing);
            }

            var outcome = await SendAsync(target.Protocol, target.BotId, name, body, options, cancellationToken).ConfigureAwait(false);
            return ToResult(outcome);
        }
    }

    private Task<CallOutcome> SendAsync(Protocol protocol, string botId, string name, byte[] body, OneBotOptions options, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(protocol, options, out _, out var setting)!;
        // v11 names the action in the path; v12 posts {"action","params"} to the endpoint itself.
        var uri = protocol == V11EventReader.Protocol ? new Uri(endpoint.TrimEnd('/') + "/" + name) : new Uri(endpoint);
        return _transport.SendAsync(new ApiCall($"{protocol}:{botId}", uri, name, body, setting), options, cancellationToken);
    }

    private static string? Endpoint(Protocol protocol, OneBotOptions options, out string missing) =>
        Endpoint(protocol, options, out missing, out _);

    private static string? Endpoint(Protocol protocol, OneBotOptions options, out string missing, out string setting)
    {
        var (value, key) = protocol == V12EventReader.Protocol
            ? (options.V12ApiBaseUrl, nameof(OneBotOptions.V12ApiBaseUrl))
            : (options.ApiBaseUrl, nameof(OneBotOptions.ApiBaseUrl));
        setting = $"{OneBotOptions.Section}:{key}";
        missing = $"{setting} is not set";
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

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

    private readonly record struct CachedRole(SenderRole Role, DateTimeOffset Expires);
}
