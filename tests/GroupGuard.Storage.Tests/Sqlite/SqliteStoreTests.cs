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
