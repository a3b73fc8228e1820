using System.Threading.Channels;

namespace GroupGuard.Host.Pipeline;

/// <summary>Runs what a queue yields, up to a number of items at once, until the service stops.</summary>
internal static class SideBySide
{
    /// <summary>
    /// Reads <paramref name="reader"/> until <paramref name="stoppingToken"/> is cancelled, running
    /// <paramref name="run"/> on at most <paramref name="concurrency"/> items at once, then waits for
    /// those still running. What is still queued when the service stops is left there; an item
    /// cancelled mid-run ends quietly. <paramref name="run"/> handles its own failures; one it did
    /// not foresee (a defect) is told to <paramref name="failed"/> and the rest go on.
    /// </summary>
    public static async Task RunAsync<T>(ChannelReader<T> reader, int concurrency, Func<T, CancellationToken, Task> run, Action<T, Exception> failed, CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var running = new List<Task>();
        try
        {
            await foreach (var item in reader.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(RunReleasingAsync(item));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await Task.WhenAll(running);

        async Task RunReleasingAsync(T item)
        {
            try
            {
                await run(item, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping mid-item.
            }
            catch (Exception ex)
            {
                // Not left in a faulted task nobody reads: said, and the next item runs.
                failed(item, ex);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
