using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.V11;
using Microsoft.Extensions.Logging;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// Join requests on OneBot v11: <c>set_group_add_request</c> answers one by its <c>flag</c>, and
/// <c>get_stranger_info</c> gives the applicant's nickname (they are not a member yet). Both share
/// the bot's rate limit and retries with moderation. OneBot v12 has no standard join request.
/// </summary>
internal sealed partial class OneBotActionClient : IJoinRequestActions
{
    IReadOnlyCollection<Protocol> IJoinRequestActions.Protocols { get; } = [Protocol.OneBotV11];

    public async Task<ActionResult> AnswerAsync(JoinAnswer answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        cancellationToken.ThrowIfCancellationRequested();
        if (answer.Protocol != V11EventReader.Protocol)
        {
            return ActionResult.Unsupported(ActionErrorKind.PlatformCannot, "OneBot v12 has no standard action that answers a join request");
        }

        var options = _options.CurrentValue;
        if (Unroutable(answer.Protocol, answer.BotId, options) is { } missing)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, missing);
        }

        var outcome = await SendAsync(answer.Protocol, answer.BotId, "set_group_add_request", ActionRequests.V11JoinAnswer(answer), options, cancellationToken)
            .ConfigureAwait(false);
        return ToResult(outcome);
    }

    public async Task<string?> GetNicknameAsync(Protocol protocol, string botId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = _options.CurrentValue;
        if (!CanAskNow(protocol, botId, options))
        {
            return null;
        }

        var outcome = await SendAsync(protocol, botId, "get_stranger_info", ActionRequests.V11StrangerInfo(userId), options, cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            LogNicknameUnknown(userId, outcome.Error!);
            return null;
        }

        return outcome.Data.ValueKind == JsonValueKind.Object
            && outcome.Data.TryGetProperty("nickname", out var nickname)
            && nickname.ValueKind == JsonValueKind.String
            && nickname.GetString() is { Length: > 0 } name
                ? StoredText.Cut(name, MessageLimits.MaxNameLength)
                : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Nickname of applicant {UserId} unknown: {Error}")]
    private partial void LogNicknameUnknown(string userId, string error);
}
