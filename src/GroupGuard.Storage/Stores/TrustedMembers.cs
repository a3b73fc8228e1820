using Dapper;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// Members trusted per group in the incident database (<c>trusted_members</c>, created by the
/// incident store's initialization). Writes take the database's single writer turn, so a group's
/// count and the members added to it are read and written in one.
/// </summary>
internal sealed class TrustedMembers(StorageDatabase database) : ITrustedMembers
{
    private const string ListColumns = "platform AS Platform, group_id AS GroupId, user_id AS UserId, added_at AS AddedAt, added_by AS AddedBy";

    public async Task<bool> IsTrustedAsync(string platform, string groupId, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(userId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM trusted_members WHERE platform = @Platform AND group_id = @GroupId AND user_id = @UserId",
            new { Platform = platform, GroupId = groupId, UserId = userId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return found > 0;
    }

    public Task<TrustAdded> TrustAsync(string platform, string groupId, IReadOnlyList<string> userIds, int max, DateTimeOffset at, string? addedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(userIds);
        var wanted = userIds.Distinct(StringComparer.Ordinal).ToList();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var key = new { Platform = platform, GroupId = groupId };
                var trusted = (await connection.QueryAsync<string>(new CommandDefinition(
                    "SELECT user_id FROM trusted_members WHERE platform = @Platform AND group_id = @GroupId",
                    key,
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
                var already = wanted.Where(trusted.Contains).ToList();
                var added = wanted.Where(u => !trusted.Contains(u)).ToList();
                if (trusted.Count + added.Count > max && added.Count > 0)
                {
                    return new TrustAdded([], already, Full: true, trusted.Count);
                }

                foreach (var user in added)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO trusted_members (platform, group_id, user_id, added_at, added_by)
                        VALUES (@Platform, @GroupId, @UserId, @At, @By)
                        ON CONFLICT DO NOTHING
                        """,
                        new { Platform = platform, GroupId = groupId, UserId = user, At = StoredTime.ToText(at), By = addedBy },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                return new TrustAdded(added, already, Full: false, trusted.Count + added.Count);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<string>> UntrustAsync(string platform, string groupId, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(userIds);
        return database.WriteAsync<IReadOnlyList<string>>(
            async (connection, transaction) =>
            {
                var removed = new List<string>();
                foreach (var user in userIds.Distinct(StringComparer.Ordinal))
                {
                    var rows = await connection.ExecuteAsync(new CommandDefinition(
                        "DELETE FROM trusted_members WHERE platform = @Platform AND group_id = @GroupId AND user_id = @UserId",
                        new { Platform = platform, GroupId = groupId, UserId = user },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    if (rows > 0)
                    {
                        removed.Add(user);
                    }
                }

                return removed;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<TrustedMember>> ListAsync(string platform, string groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(groupId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<TrustedRow>(new CommandDefinition(
            $"SELECT {ListColumns} FROM trusted_members WHERE platform = @Platform AND group_id = @GroupId ORDER BY added_at, user_id",
            new { Platform = platform, GroupId = groupId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToMember())];
    }

    public async Task<IReadOnlyList<TrustedMember>> ListAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<TrustedRow>(new CommandDefinition(
            $"SELECT {ListColumns} FROM trusted_members ORDER BY platform, group_id, added_at, user_id",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToMember())];
    }

    private sealed class TrustedRow
    {
        public string Platform { get; set; } = "";
        public string GroupId { get; set; } = "";
        public string UserId { get; set; } = "";
        public string AddedAt { get; set; } = "";
        public string? AddedBy { get; set; }

        public TrustedMember ToMember() =>
            new(Platform, GroupId, UserId, StoredTime.Parse(AddedAt, $"The trust of {UserId} in {Platform} group {GroupId}"), AddedBy);
    }
}
