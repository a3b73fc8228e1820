using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.OneBot.Actions;

/// <summary>One prepared API call: where to send what, and whose rate limit it counts against.</summary>
/// <param name="Bot">The rate-limit key of the bot account (protocol and bot id).</param>
/// <param name="Endpoint">Where to POST it over HTTP; null when only the bot's WebSocket can carry it.</param>
/// <param name="Action">The OneBot action name, for errors and logs.</param>
/// <param name="Body">The UTF-8 JSON body, built once and sent on every attempt: over a WebSocket it is the frame's <c>params</c>.</param>
/// <param name="EndpointSetting">The setting <paramref name="Endpoint"/> comes from, for errors that are the setting's fault.</param>
internal sealed record ApiCall(string Bot, Uri? Endpoint, string Action, byte[] Body, string EndpointSetting)
{
    /// <summary>The OneBot v11 bot whose WebSocket carries the call while it is connected; null for HTTP only (v12).</summary>
    public string? SocketBot { get; init; }

    /// <summary>Whether it is a OneBot v12 call, whose answers carry v12's standard retcodes (10002: no such action).</summary>
    public bool V12 { get; init; }

    /// <summary>
    /// Bytes of an HTTP answer read at most: a longer one is refused unread (<see cref="CallOutcome.TooLarge"/>),
    /// not tried again, since it would come as long again. A WebSocket answer is a frame, held to
    /// <see cref="OneBotLimits.MaxFrameBytes"/> by the socket.
    /// </summary>
    public long MaxAnswerBytes { get; init; } = OneBotLimits.MaxFrameBytes;

    /// <summary>
    /// Whether the call posts a message (a warning, a reply, a digest): tried again only where it
    /// surely did not arrive, since a second try after a lost answer would post it twice.
    /// </summary>
    public bool PostsMessage => Action is "send_private_msg" or "send_group_msg" or "send_msg" or "send_message";
}

/// <summary>The end of a call after retries: success with the answer's <c>data</c>, or the reason it failed and its kind.</summary>
internal readonly record struct CallOutcome(string? Error, JsonElement Data, ActionErrorKind? Kind)
{
    public bool Succeeded => Error is null;

    /// <summary>The implementation's <c>retcode</c> of a refusal, when it gave one (v12 10004: a parameter it cannot honour).</summary>
    public long? Retcode { get; init; }

    /// <summary>Whether the answer was longer than <see cref="ApiCall.MaxAnswerBytes"/> and left unread.</summary>
    public bool TooLarge { get; init; }

    public static CallOutcome Ok(JsonElement data) => new(null, data, null);

    public static CallOutcome Fail(ActionErrorKind kind, string error) => new(error, default, kind);
}
