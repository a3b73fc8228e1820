using Dapper;
using GroupGuard.Core;
using GroupGuard.Core.Commands;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// Group commands' claims (<c>command_claims</c>, SQLite migration 0020, PostgreSQL 0011): the first
/// instance to insert a command's key carries it out. Each claim also lets go of claims over a day
/// old, a few at a time: commands are rare, and a claim is of use only while a second delivery of
/// the same message may still come.
/// </summary>
internal sealed class CommandClaims(StorageDatabase database) : ICommandClaims
{
    internal static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);

    private const int DeletedPerClaim = 100;

    private const string InsertSql = """
        INSERT INTO command_claims (platform, bot_id, group_id, message_id, time, instance, at)
        VALUES (@Platform, @BotId, @GroupId, @MessageId, @Time, @Instance, @At)
        ON CONFLICT DO NOTHING
        """;

    private const string HolderSql = """
        SELECT instance FROM command_claims
        WHERE platform = @Platform AND bot_id = @BotId AND group_id = @GroupId AND message_id = @MessageId AND time = @Time
        """;

    private readonly string _deleteOldSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, """
        DELETE FROM command_claims WHERE {0} IN (
            SELECT {0} FROM command_claims WHERE at < @Before LIMIT @Limit)
        """, database.RowId);

    public Task<bool> ClaimAsync(ChatMessage message, string instance, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(instance);
        var key = new
        {
            message.Platform,
            message.BotId,
            message.GroupId,
            message.MessageId,
            Time = StoredTime.ToText(message.Time),
            Instance = instance,
            At = StoredTime.ToText(now),
            Before = StoredTime.ToText(now - KeptFor),
            Limit = DeletedPerClaim,
        };
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await connection.ExecuteAsync(new CommandDefinition(_deleteOldSql, key, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (await connection.ExecuteAsync(new CommandDefinition(InsertSql, key, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) == 1)
                {
                    return true;
                }

                // Claimed before: by this instance (a redelivery, a replay) or another.
                var holder = await connection.ExecuteScalarAsync<string>(new CommandDefinition(HolderSql, key, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                return string.Equals(holder, instance, StringComparison.Ordinal);
            },
            cancellationToken);
    }
}
