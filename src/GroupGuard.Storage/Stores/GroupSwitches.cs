using Dapper;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// Groups' runtime switches in the incident database (<c>group_switches</c>, migration 0008,
/// created by the incident store's initialization). Writes take the database's single writer turn.
/// </summary>
internal sealed class GroupSwitches(StorageDatabase database) : IGroupSwitches
{
    public async Task<bool?> GetDryRunAsync(string platform, string groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(groupId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var value = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT dry_run FROM group_switches WHERE platform = @Platform AND group_id = @GroupId",
            new { Platform = platform, GroupId = groupId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return value is null ? null : value != 0;
    }

    public Task SetDryRunAsync(string platform, string groupId, bool? dryRun, DateTimeOffset at, string? changedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(groupId);
        return database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO group_switches (platform, group_id, dry_run, changed_at, changed_by)
                VALUES (@Platform, @GroupId, @DryRun, @At, @By)
                ON CONFLICT (platform, group_id) DO UPDATE SET
                    dry_run = excluded.dry_run, changed_at = excluded.changed_at, changed_by = excluded.changed_by
                """,
                new
                {
                    Platform = platform,
                    GroupId = groupId,
                    DryRun = dryRun is { } on ? (on ? 1 : 0) : (int?)null,
                    At = StoredTime.ToText(at),
                    By = changedBy,
                },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken);
    }

    public async Task<IReadOnlyList<GroupSwitch>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SwitchRow>(new CommandDefinition(
            """
            SELECT platform AS Platform, group_id AS GroupId, dry_run AS DryRun, changed_at AS ChangedAt, changed_by AS ChangedBy
            FROM group_switches ORDER BY platform, group_id
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new GroupSwitch(
            r.Platform,
            r.GroupId,
            r.DryRun is null ? null : r.DryRun != 0,
            StoredTime.Parse(r.ChangedAt, $"The switches of {r.Platform} group {r.GroupId}"),
            r.ChangedBy))];
    }

    private sealed class SwitchRow
    {
        public string Platform { get; set; } = "";
        public string GroupId { get; set; } = "";
        public long? DryRun { get; set; }
        public string ChangedAt { get; set; } = "";
        public string? ChangedBy { get; set; }
    }
}
