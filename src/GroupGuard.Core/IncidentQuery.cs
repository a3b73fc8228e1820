namespace GroupGuard.Core;

/// <summary>Filters for reading incidents back. Null means no filter.</summary>
/// <param name="ByDetectionTime">
/// Since/Until apply to when GroupGuard recorded the incident, not when the message was sent:
/// digests use it, so an incident reported late (a replay, a platform's wrong clock) still falls
/// into exactly one digest period.
/// </param>
/// <param name="Commit">
/// A digest's incidents in commit order: those committed up to <see cref="CommitWindow.High"/> and
/// detected before Until, less those the previous digest took (committed up to its high mark and
/// detected before Since). Another instance's incident committed while a digest was being built is
/// then in the next digest, never in none or two.
/// </param>
public sealed record IncidentQuery(
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    IReadOnlyCollection<string>? GroupIds = null,
    bool ByDetectionTime = false,
    CommitWindow? Commit = null);

/// <summary>
/// The commit numbers a digest covers: up to <paramref name="High"/> (<see cref="IIncidentStore.CommitHighAsync"/>
/// when it was built), after what the previous digest covered up to <paramref name="PreviousHigh"/>
/// (null before digests kept one: the previous period is then told by detection time alone).
/// </summary>
public sealed record CommitWindow(long High, long? PreviousHigh);
