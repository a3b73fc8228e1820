using Microsoft.Extensions.Options;

namespace GroupGuard.Testing;

/// <summary>
/// Settings for a component a test builds by hand: their current value, which the test may change
/// as a reload of the settings would (<see cref="Set"/> tells whoever listens; assigning
/// <see cref="CurrentValue"/> does not).
/// </summary>
public sealed class SettableOptions<T>(T value) : IOptionsMonitor<T>, IOptions<T>
    where T : class
{
    private readonly List<Action<T, string?>> _listeners = [];

    public T CurrentValue { get; set; } = value;

    T IOptions<T>.Value => CurrentValue;

    public T Get(string? name) => CurrentValue;

    public IDisposable OnChange(Action<T, string?> listener)
    {
        lock (_listeners)
        {
            _listeners.Add(listener);
        }

        return new Unsubscribe(() =>
        {
            lock (_listeners)
            {
                _listeners.Remove(listener);
            }
        });
    }

    /// <summary>Changes the current value and tells the listeners, as a reload does.</summary>
    public void Set(T changed)
    {
        CurrentValue = changed;
        List<Action<T, string?>> listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            listener(changed, null);
        }
    }

    private sealed class Unsubscribe(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
