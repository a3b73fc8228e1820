namespace GroupGuard.Core;

/// <summary>
/// The caller's token, cancelled as well once <c>after</c> has passed on the injected clock: how the
/// service times out a lookup, a request or a child process, so that a test's fake clock moves the
/// timeout too (a timeout on the system's timers would not). A time already past cancels at once.
/// Dispose it when the work is done.
/// </summary>
public readonly struct Deadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public Deadline(TimeSpan after, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        _timer = new CancellationTokenSource(after > TimeSpan.Zero ? after : TimeSpan.Zero, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);
    }

    /// <summary>Cancelled when the caller's token is, or the time has passed.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Whether <see cref="Token"/> is cancelled, for either reason.</summary>
    public bool IsCancellationRequested => _linked.IsCancellationRequested;

    public void Dispose()
    {
        _linked?.Dispose();
        _timer?.Dispose();
    }
}
