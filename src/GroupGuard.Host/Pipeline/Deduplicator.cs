namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Remembers the most recent event keys so a redelivered event is processed once. Bounded: the
/// oldest keys are forgotten first. (The incident store's unique key catches a redelivery that
/// comes after the key was forgotten or the service restarted.)
/// </summary>
internal sealed class Deduplicator(int capacity = 100_000)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>True the first time a key is offered; false for every repeat while it is remembered.</summary>
    public bool TryAdd(string key)
    {
        lock (_lock)
        {
            if (!_seen.Add(key))
            {
                return false;
            }

            _order.Enqueue(key);
            if (_order.Count > capacity)
            {
                _seen.Remove(_order.Dequeue());
            }

            return true;
        }
    }

    /// <summary>Forgets a key, so that an event refused for a full queue can be delivered again.</summary>
    public void Forget(string key)
    {
        lock (_lock)
        {
            _seen.Remove(key);
        }
    }
}
