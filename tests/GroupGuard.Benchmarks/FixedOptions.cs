using Microsoft.Extensions.Options;

namespace GroupGuard.Benchmarks;

/// <summary>Options that never change, for the components a benchmark builds by hand.</summary>
internal sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
