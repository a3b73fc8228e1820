using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.Milky.Actions;

/// <summary>One prepared API call: <c>POST {Endpoint}</c> with <paramref name="Body"/>, counted against <paramref name="Bot"/>'s pace.</summary>
/// <param name="Setting">The setting <paramref name="Endpoint"/> comes from, for errors that are the setting's fault.</param>
/// <param name="TokenSetting">The setting the token comes from, for a 401.</param>
internal sealed record MilkyCall(string Bot, Uri Endpoint, string Api, byte[] Body, string? Token, string Setting, string TokenSetting)
{
    /// <summary>
    /// Whether the call posts a message (a warning, a reply): tried again only where it surely did
    /// not arrive, since a second try after a lost answer would post it twice.
    /// </summary>
    public bool PostsMessage => Api is "send_group_message" or "send_private_message";
}

/// <summary>The end of a call after retries: its <c>data</c>, or why it failed and what kind of failure that is.</summary>
/// <param name="Answered">The implementation answered (a refusal), rather than never being reached.</param>
internal readonly record struct CallOutcome(string? Error, JsonElement Data, ActionErrorKind? Kind, bool Answered)
{
    public bool Succeeded => Error is null;

    public static CallOutcome Ok(JsonElement data) => new(null, data, null, true);

    public static CallOutcome Refused(ActionErrorKind kind, string error) => new(error, default, kind, true);

    public static CallOutcome Unreached(string error) => new(error, default, ActionErrorKind.Unreachable, false);
}
