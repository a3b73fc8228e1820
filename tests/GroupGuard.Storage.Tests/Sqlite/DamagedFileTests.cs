using GroupGuard.Core;
using GroupGuard.Storage.Tests.Stores;
using Microsoft.Data.Sqlite;

namespace GroupGuard.Storage.Tests.Sqlite;

/// <summary>
/// A database file a disk damaged: the operator learns which file, that it is damaged and what to
/// do, at start where it can be seen then, and from the write that meets it otherwise; not SQLite's
/// bare "database disk image is malformed".
/// </summary>
public sealed class DamagedFileTests
{
    [Fact]
    public async Task A_damaged_table_stops_the_start_naming_the_file_and_what_to_do()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Samples.Incident(messageId: "1")], CancellationToken.None);
        harness.DamageRootPage("incidents");

        var ex = await Assert.ThrowsAsync<StartupProblemException>(() => harness.CreateStore().InitializeAsync(CancellationToken.None));

        AssertSaysDamaged(harness, ex.Message);
        Assert.Contains("GroupGuard:Storage:ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_index_stops_the_start_too()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        harness.DamageRootPage("ix_incidents_group_time");

        var ex = await Assert.ThrowsAsync<StartupProblemException>(() => harness.CreateStore().InitializeAsync(CancellationToken.None));

        AssertSaysDamaged(harness, ex.Message);
    }

    [Fact]
    public async Task A_database_whose_header_was_overwritten_stops_the_start_as_damaged()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        SqliteConnection.ClearAllPools();
        using (var file = new FileStream(harness.DatabasePath, FileMode.Open, FileAccess.Write))
        {
            file.Write(new byte[100]);
        }

        var ex = await Assert.ThrowsAsync<StartupProblemException>(() => harness.CreateStore().InitializeAsync(CancellationToken.None));

        AssertSaysDamaged(harness, ex.Message);
        Assert.Contains("not a database", ex.Message, StringComparison.Ordinal); // SQLite's own words are kept
    }

    [Fact]
    public async Task A_database_cut_to_half_its_size_stops_the_start_as_damaged()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        SqliteConnection.ClearAllPools();
        using (var file = new FileStream(harness.DatabasePath, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length / 2);
        }

        var ex = await Assert.ThrowsAsync<StartupProblemException>(() => harness.CreateStore().InitializeAsync(CancellationToken.None));

        AssertSaysDamaged(harness, ex.Message);
    }

    [Fact]
    public async Task A_whole_database_starts_as_before()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Samples.Incident(messageId: "1")], CancellationToken.None);
        SqliteConnection.ClearAllPools();

        var again = harness.CreateStore();
        await again.InitializeAsync(CancellationToken.None);

        Assert.Equal("sqlite", (await again.CheckAsync(CancellationToken.None)).Provider);
    }

    /// <summary>Damage found after the start (a page the start did not read, or damage since): the write that meets it says so.</summary>
    [Fact]
    public async Task A_write_that_meets_a_damaged_page_names_the_file_and_says_it_is_damaged()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        harness.DamageRootPage("incidents");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => harness.Store.AddAsync([Samples.Incident(messageId: "1")], CancellationToken.None));

        AssertSaysDamaged(harness, ex.Message);
        Assert.False(StorageErrors.IsUncurable(ex)); // tried again, the message kept in the journal, not given up on
    }

    [Fact]
    public async Task The_health_check_says_the_database_is_damaged()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        harness.DamageRootPage("storage_health");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Store.CheckAsync(CancellationToken.None));

        AssertSaysDamaged(harness, ex.Message);
    }

    private static void AssertSaysDamaged(SqliteStoreHarness harness, string message)
    {
        Assert.Contains($"'{harness.DatabasePath}' is damaged", message, StringComparison.Ordinal);
        Assert.Contains("restore the file from a backup", message, StringComparison.Ordinal);
        Assert.Contains("A damaged database", message, StringComparison.Ordinal); // README's section on saving what it holds
    }
}
