using Microsoft.Extensions.Logging;

namespace GroupGuard.Testing;

/// <summary>One log call, formatted as an operator would read it (arguments filled in).</summary>
public sealed record LogEntry(LogLevel Level, string Message, Exception? Exception)
{
    /// <summary>The logger's category: the full name of the class that logged.</summary>
    public string Category { get; init; } = "";

    public EventId EventId { get; init; }

    /// <summary>The named values of a structured message (<c>{Rule}</c> → its value), and <c>{OriginalFormat}</c>.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; init; } = new Dictionary<string, object?>();

    /// <summary>The line with its level and exception, as a console would show it.</summary>
    public override string ToString() => $"{Level}: {Message}{(Exception is null ? "" : " " + Exception)}";
}

/// <summary>
/// Keeps what was logged under every category, for a host (<see cref="ILoggerProvider"/>, e.g.
/// <c>logging.AddProvider(logs)</c>), and lets a test wait for an entry instead of sleeping.
/// </summary>
public sealed class LogCollector : ILoggerProvider
{
    public Recording<LogEntry> Recording { get; } = new();

    public IReadOnlyList<LogEntry> Entries => Recording.Items;

    /// <summary>The first entry, logged already or to come, that <paramref name="match"/> accepts.</summary>
    public Task<LogEntry> WaitFor(Func<LogEntry, bool> match, string what = "a matching log entry", TimeSpan? safety = null) =>
        Recording.WaitForAsync(match, what, safety);

    /// <summary>The first entry of <typeparamref name="TCategory"/>'s logger that <paramref name="match"/> accepts.</summary>
    public Task<LogEntry> WaitFor<TCategory>(Func<LogEntry, bool> match, string what = "a matching log entry", TimeSpan? safety = null) =>
        Recording.WaitForAsync(e => e.Category == typeof(TCategory).FullName && match(e), what, safety);

    public ILogger CreateLogger(string categoryName) => new CollectingLogger(categoryName, Recording);

    public void Dispose()
    {
        // Nothing to release: the entries stay readable after the host is gone.
    }
}

/// <summary>An <see cref="ILogger{T}"/> that keeps what was logged, and lets a test wait for an entry instead of sleeping.</summary>
public sealed class LogCollector<T> : ILogger<T>
{
    private readonly CollectingLogger _logger;

    public LogCollector() => _logger = new CollectingLogger(typeof(T).FullName ?? typeof(T).Name, Recording);

    public Recording<LogEntry> Recording { get; } = new();

    public IReadOnlyList<LogEntry> Entries => Recording.Items;

    /// <summary>Each entry as a console line: level, message, exception.</summary>
    public IReadOnlyList<string> Lines => [.. Entries.Select(e => e.ToString())];

    /// <summary>The first entry, logged already or to come, that <paramref name="match"/> accepts.</summary>
    public Task<LogEntry> WaitFor(Func<LogEntry, bool> match, string what = "a matching log entry", TimeSpan? safety = null) =>
        Recording.WaitForAsync(match, what, safety);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _logger.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _logger.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _logger.Log(logLevel, eventId, state, exception, formatter);
}

internal sealed class CollectingLogger(string category, Recording<LogEntry> entries) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs)
            {
                values[key] = value;
            }
        }

        entries.Add(new LogEntry(logLevel, formatter(state, exception), exception) { Category = category, EventId = eventId, Values = values });
    }
}
