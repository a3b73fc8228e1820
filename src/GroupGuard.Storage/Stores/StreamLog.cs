using Dapper;
using GroupGuard.Core.Detection;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// The flood and repeat streams in the shared database (<c>stream_log</c>), for several instances
/// on PostgreSQL: a message is one row, keyed by its stream and itself, so a redelivery to another
/// instance adds nothing. Rows older than the longest window a rule may have (a day) are deleted
/// now and then, by whichever instance happens to write.
/// </summary>
internal sealed class StreamLog(StorageDatabase database) : IStreamLog
{
    /// <summary>The longest window a flood or repeat rule may have (rules allow up to 86,400 s), and a margin.</summary>
    internal static readonly TimeSpan Kept = TimeSpan.FromSeconds(86_400 + 60);

    /// <summary>One write in this many also deletes what has aged out.</summary>
    internal const int PruneEvery = 1000;

    private long _writes;

    public async Task<int> RecordAsync(string stream, string messageKey, DateTimeOffset time, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentException.ThrowIfNullOrEmpty(messageKey);
        var prune = Interlocked.Increment(ref _writes) % PruneEvery == 0;
        // One round trip for the lot (and the commit): the worker waits for this on every message
        // while a flood or repeat rule is on, so four round trips a message set its pace (about a
        // thousand messages a second). The statements still run one after the other, each reading
        // what the ones before it left.
        var keyLock = database.KeyLock("@Stream");
        var sql = (keyLock is null ? "" : keyLock + ";\n")
            + "INSERT INTO stream_log (stream, message, at) VALUES (@Stream, @Message, @At) ON CONFLICT DO NOTHING;\n"
            + (prune ? "DELETE FROM stream_log WHERE at < @Cutoff;\n" : "")
            + "SELECT COUNT(*) FROM stream_log WHERE stream = @Stream AND at > @Since";
        var parameters = new
        {
            Stream = stream,
            Message = messageKey,
            At = StoredTime.ToText(time),
            Cutoff = StoredTime.ToBoundText(time - Kept),
            Since = StoredTime.ToBoundText(since),
        };
        return await database.WriteAsync(
            async (connection, transaction) =>
            {
                // Two instances counting one stream at once each wait for the other's row (the lock
                // comes first), so a flood split between them is counted whole by the later one.
                await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (keyLock is not null)
                {
                    await results.ReadAsync<object>().ConfigureAwait(false);
                }

                return (int)await results.ReadSingleAsync<long>().ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }
}
