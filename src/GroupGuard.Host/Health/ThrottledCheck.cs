using GroupGuard.Core;

namespace GroupGuard.Host.Health;

/// <summary>
/// A check behind <c>/healthz</c> that reads the database: run at most once every
/// <c>freshFor</c> however often it is asked, callers at the same moment sharing one run, each run
/// cut off after <c>timeout</c>. A flood of health requests then costs the database nothing.
/// </summary>
internal sealed class ThrottledCheck<T>(TimeProvider time, TimeSpan freshFor, TimeSpan timeout)
    where T : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, T Value)? _last;

    /// <summary>The last result while fresh, else a new run of <paramref name="check"/>; <paramref name="failed"/> makes the result of a run that threw.</summary>
    public async Task<T> GetAsync(Func<CancellationToken, Task<T>> check, Func<Exception, T> failed, CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } meanwhile)
            {
                return meanwhile;
            }

            using var limit = new Deadline(timeout, time, cancellationToken);
            T value;
            try
            {
                value = await check(limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
            {
                // Cut off by the timeout: "The operation was canceled." said nothing of why.
                value = failed(new TimeoutException(
                    $"no answer within {timeout.TotalSeconds:0.#} s: the database is busy, or locked by another process or a long write"));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                value = failed(ex);
            }

            _last = (time.GetUtcNow(), value);
            return value;
        }
        finally
        {
            _gate.Release();
        }
    }

    // A result from the future (the clock was set back since) is no longer fresh: it would otherwise
    // be served, "ok" or "unusable", for as long as the clock went back.
    private T? Fresh() => _last is { } last && time.GetUtcNow() - last.At is var age && age >= TimeSpan.Zero && age < freshFor ? last.Value : null;
}
