using Dapper;
using GroupGuard.Core;
using GroupGuard.Storage.Postgres;
using GroupGuard.Storage.Stores;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GroupGuard.Storage.Tests.Postgres;

/// <summary>
/// A PostgreSQL database of an older GroupGuard: the service upgrades it at start and says from
/// which version to which; a command refuses it, naming the database but never its password.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresUpgradeTests(PostgresServer server)
{
    private const int Old = 5;

    private static readonly int Latest = PostgresMigrator.Embedded[^1].Version;

    // The throwaway server trusts every connection, so a password given is ignored: one that must never be shown.
    private const string Password = "pg-secret-2026";

    /// <summary>A database at schema version <see cref="Old"/>, and the connection string a service would have for it, with a password.</summary>
    private async Task<(string ConnectionString, string Location)> OldDatabaseAsync(string prefix)
    {
        var connectionString = await server.CreateDatabaseAsync(prefix);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await PostgresMigrator.MigrateAsync(connection, [.. PostgresMigrator.Embedded.Where(m => m.Version <= Old)], TimeProvider.System, CancellationToken.None);
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Password = Password };
        return (builder.ConnectionString, $"{builder.Host}:{builder.Port}/{builder.Database}");
    }

    private static async Task<int> VersionOfAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT MAX(version) FROM schema_version");
    }

    [Fact]
    public async Task A_command_refuses_an_older_database_naming_host_and_database_but_not_the_password_and_leaves_it_as_it_was()
    {
        var (connectionString, location) = await OldDatabaseAsync("upgcmd");
        await using var database = new PostgresDatabase(connectionString) { UpgradesSchema = false };
        var store = new IncidentStore(database, TimeProvider.System, new LogCollector<IncidentStore>(), PostgresMigrator.Embedded);

        var ex = await Assert.ThrowsAsync<StartupProblemException>(() => store.InitializeAsync(CancellationToken.None));

        Assert.Contains($"the PostgreSQL database '{location}' is at schema version {Old} and this GroupGuard needs {Latest}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Start the service once: it upgrades the database", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.Message, StringComparison.Ordinal);
        Assert.Equal(Old, await VersionOfAsync(connectionString));
    }

    [Fact]
    public async Task The_service_upgrades_an_older_database_and_logs_from_which_version_to_which_and_to_take_a_pg_dump()
    {
        var (connectionString, location) = await OldDatabaseAsync("upgsvc");
        await using var database = new PostgresDatabase(connectionString);
        var logs = new LogCollector<IncidentStore>();

        await new IncidentStore(database, TimeProvider.System, logs, PostgresMigrator.Embedded).InitializeAsync(CancellationToken.None);

        Assert.Equal(Latest, await VersionOfAsync(connectionString));
        var upgraded = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Information, upgraded.Level);
        Assert.Contains($"Upgraded the PostgreSQL database {location} from schema version {Old} to {Latest}", upgraded.Message, StringComparison.Ordinal);
        Assert.Contains("pg_dump", upgraded.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, upgraded.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_newer_database_is_refused_naming_host_and_database_but_not_the_password(bool upgradesSchema)
    {
        var (connectionString, location) = await OldDatabaseAsync("upgnew");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future', '2030-01-01T00:00:00.000Z')");
        }

        await using var database = new PostgresDatabase(connectionString) { UpgradesSchema = upgradesSchema };
        var store = new IncidentStore(database, TimeProvider.System, new LogCollector<IncidentStore>(), PostgresMigrator.Embedded);

        var ex = await Assert.ThrowsAsync<StartupProblemException>(() => store.InitializeAsync(CancellationToken.None));

        Assert.Contains($"the PostgreSQL database '{location}' is at schema version 999, newer than this GroupGuard knows ({Latest})", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.Message, StringComparison.Ordinal);
        Assert.Equal(999, await VersionOfAsync(connectionString));
    }

    [Fact]
    public async Task A_command_creates_the_schema_of_a_new_database()
    {
        var connectionString = await server.CreateDatabaseAsync("upgfresh");
        await using var database = new PostgresDatabase(connectionString) { UpgradesSchema = false };

        await new IncidentStore(database, TimeProvider.System, new LogCollector<IncidentStore>(), PostgresMigrator.Embedded).InitializeAsync(CancellationToken.None);

        Assert.Equal(Latest, await VersionOfAsync(connectionString));
    }
}
