using GroupGuard.Core;
using GroupGuard.Storage.Tests.Stores;

namespace GroupGuard.Storage.Tests.Sqlite;

// The store contract tests on a SQLite file each, and what is SQLite's alone: a database file
// that was deleted under the service, and the single writer turn the stores share.

public sealed class SqliteIncidentStoreTests : IncidentStoreTests
{
    private SqliteStoreHarness Sqlite => (SqliteStoreHarness)Harness;

    private protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteStoreHarness());

    [Fact]
    public async Task Adding_after_the_database_file_was_deleted_fails_instead_of_losing_the_incident()
    {
        await Harness.Store.AddAsync([Samples.Incident(messageId: "1")], CancellationToken.None);
        File.Delete(Sqlite.DatabasePath);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Harness.Store.AddAsync([Samples.Incident(messageId: "2")], CancellationToken.None));

        Assert.Contains(Sqlite.DatabasePath, ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Sqlite.DatabasePath));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_look_after_the_last_alert_reads_through_indexes_not_the_whole_table(bool someGroups)
    {
        // Each alert rule looks every two seconds with the commit window of its last alert: a
        // reading of every incident ever stored would take longer with each day of history.
        var now = Harness.Time.GetUtcNow();
        var query = new IncidentQuery(now.AddMinutes(-1), now, someGroups ? ["123456", "654321"] : null, ByDetectionTime: true, new CommitWindow(1_000, 900));
        var (sql, parameters) = Harness.Store.QuerySql(query);
        await using var connection = Sqlite.OpenRaw();

        var plan = (await Dapper.SqlMapper.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>(connection, "EXPLAIN QUERY PLAN " + sql, parameters)).Select(r => r.Detail).ToList();

        Assert.NotEmpty(plan);
        Assert.DoesNotContain(plan, d => d.StartsWith("SCAN incidents", StringComparison.Ordinal));
    }
}

public sealed class SqliteDigestOutboxTests : DigestOutboxTests
{
    private SqliteStoreHarness Sqlite => (SqliteStoreHarness)Harness;

    private protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteStoreHarness());

    [Fact]
    public async Task Creating_after_the_database_file_was_deleted_fails_instead_of_starting_an_empty_outbox()
    {
        await Outbox.CreateAsync(Digest(), CancellationToken.None);
        File.Delete(Sqlite.DatabasePath);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Outbox.CreateAsync(Digest(from: Day2, to: Day3), CancellationToken.None));

        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Sqlite.DatabasePath));
    }

    [Fact]
    public async Task Outbox_writes_wait_for_the_same_writer_turn_as_incident_writes()
    {
        Assert.Same(Harness.Store.Database, Outbox.Database);

        // With the turn free, a create is done by the time CreateAsync returns (SQLite's calls
        // complete synchronously underneath), so one not done at once below is one that waits.
        Assert.True(Outbox.CreateAsync(Digest(leader: "free"), CancellationToken.None).IsCompletedSuccessfully);
        var gate = new TaskCompletionSource();
        var holding = Harness.Store.Database.WithWriterAsync(
            async () =>
            {
                await gate.Task;
                return 0;
            },
            CancellationToken.None);

        var create = Outbox.CreateAsync(Digest(), CancellationToken.None);
        var waited = !create.IsCompleted;
        gate.SetResult();
        await holding;
        await create;

        Assert.True(waited, "The outbox wrote while another write held the writer turn.");
        Assert.Equal(2, (await ListAllAsync(null)).Count);
    }
}

public sealed class SqliteConsoleStoreTests : ConsoleStoreTests
{
    private protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteStoreHarness());
}

public sealed class SqliteGroupCommandStoreTests : GroupCommandStoreTests
{
    private protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteStoreHarness());
}

public sealed class SqliteImageBlockStoreTests : ImageBlockStoreTests
{
    private protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteStoreHarness());
}

public sealed class SqliteJoinDecisionStoreTests : JoinDecisionStoreTests
{
    private protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteStoreHarness());
}

public sealed class SqliteMessageCountTests : MessageCountTests
{
    private SqliteStoreHarness Sqlite => (SqliteStoreHarness)Harness;

    private protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteStoreHarness());

    [Fact]
    public async Task Adding_counts_after_the_database_file_was_deleted_fails()
    {
        await Store.AddMessageCountsAsync([new MessageCount("qq", "111", Hour0, 1)], CancellationToken.None);
        File.Delete(Sqlite.DatabasePath);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.AddMessageCountsAsync([new MessageCount("qq", "111", Hour0, 1)], CancellationToken.None));
        Assert.False(File.Exists(Sqlite.DatabasePath));
    }
}

public sealed class SqliteModerationStoreTests : ModerationStoreTests
{
    private protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteStoreHarness());
}

public sealed class SqliteRetentionTests : RetentionTests
{
    private protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteStoreHarness());
}
