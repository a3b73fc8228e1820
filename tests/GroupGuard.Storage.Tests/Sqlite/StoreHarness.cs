using GroupGuard.Core;
using GroupGuard.Storage.Migrations;
using GroupGuard.Storage.Sqlite;
using GroupGuard.Storage.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Storage.Tests.Sqlite;

/// <summary>A store on a database file in its own temp folder, plus plain access to that file.</summary>
internal sealed class StoreHarness : IDisposable
{
    // Pooled connections keep the database file open: let them go before the folder is deleted.
    private readonly TempFolder _folder = new(SqliteConnection.ClearAllPools);

    public StoreHarness(string relativeDatabasePath = "groupguard.db", IReadOnlyList<Migration>? migrations = null)
    {
        DatabasePath = _folder.File(relativeDatabasePath);
        Store = CreateStore(migrations);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public string DatabasePath { get; }

    public string FolderPath => _folder.Path;

    public IncidentStore Store { get; }

    public IncidentStore CreateStore(IReadOnlyList<Migration>? migrations = null) => new(
        new SqliteDatabase($"Data Source={DatabasePath}"),
        Time,
        NullLogger.Instance,
        migrations ?? SqliteDatabase.Embedded);

    /// <summary>An outbox on the store's database, sharing its writer turn as in the service.</summary>
    public DigestOutbox CreateOutbox() => new(Store.Database);

    /// <summary>An outbox with a database object of its own, as a second service instance on the same file has.</summary>
    public DigestOutbox CreateOutboxOfAnotherInstance() => new(new SqliteDatabase($"Data Source={DatabasePath}"));

    /// <summary>A connection outside the store, unpooled so it leaves nothing open behind it.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadWrite;Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>Creates an empty database file the way another program would.</summary>
    public SqliteConnection OpenRawCreate()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }

    public async Task<List<Incident>> QueryAllAsync(IncidentQuery? query = null)
    {
        var list = new List<Incident>();
        await foreach (var incident in Store.QueryAsync(query ?? new IncidentQuery(), CancellationToken.None))
        {
            list.Add(incident);
        }

        return list;
    }

    public void Dispose() => _folder.Dispose();
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
