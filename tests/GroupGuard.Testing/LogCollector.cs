using Microsoft.Extensions.Logging;

namespace GroupGuard.Testing;

public sealed record LogEntry(LogLevel Level, string Message, Exception? Exception);

/// <summary>Keeps what was logged, and lets a test wait for an entry instead of sleeping.</summary>
public sealed class LogCollector<T> : ILogger<T>
{
    private readonly Lock _lock = new();
    private readonly List<LogEntry> _entries = [];
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Signal)> _waiting = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The first entry, logged already or to come, that <paramref name="match"/> accepts.</summary>
    public Task<LogEntry> WaitFor(Func<LogEntry, bool> match)
    {
        lock (_lock)
        {
            if (_entries.Find(e => match(e)) is { } logged)
            {
                return Task.FromResult(logged);
            }

            var signal = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((match, signal));
            return signal.Task;
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var entry = new LogEntry(logLevel, formatter(state, exception), exception);
        lock (_lock)
        {
            _entries.Add(entry);
            foreach (var waiting in _waiting.Where(w => w.Match(entry)).ToArray())
            {
                _waiting.Remove(waiting);
                waiting.Signal.SetResult(entry);
            }
        }
    }
}
