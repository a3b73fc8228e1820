using System.Collections.Concurrent;
using GroupGuard.Core;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Messages seen per group and hour, so digests can say "3 incidents in 4,120 messages". Counted in
/// memory and written every second (and at stop) in one batch: a kill -9 loses at most the last
/// second's counts.
/// </summary>
internal sealed partial class MessageCounter(IIncidentStore store, TimeProvider time, ILogger<MessageCounter> logger) : BackgroundService
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(1);
    private ConcurrentDictionary<(string Platform, string GroupId, DateTimeOffset Hour), long> _counts = new();

    public void Count(ChatMessage message)
    {
        var t = message.Time.ToUniversalTime();
        var hour = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);
        _counts.AddOrUpdate((message.Platform, message.GroupId, hour), 1, (_, n) => n + 1);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: flushed below.
        }

        await FlushAsync();
    }

    internal async Task FlushAsync()
    {
        var batch = Interlocked.Exchange(ref _counts, new());
        if (batch.IsEmpty)
        {
            return;
        }

        var counts = batch.Select(p => new MessageCount(p.Key.Platform, p.Key.GroupId, p.Key.Hour, p.Value)).ToList();
        try
        {
            await store.AddMessageCountsAsync(counts, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Put them back: counts are not worth losing to a passing storage fault.
            foreach (var c in counts)
            {
                _counts.AddOrUpdate((c.Platform, c.GroupId, c.Hour), c.Count, (_, n) => n + c.Count);
            }

            LogFlushFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing message counters failed; kept for the next try")]
    private partial void LogFlushFailed(Exception ex);
}
