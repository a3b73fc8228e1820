using System.Data.Common;
using GroupGuard.Core;
using GroupGuard.Storage.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>
/// A store on a database of its own (a SQLite file, a PostgreSQL database), plus plain access to
/// that database, for the store tests that every provider must pass alike.
/// </summary>
internal abstract class StoreHarness : IAsyncDisposable
{
    private IncidentStore? _store;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The store the tests work with; its database object is shared by the other stores, as in the service.</summary>
    public IncidentStore Store => _store ?? throw new InvalidOperationException("The harness has no store yet.");

    /// <summary>An outbox on the store's database object, sharing its writer turn as in the service.</summary>
    public DigestOutbox CreateOutbox() => new(Store.Database);

    /// <summary>An outbox with a database object of its own, as a second service instance on the same database has.</summary>
    public DigestOutbox CreateOutboxOfAnotherInstance() => new(AnotherInstance());

    /// <summary>A store of its own database object on the same database (another instance, or a restart).</summary>
    public IncidentStore CreateStoreOfAnotherInstance(int retentionBatchSize = 5000)
    {
        var database = AnotherInstance();
        return new IncidentStore(database, Time, NullLogger.Instance, database.Migrations, retentionBatchSize);
    }

    /// <summary>A second database object on the same database, as a second service instance (or the next start) makes.</summary>
    public abstract StorageDatabase AnotherInstance();

    /// <summary>A connection outside the stores, leaving nothing open behind it once disposed.</summary>
    public abstract DbConnection OpenRaw();

    public async Task<List<Incident>> QueryAllAsync(IncidentQuery? query = null)
    {
        var list = new List<Incident>();
        await foreach (var incident in Store.QueryAsync(query ?? new IncidentQuery(), CancellationToken.None))
        {
            list.Add(incident);
        }

        return list;
    }

    public abstract ValueTask DisposeAsync();

    /// <summary>Sets the store once the database is there (a PostgreSQL one is made asynchronously).</summary>
    protected void SetStore(IncidentStore store) => _store = store;
}

internal static class Samples
{
    public static readonly DateTimeOffset MessageTime = new(2025, 3, 1, 20, 15, 30, 123, TimeSpan.FromHours(8));

    public static Incident Incident(
        string messageId = "1001",
        string rule = "ads.qr-code",
        DateTimeOffset? time = null,
        string groupId = "123456",
        string platform = "qq",
        string botId = "10000",
        string userId = "424242") =>
        Incidents.Of(
            messageId,
            time: time ?? MessageTime,
            detectedAt: (time ?? MessageTime).AddMilliseconds(250),
            rule: rule,
            category: "advertising",
            group: groupId,
            user: userId,
            senderName: "小明",
            platform: platform,
            bot: botId,
            text: "加微信领红包 🧧",
            ruleSetVersion: "2025.03.01-1") with
        {
            ActionStatus = ActionStatus.Pending,
            PlannedActions = [ModerationAction.Recall],
        };
}
