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
    private readonly HashSet<UInt128> _seen = [];
    private readonly Queue<UInt128> _order = new();
    private readonly Lock _lock = new();

    /// <summary>True the first time a key is offered; false for every repeat while it is remembered.</summary>
    public bool TryAdd(string key)
    {
        var hash = Hash(key);
        lock (_lock)
        {
            if (!_seen.Add(hash))
            {
                return false;
            }

            _order.Enqueue(hash);
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
        var hash = Hash(key);
        lock (_lock)
        {
            _seen.Remove(hash);
        }
    }

    private UInt128 Hash(string key) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(key.AsSpan()), _seed);
}
