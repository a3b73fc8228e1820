using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Remembers the most recent event keys so a redelivered event is processed once. Bounded: the
/// oldest keys are forgotten first. (The incident store's unique key catches a redelivery that
/// comes after the key was forgotten or the service restarted.)
/// </summary>
/// <remarks>
/// A key is kept as its 128-bit hash (XxHash128 under a seed drawn at start, so nobody outside can
/// aim two keys at one hash; that two different keys share one has odds of about 1 in 10^28 among a
/// hundred thousand), in arrays of structs: keeping the key strings themselves made each of them
/// live for minutes, long enough to reach the oldest generation of the heap and be dropped there,
/// a hundred thousand strings every hundred seconds at 1,000 messages a second, which the service's
/// resident size showed for its first ten minutes until the collector caught up.
/// </remarks>
internal sealed class Deduplicator(int capacity = 100_000)
{
    private readonly long _seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));

    // Each remembered key with the number of its place in the order; a place whose key was
    // forgotten (or forgotten and offered again, under a later number) is stale: it no longer
    // counts against the capacity, and forgets nothing when it leaves.
    private readonly Dictionary<UInt128, long> _seen = [];
    private readonly Queue<(UInt128 Hash, long Place)> _order = new();
    private readonly Lock _lock = new();
    private long _places;
    private int _stale;

    /// <summary>True the first time a key is offered; false for every repeat while it is remembered.</summary>
    public bool TryAdd(string key)
    {
        var hash = Hash(key);
        lock (_lock)
        {
            if (!_seen.TryAdd(hash, _places))
            {
                return false;
            }

            _order.Enqueue((hash, _places++));

            // Stale places past the capacity (refusals, nothing else coming) are dropped all at
            // once: more than the capacity of them came since the last time, so it costs each little.
            if (_stale > capacity)
            {
                var live = _order.Where(p => _seen.TryGetValue(p.Hash, out var at) && at == p.Place).ToList();
                _order.Clear();
                foreach (var entry in live)
                {
                    _order.Enqueue(entry);
                }

                _stale = 0;
            }

            // The oldest go once more keys are remembered than the capacity; stale places go with them.
            while (_order.Count - _stale > capacity)
            {
                var (oldest, place) = _order.Dequeue();
                if (_seen.TryGetValue(oldest, out var live) && live == place)
                {
                    _seen.Remove(oldest);
                }
                else
                {
                    _stale--;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Forgets a key, so that an event refused for a full queue can be delivered again. Its place
    /// in the order goes stale: it takes no room from the keys remembered, and when it leaves it no
    /// longer takes the key with it if the key was offered again meanwhile.
    /// </summary>
    public void Forget(string key)
    {
        var hash = Hash(key);
        lock (_lock)
        {
            if (_seen.Remove(hash))
            {
                _stale++;
            }
        }
    }

    private UInt128 Hash(string key) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(key.AsSpan()), _seed);
}
