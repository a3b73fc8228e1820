using GroupGuard.Storage.Tests.Stores;

namespace GroupGuard.Storage.Tests.Postgres;

// The store contract tests, each on a fresh database of the shared PostgreSQL (never skipped: with
// no server they fail, saying what to install).

[Collection(PostgresCollection.Name)]
public sealed class PostgresIncidentStoreTests(PostgresServer server) : IncidentStoreTests
{
    private protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresStoreHarness.CreateAsync(server, nameof(IncidentStoreTests));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDigestOutboxTests(PostgresServer server) : DigestOutboxTests
{
    private protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresStoreHarness.CreateAsync(server, nameof(DigestOutboxTests));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresConsoleStoreTests(PostgresServer server) : ConsoleStoreTests
{
    private protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresStoreHarness.CreateAsync(server, nameof(ConsoleStoreTests));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGroupCommandStoreTests(PostgresServer server) : GroupCommandStoreTests
{
    private protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresStoreHarness.CreateAsync(server, nameof(GroupCommandStoreTests));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresImageBlockStoreTests(PostgresServer server) : ImageBlockStoreTests
{
    private protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresStoreHarness.CreateAsync(server, nameof(ImageBlockStoreTests));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresJoinDecisionStoreTests(PostgresServer server) : JoinDecisionStoreTests
{
    private protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresStoreHarness.CreateAsync(server, nameof(JoinDecisionStoreTests));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMessageCountTests(PostgresServer server) : MessageCountTests
{
    private protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresStoreHarness.CreateAsync(server, nameof(MessageCountTests));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresModerationStoreTests(PostgresServer server) : ModerationStoreTests
{
    private protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresStoreHarness.CreateAsync(server, nameof(ModerationStoreTests));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRetentionTests(PostgresServer server) : RetentionTests
{
    private protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresStoreHarness.CreateAsync(server, nameof(RetentionTests));
}
