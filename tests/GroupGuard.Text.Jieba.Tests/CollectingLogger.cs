using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Text.Jieba.Tests;

/// <summary>Keeps what was logged, so a test can tell a real segmentation from the fail-open fallback.</summary>
internal sealed class CollectingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception), exception));
}
