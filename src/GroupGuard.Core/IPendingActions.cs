namespace GroupGuard.Core;

/// <summary>
/// Incidents whose action is still <see cref="ActionStatus.Pending"/>, for the recovery that carries
/// out what a stopped instance decided but did not do. On a database several instances share, an
/// instance takes another's pending action over only by claiming it (<see cref="ClaimAsync"/>): of
/// two instances that both see a dead owner's action, one gets it.
/// </summary>
public interface IPendingActions
{
    /// <summary>How many ids one claim may name (a message's incidents: one per rule that hit it).</summary>
    const int MaxClaim = 500;

    /// <summary>The pending incidents detected at or after <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Incident>> ListPendingAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="claimant"/> the owner of those of the incidents <paramref name="incidentIds"/>
    /// names that are still pending and still owned by <paramref name="owner"/> (null: no owner
    /// recorded), in one statement; returns the ids it claimed.
    /// </summary>
    Task<IReadOnlyList<long>> ClaimAsync(IReadOnlyList<long> incidentIds, string? owner, string claimant, CancellationToken cancellationToken);

    /// <summary>
    /// Records on those of the incidents that are still pending that their recall, mute and kick
    /// were carried out, with what came of them (<see cref="Incident.ActsOutcome"/>; when not
    /// <see cref="ActionStatus.Done"/>, <paramref name="error"/> and <paramref name="errorKind"/>
    /// replace the incidents' error), and that only their warning is left to go out. They stay
    /// pending: a restart then sends only the warning.
    /// </summary>
    Task RecordActsAsync(IReadOnlyList<long> incidentIds, ActionStatus outcome, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken);

    /// <summary>
    /// Records the outcome <paramref name="status"/> (with <paramref name="error"/> and
    /// <paramref name="errorKind"/>) on those of the incidents that are still pending and still
    /// <paramref name="owner"/>'s (or name no owner); returns the ids it recorded it on. Those it
    /// leaves were taken over by another instance meanwhile, whose outcome they get.
    /// </summary>
    Task<IReadOnlyList<long>> FinishAsync(IReadOnlyList<long> incidentIds, string owner, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken);
}
