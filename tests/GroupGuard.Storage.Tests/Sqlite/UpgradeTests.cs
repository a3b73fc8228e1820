using Dapper;
using GroupGuard.Core;
using GroupGuard.Storage.Migrations;
using GroupGuard.Storage.Sqlite;
using GroupGuard.Storage.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

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

    [Fact]
    public async Task The_service_copies_an_older_database_beside_it_before_upgrading_and_logs_from_which_version_to_which()
    {
        using var harness = new SqliteStoreHarness();
        await MakeOldAsync(harness);
        var logs = new LogCollector<IncidentStore>();

        await harness.CreateStore(logger: logs).InitializeAsync(CancellationToken.None);

        var copy = harness.DatabasePath + $".schema{Old}.bak";
        Assert.Equal(Latest, VersionOf(harness.DatabasePath));
        Assert.True(File.Exists(copy), $"no copy at {copy}");
        Assert.Equal(Old, VersionOf(copy)); // what the older GroupGuard opens
        using (var copied = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False"))
        {
            copied.Open();
            Assert.Equal("qq:10001", copied.ExecuteScalar<string>("SELECT changed_by FROM group_switches WHERE group_id = '123456'"));
        }

        if (!OperatingSystem.IsWindows())
        {
            // The copy holds what the database holds: for the service's user only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(copy));
        }

        Assert.False(File.Exists(copy + ".partial"));
        var upgraded = Assert.Single(logs.Entries, e => e.Message.StartsWith("Upgraded ", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, upgraded.Level);
        Assert.Contains($"{harness.DatabasePath} from schema version {Old} to {Latest}", upgraded.Message, StringComparison.Ordinal);
        Assert.Contains(copy, upgraded.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Copied ", StringComparison.Ordinal) && e.Message.Contains(copy, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_copy_already_there_is_kept_as_it_is_with_a_warning_and_the_upgrade_goes_on()
    {
        using var harness = new SqliteStoreHarness();
        await MakeOldAsync(harness);
        var copy = harness.DatabasePath + $".schema{Old}.bak";
        await File.WriteAllTextAsync(copy, "the operator's own copy");
        var logs = new LogCollector<IncidentStore>();

        await harness.CreateStore(logger: logs).InitializeAsync(CancellationToken.None);

        Assert.Equal("the operator's own copy", await File.ReadAllTextAsync(copy));
        Assert.Equal(Latest, VersionOf(harness.DatabasePath));
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(copy, warning.Message, StringComparison.Ordinal);
        Assert.Contains("no new copy is made", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_that_cannot_be_made_stops_the_start_naming_where_and_the_setting_and_leaves_the_database_at_its_version()
    {
        // A file name the database and its -wal and -shm files fit in, but not the copy's (at most
        // 255 bytes a name on Linux): the copy fails as on a full disk or a read-only folder, root or not.
        using var harness = new SqliteStoreHarness(new string('g', 240) + ".db");
        await MakeOldAsync(harness);
        var copy = harness.DatabasePath + $".schema{Old}.bak";

        var ex = await Assert.ThrowsAsync<StartupProblemException>(() => harness.CreateStore().InitializeAsync(CancellationToken.None));

        Assert.Contains($"could not copy the SQLite database '{harness.DatabasePath}' to '{copy}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"from schema version {Old} to {Latest}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Storage:ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Old, VersionOf(harness.DatabasePath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(harness.DatabasePath)!, "*.bak*"));
    }
}
