using System.Data.Common;
using GroupGuard.Storage.Postgres;
using GroupGuard.Storage.Stores;
using GroupGuard.Storage.Tests.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GroupGuard.Storage.Tests.Postgres;

/// <summary>A store on a fresh PostgreSQL database of the shared test server, plus plain access to it.</summary>
internal sealed class PostgresStoreHarness : StoreHarness
{
    private readonly List<PostgresDatabase> _databases = [];
    private readonly Lock _gate = new();

    private PostgresStoreHarness(string connectionString)
    {
        ConnectionString = connectionString;
        SetStore(new IncidentStore(Track(new PostgresDatabase(connectionString)), Time, NullLogger.Instance, PostgresMigrator.Embedded));
    }

    /// <summary>The connection string of this harness's own database.</summary>
    public string ConnectionString { get; }

    /// <summary>A harness on a new database whose name starts with <paramref name="prefix"/> (it names the test class, for whoever looks at the server).</summary>
    public static async Task<PostgresStoreHarness> CreateAsync(PostgresServer server, string prefix)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new PostgresStoreHarness(await server.CreateDatabaseAsync(prefix));
    }

    /// <summary>A second PostgresDatabase (a pool of its own) on the same database, as another instance has.</summary>
    public override StorageDatabase AnotherInstance() => Track(new PostgresDatabase(ConnectionString));

    /// <summary>A connection outside the stores, unpooled so that disposing it closes the session.</summary>
    public override DbConnection OpenRaw()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    // Each database object holds a pool of open sessions: closing them keeps the test server under
    // its connection limit over a whole run (the databases themselves are dropped by the fixture).
    public override async ValueTask DisposeAsync()
    {
        PostgresDatabase[] databases;
        lock (_gate)
        {
            databases = [.. _databases];
            _databases.Clear();
        }

        foreach (var database in databases)
        {
            await database.DisposeAsync();
        }
    }

    private PostgresDatabase Track(PostgresDatabase database)
    {
        lock (_gate)
        {
            _databases.Add(database);
        }

        return database;
    }
}
