namespace GroupGuard.Testing;

/// <summary>
/// What happened, in order, filled in by fakes and observers while a test runs, and the signals a
/// test waits on instead of sleeping: "this has happened", "N of these have happened".
/// </summary>
public sealed class Recording<T>
{
    private readonly Lock _lock = new();
    private readonly List<T> _items = [];
    private readonly List<(Func<IReadOnlyList<T>, bool> Condition, TaskCompletionSource<IReadOnlyList<T>> Signal)> _waiting = [];

    /// <summary>Everything so far, in the order it was recorded.</summary>
    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_lock)
            {
                return [.. _items];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public void Add(T item)
    {
        var released = new List<(TaskCompletionSource<IReadOnlyList<T>> Signal, IReadOnlyList<T> Items)>();
        lock (_lock)
        {
            _items.Add(item);
            foreach (var waiting in _waiting.Where(w => w.Condition(_items)).ToList())
            {
                _waiting.Remove(waiting);
                released.Add((waiting.Signal, [.. _items]));
            }
        }

        foreach (var (signal, items) in released)
        {
            signal.TrySetResult(items);
        }
    }

    /// <summary>Everything recorded once <paramref name="condition"/> holds for it (now or after a later item).</summary>
    public Task<IReadOnlyList<T>> WaitUntilAsync(Func<IReadOnlyList<T>, bool> condition, string what, TimeSpan? safety = null)
    {
        Task<IReadOnlyList<T>> signal;
        lock (_lock)
        {
            if (condition(_items))
            {
                return Task.FromResult<IReadOnlyList<T>>([.. _items]);
            }

            var source = new TaskCompletionSource<IReadOnlyList<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((condition, source));
            signal = source.Task;
        }

        return WithSafetyAsync(signal, what, safety);
    }

    /// <summary>Everything recorded once there are at least <paramref name="count"/> items.</summary>
    public Task<IReadOnlyList<T>> WaitForCountAsync(int count, string? what = null, TimeSpan? safety = null) =>
        WaitUntilAsync(items => items.Count >= count, what ?? $"{count} recorded", safety);

    /// <summary>The first item, recorded already or to come, that <paramref name="match"/> accepts.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, string? what = null, TimeSpan? safety = null)
    {
        var items = await WaitUntilAsync(items => items.Any(match), what ?? "a matching item", safety).ConfigureAwait(false);
        return items.First(match);
    }

    private async Task<IReadOnlyList<T>> WithSafetyAsync(Task<IReadOnlyList<T>> signal, string what, TimeSpan? safety)
    {
        try
        {
            return await signal.WaitAsync(safety ?? Patience.Safety).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            var items = Items;
            var last = string.Join(" | ", items.TakeLast(10));
            throw new TimeoutException(
                $"Waited {safety ?? Patience.Safety} (the safety timeout) for {what}; {items.Count} recorded{(items.Count == 0 ? "" : ", the last: " + last)}.", ex);
        }
    }
}
