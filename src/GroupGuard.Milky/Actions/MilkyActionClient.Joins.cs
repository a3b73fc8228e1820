using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;
using GroupGuard.Milky.Parsing;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Milky.Actions;

/// <summary>
/// Join requests on Milky: <c>accept_group_request</c> / <c>reject_group_request</c> answer one by
/// its <c>notification_seq</c> (<c>notification_type: join_request</c>, <c>is_filtered</c> as the
/// event said), and <c>get_user_profile</c> gives the applicant's nickname. Paced and retried as
/// actions are.
/// </summary>
internal sealed partial class MilkyActionClient : IJoinRequestActions
{
    IReadOnlyCollection<Protocol> IJoinRequestActions.Protocols { get; } = [Protocol.Milky];

    public async Task<ActionResult> AnswerAsync(JoinAnswer answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        cancellationToken.ThrowIfCancellationRequested();
        if (answer.Protocol != Protocol.Milky)
        {
            return ActionResult.Unsupported(ActionErrorKind.PlatformCannot, $"{WireNames<Protocol>.ToText(answer.Protocol)} is not Milky");
        }

        foreach (var (name, value) in new[] { ("group", answer.GroupId), ("notification", answer.Request.Flag), ("bot", answer.BotId) })
        {
            if (!MilkyRequests.IsId(value))
            {
                return ActionResult.Failed(ActionErrorKind.Invalid, $"the {name} id '{Cut(value)}' is not a Milky int64 id");
            }
        }

        var options = _options.CurrentValue;
        var (connection, missing) = await ResolveAsync(answer.BotId, options, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return ActionResult.Unsupported(ActionErrorKind.NotConfigured, missing!);
        }

        var (api, body) = answer.Approve
            ? ("accept_group_request", MilkyRequests.JoinAnswer(answer, withReason: false))
            : ("reject_group_request", MilkyRequests.JoinAnswer(answer, withReason: true));
        return ToResult(await CallAsync(connection, answer.BotId, api, body, options, cancellationToken).ConfigureAwait(false));
    }

    public async Task<string?> GetNicknameAsync(Protocol protocol, string botId, string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (protocol != Protocol.Milky || !MilkyRequests.IsId(userId))
        {
            return null;
        }

        var options = _options.CurrentValue;
        var (connection, _) = await ResolveAsync(botId, options, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return null;
        }

        var outcome = await CallAsync(connection, botId, "get_user_profile", MilkyRequests.UserProfile(userId), options, cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            LogNicknameUnknown(userId, outcome.Error!);
            return null;
        }

        return outcome.Data.ValueKind == JsonValueKind.Object
            ? StoredText.Cut(MilkyJson.NonEmpty(outcome.Data, "nickname"), MessageLimits.MaxNameLength)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Nickname of applicant {UserId} unknown: {Error}")]
    private partial void LogNicknameUnknown(string userId, string error);
}
