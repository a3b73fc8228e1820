using Dapper;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// Which incidents each sent warning was about (<c>warning_messages</c>, migration 0008, created by
/// the incident store's initialization). Writes take the database's single writer turn.
/// </summary>
internal sealed class SentWarnings(StorageDatabase database) : ISentWarnings
{
    // A warning mentions at most 20 senders, each with a few incidents; a bound all the same.
    private const int MaxIncidentsPerWarning = 500;

    public Task RecordAsync(GroupMessageRef warning, IReadOnlyList<long> incidentIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentIds);
        if (incidentIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var id in incidentIds.Distinct())
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO warning_messages (platform, bot_id, group_id, message_id, incident_id, at)
                        VALUES (@Platform, @BotId, @GroupId, @MessageId, @IncidentId, @At)
                        ON CONFLICT DO NOTHING
                        """,
                        new { warning.Platform, warning.BotId, warning.GroupId, warning.MessageId, IncidentId = id, At = StoredTime.ToText(at) },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<long>> IncidentsOfAsync(GroupMessageRef warning, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = await connection.QueryAsync<long>(new CommandDefinition(
            """
            SELECT incident_id FROM warning_messages
            WHERE platform = @Platform AND bot_id = @BotId AND group_id = @GroupId AND message_id = @MessageId
            ORDER BY incident_id
            LIMIT @Limit
            """,
            new { warning.Platform, warning.BotId, warning.GroupId, warning.MessageId, Limit = MaxIncidentsPerWarning },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. ids];
    }
}
