namespace GroupGuard.Core.Members;

/// <summary>
/// When members joined their groups, for rules with <c>newcomer_hours:</c>: first what the service
/// saw itself (a join notice, <see cref="Joined"/>), else what the platform says, remembered.
/// </summary>
public interface IJoinTimes
{
    /// <summary>
    /// When <paramref name="userId"/> joined <paramref name="groupId"/>, or null when neither a join
    /// notice nor the platform says. Does not throw for a platform failure; only
    /// <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    Task<DateTimeOffset?> JoinedAtAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Notes a join the service saw (OneBot v11 <c>notice.group_increase</c>, Milky
    /// <c>group_member_increase</c>, a Milky message's <c>group_member.join_time</c>). Of two joins
    /// of one member, the later stands.
    /// </summary>
    void Joined(string platform, string groupId, string userId, DateTimeOffset at);
}

/// <summary>
/// One adapter's answer to "when did this member join" (OneBot v11 <c>get_group_member_info</c>'s
/// <c>join_time</c>). Each adapter that can registers one for its protocols. Failure contract: null
/// for a platform failure or refusal; throws only <see cref="OperationCanceledException"/>.
/// </summary>
public interface IMemberJoinTimes
{
    /// <summary>The protocols this adapter answers for.</summary>
    IReadOnlyCollection<Protocol> Protocols { get; }

    /// <summary>The member's join time as the platform gives it, or null when it cannot say.</summary>
    Task<DateTimeOffset?> GetJoinTimeAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken);
}

/// <summary>A member's join the adapter read from an event (v11 <c>group_increase</c>; Milky <c>group_member_increase</c>, or the <c>join_time</c> of a message's sender).</summary>
public sealed record MemberJoined(string Platform, string GroupId, string UserId, DateTimeOffset At);
