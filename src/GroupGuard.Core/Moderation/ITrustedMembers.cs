namespace GroupGuard.Core.Moderation;

/// <summary>A member a group's owners or admins trust (<c>/gg 信任</c>, the console), and who trusted them when.</summary>
public sealed record TrustedMember(string Platform, string GroupId, string UserId, DateTimeOffset AddedAt, string? AddedBy);

/// <summary>
/// What <see cref="ITrustedMembers.TrustAsync"/> did: the members trusted now, those trusted
/// before, and, when the group's list had no room for them all, none added and
/// <see cref="Full"/> set. <see cref="Count"/>: how many the group trusts afterwards.
/// </summary>
public sealed record TrustAdded(IReadOnlyList<string> Added, IReadOnlyList<string> Already, bool Full, int Count);

/// <summary>
/// Members trusted in one group, set by its owners and admins while the service runs and kept in
/// the database so they outlast a restart: their messages still make incidents, marked
/// <c>exempt</c>, and are never acted on in that group. Beside them, <c>GroupGuard:Groups:&lt;id&gt;:ExemptUsers</c>
/// (settings) and <c>GroupGuard:Moderation:ExemptUsers</c> (every group). Every method throws on a
/// storage failure.
/// </summary>
public interface ITrustedMembers
{
    /// <summary>Whether the group trusts the member.</summary>
    Task<bool> IsTrustedAsync(string platform, string groupId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Trusts the members in the group, all of them or, when that would make more than
    /// <paramref name="max"/>, none (<see cref="TrustAdded.Full"/>); those trusted already stay as they were.
    /// </summary>
    Task<TrustAdded> TrustAsync(string platform, string groupId, IReadOnlyList<string> userIds, int max, DateTimeOffset at, string? addedBy, CancellationToken cancellationToken);

    /// <summary>Stops trusting the members in the group: those it trusted, taken off.</summary>
    Task<IReadOnlyList<string>> UntrustAsync(string platform, string groupId, IReadOnlyList<string> userIds, CancellationToken cancellationToken);

    /// <summary>The members the group trusts, longest trusted first.</summary>
    Task<IReadOnlyList<TrustedMember>> ListAsync(string platform, string groupId, CancellationToken cancellationToken);

    /// <summary>Every group's trusted members, by platform and group id, longest trusted first in each.</summary>
    Task<IReadOnlyList<TrustedMember>> ListAllAsync(CancellationToken cancellationToken);
}
