using System.Globalization;
using Dapper;
using GroupGuard.Host.Health;
using GroupGuard.Host.Pipeline;
using GroupGuard.Storage.Sqlite;
using GroupGuard.Storage.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Health;

/// <summary>/healthz costs the service little however often it is asked, and stays small.</summary>
public sealed class HealthBoundsTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T08:00:00Z", CultureInfo.InvariantCulture);
    // Pooled connections keep the database file open: let them go before the folder is deleted.
    private readonly TempFolder _folder = new(SqliteConnection.ClearAllPools);

    [Fact]
    public async Task A_flood_of_health_checks_touches_the_database_once_every_two_seconds()
    {
        var path = _folder.File("groupguard.db");
        var time = new FakeTimeProvider(Start);
        var store = new IncidentStore(new SqliteDatabase($"Data Source={path}"), time, NullLogger<IncidentStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var probe = new StorageProbe(store, time);

        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => probe.CheckAsync(CancellationToken.None)));
        var first = CheckedAt(path);
        time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 100; i++)
        {
            Assert.NotNull((await probe.CheckAsync(CancellationToken.None)).Status);
        }

        var stillCached = CheckedAt(path);
        time.Advance(TimeSpan.FromSeconds(1));
        await probe.CheckAsync(CancellationToken.None);

        Assert.Equal("2026-12-01T08:00:00.000Z", first);
        Assert.Equal(first, stillCached);
        Assert.Equal("2026-12-01T08:00:02.000Z", CheckedAt(path));
    }

    [Fact]
    public void Events_naming_ever_new_bots_keep_the_most_recent_ones_only()
    {
        var time = new FakeTimeProvider(Start);
        var health = new AdapterHealth(time);

        for (var bot = 0; bot < 1000; bot++)
        {
            health.Seen(GroupGuard.Core.Protocol.OneBotV11, bot.ToString(CultureInfo.InvariantCulture));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var snapshot = health.Snapshot();
        Assert.Equal(AdapterHealth.MaxBots, snapshot.Count);
        Assert.Contains(snapshot, a => a.BotId == "999");
        Assert.DoesNotContain(snapshot, a => a.BotId == "0");
    }

    private static string CheckedAt(string path)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        return db.ExecuteScalar<string>("SELECT checked_at FROM storage_health WHERE id = 1")!;
    }

    public void Dispose() => _folder.Dispose();
}
