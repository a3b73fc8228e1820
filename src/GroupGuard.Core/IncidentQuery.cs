namespace GroupGuard.Core;

/// <summary>Filters for reading incidents back. Null means no filter.</summary>
/// <param name="ByDetectionTime">
/// Since/Until apply to when GroupGuard recorded the incident, not when the message was sent:
/// digests use it, so an incident reported late (a replay, a platform's wrong clock) still falls
/// into exactly one digest period.
/// </param>
public sealed record IncidentQuery(
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    IReadOnlyCollection<string>? GroupIds = null,
    bool ByDetectionTime = false);
