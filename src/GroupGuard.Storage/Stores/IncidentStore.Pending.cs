using Dapper;
using GroupGuard.Core;

namespace GroupGuard.Storage.Stores;

internal sealed partial class IncidentStore : IPendingActions
{
    /// <summary>The pending incidents from <c>@Since</c>, through the partial index on them (migration 0018, PostgreSQL 0009).</summary>
    internal const string ListPendingSql =
        $"SELECT {Columns} FROM incidents WHERE action_status = 'pending' AND detected_at >= @Since ORDER BY detected_at, id LIMIT @Limit";

    public async Task<IReadOnlyList<Incident>> ListPendingAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<IncidentRow>(new CommandDefinition(
            ListPendingSql,
            new { Since = StoredTime.ToText(since), Limit = limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToIncident())];
    }

    public async Task<IReadOnlyList<long>> ClaimAsync(IReadOnlyList<long> incidentIds, string? owner, string claimant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentIds);
        ArgumentException.ThrowIfNullOrEmpty(claimant);
        var ids = incidentIds.Distinct().ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(ids.Length, IPendingActions.MaxClaim, nameof(incidentIds));
        var ownedBy = owner is null ? "action_owner IS NULL" : "action_owner = @Owner";
        return await WriteAsync(
            async (connection, transaction) => (IReadOnlyList<long>)[.. await connection.QueryAsync<long>(new CommandDefinition(
                $"UPDATE incidents SET action_owner = @Claimant WHERE {_database.IsAnyOf("id", "@Ids")} AND action_status = 'pending' AND {ownedBy} RETURNING id",
                new { Ids = ids, Owner = owner, Claimant = claimant },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false)],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<long>> FinishAsync(IReadOnlyList<long> incidentIds, string owner, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentIds);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (status == ActionStatus.Pending)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "an outcome is not pending");
        }

        var ids = incidentIds.Distinct().ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        return await WriteAsync(
            async (connection, transaction) =>
            {
                var finished = new List<long>(ids.Length);
                foreach (var chunk in ids.Chunk(IdsPerStatement))
                {
                    finished.AddRange(await connection.QueryAsync<long>(new CommandDefinition(
                        $"""
                        UPDATE incidents SET action_status = @Status, action_error = @Error, action_error_kind = @Kind
                        WHERE {_database.IsAnyOf("id", "@Ids")} AND action_status = 'pending' AND (action_owner = @Owner OR action_owner IS NULL)
                        RETURNING id
                        """,
                        new { Ids = chunk, Owner = owner, Status = EnumText<ActionStatus>.ToText(status), Error = Core.Moderation.StoredText.Clean(error), Kind = EnumText<ActionErrorKind>.ToText(errorKind) },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false));
                }

                return (IReadOnlyList<long>)finished;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task RecordActsAsync(IReadOnlyList<long> incidentIds, ActionStatus outcome, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken)
    {
        if (outcome is not (ActionStatus.Done or ActionStatus.Failed or ActionStatus.Unsupported))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "the acts' outcome is done, failed or unsupported");
        }

        // Done leaves the error as it is: a note that the platform could not do part of it (a
        // warning stands in), which the incident's outcome says once the warning has gone out.
        var errorToo = outcome == ActionStatus.Done ? "" : ", action_error = @Error, action_error_kind = @Kind";
        return UpdateEachAsync(
            incidentIds,
            $"UPDATE incidents SET acts_outcome = @Outcome{errorToo} WHERE {_database.IsAnyOf("id", "@Ids")} AND action_status = 'pending'",
            new { Outcome = EnumText<ActionStatus>.ToText(outcome), Error = Core.Moderation.StoredText.Clean(error), Kind = EnumText<ActionErrorKind>.ToText(errorKind) },
            cancellationToken);
    }
}
