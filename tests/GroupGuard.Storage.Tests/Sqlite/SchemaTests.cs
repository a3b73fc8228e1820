using Dapper;
using GroupGuard.Core;
using GroupGuard.Storage.Migrations;
using GroupGuard.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Storage.Tests.Sqlite;

public sealed class SchemaTests
{
    /// <summary>The version a migration added after the shipped ones gets.</summary>
    private static readonly int Next = SqliteIncidentStore.LoadMigrations()[^1].Version + 1;

    [Fact]
    public async Task Initialize_creates_the_schema_in_wal_mode()
    {
        using var harness = new StoreHarness();

        await harness.Store.InitializeAsync(CancellationToken.None);

        using var db = harness.OpenRaw();
        var tables = db.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").ToList();
        Assert.Contains("incidents", tables);
        Assert.Contains("schema_version", tables);
        Assert.Contains("storage_health", tables);
        var indexes = db.Query<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents'").ToList();
        Assert.Contains("ux_incidents_message_rule", indexes);
        Assert.Contains("ix_incidents_time", indexes);
        Assert.Contains("ix_incidents_group_time", indexes);
        // A fresh connection sees WAL: the mode is stored in the file, not per connection.
        Assert.Equal("wal", db.ExecuteScalar<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Initialize_twice_is_a_no_op_that_keeps_incidents_and_records_each_migration_once()
    {
        using var harness = new StoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Samples.Incident()], CancellationToken.None);

        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.CreateStore().InitializeAsync(CancellationToken.None); // as at the next start

        using var db = harness.OpenRaw();
        var versions = db.Query<int>("SELECT version FROM schema_version ORDER BY version").ToList();
        var embedded = SqliteIncidentStore.LoadMigrations().Select(m => m.Version).ToList();
        Assert.NotEmpty(embedded);
        Assert.Equal(embedded, versions);
        Assert.Single(await harness.QueryAllAsync());
    }

    [Fact]
    public async Task Schema_version_records_name_and_time_of_each_migration()
    {
        using var harness = new StoreHarness();

        await harness.Store.InitializeAsync(CancellationToken.None);

        using var db = harness.OpenRaw();
        var row = db.QuerySingle<(long Version, string Name, string AppliedAt)>("SELECT version, name, applied_at FROM schema_version WHERE version = 1");
        Assert.Equal("0001_initial", row.Name);
        Assert.Equal("2025-03-01T12:00:00.000Z", row.AppliedAt);
    }

    [Fact]
    public async Task Initialize_creates_a_nested_folder_for_the_database()
    {
        using var harness = new StoreHarness(Path.Combine("data", "nested", "groupguard.db"));
        Assert.False(Directory.Exists(Path.GetDirectoryName(harness.DatabasePath)));

        await harness.Store.InitializeAsync(CancellationToken.None);

        Assert.True(File.Exists(harness.DatabasePath));
        Assert.Equal(harness.DatabasePath, harness.Store.Location);
    }

    [Fact]
    public void A_relative_data_source_is_resolved_against_the_current_directory()
    {
        var store = new SqliteIncidentStore(
            new StorageOptions { ConnectionString = "Data Source=data/groupguard.db" },
            new FakeTimeProvider(),
            NullLogger.Instance,
            SqliteIncidentStore.LoadMigrations());

        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "data", "groupguard.db"), store.Location);
        Assert.True(Path.IsPathFullyQualified(store.Location));
    }

    [Fact]
    public async Task A_later_migration_upgrades_an_existing_database_and_keeps_its_incidents()
    {
        using var harness = new StoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Samples.Incident()], CancellationToken.None);

        var upgraded = harness.CreateStore([.. SqliteIncidentStore.LoadMigrations(), new Migration(Next, "9999_note", "ALTER TABLE incidents ADD COLUMN note TEXT;")]);
        await upgraded.InitializeAsync(CancellationToken.None);

        var status = await upgraded.CheckAsync(CancellationToken.None);
        Assert.Equal(Next, status.SchemaVersion);
        Assert.Equal(1, status.Incidents);
        using var db = harness.OpenRaw();
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT COUNT(*) FROM incidents WHERE note IS NOT NULL"));
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_whole_and_named_in_the_error()
    {
        using var harness = new StoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);

        var broken = harness.CreateStore(
        [
            .. SqliteIncidentStore.LoadMigrations(),
            new Migration(Next, "9999_broken", "CREATE TABLE half_done (id INTEGER); SELECT * FROM no_such_table;"),
        ]);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.InitializeAsync(CancellationToken.None));

        Assert.Contains("9999_broken", ex.Message, StringComparison.Ordinal);
        using var db = harness.OpenRaw();
        Assert.Equal(Next - 1, db.ExecuteScalar<int>("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'"));
    }

    [Fact]
    public async Task A_database_from_a_newer_GroupGuard_is_refused_at_start()
    {
        using var harness = new StoreHarness();
        await harness.CreateStore([.. SqliteIncidentStore.LoadMigrations(), new Migration(Next, "9999_future", "SELECT 1;")])
            .InitializeAsync(CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Store.InitializeAsync(CancellationToken.None));

        Assert.Contains($"schema version {Next}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_migrations_are_numbered_from_one_without_gaps()
    {
        var versions = SqliteIncidentStore.LoadMigrations().Select(m => m.Version).ToList();

        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    [Fact]
    public async Task Enums_are_stored_as_lowercase_names()
    {
        using var harness = new StoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync(
            [Samples.Incident() with { Severity = Severity.Critical, DecidedAction = ModerationAction.Kick, SenderRole = SenderRole.Owner, ActionStatus = ActionStatus.DryRun }],
            CancellationToken.None);

        using var db = harness.OpenRaw();
        var row = db.QuerySingle<(string Severity, string Action, string Role, string Status, string Time)>(
            "SELECT severity, decided_action, sender_role, action_status, time FROM incidents");
        Assert.Equal(("critical", "kick", "owner", "dry_run"), (row.Severity, row.Action, row.Role, row.Status));
        // 20:15:30.123 at +08:00 is stored as UTC text with milliseconds.
        Assert.Equal("2025-03-01T12:15:30.123Z", row.Time);
    }
}
