using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.V12;
using Microsoft.Extensions.Logging;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// A group's name, for incidents of a group whose events carry none (LuckyLilliaBot, older NapCat,
/// v12 implementations that send no <c>group_name</c>): v11 <c>get_group_info</c>, v12
/// <c>get_group_info</c> as the bot that heard the message, both answering <c>data.group_name</c>.
/// Moderation waits for it beside the role lookup, so, as for a role, v11 asks only over a channel
/// that is there now; the host remembers the answer.
/// </summary>
internal sealed partial class OneBotActionClient : IGroupNameLookup
{
    public async Task<string?> GetGroupNameAsync(Protocol protocol, string platform, string botId, string groupId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = _options.CurrentValue;
        CallOutcome outcome;
        if (protocol == V12EventReader.Protocol)
        {
            if (string.IsNullOrWhiteSpace(options.V12ApiBaseUrl))
            {
                return null;
            }

            var (name, body) = ActionRequests.V12GroupInfo(new ActionRequests.V12Self(platform, botId), groupId);
            outcome = await SendAsync(protocol, botId, name, body, options, cancellationToken).ConfigureAwait(false);
        }
        else if (CanAskNow(protocol, botId, options))
        {
            outcome = await SendAsync(protocol, botId, "get_group_info", ActionRequests.V11GroupInfo(groupId), options, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            return null;
        }

        if (!outcome.Succeeded)
        {
            LogGroupNameUnknown(groupId, outcome.Error!);
            return null;
        }

        return GroupNameOf(outcome.Data);
    }

    /// <summary><c>data.group_name</c> when it is a string with something in it (cut as a nickname is), else null.</summary>
    internal static string? GroupNameOf(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("group_name", out var value)
        && value.ValueKind == JsonValueKind.String
        && value.GetString() is { Length: > 0 } name
            ? StoredText.Cut(name, MessageLimits.MaxNameLength)
            : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Name of group {GroupId} unknown: {Error}")]
    private partial void LogGroupNameUnknown(string groupId, string error);
}
