namespace GroupGuard.Host.Pipeline;

/// <summary>
/// A bounded map that forgets the entry used least recently first, once it holds
/// <paramref name="capacity"/>: the memory of answers the platform gave (<see cref="JoinTimes"/>,
/// <see cref="GroupNames"/>), each keeping what it needs to know in <typeparamref name="TValue"/>
/// (when it expires, where it came from). Thread-safe; one lock for the map and the order.
/// </summary>
internal sealed class RecentlyUsed<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _entries = [];

    // Most recently used first; the last one is the first to go.
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();

    /// <summary>The entry of <paramref name="key"/>, made the most recently used; false when there is none.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>
    /// Stores <paramref name="value"/> for <paramref name="key"/> as the most recently used, unless
    /// an entry is there that <paramref name="keep"/> says stands; returns what is stored then.
    /// </summary>
    public TValue Remember(TKey key, TValue value, Func<TValue, bool> keep)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                if (!keep(node.Value.Value))
                {
                    node.Value = (key, value);
                }

                _order.AddFirst(node);
                return node.Value.Value;
            }

            if (_entries.Count >= capacity && _order.Last is { } oldest)
            {
                _entries.Remove(oldest.Value.Key);
                _order.RemoveLast();
            }

            _entries[key] = _order.AddFirst((key, value));
            return value;
        }
    }
}

/// <summary>Adapters by the protocols they answer for: the first registered for a protocol, as with <c>TryAdd</c>.</summary>
internal static class ProtocolAdapters
{
    public static Dictionary<Core.Protocol, T> ByProtocol<T>(IEnumerable<T> adapters, Func<T, IEnumerable<Core.Protocol>> protocols)
    {
        var byProtocol = new Dictionary<Core.Protocol, T>();
        foreach (var adapter in adapters)
        {
            foreach (var protocol in protocols(adapter))
            {
                byProtocol.TryAdd(protocol, adapter);
            }
        }

        return byProtocol;
    }
}
