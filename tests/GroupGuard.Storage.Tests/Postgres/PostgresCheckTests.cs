using Dapper;
using GroupGuard.Storage.Postgres;
using Npgsql;

namespace GroupGuard.Storage.Tests.Postgres;

/// <summary>The health check (<c>/healthz</c>) on PostgreSQL: what it reports, the write it proves, a database never initialized.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresCheckTests(PostgresServer server)
{
    [Fact]
    public async Task Check_reports_provider_location_without_password_and_schema_version_and_stamps_the_health_row()
    {
        await using var harness = await PostgresStoreHarness.CreateAsync(server, "check");
        await harness.Store.InitializeAsync(CancellationToken.None);

        var status = await harness.Store.CheckAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await harness.Store.CheckAsync(CancellationToken.None);

        var builder = new NpgsqlConnectionStringBuilder(harness.ConnectionString);
        Assert.Equal("postgres", status.Provider);
        Assert.Equal($"{builder.Host}:{builder.Port}/{builder.Database}", status.Location);
        Assert.Equal(PostgresMigrator.Embedded[^1].Version, status.SchemaVersion);
        using var db = harness.OpenRaw();
        Assert.Equal("2025-03-01T12:01:00.000Z", db.ExecuteScalar<string>("SELECT checked_at FROM storage_health WHERE id = 1"));
    }

    [Fact]
    public async Task Check_fails_on_a_database_that_was_never_initialized()
    {
        await using var harness = await PostgresStoreHarness.CreateAsync(server, "check_empty");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Store.CheckAsync(CancellationToken.None));

        Assert.Contains("no incident schema", ex.Message, StringComparison.Ordinal);
    }
}
