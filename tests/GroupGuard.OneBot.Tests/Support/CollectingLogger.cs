using Microsoft.Extensions.Logging;

namespace GroupGuard.OneBot.Tests.Support;

/// <summary>Keeps every formatted log line, to check what an operator would read.</summary>
internal sealed class CollectingLogger<T> : ILogger<T>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
    }
}
