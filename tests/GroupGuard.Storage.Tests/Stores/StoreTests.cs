namespace GroupGuard.Storage.Tests.Stores;

/// <summary>
/// The base of the store contract tests: each test class derives from it once per provider
/// (<c>Sqlite…Tests</c>, <c>Postgres…Tests</c>), which says how its harness is made. The harness
/// is made and its store initialized before each test, as the service does at start.
/// </summary>
public abstract class StoreTests : IAsyncLifetime
{
    private StoreHarness? _harness;

    private protected StoreHarness Harness =>
        _harness ?? throw new InvalidOperationException("The harness is made in InitializeAsync, before each test.");

    /// <summary>A harness on a database of its own, not yet initialized.</summary>
    private protected abstract Task<StoreHarness> CreateHarnessAsync();

    public async Task InitializeAsync()
    {
        _harness = await CreateHarnessAsync();
        await _harness.Store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }
}
