namespace GroupGuard.Core.Members;

/// <summary>
/// One adapter's answer to "what is this group called" (OneBot v11 and v12 <c>get_group_info</c>'s
/// <c>group_name</c>), for incidents of a group whose events carry no name (LuckyLilliaBot, older
/// NapCat, OneBot v12 implementations that send none). Each adapter that can registers one for its
/// protocols. Failure contract: null for a platform failure, a refusal or an answer without a name;
/// throws only <see cref="OperationCanceledException"/>.
/// </summary>
public interface IGroupNameLookup
{
    /// <summary>The protocols this adapter answers for.</summary>
    IReadOnlyCollection<Protocol> Protocols { get; }

    /// <summary>
    /// The group's name as the platform gives it, or null when it cannot say. <paramref name="platform"/>
    /// is the event's (OneBot v12 names the bot by it and its id).
    /// </summary>
    Task<string?> GetGroupNameAsync(Protocol protocol, string platform, string botId, string groupId, CancellationToken cancellationToken);
}
