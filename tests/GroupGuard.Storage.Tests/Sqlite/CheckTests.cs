using Dapper;
using GroupGuard.Storage.Sqlite;
using GroupGuard.Storage.Stores;
using GroupGuard.Storage.Tests.Stores;

namespace GroupGuard.Storage.Tests.Sqlite;

public sealed class CheckTests
{
    [Fact]
    public async Task Check_reports_provider_full_path_and_schema_version()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Samples.Incident(messageId: "1"), Samples.Incident(messageId: "2")], CancellationToken.None);

        var status = await harness.Store.CheckAsync(CancellationToken.None);

        Assert.Equal("sqlite", status.Provider);
        Assert.Equal(harness.DatabasePath, status.Location);
        Assert.True(Path.IsPathFullyQualified(status.Location));
        Assert.Equal(SqliteDatabase.Embedded[^1].Version, status.SchemaVersion);
    }

    [Fact]
    public async Task Check_proves_a_write_by_stamping_the_health_row()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);

        await harness.Store.CheckAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await harness.Store.CheckAsync(CancellationToken.None);

        using var db = harness.OpenRaw();
        Assert.Equal("2025-03-01T12:01:00.000Z", db.ExecuteScalar<string>("SELECT checked_at FROM storage_health WHERE id = 1"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_new_database_and_its_write_ahead_log_are_readable_by_the_service_user_only()
    {
        using var harness = new SqliteStoreHarness("data/groupguard.db");
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Samples.Incident(messageId: "1")], CancellationToken.None);

        // A connection of the test's own (not pooled) keeps the write-ahead log there while it is
        // looked at: any other test's clean-up clears every pool in the process, and when the
        // store's last pooled connection closes SQLite checkpoints the log and deletes the file.
        using var db = harness.OpenRaw();
        Assert.Equal(1, db.ExecuteScalar<long>("SELECT COUNT(*) FROM incidents"));

        // The text of flagged messages and the personal data a rule caught are in there.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(harness.DatabasePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(harness.DatabasePath + "-wal"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task An_existing_database_file_keeps_the_permissions_its_operator_gave_it()
    {
        using var harness = new SqliteStoreHarness();
        const UnixFileMode GroupReadable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        File.Create(harness.DatabasePath).Dispose();
        File.SetUnixFileMode(harness.DatabasePath, GroupReadable);

        await harness.Store.InitializeAsync(CancellationToken.None);

        Assert.Equal(GroupReadable, File.GetUnixFileMode(harness.DatabasePath));
    }

    [Fact]
    public async Task Check_fails_when_the_database_path_is_a_directory()
    {
        using var harness = new SqliteStoreHarness();
        Directory.CreateDirectory(harness.DatabasePath);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Store.CheckAsync(CancellationToken.None));

        Assert.Contains(harness.DatabasePath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_fails_on_a_file_that_is_not_a_database()
    {
        using var harness = new SqliteStoreHarness();
        await File.WriteAllBytesAsync(harness.DatabasePath, Enumerable.Repeat((byte)'x', 8192).ToArray());

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Store.CheckAsync(CancellationToken.None));

        Assert.Contains(harness.DatabasePath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("not a database", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_fails_clearly_on_a_file_that_is_not_a_database()
    {
        using var harness = new SqliteStoreHarness();
        await File.WriteAllBytesAsync(harness.DatabasePath, Enumerable.Repeat((byte)'x', 8192).ToArray());

        var ex = await Assert.ThrowsAsync<GroupGuard.Core.StartupProblemException>(() => harness.Store.InitializeAsync(CancellationToken.None));

        Assert.Contains(harness.DatabasePath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Storage:ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_fails_when_the_database_file_was_deleted_and_does_not_recreate_it()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.CheckAsync(CancellationToken.None);
        File.Delete(harness.DatabasePath);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Store.CheckAsync(CancellationToken.None));

        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(harness.DatabasePath));
    }

    [Fact]
    public async Task Check_fails_on_a_database_that_was_never_initialized()
    {
        using var harness = new SqliteStoreHarness();
        using (harness.OpenRawCreate())
        {
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Store.CheckAsync(CancellationToken.None));

        Assert.Contains("no incident schema", ex.Message, StringComparison.Ordinal);
    }
}
