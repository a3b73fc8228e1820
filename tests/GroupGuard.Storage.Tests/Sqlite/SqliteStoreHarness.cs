using Dapper;
using GroupGuard.Storage.Migrations;
using GroupGuard.Storage.Sqlite;
using GroupGuard.Storage.Stores;
using GroupGuard.Storage.Tests.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Storage.Tests.Sqlite;

/// <summary>A store on a database file in its own temp folder, plus plain access to that file.</summary>
internal sealed class SqliteStoreHarness : StoreHarness, IDisposable
{
    // Pooled connections keep the database file open: let them go before the folder is deleted.
    private readonly TempFolder _folder = new(SqliteConnection.ClearAllPools);

    public SqliteStoreHarness(string relativeDatabasePath = "groupguard.db", IReadOnlyList<Migration>? migrations = null)
    {
        DatabasePath = _folder.File(relativeDatabasePath);
        SetStore(CreateStore(migrations));
    }

    public string DatabasePath { get; }

    /// <param name="upgradesSchema">False for a store as a command-line verb has it: it may create the schema, never upgrade it.</param>
    public IncidentStore CreateStore(IReadOnlyList<Migration>? migrations = null, bool upgradesSchema = true, ILogger? logger = null) => new(
        new SqliteDatabase($"Data Source={DatabasePath}") { UpgradesSchema = upgradesSchema },
        Time,
        logger ?? NullLogger.Instance,
        migrations ?? SqliteDatabase.Embedded);

    /// <summary>A second database object on the file, with a writer turn of its own.</summary>
    public override StorageDatabase AnotherInstance() => new SqliteDatabase($"Data Source={DatabasePath}");

    /// <summary>A connection outside the store, unpooled so it leaves nothing open behind it.</summary>
    public override SqliteConnection OpenRaw()
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

    /// <summary>
    /// Overwrites the root page of <paramref name="tree"/> (a table or an index) with bytes SQLite
    /// never writes, as a bad sector or a stray write would, with no connection open on the file.
    /// </summary>
    public void DamageRootPage(string tree)
    {
        long page, pageSize;
        using (var db = OpenRaw())
        {
            page = db.ExecuteScalar<long>("SELECT rootpage FROM sqlite_master WHERE name = @Tree", new { Tree = tree });
            pageSize = db.ExecuteScalar<long>("PRAGMA page_size");
        }

        Assert.True(page > 1, $"{tree} has a root page of its own");
        SqliteConnection.ClearAllPools(); // the store's connections go, and with the last the write-ahead log, into the file
        using var file = new FileStream(DatabasePath, FileMode.Open, FileAccess.Write);
        file.Position = (page - 1) * pageSize;
        file.Write(Enumerable.Repeat((byte)0xEE, (int)pageSize).ToArray());
    }

    public void Dispose() => _folder.Dispose();

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
