using System.Threading.Channels;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// When the moderation worker, caught up, settles (writes the message counts, saves the journal's
/// checkpoint and drops its moderated segments). Under a steady stream the queue runs dry after
/// nearly every message, and settling each time (a transaction for the counts, the checkpoint file
/// written and renamed, a journal segment started) cost more than moderating the message. So a
/// caught-up worker first waits up to <see cref="Grace"/> for another message and goes on without
/// settling when one comes, unless the last settle is <see cref="Every"/> old: a stream settles
/// about once a second, an idle worker at most <see cref="Grace"/> after its last message.
/// </summary>
internal sealed class SettlePacing<T>(ChannelReader<T> queue, TimeProvider time)
{
    /// <summary>How long a caught-up worker waits for another message before it settles.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(50);

    /// <summary>While messages keep coming within <see cref="Grace"/> of each other, it settles this often.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private long _settledAt = time.GetTimestamp();

    /// <summary>
    /// Called with the queue empty: true when another message came within <see cref="Grace"/> and
    /// the last settle is younger than <see cref="Every"/> (go on); false when it is time to settle
    /// (also when the queue is completed: a stop).
    /// </summary>
    public async ValueTask<bool> MoreSoonAsync()
    {
        if (time.GetElapsedTime(_settledAt) >= Every)
        {
            return false;
        }

        using var grace = new CancellationTokenSource(Grace, time);
        try
        {
            return await queue.WaitToReadAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (grace.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The worker has settled now.</summary>
    public void Settled() => _settledAt = time.GetTimestamp();
}
