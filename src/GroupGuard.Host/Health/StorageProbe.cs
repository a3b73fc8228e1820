using GroupGuard.Core;

namespace GroupGuard.Host.Health;

/// <summary>
/// The storage check behind <c>/healthz</c>, run at most once every <see cref="FreshFor"/> however
/// often it is asked (the check writes a row): a flood of health requests costs the database nothing.
/// Callers at the same moment share one check.
/// </summary>
internal sealed class StorageProbe(IIncidentStore store, TimeProvider time)
{
    internal static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly ThrottledCheck<Result> _check = new(time, FreshFor, Timeout);

    /// <summary>The storage status, or why storage is unusable.</summary>
    public sealed record Result(DateTimeOffset At, StorageStatus? Status, string? Error);

    public Task<Result> CheckAsync(CancellationToken cancellationToken) =>
        _check.GetAsync(
            async token => new Result(time.GetUtcNow(), await store.CheckAsync(token), null),
            ex => new Result(time.GetUtcNow(), null, ex.Message),
            cancellationToken);
}
