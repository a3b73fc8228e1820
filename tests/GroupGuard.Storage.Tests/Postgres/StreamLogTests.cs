using Dapper;
using GroupGuard.Storage.Postgres;
using GroupGuard.Storage.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GroupGuard.Storage.Tests.Postgres;

/// <summary>The flood and repeat streams several instances share on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StreamLogTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private async Task<(string ConnectionString, PostgresDatabase First, PostgresDatabase Second)> TwoInstancesAsync()
    {
        var connectionString = await server.CreateDatabaseAsync("streams");
        var first = new PostgresDatabase(connectionString);
        await first.InitializeAsync(first.Migrations, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
        return (connectionString, first, new PostgresDatabase(connectionString));
    }

    [Fact]
    public async Task Messages_recorded_by_two_instances_at_once_are_counted_whole_by_the_last()
    {
        var (_, first, second) = await TwoInstancesAsync();
        await using var a = first;
        await using var b = second;
        StreamLog[] logs = [new(a), new(b)];

        // 40 messages of one stream, half through each instance, all at once.
        var counts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            logs[i % 2].RecordAsync("flood|qq|100|200", $"m{i}", T0.AddMilliseconds(i), T0.AddSeconds(-10), CancellationToken.None)));

        // Each count includes every message recorded before it: the counts are 1..40, each once.
        Assert.Equal(Enumerable.Range(1, 40), counts.Order());
    }

    [Fact]
    public async Task A_redelivery_adds_nothing_and_only_the_window_counts()
    {
        var (_, first, second) = await TwoInstancesAsync();
        await using var a = first;
        await using var b = second;

        Assert.Equal(1, await new StreamLog(a).RecordAsync("s", "m1", T0, T0.AddSeconds(-10), CancellationToken.None));
        Assert.Equal(1, await new StreamLog(b).RecordAsync("s", "m1", T0, T0.AddSeconds(-10), CancellationToken.None));
        Assert.Equal(2, await new StreamLog(b).RecordAsync("s", "m2", T0.AddSeconds(5), T0.AddSeconds(-5), CancellationToken.None));

        // Twenty seconds on, with a 10 s window, only the new message is in it.
        Assert.Equal(1, await new StreamLog(a).RecordAsync("s", "m3", T0.AddSeconds(20), T0.AddSeconds(10), CancellationToken.None));
        Assert.Equal(1, await new StreamLog(a).RecordAsync("other", "m1", T0, T0.AddSeconds(-10), CancellationToken.None));
    }

    [Fact]
    public async Task Rows_older_than_the_longest_window_are_deleted_as_the_log_is_written()
    {
        var (connectionString, first, second) = await TwoInstancesAsync();
        await using var a = first;
        await using var unused = second;
        var log = new StreamLog(a);

        await log.RecordAsync("old", "m0", T0, T0.AddSeconds(-10), CancellationToken.None);
        var later = T0 + StreamLog.Kept + TimeSpan.FromMinutes(1);
        for (var i = 1; i < StreamLog.PruneEvery; i++)
        {
            await log.RecordAsync("new", $"m{i}", later, later.AddSeconds(-10), CancellationToken.None);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stream_log WHERE stream = 'old'"));
        Assert.Equal(StreamLog.PruneEvery - 1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stream_log WHERE stream = 'new'"));
    }
}
