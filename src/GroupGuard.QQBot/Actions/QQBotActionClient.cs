using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.QQBot.Actions;

/// <summary>
/// Carries out moderation through the platform's OpenAPI. What the platform offers a bot in a group:
/// muting a member (<c>POST /v2/groups/{group_openid}/restrict_chat_setting</c>, the bot a group
/// admin) and replying to a message. It cannot recall a member's message (a bot recalls only its own,
/// <c>DELETE /v2/groups/{group_openid}/messages/{id}</c>) nor remove a member, so those are answered
/// <c>unsupported</c> without a call, and the policy warns instead. Options are read per action.
/// </summary>
internal sealed class QQBotActionClient : IProtocolActions, IDisposable
{
    /// <summary>The longest mute the platform takes.</summary>
    public const int MaxMuteSeconds = 30 * 24 * 60 * 60;

    /// <summary>Warnings are cut here; a reason is a line, and the platform limits a message's length.</summary>
    private const int MaxWarningLength = 1_000;

    private readonly HttpClient _http;
    private readonly IOptionsMonitor<QQBotOptions> _options;
    private readonly TimeProvider _time;
    private readonly OpenApiTransport _transport;

    public QQBotActionClient(
        HttpClient http,
        IOptionsMonitor<QQBotOptions> options,
        TimeProvider time,
        QQBotStatus status,
        ILogger<QQBotActionClient> logger,
        TimeSpan? retryBaseDelay = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _http = http;
        _options = options;
        _time = time;
        Tokens = new AccessTokenSource(http, time, status, logger);
        _transport = new OpenApiTransport(http, Tokens, new CallPacer(time), time, logger, retryBaseDelay ?? TimeSpan.FromSeconds(0.5));
    }

    public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.QQBot];

    internal AccessTokenSource Tokens { get; }

    public bool CanDo(Protocol protocol, string platform, ModerationAction action) => Lacks(protocol, action) is null;

    /// <summary>Null when the platform can do <paramref name="action"/>; otherwise why not, for the incident.</summary>
    public static string? Lacks(Protocol protocol, ModerationAction action)
    {
        if (protocol != Protocol.QQBot)
        {
            return $"the official QQ bot platform adapter does not carry out {WireNames<Protocol>.ToText(protocol)} actions";
        }

        return action switch
        {
            ModerationAction.Warn or ModerationAction.Mute => null,
            ModerationAction.Recall => "the official QQ bot platform cannot recall members' messages: a bot may recall only its own",
            ModerationAction.Kick => "the official QQ bot platform offers bots no way to remove a group member",
            ModerationAction.Log => "log is recorded only: it is not a platform action",
            _ => $"unknown action {action}",
        };
    }

    public async Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        cancellationToken.ThrowIfCancellationRequested();

        if (Lacks(action.Protocol, action.Action) is { } lacks)
        {
            return ActionResult.Unsupported(ActionErrorKind.PlatformCannot, lacks);
        }

        var options = _options.CurrentValue;
        if (!options.IsConfigured)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, $"{QQBotOptions.Section}:{nameof(QQBotOptions.AppId)} and {nameof(QQBotOptions.AppSecret)} are not set");
        }

        OpenApiCall call;
        if (action.Action == ModerationAction.Mute)
        {
            if (action.MuteSeconds <= 0)
            {
                return ActionResult.Failed(ActionErrorKind.Invalid, $"a mute needs a length of at least 1 s, got {action.MuteSeconds} s");
            }

            call = Mute(options.AppId!, action);
        }
        else
        {
            call = Warn(options.AppId!, action);
        }

        var outcome = await _transport.SendAsync(call, options, cancellationToken).ConfigureAwait(false);
        return outcome.ToResult();
    }

    /// <summary>The event may carry <c>author.member_role</c>; the platform has no lookup GroupGuard uses, so a member it is.</summary>
    public Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
        Task.FromResult<SenderRole?>(null);

    /// <summary>
    /// <c>{"members":[{"op":"del","member_openid":…}]}</c> on <c>restrict_chat_setting</c>: the entry
    /// that a mute added is removed (the SDKs name the operations add, update and del).
    /// </summary>
    public async Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Lacks(protocol, ModerationAction.Mute) is { } lacks)
        {
            return ActionResult.Unsupported(ActionErrorKind.PlatformCannot, lacks);
        }

        var options = _options.CurrentValue;
        if (!options.IsConfigured)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, $"{QQBotOptions.Section}:{nameof(QQBotOptions.AppId)} and {nameof(QQBotOptions.AppSecret)} are not set");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            members = new[] { new Dictionary<string, string> { ["op"] = "del", ["member_openid"] = userId } },
        });
        var call = new OpenApiCall(options.AppId!, $"/v2/groups/{Uri.EscapeDataString(groupId)}/restrict_chat_setting", "unmute", body);
        var outcome = await _transport.SendAsync(call, options, cancellationToken).ConfigureAwait(false);
        return outcome.ToResult();
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// <c>{"members":[{"op":"add","member_openid":…,"mute_expire_at":RFC 3339}]}</c>: the platform takes
    /// the end of the mute, not its length, so it is computed here, at most 30 days on.
    /// </summary>
    private OpenApiCall Mute(string appId, PlatformAction action)
    {
        var seconds = Math.Min(action.MuteSeconds, MaxMuteSeconds);
        var until = _time.GetUtcNow().AddSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            members = new[] { new Dictionary<string, string> { ["op"] = "add", ["member_openid"] = action.UserId, ["mute_expire_at"] = until } },
        });
        return new OpenApiCall(appId, $"/v2/groups/{Uri.EscapeDataString(action.GroupId)}/restrict_chat_setting", "mute", body);
    }

    /// <summary>
    /// A passive reply to the offending message (发送消息 › 群聊): <c>msg_id</c> names it and <c>msg_seq</c>
    /// 1 makes a second post of the same reply a duplicate the platform refuses rather than a second
    /// warning. A reply whose answer was lost is not sent again (<see cref="OpenApiCall.PostsMessage"/>):
    /// members may have seen it, and the platform would refuse the duplicate, recording as failed a
    /// warning that went out. The platform takes replies only within 5 minutes of the message and
    /// sends nothing unprompted to a group, so a warning is always such a reply, one per offending message.
    /// </summary>
    private static OpenApiCall Warn(string appId, PlatformAction action)
    {
        var reason = string.IsNullOrWhiteSpace(action.WarningText) ? "" : Words.Cut(action.WarningText.Trim(), MaxWarningLength);

        // Openids are hex; an id that could break out of the markup is left unmentioned.
        var mention = action.UserId.AsSpan().IndexOfAny("\"<>&") < 0 ? $"<qqbot-at-user id=\"{action.UserId}\" />" : "";
        var content = mention.Length > 0 && reason.Length > 0 ? $"{mention} {reason}" : mention + reason;
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            content = content.Length > 0 ? content : "请遵守群规",
            msg_type = 0,
            msg_id = action.MessageId,
            msg_seq = 1,
        });
        return new OpenApiCall(appId, $"/v2/groups/{Uri.EscapeDataString(action.GroupId)}/messages", "warn", body, PostsMessage: true);
    }
}
