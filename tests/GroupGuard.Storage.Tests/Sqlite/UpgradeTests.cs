using Dapper;
using GroupGuard.Core;
using GroupGuard.Storage.Migrations;
using GroupGuard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace GroupGuard.Storage.Tests.Sqlite;

/// <summary>
/// A database of an older GroupGuard: the service upgrades it at start, having copied it first;
/// a command-line verb (a store that may not upgrade) refuses it and leaves it as it was.
/// </summary>
public sealed class UpgradeTests
{
    /// <summary>The schema of an older release (the audit's database was at 14).</summary>
    private const int Old = 14;

    private static readonly int Latest = SqliteDatabase.Embedded[^1].Version;

    private static IReadOnlyList<Migration> UpTo(int version) => [.. SqliteDatabase.Embedded.Where(m => m.Version <= version)];

    /// <summary>A database as the older release left it: its schema, and a row of it (a group's dry-run switch).</summary>
    private static async Task MakeOldAsync(SqliteStoreHarness harness)
    {
        await harness.CreateStore(UpTo(Old)).InitializeAsync(CancellationToken.None);
        using var db = harness.OpenRaw();
        db.Execute("INSERT INTO group_switches (platform, group_id, dry_run, changed_at, changed_by) VALUES ('qq', '123456', 1, '2025-02-01T00:00:00.000Z', 'qq:10001')");
    }

    /// <summary>The schema version of a database file, read on a connection of its own that creates nothing.</summary>
    private static int VersionOf(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection.ExecuteScalar<int>("SELECT MAX(version) FROM schema_version");
    }

    [Fact]
    public async Task A_command_refuses_an_older_database_naming_it_both_versions_and_what_to_do_and_leaves_it_as_it_was()
    {
        using var harness = new SqliteStoreHarness();
        await MakeOldAsync(harness);

        var ex = await Assert.ThrowsAsync<StartupProblemException>(() => harness.CreateStore(upgradesSchema: false).InitializeAsync(CancellationToken.None));

        Assert.Contains($"'{harness.DatabasePath}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"schema version {Old} and this GroupGuard needs {Latest}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Start the service once: it upgrades the database", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(Old, VersionOf(harness.DatabasePath));
        using var db = harness.OpenRaw();
        Assert.Equal(Old, db.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(harness.DatabasePath)!, "*.bak"));
    }

    [Fact]
    public async Task A_command_creates_the_schema_of_a_new_database_and_works_on_one_at_this_version()
    {
        using var harness = new SqliteStoreHarness(Path.Combine("data", "groupguard.db"));

        await harness.CreateStore(upgradesSchema: false).InitializeAsync(CancellationToken.None);
        await harness.CreateStore(upgradesSchema: false).InitializeAsync(CancellationToken.None); // the next command

        Assert.Equal(Latest, VersionOf(harness.DatabasePath));
        using var db = harness.OpenRaw();
        Assert.Equal("wal", db.ExecuteScalar<string>("PRAGMA journal_mode"));
    }
}
