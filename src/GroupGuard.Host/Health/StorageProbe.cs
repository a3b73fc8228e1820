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

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Result? _last;

    /// <summary>The storage status, or why storage is unusable.</summary>
    public sealed record Result(DateTimeOffset At, StorageStatus? Status, string? Error);

    public async Task<Result> CheckAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_last) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(_last) is { } checkedMeanwhile)
            {
                return checkedMeanwhile;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            Result result;
            try
            {
                result = new Result(time.GetUtcNow(), await store.CheckAsync(timeout.Token), null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                result = new Result(time.GetUtcNow(), null, ex.Message);
            }

            _last = result;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Result? Fresh(Result? result) =>
        result is not null && time.GetUtcNow() - result.At < FreshFor ? result : null;
}
